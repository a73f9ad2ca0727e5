"""Races on one payment, on real PostgreSQL: one charge, one outcome, whatever the timing.

Each thread is a client with its own database connection (closed when it is done), released
together by a barrier.
"""

import pytest

from payments.models import Charge, PaymentIntent, SimulatedOperation
from tests.api.helpers import error_of
from tests.concurrency import run_together
from tests.conftest import Api, needs_postgres
from tests.payments.factories import authorized_intent, intent
from webhooks.models import Event

pytestmark = [needs_postgres(), pytest.mark.django_db(transaction=True)]


def _refused_as_busy_or_done(response) -> None:
    if response.status_code == 429:
        error = error_of(response, 429)
        assert error["code"] == "lock_timeout"
        assert response["Stripe-Should-Retry"] == "true"
    else:
        assert error_of(response, 400)["code"] == "payment_intent_unexpected_state"


def test_eight_simultaneous_confirms_make_one_charge(account):
    # given an intent ready to confirm, and eight clients confirming it at once
    token = account.key()
    ready = intent(Api(token), payment_method="pm_card_visa")

    # when
    responses = run_together(8, lambda _: Api(token).post(
        f"/v1/payment_intents/{ready['id']}/confirm"))

    # then one confirmation paid, and every other was told it was busy or already done
    succeeded = [r for r in responses if r.status_code == 200]
    assert len(succeeded) == 1, [r.status_code for r in responses]
    assert succeeded[0].json()["status"] == "succeeded"
    for response in responses:
        if response.status_code != 200:
            _refused_as_busy_or_done(response)
    assert Charge.objects.count() == 1
    assert PaymentIntent.objects.get().status == "succeeded"
    assert SimulatedOperation.objects.filter(kind="authorize").count() == 1
    assert Event.objects.filter(type="payment_intent.succeeded").count() == 1
    assert Event.objects.filter(type="charge.succeeded").count() == 1


@pytest.mark.parametrize("round_", range(4))
def test_capture_racing_cancel_applies_exactly_one(account, round_):
    # given a hold, and a capture and a cancel sent at the same moment
    token = account.key()
    held = authorized_intent(Api(token), amount=3000)
    actions = ("capture", "cancel") if round_ % 2 else ("cancel", "capture")

    # when
    responses = run_together(2, lambda i: Api(token).post(
        f"/v1/payment_intents/{held['id']}/{actions[i]}"))

    # then exactly one of them applied
    by_action = dict(zip(actions, responses, strict=True))
    winners = [action for action, r in by_action.items() if r.status_code == 200]
    assert len(winners) == 1, {a: r.status_code for a, r in by_action.items()}
    loser = by_action["cancel" if winners == ["capture"] else "capture"]
    _refused_as_busy_or_done(loser)
    intent_row = PaymentIntent.objects.get(pk=held["id"])
    charge = Charge.objects.get(pk=held["latest_charge"])
    if winners == ["capture"]:
        assert intent_row.status == "succeeded"
        assert (charge.captured, charge.refunded, charge.amount_captured) == (True, False, 3000)
        assert not SimulatedOperation.objects.filter(kind="void").exists()
    else:
        assert intent_row.status == "canceled"
        assert (charge.captured, charge.refunded, charge.amount_refunded) == (False, True, 3000)
        assert not SimulatedOperation.objects.filter(kind="capture").exists()
    assert intent_row.operation is None


def test_sixteen_creates_under_one_idempotency_key_make_one_payment(account):
    # given sixteen clients retrying the same create+confirm under one key
    token = account.key()
    key = {"Idempotency-Key": "order-7781-payment"}
    params = {"amount": 4200, "currency": "usd", "payment_method": "pm_card_visa",
              "confirm": True, "metadata": {"order_id": "7781"}}

    # when
    responses = run_together(16, lambda _: Api(token).post("/v1/payment_intents", params,
                                                           headers=key))

    # then one intent and one charge exist, and every answer is it or a retryable 409
    assert PaymentIntent.objects.count() == 1
    assert Charge.objects.count() == 1
    paid = PaymentIntent.objects.get()
    assert paid.status == "succeeded"
    statuses = [r.status_code for r in responses]
    assert set(statuses) <= {200, 409}, statuses
    for response in responses:
        if response.status_code == 200:
            assert response.json()["id"] == paid.id
            assert response.json()["status"] == "succeeded"
        else:
            assert error_of(response, 409)["code"] == "idempotency_key_in_use"
    assert sum("Idempotent-Replayed" not in r for r in responses
               if r.status_code == 200) == 1
    assert Event.objects.filter(type="payment_intent.created").count() == 1
