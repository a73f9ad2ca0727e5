"""Payments through a connected Stripe account: Till's API in front, Stripe PaymentIntents
behind (read back with the SDK at localstripe). What localstripe cannot show (a decline with
Stripe's decline_code) is played from Stripe's recorded answer, as the test says."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from payments import services
from payments.models import PaymentIntent, PaymentMethod, ProcessorMirror
from payments.services import payment_intents
from tests.api.helpers import error_of
from tests.payments.factories import ok
from tests.stripe_support import (
    calls,
    stripe_card,
    stripe_connect,
    stripe_intent_of,
    stripe_intents_for,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def connected(account, stripe_api):
    stripe_connect(account)
    return account


@pytest.fixture
def api(connected):
    return connected.api()


def pay(api, payment_method: str, **params) -> dict:
    return api.post("/v1/payment_intents", {"amount": 2000, "currency": "usd",
                                            "payment_method": payment_method, "confirm": True,
                                            **params})


def test_a_payment_lands_as_a_stripe_payment_intent(api, stripe_sdk):
    # given a card tokenized at Stripe (as Stripe.js does)
    card = stripe_card(stripe_sdk)

    # when the merchant pays with it through Till
    paid = ok(pay(api, card, metadata={"order_id": "6735"}))

    # then Till's intent succeeded, and Stripe holds the same payment
    assert paid["status"] == "succeeded"
    at_stripe = stripe_intent_of(stripe_sdk, paid["id"])
    assert (at_stripe.status, at_stripe.amount, at_stripe.currency) == ("succeeded", 2000, "usd")
    assert at_stripe.metadata["till_payment_intent"] == paid["id"]
    assert at_stripe.payment_method == card
    # and Till mirrors the card as its own PaymentMethod, read from Stripe
    method = PaymentMethod.objects.get(pk=paid["payment_method"])
    assert method.processor_token == card and method.id != card
    assert (method.card["brand"], method.card["last4"], method.card["exp_year"]) == (
        "visa", "4242", 2030)
    charge = ok(api.get(f"/v1/charges/{paid['latest_charge']}",
                        {"expand[]": "balance_transaction"}))
    assert (charge["status"], charge["captured"], charge["amount_captured"]) == (
        "succeeded", True, 2000)
    # and the ledger books the fee Stripe took (localstripe's is 0), not Till's pricing
    booked = charge["balance_transaction"]
    stripe_charge = at_stripe.latest_charge
    stripe_charge_id = stripe_charge if isinstance(stripe_charge, str) else stripe_charge.id
    at_stripe_txn = stripe_sdk.v1.balance_transactions.retrieve(
        stripe_sdk.v1.charges.retrieve(stripe_charge_id).balance_transaction)
    assert (booked["amount"], booked["fee"]) == (2000, at_stripe_txn.fee) == (2000, 0)


def test_every_call_is_logged_without_secrets(api, stripe_sdk):
    paid = ok(pay(api, stripe_card(stripe_sdk)))

    created = calls("payment_intents.create")
    assert len(created) == 1
    call = created[0]
    assert call.idempotency_key == f"{paid['id']}:confirm:1"
    assert call.object_id == stripe_intent_of(stripe_sdk, paid["id"]).id
    assert (call.outcome, call.http_status, call.processor) == ("succeeded", 200, "stripe")
    assert call.latency_ms >= 0
    assert call.response["client_secret"] == "[redacted]"
    assert "_secret_" not in json.dumps([each.response for each in calls()])


def test_a_raw_card_number_is_refused(api):
    response = api.post("/v1/payment_methods", {
        "type": "card", "card": {"number": "4242424242424242", "exp_month": 12,
                                 "exp_year": 2030, "cvc": "123"}})

    error = error_of(response, 400)
    assert error["param"] == "card[number]"
    assert "Stripe.js" in error["message"]
    assert not PaymentMethod.objects.exists()


def test_an_unknown_stripe_payment_method_is_a_clear_400(api):
    error = error_of(pay(api, "pm_NoSuchCardAtStripe"), 400)

    assert (error["code"], error["param"]) == ("resource_missing", "payment_method")
    assert not PaymentIntent.objects.exists()


def test_the_same_stripe_card_is_mirrored_once(api, stripe_sdk):
    card = stripe_card(stripe_sdk)
    customer = ok(api.post("/v1/customers", {"email": "jenny@example.com"}))
    # (saved by attaching it: localstripe takes no setup_future_usage)
    ok(api.post(f"/v1/payment_methods/{card}/attach", {"customer": customer["id"]}))

    first = ok(pay(api, card, customer=customer["id"]))
    second = ok(pay(api, card, customer=customer["id"]))

    assert first["payment_method"] == second["payment_method"]
    assert PaymentMethod.objects.filter(processor_token=card).count() == 1


def test_manual_capture_of_part_of_the_hold(api, stripe_sdk):
    held = ok(pay(api, stripe_card(stripe_sdk), capture_method="manual"))
    assert held["status"] == "requires_capture"
    assert stripe_intent_of(stripe_sdk, held["id"]).status == "requires_capture"

    captured = ok(api.post(f"/v1/payment_intents/{held['id']}/capture",
                           {"amount_to_capture": 1500}))

    assert (captured["status"], captured["amount_received"]) == ("succeeded", 1500)
    at_stripe = stripe_intent_of(stripe_sdk, held["id"])
    assert at_stripe.status == "succeeded"
    stripe_charge = stripe_sdk.v1.charges.retrieve(at_stripe.latest_charge.id)
    # Stripe released the part not captured, as Till's charge shows
    assert (stripe_charge.captured, stripe_charge.amount_refunded) == (True, 500)
    charge = ok(api.get(f"/v1/charges/{held['latest_charge']}",
                        {"expand[]": "balance_transaction"}))
    assert (charge["amount_captured"], charge["amount_refunded"]) == (1500, 500)
    # what was captured is booked with Stripe's fee for it (localstripe's is 0)
    assert (charge["balance_transaction"]["amount"], charge["balance_transaction"]["fee"]) == (
        1500, 0)
    assert calls("payment_intents.capture")[0].idempotency_key == f"{held['id']}:capture"


def test_cancel_voids_the_hold_at_stripe(api, stripe_sdk):
    held = ok(pay(api, stripe_card(stripe_sdk), capture_method="manual"))

    canceled = ok(api.post(f"/v1/payment_intents/{held['id']}/cancel"))

    assert canceled["status"] == "canceled"
    assert stripe_intent_of(stripe_sdk, held["id"]).status == "canceled"


def test_a_declined_card_is_tills_card_error(api, stripe_sdk):
    # localstripe's card that its bank declines when charged
    declined = pay(api, stripe_card(stripe_sdk, "4000000000000341"))

    error = error_of(declined, 402)
    assert (error["type"], error["code"]) == ("card_error", "card_declined")
    # localstripe names no decline reason; Till records Stripe's default one
    assert error["decline_code"] == "generic_decline"
    intent = ok(api.get(f"/v1/payment_intents/{error['payment_intent']['id']}"))
    assert intent["status"] == "requires_payment_method"
    assert intent["last_payment_error"]["code"] == "card_declined"
    assert [call.outcome for call in calls("payment_intents.create")] == ["declined"]


# Stripe's answers for a card declined for insufficient funds (recorded from Stripe's test
# mode, card 4000000000009995; ids shortened): localstripe gives no decline_code.
RECORDED_CARD = {"id": "pm_1RecordedFunds", "object": "payment_method", "type": "card",
                 "card": {"brand": "visa", "last4": "9995", "exp_month": 12,
                          "exp_year": 2030, "funding": "credit", "country": "US",
                          "fingerprint": "Hq9aJ1wQ0xLyWqCc",
                          "checks": {"cvc_check": "pass", "address_line1_check": None,
                                     "address_postal_code_check": None}}}
RECORDED_DECLINE = {"error": {
    "charge": "ch_3RecordedFunds", "code": "card_declined",
    "decline_code": "insufficient_funds", "advice_code": "try_again_later",
    "doc_url": "https://stripe.com/docs/error-codes/card-declined",
    "message": "Your card has insufficient funds.",
    "payment_intent": {"id": "pi_3RecordedFunds", "object": "payment_intent",
                       "status": "requires_payment_method",
                       "client_secret": "pi_3RecordedFunds_secret_Recorded"},
    "type": "card_error"}}


def test_a_decline_keeps_stripes_decline_code(account, recorded_stripe):
    # given Stripe's recorded answers (the key's check, the card, the decline)
    recorded_stripe.answer("GET", "/v1/balance", 200, {"object": "balance"})
    recorded_stripe.answer("GET", "/v1/payment_methods/pm_1RecordedFunds", 200, RECORDED_CARD)
    recorded_stripe.answer("POST", "/v1/payment_intents", 402, RECORDED_DECLINE)
    stripe_connect(account)

    error = error_of(pay(account.api(), "pm_1RecordedFunds"), 402)

    assert (error["code"], error["decline_code"]) == ("card_declined", "insufficient_funds")
    assert error["advice_code"] == "try_again_later"
    assert error["message"] == "Your card has insufficient funds."
    logged = calls("payment_intents.create")[0]
    assert (logged.object_id, logged.request_id) == ("pi_3RecordedFunds", "req_recorded")
    assert logged.response["error"]["payment_intent"]["client_secret"] == "[redacted]"
    # and the request carried Till's idempotency key to Stripe
    sent = [headers for method, path, headers in recorded_stripe.requests
            if method == "POST" and path == "/v1/payment_intents"]
    assert sent[0]["Idempotency-Key"] == f"{error['payment_intent']['id']}:confirm:1"


def _age(intent_id: str, settings) -> None:
    PaymentIntent.objects.filter(pk=intent_id).update(
        operation_started_at=timezone.now()
        - timedelta(seconds=settings.TILL_PAYMENT_RECOVERY_SECONDS + 1))


def test_stripe_unreachable_is_an_api_error_and_the_intent_stays_retryable(
        api, stripe_sdk, settings, localstripe_url):
    card = stripe_card(stripe_sdk)
    created = ok(api.post("/v1/payment_intents", {"amount": 2000, "currency": "usd",
                                                  "payment_method": card}))

    # when Stripe cannot be reached as the payment is confirmed
    settings.TILL_STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens on discard
    response = api.post(f"/v1/payment_intents/{created['id']}/confirm")

    # then the answer is a clean api_error, nothing is half-applied
    error = error_of(response, 500)
    assert error["type"] == "api_error"
    assert "could not reach Stripe" in error["message"]
    left = PaymentIntent.objects.get(pk=created["id"])
    assert (left.status, left.operation, left.latest_charge_id) == (
        "requires_confirmation", "confirm", None)
    assert calls("payment_intents.create")[0].outcome == "unavailable"

    # when Stripe is back and the recovery sweep asks again under the same key
    settings.TILL_STRIPE_API_BASE = localstripe_url
    _age(created["id"], settings)
    assert services.payment_intents_recover() == 1

    # then the payment is recorded, charged once
    assert ok(api.get(f"/v1/payment_intents/{created['id']}"))["status"] == "succeeded"
    assert len(stripe_intents_for(stripe_sdk, created["id"])) == 1
    keys = {call.idempotency_key for call in calls("payment_intents.create")}
    assert keys == {f"{created['id']}:confirm:1"}


def test_a_sweep_while_stripe_is_down_leaves_the_intent_for_the_next(api, stripe_sdk,
                                                                     settings):
    created = ok(api.post("/v1/payment_intents", {"amount": 2000, "currency": "usd",
                                                  "payment_method": stripe_card(stripe_sdk)}))
    settings.TILL_STRIPE_API_BASE = "http://127.0.0.1:9"
    error_of(api.post(f"/v1/payment_intents/{created['id']}/confirm"), 500)
    _age(created["id"], settings)

    assert services.payment_intents_recover() == 0
    assert PaymentIntent.objects.get(pk=created["id"]).operation == "confirm"


def test_a_retry_after_a_crash_never_charges_twice(api, stripe_sdk, settings, monkeypatch):
    # given a confirmation whose answer from Stripe was never recorded (the worker died)
    real = payment_intents._confirm_record
    crashed = {"once": False}

    def record(*args, **kwargs):
        if not crashed["once"]:
            crashed["once"] = True
            raise RuntimeError("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(payment_intents, "_confirm_record", record)
    created = ok(api.post("/v1/payment_intents", {"amount": 2000, "currency": "usd",
                                                  "payment_method": stripe_card(stripe_sdk)}))
    assert error_of(api.post(f"/v1/payment_intents/{created['id']}/confirm"), 500)

    # when the recovery sweep repeats the call
    _age(created["id"], settings)
    assert services.payment_intents_recover() == 1

    # then Stripe's first answer is used: one Stripe payment, read back rather than made anew
    assert ok(api.get(f"/v1/payment_intents/{created['id']}"))["status"] == "succeeded"
    assert len(stripe_intents_for(stripe_sdk, created["id"])) == 1
    assert len(calls("payment_intents.create")) == 1
    assert calls("payment_intents.retrieve")


def test_an_off_session_payment_for_a_saved_card(api, stripe_sdk):
    # given a customer with a card saved to them
    customer = ok(api.post("/v1/customers", {"email": "jenny@example.com"}))
    card = stripe_card(stripe_sdk)
    method = ok(api.post(f"/v1/payment_methods/{card}/attach", {"customer": customer["id"]}))
    assert method["customer"] == customer["id"]

    # when the merchant charges it in the customer's absence (a renewal)
    paid = ok(pay(api, method["id"], customer=customer["id"], off_session=True))

    # then Stripe charged its twin of the customer, with the card attached there
    assert paid["status"] == "succeeded"
    at_stripe = stripe_intent_of(stripe_sdk, paid["id"])
    twin = ProcessorMirror.objects.get(kind="customer", local_id=customer["id"]).remote_id
    assert at_stripe.customer == twin
    stripe_customer = stripe_sdk.v1.customers.retrieve(twin)
    assert stripe_customer.metadata["till_customer"] == customer["id"]
    assert stripe_customer.email == "jenny@example.com"
    assert stripe_sdk.v1.payment_methods.retrieve(card).customer == twin

    # and a second payment reuses the twin and the attachment
    ok(pay(api, method["id"], customer=customer["id"], off_session=True))
    assert len(calls("customers.create")) == 1
    assert len(calls("payment_methods.attach")) == 1


def test_3d_secure_passes_stripes_next_action_through(api, stripe_sdk):
    # localstripe's card that asks for authentication
    response = pay(api, stripe_card(stripe_sdk, "4000002500003155"))

    # then the customer is sent to Stripe's 3-D Secure, not Till's challenge page (its
    # result reaches Till with Stripe's webhooks, the next landing)
    intent = ok(response)
    assert intent["status"] == "requires_action"
    assert intent["next_action"]["type"] == "use_stripe_sdk"
    assert "/pay/authenticate/" not in json.dumps(intent["next_action"])
    assert intent["latest_charge"] is None
