"""Request rate limits with X-RateLimit-* headers on every API response.

A request with a valid key counts against the key's budget (live and test differ). Any other
API request (a missing or wrong key, an unknown URL, the public schema) counts against its
client address: that also slows anyone guessing keys. Counted by django-ratelimit in the
cache: Redis when REDIS_URL is set, so every web process shares one count; without Redis each
process counts on its own.
"""

import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django_ratelimit.core import get_usage

from merchants.models import ApiKey


@dataclass(frozen=True)
class Usage:
    limit: int
    remaining: int
    reset: int  # Unix seconds when the next window starts
    exceeded: bool

    def headers(self) -> dict[str, str]:
        return {"X-RateLimit-Limit": str(self.limit),
                "X-RateLimit-Remaining": str(self.remaining),
                "X-RateLimit-Reset": str(self.reset)}


def _key_id(_group: str, request) -> str:
    return request.auth.id


def _hit(request, *, group: str, key, limit: int) -> Usage:
    usage = get_usage(request, group=group, key=key, rate=f"{limit}/s", increment=True)
    # django-ratelimit names a window by its last whole second; the budget renews a second later.
    return Usage(limit=limit, remaining=max(0, limit - usage["count"]),
                 reset=int(time.time()) + int(usage["time_left"]) + 1,
                 exceeded=usage["should_limit"])


def rate_limit_hit(*, request, key: ApiKey) -> Usage:
    """Counts one request against the key's per-second limit (live and test differ)."""
    return _hit(request, group="api", key=_key_id,
                limit=settings.TILL_RATE_LIMIT_LIVE if key.livemode
                else settings.TILL_RATE_LIMIT_TEST)


def _client_address(_group: str, request) -> str:
    """REMOTE_ADDR (behind a proxy, the proxy's), an IPv6 client by its /64 as one host
    holds a whole /64; a server that sets none (a Unix socket) counts them all as one."""
    address = request.META.get("REMOTE_ADDR") or ""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address or "unknown"
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def rate_limit_hit_anonymous(*, request) -> Usage:
    """Counts one request that no valid key answered for against its client address."""
    return _hit(request, group="api-anonymous", key=_client_address,
                limit=settings.TILL_RATE_LIMIT_ANONYMOUS)
