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


@shared_task(name="payments.tasks.inbound_event_apply", acks_late=True, ignore_result=True)
def inbound_event_apply(event_id: int) -> str:
    return services.inbound_event_apply(id=event_id).result


@shared_task(name="payments.tasks.inbound_events_retry", acks_late=True, ignore_result=True)
def inbound_events_retry() -> int:
    """Beat's sweep: events not applied a minute after they came are enqueued again."""
    due = services.inbound_event_ids_due()
    for pk in due:
        inbound_event_apply.delay(pk)
    return len(due)


@shared_task(name="payments.tasks.charge_receipt_send", acks_late=True, ignore_result=True,
             autoretry_for=(OSError,), retry_backoff=True, max_retries=8)
def charge_receipt_send(charge_id: str) -> bool:
    return services.charge_receipt_send(charge_id=charge_id)


@shared_task(name="payments.tasks.charge_outcome_totals_roll", acks_late=True,
             ignore_result=True)
def charge_outcome_totals_roll() -> int:
    return services.charge_outcome_totals_roll()
