import math
from datetime import datetime, timedelta
from typing import Any

from django import template
from django.utils import timezone

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


@register.filter
def address_lines(address: dict[str, Any] | None) -> list[str]:
    """A Stripe address hash as postal lines: street lines, `City, ST 94103`, country."""
    if not isinstance(address, dict):
        return []

    def join(separator: str, *parts: Any) -> str:
        return separator.join(str(part) for part in parts if part)

    locality = join(", ", address.get("city"),
                    join(" ", address.get("state"), address.get("postal_code")))
    lines = [address.get("line1"), address.get("line2"), locality, address.get("country")]
    return [str(line) for line in lines if line]


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
