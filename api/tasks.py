from celery import shared_task

from api.idempotency import idempotency_keys_prune as prune


@shared_task(name="api.tasks.idempotency_keys_prune")
def idempotency_keys_prune() -> int:
    return prune()
