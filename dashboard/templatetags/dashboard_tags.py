import math
from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils import timezone

from core.addresses import address_lines
from merchants.models import ApiKey

register = template.Library()



@register.filter
def key_status(key: ApiKey, now: datetime) -> str:
    """`active`, `expiring` (rolled, still in its grace period), `expired` or `revoked`."""
    if key.revoked_at is not None:
        return "revoked"
    if key.expires_at is None:
        return "active"
    return "expiring" if key.expires_at > now else "expired"


register.filter("address_lines", address_lines)


@register.filter
def object_id(event_data: dict[str, Any] | None) -> str | None:
    """The id of the object an event is about (`data.object.id`)."""
    obj = (event_data or {}).get("object")
    return obj.get("id") if isinstance(obj, dict) else None


@register.filter
def object_kind(event_data: dict[str, Any] | None) -> str | None:
    """The kind of the object an event is about (`data.object.object`)."""
    obj = (event_data or {}).get("object")
    return obj.get("object") if isinstance(obj, dict) else None


@register.filter
def words(code: str | None) -> str:
    """An API code as words: `requested_by_customer` → `requested by customer`."""
    return (code or "").replace("_", " ")


@register.filter
def whole_minutes(delta: timedelta) -> int:
    """A duration in whole minutes, rounded up (a wait is never shown shorter than it is)."""
    return max(math.ceil(delta.total_seconds() / 60), 1)


@register.filter
def from_now(delta: timedelta) -> datetime:
    """The moment `delta` from now (when a wait that starts now ends)."""
    return timezone.now() + delta


@register.filter
def http_status_badge(status: int) -> str:
    """The badge class of an HTTP status: succeeded, refused (4xx) or failed (5xx)."""
    return "badge-ok" if status < 300 else "badge-warn" if status < 500 else "badge-danger"
