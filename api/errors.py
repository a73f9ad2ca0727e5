"""One exception family and one handler: every error leaves as Stripe's envelope.

`{"error": {"type", "code", "message", "param", ...}}` with Stripe's HTTP statuses. Null fields
are omitted. Unexpected exceptions become a logged 500 `api_error`, never an HTML page.
"""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django_fsm import TransitionNotAllowed
from rest_framework import exceptions as drf_exceptions
from rest_framework.response import Response

from core import exceptions as domain
from core.wire import render

logger = logging.getLogger("till.api")


class ApiError(Exception):
    status: int = 400
    type: str = "invalid_request_error"
    default_code: str | None = None
    # Stripe stores a response for idempotent replay only once execution has begun:
    # failures of authentication, rate limits and parameter validation are not stored.
    stored: bool = True

    def __init__(self, message: str, *, code: str | None = None, param: str | None = None,
                 status: int | None = None, headers: dict[str, str] | None = None,
                 **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.param = param
        if status is not None:
            self.status = status
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict[str, Any]:
        error = {"type": self.type, "code": self.code, "message": self.message,
                 "param": self.param, **self.extra}
        return {"error": {k: v for k, v in error.items() if v is not None}}


class InvalidRequestError(ApiError):
    pass


class ParameterError(InvalidRequestError):
    """A parameter failed validation before anything was executed."""

    stored = False


class RequestTooLargeError(InvalidRequestError):
    """A body over TILL_MAX_REQUEST_BYTES, refused before it is read (or parsed)."""

    status = 413
    stored = False


class NotFoundError(InvalidRequestError):
    status = 404
    default_code = "resource_missing"


class AuthenticationError(InvalidRequestError):
    status = 401
    stored = False


class PermissionError(InvalidRequestError):  # noqa: A001 - Stripe's name for a 403
    status = 403


class CardError(ApiError):
    status = 402
    type = "card_error"


class IdempotencyError(ApiError):
    type = "idempotency_error"
    stored = False


class ConflictError(InvalidRequestError):
    status = 409
    stored = False


class RateLimitError(InvalidRequestError):
    status = 429
    default_code = "rate_limit"
    stored = False


RATE_LIMITED = ("Request rate limit exceeded. You can learn more about rate limits in the "
                "README.")


class ApiServerError(ApiError):
    status = 500
    type = "api_error"


def _related_on_the_wire(related: dict[str, Any]) -> dict[str, Any]:
    """Objects named beside a domain error: models rendered as the API renders them."""
    return {name: value if value is None or isinstance(value, str | int) else render(value)
            for name, value in related.items()}


def api_error_from_domain(exc: domain.DomainError) -> ApiError:
    """The one place a domain exception becomes Stripe's envelope: its type and status."""
    extra = _related_on_the_wire(exc.related)
    fields = {"code": exc.code, "param": exc.param, **extra}
    if isinstance(exc, domain.CardError):
        return CardError(exc.message, decline_code=exc.decline_code,
                         advice_code=exc.advice_code, **fields)
    if isinstance(exc, domain.InvalidParameter):
        return ParameterError(exc.message, **fields)
    if isinstance(exc, domain.NotFound):
        return NotFoundError(exc.message, **fields)
    if isinstance(exc, domain.ObjectBusy):
        return RateLimitError(exc.message, headers={"Stripe-Should-Retry": "true"}, **fields)
    if isinstance(exc, domain.SecretKeyRequired):
        return AuthenticationError(exc.message, **fields)
    if isinstance(exc, domain.NotPermitted):
        return PermissionError(exc.message, **fields)
    if isinstance(exc, domain.ServiceUnavailable):
        # Stripe's own answer when it cannot finish a request: a 500 api_error.
        return ApiServerError(exc.message, **fields)
    return InvalidRequestError(exc.message, **fields)


def as_api_error(exc: Exception) -> Exception:
    """A domain exception as the API error it is on the wire; any other exception as is."""
    return api_error_from_domain(exc) if isinstance(exc, domain.DomainError) else exc


def error_response(error: ApiError) -> Response:
    return Response(error.body(), status=error.status, headers=error.headers)


def unrecognized_url(method: str, path: str) -> InvalidRequestError:
    # A 404 without a code, as Stripe's: NotFoundError would add `resource_missing`.
    return InvalidRequestError(f"Unrecognized request URL ({method}: {path}). Please see "
                               "the API reference or the OpenAPI schema at /v1/openapi.json.",
                               status=404)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF's EXCEPTION_HANDLER: translate every exception into the envelope."""
    request = context.get("request")
    exc = as_api_error(exc)
    if isinstance(exc, ApiError):
        return error_response(exc)
    if isinstance(exc, drf_exceptions.NotAuthenticated | drf_exceptions.AuthenticationFailed):
        return error_response(AuthenticationError(str(exc.detail)))
    if isinstance(exc, drf_exceptions.MethodNotAllowed) and request is not None:
        return error_response(unrecognized_url(request.method, request.path))
    if isinstance(exc, drf_exceptions.UnsupportedMediaType):
        return error_response(ParameterError(
            f"Invalid Content-Type: {exc.detail}. Send application/x-www-form-urlencoded "
            "or application/json."))
    if isinstance(exc, drf_exceptions.ParseError):
        return error_response(ParameterError(f"Invalid request body: {exc.detail}"))
    if isinstance(exc, Http404):
        return error_response(NotFoundError(str(exc) or "Not found."))
    if isinstance(exc, DjangoPermissionDenied | drf_exceptions.PermissionDenied):
        return error_response(PermissionError(str(exc) or "Permission denied."))
    if isinstance(exc, drf_exceptions.Throttled):
        return error_response(RateLimitError("Request rate limit exceeded."))
    if isinstance(exc, TransitionNotAllowed):
        # A service should have checked can_proceed first; still a 400, never a 500.
        return error_response(InvalidRequestError(str(exc), code="unexpected_state"))
    request_id = getattr(request, "request_id", None)
    logger.exception("Unhandled exception in API request %s", request_id)
    return error_response(ApiServerError(
        "An unexpected error occurred on Till's side. The error was logged with the request "
        f"id {request_id}."))
