"""Manual capture (full and partial) and cancellation from every status that allows it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import StatusChange
from payments.models import Charge, PaymentIntent
from tests.api.helpers import error_of
from tests.payments.factories import (
    RETURN_URL,
    authorized_intent,
    card_payment_method,
    event_types,
    intent,
    ok,
    paid_intent,
    secret_key_id,
)


def capture(api, intent_id: str, **params):
    return api.post(f"/v1/payment_intents/{intent_id}/capture", params)


def cancel(api, intent_id: str, **params):
    return api.post(f"/v1/payment_intents/{intent_id}/cancel", params)


# -- manual capture ----------------------------------------------------------------------

def test_manual_capture_holds_the_amount(api, settings):
    # when
    held = authorized_intent(api, amount=3000)

    # then the amount is held, not taken
    assert (held["amount_capturable"], held["amount_received"]) == (3000, 0)
    charge = ok(api.get(f"/v1/charges/{held['latest_charge']}"))
    assert (charge["status"], charge["captured"], charge["amount_captured"]) == (
        "succeeded", False, 0)
    capture_before = charge["payment_method_details"]["card"]["capture_before"]
    expected = timezone.now() + timedelta(days=settings.TILL_AUTHORIZATION_VALID_DAYS)
    assert abs(capture_before - expected.timestamp()) < 60
    assert event_types(held["id"]) == ["payment_intent.created",
                                       "payment_intent.amount_capturable_updated"]
    assert event_types(held["latest_charge"]) == ["charge.succeeded"]


def test_capturing_everything_takes_the_payment(api, account):
    # given
    held = authorized_intent(api, amount=3000)

    # when
    captured = ok(capture(api, held["id"], metadata={"shipped": "yes"}))

    # then
    assert (captured["status"], captured["amount_received"], captured["amount_capturable"]) == (
        "succeeded", 3000, 0)
    assert captured["metadata"] == {"shipped": "yes"}
    charge = ok(api.get(f"/v1/charges/{held['latest_charge']}"))
    assert (charge["captured"], charge["amount_captured"], charge["refunded"]) == (
        True, 3000, False)
    assert event_types(held["id"])[-1] == "payment_intent.succeeded"
    assert event_types(held["latest_charge"]) == ["charge.succeeded", "charge.captured"]
    change = StatusChange.objects.filter(object_id=held["id"]).latest("at")
    assert (change.source, change.target, change.actor) == (
        "requires_capture", "succeeded", secret_key_id(account))


def test_capturing_part_releases_the_rest(api):
    # given
    held = authorized_intent(api, amount=3000)

    # when
    captured = ok(capture(api, held["id"], amount_to_capture=1800))

    # then
    assert (captured["status"], captured["amount_received"], captured["amount_capturable"]) == (
        "succeeded", 1800, 0)
    charge = Charge.objects.get()
    assert (charge.captured, charge.amount_captured, charge.amount) == (True, 1800, 3000)
    # and, as on Stripe, the charge shows the released 1200 refunded, without being refunded
    wire = ok(api.get(f"/v1/charges/{charge.id}"))
    assert (wire["amount_refunded"], wire["refunded"]) == (1200, False)


def test_capturing_more_than_was_held_is_refused(api):
    # given
    held = authorized_intent(api, amount=3000)

    # when
    response = capture(api, held["id"], amount_to_capture=3001)

    # then nothing moved
    assert error_of(response, 400)["param"] == "amount_to_capture"
    shown = ok(api.get(f"/v1/payment_intents/{held['id']}"))
    assert (shown["status"], shown["amount_capturable"]) == ("requires_capture", 3000)
    assert Charge.objects.get().captured is False


def test_capturing_twice_is_refused(api):
    held = authorized_intent(api)
    ok(capture(api, held["id"]))

    again = capture(api, held["id"])

    error = error_of(again, 400)
    assert error["code"] == "payment_intent_unexpected_state"
    assert "succeeded" in error["message"]
    assert error["payment_intent"]["status"] == "succeeded"
    assert event_types(held["latest_charge"]).count("charge.captured") == 1


@pytest.mark.parametrize("make", ["unconfirmed", "automatic"])
def test_capturing_an_intent_that_holds_nothing_is_refused(api, make):
    target = intent(api) if make == "unconfirmed" else paid_intent(api)

    response = capture(api, target["id"])

    assert error_of(response, 400)["code"] == "payment_intent_unexpected_state"


# -- cancel ------------------------------------------------------------------------------

def _in_status(api, status: str) -> dict:
    if status == "requires_payment_method":
        return intent(api)
    if status == "requires_confirmation":
        return intent(api, payment_method=card_payment_method(api)["id"])
    if status == "requires_action":
        return intent(api, payment_method="pm_card_threeDSecureRequired", confirm=True,
                      return_url=RETURN_URL)
    return authorized_intent(api)


@pytest.mark.parametrize("status", ["requires_payment_method", "requires_confirmation",
                                    "requires_action", "requires_capture"])
@pytest.mark.parametrize("reason", ["requested_by_customer", "duplicate", None])
def test_an_intent_can_be_canceled_from_each_cancelable_status(api, account, status, reason):
    # given
    target = _in_status(api, status)
    assert target["status"] == status

    # when
    params = {"cancellation_reason": reason} if reason else {}
    canceled = ok(cancel(api, target["id"], **params))

    # then
    assert canceled["status"] == "canceled"
    assert canceled["cancellation_reason"] == reason
    assert abs(canceled["canceled_at"] - timezone.now().timestamp()) < 60
    assert canceled["next_action"] is None
    assert canceled["amount_capturable"] == 0
    assert event_types(target["id"])[-1] == "payment_intent.canceled"
    change = StatusChange.objects.filter(object_id=target["id"]).latest("at")
    assert (change.source, change.target, change.actor) == (status, "canceled",
                                                           secret_key_id(account))


def test_canceling_a_hold_releases_it_on_the_charge(api):
    # given
    held = authorized_intent(api, amount=4200)

    # when
    ok(cancel(api, held["id"], cancellation_reason="fraudulent"))

    # then the uncaptured charge shows the hold released
    charge = ok(api.get(f"/v1/charges/{held['latest_charge']}"))
    assert (charge["refunded"], charge["amount_refunded"], charge["captured"]) == (
        True, 4200, False)
    # and it can no longer be captured
    assert error_of(capture(api, held["id"]), 400)["code"] == "payment_intent_unexpected_state"


@pytest.mark.parametrize("status", ["succeeded", "canceled", "processing"])
def test_canceling_from_a_final_or_processing_status_is_refused(api, status, settings):
    # given
    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 3600
    if status == "succeeded":
        target = paid_intent(api)
    elif status == "processing":
        target = intent(api, payment_method="pm_card_visa", confirm=True,
                        capture_method="automatic_async")
    else:
        target = ok(cancel(api, intent(api)["id"]))
    assert target["status"] == status

    # when
    response = cancel(api, target["id"])

    # then the message names the status it is in
    error = error_of(response, 400)
    assert error["code"] == "payment_intent_unexpected_state"
    assert f"status of {status}" in error["message"]
    assert PaymentIntent.objects.get(pk=target["id"]).status == status


@pytest.mark.parametrize("reason", ["automatic", "failed_invoice", "because"])
def test_reasons_reserved_for_till_or_unknown_are_refused(api, reason):
    target = intent(api)

    response = cancel(api, target["id"], cancellation_reason=reason)

    assert error_of(response, 400)["param"] == "cancellation_reason"
    assert PaymentIntent.objects.get().status == "requires_payment_method"


def test_a_canceled_intent_cannot_be_confirmed(api):
    target = intent(api, payment_method=card_payment_method(api)["id"])
    ok(cancel(api, target["id"]))

    response = api.post(f"/v1/payment_intents/{target['id']}/confirm")

    assert error_of(response, 400)["code"] == "payment_intent_unexpected_state"
    assert not Charge.objects.exists()
