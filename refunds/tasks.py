"""Celery tasks: thin, take ids, call one service, safe to run twice."""

from celery import shared_task

from refunds import services


@shared_task(name="refunds.tasks.refund_settle", acks_late=True, ignore_result=True)
def refund_settle(refund_id: str) -> str:
    return services.refund_settle(id=refund_id).status


@shared_task(name="refunds.tasks.refunds_settle_due", acks_late=True, ignore_result=True)
def refunds_settle_due() -> int:
    return services.refunds_settle_due()


@shared_task(name="refunds.tasks.refund_batch_process", acks_late=True, ignore_result=True)
def refund_batch_process(batch_id: str, start: int, stop: int) -> int:
    """One chunk of a batch: items `[start, stop)`."""
    return services.refund_batch_process(batch_id=batch_id, start=int(start), stop=int(stop))


@shared_task(name="refunds.tasks.refund_batches_resume", acks_late=True, ignore_result=True)
def refund_batches_resume() -> int:
    return services.refund_batches_resume()


@shared_task(name="refunds.tasks.reconciliations_run_daily", acks_late=True,
             ignore_result=True)
def reconciliations_run_daily() -> int:
    """Yesterday (UTC) reconciled for every mode connected to a processor; a day already
    reconciled is left as it is, so running twice changes nothing."""
    return services.reconciliations_run_daily()
