"""Celery tasks: thin, take ids, call one service, safe to run twice."""

from celery import shared_task

from payments import services


@shared_task(name="payments.tasks.payment_intent_settle", acks_late=True, ignore_result=True)
def payment_intent_settle(intent_id: str) -> str:
    return services.payment_intent_settle(id=intent_id).status


@shared_task(name="payments.tasks.payment_intents_settle_due", acks_late=True,
             ignore_result=True)
def payment_intents_settle_due() -> int:
    return services.payment_intents_settle_due()


@shared_task(name="payments.tasks.payment_intents_expire_authorizations", acks_late=True,
             ignore_result=True)
def payment_intents_expire_authorizations() -> int:
    return services.payment_intents_expire_authorizations()


@shared_task(name="payments.tasks.payment_intents_recover", acks_late=True, ignore_result=True)
def payment_intents_recover() -> int:
    return services.payment_intents_recover()


@shared_task(name="payments.tasks.test_clock_advance", acks_late=True, ignore_result=True)
def test_clock_advance(clock_id: str) -> str:
    return services.test_clock_advance_run(id=clock_id).status


@shared_task(name="payments.tasks.test_clocks_resume", acks_late=True, ignore_result=True)
def test_clocks_resume() -> int:
    return services.test_clocks_resume()


@shared_task(name="payments.tasks.test_clocks_delete_expired", acks_late=True,
             ignore_result=True)
def test_clocks_delete_expired() -> int:
    return services.test_clocks_delete_expired()
