"""Celery tasks: thin, take ids, call one service, safe to run twice.

Their names are the ones they had when disputes lived in refunds/ (`refunds.tasks.…`):
messages already queued under them, and beat's schedule, keep finding them."""

from celery import shared_task

from disputes import services


@shared_task(name="refunds.tasks.dispute_open", acks_late=True, ignore_result=True)
def dispute_open(charge_id: str) -> str | None:
    dispute = services.dispute_open(charge_id=charge_id)
    return dispute.id if dispute is not None else None


@shared_task(name="refunds.tasks.disputes_open_due", acks_late=True, ignore_result=True)
def disputes_open_due() -> int:
    return services.disputes_open_due()


@shared_task(name="refunds.tasks.dispute_decide", acks_late=True, ignore_result=True)
def dispute_decide(dispute_id: str) -> str:
    return services.dispute_decide(id=dispute_id).status


@shared_task(name="refunds.tasks.disputes_decide_due", acks_late=True, ignore_result=True)
def disputes_decide_due() -> int:
    return services.disputes_decide_due()


@shared_task(name="refunds.tasks.disputes_expire_due", acks_late=True, ignore_result=True)
def disputes_expire_due() -> int:
    return services.disputes_expire_due()
