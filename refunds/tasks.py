"""Celery tasks: thin, take ids, call one service, safe to run twice."""

from celery import shared_task

from refunds import services


@shared_task(name="refunds.tasks.refund_settle", acks_late=True, ignore_result=True)
def refund_settle(refund_id: str) -> str:
    return services.refund_settle(id=refund_id).status


@shared_task(name="refunds.tasks.refunds_settle_due", acks_late=True, ignore_result=True)
def refunds_settle_due() -> int:
    return services.refunds_settle_due()
