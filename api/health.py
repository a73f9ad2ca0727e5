"""/healthz: 200 when the database and the broker answer and webhooks go out, 503 otherwise.

The answer is public (load balancers call it without credentials), so it names only the kind
of failure; the details, which hold host names and ports, go to the log.
"""

import logging

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from config.celery import app as celery_app
from webhooks.selectors import webhook_deliveries_stalled

logger = logging.getLogger("till.health")


def _failure(check: str, exc: Exception) -> str:
    logger.warning("healthz: %s is down: %s: %s", check, exc.__class__.__name__, exc)
    return f"error: {exc.__class__.__name__}"


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        return _failure("database", exc)
    return "ok"


def _broker() -> str:
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001
        return _failure("broker", exc)
    return "ok"


def _webhooks() -> str:
    try:
        stalled = webhook_deliveries_stalled(now=timezone.now())
    except Exception as exc:  # noqa: BLE001
        return _failure("webhooks", exc)
    if stalled:
        logger.warning("healthz: webhook deliveries are stalled: some have waited over a "
                       "minute for a first attempt and no worker is sending any (is a "
                       "worker consuming the 'webhooks' queue?)")
        return "stalled"
    return "ok"


def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database(), "broker": _broker(), "webhooks": _webhooks()}
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse({"status": "ok" if healthy else "unavailable", **checks},
                        status=200 if healthy else 503)
