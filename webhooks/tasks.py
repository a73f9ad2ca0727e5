"""Celery tasks: thin, take ids, call one service, safe to run twice, acknowledged late.

A message lost with its worker is harmless: the delivery's lease expires and the sweep
enqueues it again. `deliveries_send` runs on the `webhooks` queue (settings.CELERY_TASK_
ROUTES), served by thread-pool workers: sends wait on the network, not the CPU.
"""

from celery import shared_task

from webhooks import services


@shared_task(name="webhooks.tasks.deliveries_send", acks_late=True, ignore_result=True)
def deliveries_send(items: list[list]) -> int:
    """`items`: [delivery id, attempts already made] pairs, as enqueued."""
    return services.deliveries_attempt(items=[(str(pk), int(count)) for pk, count in items])


@shared_task(name="webhooks.tasks.delivery_resend", acks_late=True, ignore_result=True)
def delivery_resend(delivery_id: str) -> bool:
    return services.delivery_attempt_manual(delivery_id=delivery_id)


@shared_task(name="webhooks.tasks.deliveries_sweep", acks_late=True, ignore_result=True)
def deliveries_sweep() -> int:
    return services.deliveries_sweep()


@shared_task(name="webhooks.tasks.events_prune", acks_late=True, ignore_result=True)
def events_prune() -> int:
    return services.events_prune()
