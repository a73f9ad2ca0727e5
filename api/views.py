"""The base of every API view: authentication, rate limits, idempotency, params, rendering.

Resource views stay thin: parse params, call one service or selector, render.
"""

from collections.abc import Callable
from functools import cached_property
from typing import Any

from django.conf import settings
from django.db import IntegrityError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.auth import SecretKeyRequired
from api.errors import (
    RATE_LIMITED,
    AuthenticationError,
    NotFoundError,
    PermissionError,  # noqa: A004 - Stripe's name for a 403
    RateLimitError,
    as_api_error,
    unrecognized_url,
)
from api.idempotency import (
    FoldedKey,
    Replay,
    idempotency_key_check,
    idempotency_key_claim,
    idempotency_key_complete,
    idempotency_key_finish,
    idempotency_key_release,
    idempotency_key_store,
    idempotency_key_taken,
    request_fingerprint,
)
from api.lists import ListParams, list_page
from api.objects import ApiObjectSerializer, expand_tree
from api.params import parse
from api.parsers import parse_query
from api.permissions import expansion_refusal
from api.ratelimit import rate_limit_hit
from api.renderers import json_response
from core import request_writes
from core.actor import Actor
from core.context import idempotency_key_var
from merchants.models import ApiKey, Merchant


class ApiView(APIView):
    allow_publishable_key = False
    # The serializer of the result of a POST whose service claims the Idempotency-Key in
    # its own first transaction and stores the response in its last (core.request_writes):
    # the payment path's, where two transactions of their own would cost a third of its SQL.
    folds_idempotency: type[ApiObjectSerializer] | None = None
    _folded: FoldedKey | None = None

    @property
    def merchant(self) -> Merchant:
        return self.request.user

    @property
    def api_key(self) -> ApiKey:
        return self.request.auth

    @property
    def livemode(self) -> bool:
        return self.request.auth.livemode

    @property
    def actor(self) -> Actor:
        """Who acts, for the services' audit records: the request's API key."""
        return Actor.api_key(self.request.auth.id)

    @cached_property
    def raw_params(self) -> dict[str, Any]:
        """POST parameters from the body; GET and DELETE parameters from the query."""
        if self.request.method == "POST":
            return dict(self.request.data)
        return parse_query(self.request.META.get("QUERY_STRING", ""))

    def require_secret_key(self) -> None:
        """For a view open to publishable keys whose other verbs are not."""
        SecretKeyRequired().has_permission(self.request, None)

    def client_secret_of(self, params: dict[str, Any], *, object_name: str) -> str | None:
        """For views open to publishable keys: such a key must present the object's client
        secret (checked by the service); a secret key need not (None)."""
        if self.api_key.kind != ApiKey.Kind.PUBLISHABLE:
            return None
        if not params.get("client_secret"):
            raise AuthenticationError(
                "This API call cannot be made with a publishable API key without the "
                f"{object_name}'s client_secret.", code="secret_key_required")
        return params["client_secret"]

    def params(self, serializer_class, **context: Any) -> dict[str, Any]:
        data = {k: v for k, v in self.raw_params.items() if k != "expand"}
        return parse(serializer_class, data, **context)

    def expand(self, serializer: type[ApiObjectSerializer], *, is_list: bool = False
               ) -> dict[str, dict]:
        return expand_tree(self.raw_params.get("expand"), serializer=serializer,
                           is_list=is_list, may_expand=self.may_expand)

    def may_expand(self, target: type[ApiObjectSerializer]) -> None:
        """A restricted key expands only objects it may read (api.permissions)."""
        refusal = expansion_refusal(self.request.auth, object_name=target.object_name)
        if refusal is not None:
            raise PermissionError(refusal)

    def respond(self, obj: Any, serializer: type[ApiObjectSerializer], *,
                status: int = 200) -> Response:
        if self._folded is not None and (stored := self._folded.response_for(obj)):
            return stored  # rendered once, in the transaction that stored it
        expand = self.expand(serializer)
        return Response(serializer.render_object(obj, expand=expand), status=status)

    def respond_list(self, queryset: QuerySet, serializer: type[ApiObjectSerializer], *,
                     params: dict[str, Any] | None = None,
                     params_class: type = ListParams,
                     prepare: Callable[[list[Any]], None] | None = None) -> Response:
        params = params if params is not None else self.params(params_class)
        expand = self.expand(serializer, is_list=True)
        return Response(list_page(queryset=queryset, params=params, serializer=serializer,
                                  url=self.request.path, expand=expand, prepare=prepare))

    # -- the request cycle -------------------------------------------------------------

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # authentication and permissions
        usage = rate_limit_hit(request=request, key=request.auth)
        self.rate_limit_headers = usage.headers()
        if usage.exceeded:
            raise RateLimitError(RATE_LIMITED, headers={"Stripe-Should-Retry": "true"})
        refuse_impossible_ids(request.path, kwargs)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.args, self.kwargs = args, kwargs
        request = self.initialize_request(request, *args, **kwargs)
        self.request = request
        self.headers = self.default_response_headers
        self.rate_limit_headers: dict[str, str] = {}
        key = request.META.get("HTTP_IDEMPOTENCY_KEY")
        try:
            self.initial(request, *args, **kwargs)
            handler = getattr(self, request.method.lower(), self.http_method_not_allowed)
            if request.method == "POST" and key is not None:
                response = self._run_idempotent(request, key, handler, args, kwargs)
            else:
                response = handler(request, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the handler renders every error
            response = self.handle_exception(exc)
        response = self.finalize_response(request, response, *args, **kwargs)
        for name, value in self.rate_limit_headers.items():
            response[name] = value
        response["Stripe-Version"] = settings.TILL_API_VERSION
        if key is not None:
            response["Idempotency-Key"] = key
        return response

    def _run_idempotent(self, request: Request, key: str, handler, args, kwargs
                        ) -> HttpResponse:
        fingerprint = request_fingerprint(method=request.method, path=request.path,
                                          params=request.data)
        if self.folds_idempotency is not None:
            response = self._run_folded(request, key, fingerprint, handler, args, kwargs)
            if response is not None:
                return response
        claim = idempotency_key_claim(merchant=self.merchant, livemode=self.livemode, key=key,
                                      fingerprint=fingerprint, request_id=request.request_id)
        if isinstance(claim, Replay):
            replay = HttpResponse(claim.body, status=claim.status,
                                  content_type="application/json")
            replay["Idempotent-Replayed"] = "true"
            replay["Original-Request"] = claim.original_request_id
            return replay
        token = idempotency_key_var.set(key)
        stored = True
        try:
            response = handler(request, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - stored (or not) like any response
            exc = as_api_error(exc)
            stored = getattr(exc, "stored", True)
            response = self.handle_exception(exc)
        finally:
            idempotency_key_var.reset(token)
        response = self.finalize_response(request, response, *args, **kwargs)
        response.render()
        if stored:
            idempotency_key_complete(record=claim, status=response.status_code,
                                     body=response.content)
        else:
            idempotency_key_release(record=claim)
        response["Original-Request"] = request.request_id
        return response

    def _run_folded(self, request: Request, key: str, fingerprint: str, handler, args, kwargs
                    ) -> HttpResponse | None:
        """The handler with the key claimed and its response stored by the service's own
        transactions (api.idempotency.FoldedKey). None when the key turned out to be taken
        (the change rolled back) or was taken before the answer could be stored: the
        caller then answers as for any key (the replay, 409 or 400)."""
        idempotency_key_check(key)
        serializer = self.folds_idempotency
        folded = self._folded = FoldedKey(
            merchant=self.merchant, livemode=self.livemode, key=key, fingerprint=fingerprint,
            request_id=request.request_id, model=serializer.model)
        bound, key_token = request_writes.bind(folded), idempotency_key_var.set(key)
        stored, raised = True, False
        try:
            # Read before the change: a refused `expand` must refuse the request, not fail
            # the transaction that records the payment.
            expand = self.expand(serializer)
            folded.render = lambda obj: serializer.render_object(obj, expand=expand)
            response = handler(request, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - stored (or not) like any response
            if isinstance(exc, IntegrityError) and idempotency_key_taken(exc):
                return None  # another request has the key: the change rolled back
            exc = as_api_error(exc)
            stored, raised = getattr(exc, "stored", True), True
            response = self.handle_exception(exc)
        finally:
            request_writes.unbind(bound)
            idempotency_key_var.reset(key_token)
            self._folded = None
        response = self.finalize_response(request, response, *args, **kwargs)
        response.render()
        if not raised and folded.response is not None and response is folded.response[1]:
            pass  # stored by the transaction that made it
        elif folded.claimed and not stored:
            idempotency_key_release(record=folded.record)
        elif stored:
            finished = folded.claimed and idempotency_key_finish(
                record=folded.record, status=response.status_code, body=response.content)
            # Else never claimed, or the claim rolled back with the change: nothing written.
            if not finished and not idempotency_key_store(
                    merchant=self.merchant, livemode=self.livemode, key=key,
                    fingerprint=fingerprint, request_id=request.request_id,
                    status=response.status_code, body=response.content):
                return None  # another request has the key: answered as it is
        response["Original-Request"] = request.request_id
        return response


def refuse_impossible_ids(path: str, ids: dict[str, Any]) -> None:
    """An id in the path with a NUL character names no object (and PostgreSQL refuses to
    look for one): Stripe's 404 for a missing object, before any query carries it. The object
    is named by the path's resource (`/v1/refunds/batch/{id}`: refund_batch)."""
    for param, value in ids.items():
        if isinstance(value, str) and "\x00" in value:
            segments = path.split("/")
            resource = segments[2:segments.index(value)] if value in segments else []
            noun = "_".join(part.removesuffix("s") for part in resource) or "object"
            raise NotFoundError(f"No such {noun}: '{value}'", param=param)


@csrf_exempt  # API clients carry keys, not cookies: a POST here is a 404, not a CSRF page
def unknown_route(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any /v1 URL no resource claims: Stripe's 404 envelope, not an HTML page."""
    error = unrecognized_url(request.method, request.path)
    return json_response(error.body(), status=error.status)
