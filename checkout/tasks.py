"""Celery tasks: thin, take ids, call one service, safe to run twice."""

from celery import shared_task

from checkout import services


@shared_task(name="checkout.tasks.checkout_sessions_expire_due", acks_late=True,
             ignore_result=True)
def checkout_sessions_expire_due() -> int:
    return services.checkout_sessions_expire_due()
