from celery import shared_task

from api.idempotency import idempotency_keys_prune as prune
from api.request_log import request_logs_prune as prune_request_logs


@shared_task(name="api.tasks.idempotency_keys_prune")
def idempotency_keys_prune() -> int:
    return prune()


@shared_task(name="api.tasks.request_logs_prune")
def request_logs_prune() -> int:
    return prune_request_logs()
