"""Celery tasks: thin, take ids, call one service, safe to run twice (an email, once sent,
may be sent again by a redelivered message: at least once)."""

from celery import shared_task

from billing import services


@shared_task(name="billing.tasks.invoice_email_send", acks_late=True, ignore_result=True)
def invoice_email_send(invoice_id: str) -> bool:
    return services.invoice_email_deliver(id=invoice_id)


@shared_task(name="billing.tasks.invoices_advance_due", acks_late=True, ignore_result=True)
def invoices_advance_due() -> int:
    return services.invoices_advance_due()


@shared_task(name="billing.tasks.subscriptions_renew_due", acks_late=True, ignore_result=True)
def subscriptions_renew_due() -> int:
    """Beat's engine: the due renewals sent to the workers in batches (the task below)."""
    return services.subscriptions_renew_due_fan_out()


@shared_task(name="billing.tasks.subscriptions_renew_batch", acks_late=True, ignore_result=True)
def subscriptions_renew_batch(subscription_ids: list[str]) -> int:
    return services.subscriptions_renew_batch(ids=subscription_ids)


@shared_task(name="billing.tasks.invoices_retry_due", acks_late=True, ignore_result=True)
def invoices_retry_due() -> int:
    return services.invoices_retry_due()
