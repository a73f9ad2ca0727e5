"""The API request log: one row per request a merchant's key made, written after the
response has gone (one INSERT; and, at most once a minute per key, the key's last use),
read by the dashboard's Developers page, pruned after TILL_REQUEST_LOG_DAYS."""

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from api.models import RequestLog
from core.db import insert
from merchants.models import ApiKey, Merchant

logger = logging.getLogger("till.api")

# A key's last use is written when the one on record is older than this.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# A response without DRF's data (an idempotent replay) is read back only up to this size.
_REPLAY_BODY_MAX = 64 * 1024
_PRUNE_BATCH = 5000


def _response_data(response: HttpResponse) -> Any:
    data = getattr(response, "data", None)
    if data is not None:
        return data
    content_type = response.get("Content-Type", "")
    if (response.streaming or not content_type.startswith("application/json")
            or len(response.content) > _REPLAY_BODY_MAX):
        return None
    try:
        return json.loads(response.content)
    except ValueError:
        return None


def _object_ids(data: Any) -> list[str]:
    if not isinstance(data, dict):
        return []
    ids = []
    if isinstance(data.get("id"), str):
        ids.append(data["id"])
    error = data.get("error")
    if isinstance(error, dict):
        for value in error.values():
            if isinstance(value, dict) and isinstance(value.get("id"), str):
                ids.append(value["id"])
    return ids


def _text(value: Any, limit: int | None = None) -> str:
    """A string as stored: PostgreSQL's text holds no NUL, so it is escaped."""
    text = str(value or "").replace("\x00", "\\x00")
    return text[:limit] if limit else text


def request_log_entry(*, request: HttpRequest, response: HttpResponse, key: ApiKey,
                      path: str, duration_ms: float, at: datetime) -> RequestLog:
    """The row for a request (not saved): what the response said, from its data."""
    data = _response_data(response)
    error = data.get("error") if isinstance(data, dict) else None
    error = error if isinstance(error, dict) else {}
    return RequestLog(
        merchant_id=key.merchant_id, livemode=key.livemode, created=at,
        method=_text(request.method, 10), path=_text(path, 2000),
        status=response.status_code, api_key_id=key.id, api_key_redacted=key.redacted,
        request_id=_text(getattr(request, "request_id", ""), 200),
        duration_ms=max(0, round(duration_ms)),
        idempotency_key=_text(request.META.get("HTTP_IDEMPOTENCY_KEY"), 255),
        error_type=_text(error.get("type"), 50), error_code=_text(error.get("code"), 100),
        error_message=_text(error.get("message")), error_param=_text(error.get("param"), 200),
        object_ids=[_text(i, 200) for i in _object_ids(data)])


def request_log_write(entry: RequestLog, *, key: ApiKey) -> None:
    """Saves the row, and the key's last use when the recorded one is a minute old. Never
    raises: the response has already gone, and a lost log row must not fail anything."""
    try:
        insert(entry)  # the SQL kit's INSERT: no query compiled per request
        if key.last_used_at is None or entry.created - key.last_used_at >= LAST_USED_RESOLUTION:
            # Conditional, so concurrent requests of one key write it once.
            cutoff = entry.created - LAST_USED_RESOLUTION
            ApiKey.objects.filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=cutoff),
                                  pk=key.pk).update(last_used_at=entry.created)
    except Exception:  # noqa: BLE001 - logged, never raised after the response
        logger.exception("Could not write the request log entry of %s", entry.request_id)


def request_log_record(*, request: HttpRequest, response: HttpResponse, path: str,
                       duration_ms: float) -> None:
    """Arranges for a request made with a merchant's key to be logged once the response
    has been sent: the WSGI server closes the response after writing it, and Django runs
    the response's closers then (so the client never waits for the INSERT)."""
    key = getattr(request, "auth", None)
    if not isinstance(key, ApiKey):
        return
    entry = request_log_entry(request=request, response=response, key=key, path=path,
                              duration_ms=duration_ms, at=timezone.now())
    response._resource_closers.append(lambda: request_log_write(entry, key=key))  # noqa: SLF001


def request_logs_prune(*, now: datetime | None = None) -> int:
    """Deletes the entries older than TILL_REQUEST_LOG_DAYS, in batches; how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.TILL_REQUEST_LOG_DAYS)
    deleted = 0
    while True:
        batch = list(RequestLog.objects.filter(created__lt=cutoff)
                     .values_list("pk", flat=True)[:_PRUNE_BATCH])
        if not batch:
            return deleted
        deleted += RequestLog.objects.filter(pk__in=batch).delete()[0]


# -- reading -----------------------------------------------------------------------------

@dataclass(frozen=True)
class RequestLogFilter:
    status_class: int | None = None  # 2, 4 or 5: 2xx, 4xx, 5xx
    method: str | None = None
    path_prefix: str | None = None
    api_key_id: str | None = None
    created_gte: datetime | None = None
    created_lt: datetime | None = None


def request_log_list(*, merchant: Merchant, livemode: bool,
                     filters: RequestLogFilter = RequestLogFilter()) -> QuerySet[RequestLog]:
    """One mode's entries, filtered (keyset-paged by the caller, newest first)."""
    queryset = RequestLog.objects.filter(merchant=merchant, livemode=livemode)
    if filters.status_class is not None:
        low = filters.status_class * 100
        queryset = queryset.filter(status__gte=low, status__lt=low + 100)
    if filters.method:
        queryset = queryset.filter(method=filters.method)
    if filters.path_prefix:
        queryset = queryset.filter(path__startswith=filters.path_prefix)
    if filters.api_key_id:
        queryset = queryset.filter(api_key_id=filters.api_key_id)
    if filters.created_gte:
        queryset = queryset.filter(created__gte=filters.created_gte)
    if filters.created_lt:
        queryset = queryset.filter(created__lt=filters.created_lt)
    return queryset


def request_log_get(*, merchant: Merchant, livemode: bool, id: str) -> RequestLog | None:  # noqa: A002
    return RequestLog.objects.filter(merchant=merchant, livemode=livemode, pk=id).first()
