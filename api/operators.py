"""Till's operator endpoints (`/v1/admin/…`): for the people who run Till, never for a
merchant's API key.

Who may call them: an operator token (`Authorization: Bearer till_op_…`, made by `manage.py
operator_token_create`, stored as its SHA-256 only, revoked by `operator_token_revoke`), or
the session of a staff user logged in to Django admin. A merchant's key (`sk_`, `rk_`,
`pk_`) is refused with a 403 without being looked up, anything else with a 401, in Stripe's
error envelope. Failed attempts count against the client's address like any request without
a valid key (the anonymous rate limit).
"""

import hashlib
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api import errors
from api.errors import AuthenticationError
from api.models import OperatorToken
from core.exceptions import InvalidParameter
from core.ids import random_token
from payments.health import WINDOWS, ProcessorHealth, processor_health

TOKEN_PREFIX = "till_op_"  # noqa: S105 - a prefix, not a secret
MERCHANT_KEY_PREFIXES = ("sk_", "rk_", "pk_")
OPERATORS_ONLY = ("This endpoint is for Till's operators: use an operator token (manage.py "
                  "operator_token_create) or a Django admin session.")
# last_used_at is written at most this often per token (not a write per request).
_USE_RECORDED_EVERY = timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def operator_token_create(*, name: str) -> tuple[OperatorToken, str]:
    """A new operator token named `name` (unique): the row, and the token itself, which is
    not stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise InvalidParameter("Name the token's holder.", param="name")
    token = TOKEN_PREFIX + random_token(40)
    try:
        with transaction.atomic(durable=True):
            row = OperatorToken.objects.create(name=name, token_hash=_hash(token),
                                               hint=f"{TOKEN_PREFIX}…{token[-4:]}")
    except IntegrityError:
        raise InvalidParameter(f"An operator token named {name!r} exists already.",
                               param="name") from None
    return row, token


def operator_token_revoke(*, name: str) -> bool:
    """Revokes the token named `name` at once; False if there is no such token in use."""
    with transaction.atomic(durable=True):
        return bool(OperatorToken.objects.filter(name=name, revoked_at__isnull=True)
                    .update(revoked_at=timezone.now()))


def operator_token_authenticate(*, token: str) -> OperatorToken | None:
    """The token in use that `token` is, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = OperatorToken.objects.filter(token_hash=_hash(token), revoked_at__isnull=True).first()
    if row is None:
        return None
    now = timezone.now()
    if row.last_used_at is None or now - row.last_used_at > _USE_RECORDED_EVERY:
        OperatorToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row


class Operator:
    """Who called: an operator token's holder or a staff user (request.user)."""

    is_authenticated = True

    def __init__(self, label: str) -> None:
        self.label = label


class OperatorAuthentication(BaseAuthentication):
    def authenticate(self, request: Request) -> tuple[Operator, Any]:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if header:
            scheme, _, token = header.partition(" ")
            token = token.strip()
            if scheme.lower() != "bearer" or not token:
                raise AuthenticationError(OPERATORS_ONLY)
            if token.startswith(MERCHANT_KEY_PREFIXES):
                raise errors.PermissionError("A merchant's API key cannot reach Till's operator "
                                      "endpoints. " + OPERATORS_ONLY, code="operators_only")
            row = operator_token_authenticate(token=token)
            if row is None:
                raise AuthenticationError("Invalid operator token provided. " + OPERATORS_ONLY)
            return Operator(f"token:{row.name}"), row
        user = getattr(request._request, "user", None)
        if user is not None and user.is_active and user.is_staff:
            return Operator(f"staff:{user.get_username()}"), None
        raise AuthenticationError(OPERATORS_ONLY)

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="Till operators"'


class OperatorRequired(BasePermission):
    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.user, Operator)


def health_wire(report: list[ProcessorHealth], *, now) -> dict[str, Any]:
    """The health report as the endpoint answers it (the admin page shows the same)."""
    return {"object": "processor_health", "created": int(now.timestamp()),
            "windows": list(WINDOWS), "data": [_health_item(item) for item in report]}


def _health_item(item: ProcessorHealth) -> dict[str, Any]:
    error = item.last_error
    return {
        "processor": item.processor, "livemode": item.livemode,
        "windows": {name: {"calls": window.calls, "succeeded": window.succeeded,
                           "success_rate": window.success_rate,
                           "error_rate": window.error_rates,
                           "latency_ms": {"p50": window.p50_ms, "p95": window.p95_ms}}
                    for name, window in item.windows.items()},
        "last_error": None if error is None else {
            "created": int(error.created.timestamp()), "operation": error.operation,
            "outcome": error.outcome, "http_status": error.http_status,
            "code": error.error_code or None, "request_id": error.request_id or None,
            "message": str(((error.response or {}).get("error") or {}).get("message") or "")
            or None},
    }


class ProcessorHealthView(APIView):
    """`GET /v1/admin/processors/health`: per processor and mode, the last 5 and 60 minutes'
    success rate, error rate by kind, p50/p95 latency, and the last failure."""

    authentication_classes = [OperatorAuthentication]
    permission_classes = [OperatorRequired]

    # Not in the merchants' API document: no merchant key reaches it.
    @extend_schema(exclude=True)
    def get(self, request: Request) -> Response:
        now = timezone.now()
        return Response(health_wire(processor_health(now=now), now=now))
