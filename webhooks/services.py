"""Events: written by other apps' services inside their own transactions."""

from typing import Any

from django.conf import settings
from django.db import models, transaction

from api.middleware import idempotency_key_var, request_id_var
from api.objects import render
from webhooks.events import EVENT_TYPES
from webhooks.models import Event


def event_record(*, type: str, obj: models.Model,  # noqa: A002 - Stripe's field name
                 previous_attributes: dict[str, Any] | None = None,
                 payload: dict[str, Any] | None = None) -> Event:
    """Records `type` for `obj` (rendered now, as Stripe does) in the caller's transaction.

    Must run inside the transaction that made the change, so the event exists if and only
    if the change committed.
    """
    if type not in EVENT_TYPES:
        raise ValueError(f"{type} is not in the event catalogue")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("event_record must run inside the change's transaction")
    data: dict[str, Any] = {"object": payload if payload is not None else render(obj)}
    if previous_attributes is not None:
        data["previous_attributes"] = previous_attributes
    return Event.objects.create(
        merchant_id=obj.merchant_id, livemode=obj.livemode, type=type,
        api_version=settings.TILL_API_VERSION, data=data,
        request_id=request_id_var.get(), idempotency_key=idempotency_key_var.get())


def previous_attributes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Stripe's `previous_attributes`: the old values of the top-level keys that changed."""
    return {key: before.get(key) for key in after if before.get(key) != after.get(key)}
