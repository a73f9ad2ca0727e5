"""Request ids (every request gets one, every response and log line carries it), the rate
limit of API requests that no valid key answered for, and the size limit of API bodies."""

import io
import logging
import re
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse, JsonResponse

from core.context import request_id_var

_CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")


def new_request_id() -> str:
    return "req_" + secrets.token_urlsafe(12).replace("-", "a").replace("_", "b")


class RequestIdMiddleware:
    """Accepts a client's `X-Request-Id` (Till's extension) or makes `req_…`; echoes it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        client_id = request.headers.get("X-Request-Id", "")
        request_id = client_id if _CLIENT_ID.match(client_id) else new_request_id()
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["Request-Id"] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # django.request logs 4xx/5xx after the middleware has returned, with the request.
        request = getattr(record, "request", None)
        record.request_id = (request_id_var.get() or getattr(request, "request_id", None)
                             or "-")
        return True


class AnonymousRateLimitMiddleware:
    """Gives every /v1 response its X-RateLimit-* headers: a response that carries none was
    not counted against a key (a missing or wrong key, an unknown URL, the public schema), so
    it counts against the client's address; over that budget it becomes a 429."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (not request.path.startswith("/v1/") or request.method == "OPTIONS"
                or "X-RateLimit-Limit" in response):
            return response
        from api.errors import RATE_LIMITED, RateLimitError
        from api.ratelimit import rate_limit_hit_anonymous

        usage = rate_limit_hit_anonymous(request=request)
        if usage.exceeded:
            error = RateLimitError(RATE_LIMITED, headers={"Stripe-Should-Retry": "true"})
            response = JsonResponse(error.body(), status=error.status, headers=error.headers)
        for name, value in usage.headers().items():
            response[name] = value
        return response


class RequestSizeLimitMiddleware:
    """API request bodies of at most TILL_MAX_REQUEST_BYTES, answered 413 in Stripe's envelope.

    A declared Content-Length is judged before a byte is read. A chunked body (no length:
    gunicorn decodes the chunks and ends the stream) is read up to one byte past the limit
    and, when within it, handed on with its length, so it is parsed as any other body
    (Django alone would read such a body as empty).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/v1/") and not self._within_limit(request):
            from api.errors import RequestTooLargeError

            error = RequestTooLargeError(
                "Request body too large: a request can carry at most "
                f"{settings.TILL_MAX_REQUEST_BYTES} bytes.")
            return JsonResponse(error.body(), status=error.status)
        return self.get_response(request)

    @staticmethod
    def _within_limit(request: HttpRequest) -> bool:
        limit = settings.TILL_MAX_REQUEST_BYTES
        declared = request.META.get("CONTENT_LENGTH")
        if declared:
            try:
                return int(declared) <= limit
            except ValueError:
                return True  # Django reads a malformed length as no body at all
        if ("chunked" not in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
                or not request.META.get("wsgi.input_terminated")):
            return True
        stream = request.META["wsgi.input"]
        chunks: list[bytes] = []
        size = 0
        while size <= limit and (chunk := stream.read(min(65536, limit + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            return False
        body = b"".join(chunks)
        request.META["CONTENT_LENGTH"] = str(size)
        request._stream = LimitedStream(io.BytesIO(body), size)  # what WSGIRequest builds
        return True
