"""Till's own payment tasks: expiring holds, settling async payments, and finishing
processor calls a crash left unrecorded."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import StatusChange
from payments import services, tasks
from payments.models import Charge, PaymentIntent, SimulatedOperation
from payments.services import payment_intents
from tests.api.helpers import error_of
from tests.payments.factories import authorized_intent, event_types, intent, ok

# -- expiring authorizations -------------------------------------------------------------


def test_a_hold_not_captured_in_time_is_canceled_automatically(api):
    # given two holds, one past its capture deadline
    expired, fresh = authorized_intent(api, amount=2500), authorized_intent(api)
    PaymentIntent.objects.filter(pk=expired["id"]).update(
        capture_before=timezone.now() - timedelta(minutes=1))

    # when the task runs
    count = tasks.payment_intents_expire_authorizations.apply().get()

    # then only the expired one is canceled, as Stripe does after seven days
    assert count == 1
    canceled = ok(api.get(f"/v1/payment_intents/{expired['id']}"))
    assert (canceled["status"], canceled["cancellation_reason"]) == ("canceled", "automatic")
    charge = Charge.objects.get(pk=expired["latest_charge"])
    assert (charge.refunded, charge.amount_refunded, charge.captured) == (True, 2500, False)
    assert event_types(expired["latest_charge"])[-1] == "charge.expired"
    assert event_types(expired["id"])[-1] == "payment_intent.canceled"
    change = StatusChange.objects.filter(object_id=expired["id"]).latest("at")
    assert (change.source, change.target, change.actor) == (
        "requires_capture", "canceled", "till")
    assert ok(api.get(f"/v1/payment_intents/{fresh['id']}"))["status"] == "requires_capture"


def test_expiring_twice_cancels_once(api):
    held = authorized_intent(api)
    PaymentIntent.objects.filter(pk=held["id"]).update(
        capture_before=timezone.now() - timedelta(minutes=1))

    first = services.payment_intents_expire_authorizations()
    second = services.payment_intents_expire_authorizations()

    assert (first, second) == (1, 0)
    assert event_types(held["latest_charge"]).count("charge.expired") == 1


# -- settling automatic_async ------------------------------------------------------------

def test_the_settle_task_settles_one_payment(api, settings):
    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 0
    processing = intent(api, payment_method="pm_card_visa", confirm=True,
                        capture_method="automatic_async")

    status = tasks.payment_intent_settle.apply(args=[processing["id"]]).get()
    again = tasks.payment_intent_settle.apply(args=[processing["id"]]).get()

    assert (status, again) == ("succeeded", "succeeded")
    assert event_types(processing["id"]).count("payment_intent.succeeded") == 1


# -- recovering a crash between the processor and the database -----------------------------

@pytest.fixture
def crash_once(monkeypatch):
    """The first recording of a processor's answer dies (the worker crashed after the
    processor answered, before Till wrote it down)."""
    real = payment_intents._confirm_record
    calls = {"n": 0}

    def record(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(payment_intents, "_confirm_record", record)
    return calls


def _age_operation(intent_id: str, settings) -> None:
    PaymentIntent.objects.filter(pk=intent_id).update(
        operation_started_at=timezone.now()
        - timedelta(seconds=settings.TILL_PAYMENT_RECOVERY_SECONDS + 1))


def test_recovery_finishes_a_confirmation_the_crash_left_in_flight(api, crash_once, settings):
    # given a confirmation whose answer was never recorded
    created = intent(api, payment_method="pm_card_visa")
    crashed = api.post(f"/v1/payment_intents/{created['id']}/confirm")
    assert error_of(crashed, 500)["type"] == "api_error"
    left = PaymentIntent.objects.get(pk=created["id"])
    assert (left.operation, left.status) == ("confirm", "requires_confirmation")

    # then meanwhile the intent is busy, and a young operation is not recovered yet
    retry = api.post(f"/v1/payment_intents/{created['id']}/confirm")
    assert error_of(retry, 429)["code"] == "lock_timeout"
    assert retry["Stripe-Should-Retry"] == "true"
    assert services.payment_intents_recover() == 0

    # when the recovery task runs after the operation has aged
    _age_operation(created["id"], settings)
    finished = tasks.payment_intents_recover.apply().get()

    # then the processor's first answer is recorded, once
    assert finished == 1
    paid = ok(api.get(f"/v1/payment_intents/{created['id']}"))
    assert (paid["status"], paid["amount_received"]) == ("succeeded", 2000)
    assert Charge.objects.filter(payment_intent_id=created["id"]).count() == 1
    assert list(SimulatedOperation.objects.filter(kind="authorize")
                .values_list("idempotency_key", flat=True)) == [f"{created['id']}:confirm:1"]
    assert event_types(created["id"]).count("payment_intent.succeeded") == 1
    assert PaymentIntent.objects.get(pk=created["id"]).operation is None
    # and running it again changes nothing
    assert services.payment_intents_recover() == 0
    assert Charge.objects.count() == 1


def test_recovery_records_a_decline_without_raising(api, crash_once, settings):
    created = intent(api, payment_method="pm_card_chargeDeclined")
    error_of(api.post(f"/v1/payment_intents/{created['id']}/confirm"), 500)
    _age_operation(created["id"], settings)

    finished = services.payment_intents_recover()

    assert finished == 1
    failed = ok(api.get(f"/v1/payment_intents/{created['id']}"))
    assert failed["status"] == "requires_payment_method"
    assert failed["last_payment_error"]["decline_code"] == "generic_decline"
    assert Charge.objects.get().status == "failed"
