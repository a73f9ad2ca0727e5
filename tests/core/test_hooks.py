"""Outcome hooks: payments tells the apps above it what became of a payment, inside the
transaction that records it."""

import pytest
from django.db import connection

from core import hooks
from core.actor import TILL
from core.hooks import PaymentOutcome, on_payment_outcome
from payments.models import PaymentIntent
from payments.services import payment_intent_create


@pytest.fixture
def seen():
    """A handler for every intent, removed after the test."""
    outcomes = []

    def handler(event):
        outcomes.append((event.intent.id, event.outcome, getattr(event.charge, "id", None),
                         connection.in_atomic_block))

    on_payment_outcome()(handler)
    yield outcomes
    hooks._handlers[None].remove(handler)


def _pay(api, payment_method, **extra):
    return api.post("/v1/payment_intents", {"amount": 2000, "currency": "usd", "confirm": True,
                                            "payment_method": payment_method, **extra})


def test_success_reaches_the_handler_in_the_recording_transaction(api, seen):
    intent = _pay(api, "pm_card_visa").json()

    assert seen == [(intent["id"], PaymentOutcome.SUCCEEDED, intent["latest_charge"], True)]


def test_a_decline_reaches_the_handler_with_its_failed_charge(api, seen):
    body = _pay(api, "pm_card_chargeDeclined").json()["error"]

    assert seen == [(body["payment_intent"]["id"], PaymentOutcome.FAILED, body["charge"], True)]


def test_three_d_secure_and_cancel_reach_the_handler(api, seen):
    intent = _pay(api, "pm_card_authenticationRequired").json()
    api.post(f"/v1/payment_intents/{intent['id']}/cancel")

    assert [outcome for _, outcome, _, _ in seen] == [PaymentOutcome.REQUIRES_ACTION,
                                                      PaymentOutcome.CANCELED]


def test_a_manual_capture_succeeds_only_when_captured(api, seen):
    intent = _pay(api, "pm_card_visa", capture_method="manual").json()
    assert seen == []

    api.post(f"/v1/payment_intents/{intent['id']}/capture")

    assert [outcome for _, outcome, _, _ in seen] == [PaymentOutcome.SUCCEEDED]


def test_handlers_of_another_purpose_are_not_called(api):
    called = []
    handler = on_payment_outcome(purpose="invoice")(called.append)
    try:
        _pay(api, "pm_card_visa")
    finally:
        hooks._handlers["invoice"].remove(handler)

    assert called == []


@pytest.mark.django_db(transaction=True)  # no test transaction: atomic only in the service's
def test_a_purposes_handlers_run_for_its_intents_only_in_the_recording_transaction(account):
    # given a handler for invoices' payments
    called = []

    def handler(event):
        called.append((event.intent.id, event.intent.purpose, event.outcome,
                       connection.in_atomic_block))

    on_payment_outcome(purpose="invoice")(handler)
    try:
        # when an invoice's payment and a plain payment succeed
        pay = {"merchant": account.merchant, "livemode": False, "actor": TILL, "amount": 2000,
               "currency": "usd", "payment_method": "pm_card_visa", "confirm": True}
        invoice_payment = payment_intent_create(**pay, purpose="invoice")
        plain = payment_intent_create(**pay)
    finally:
        hooks._handlers["invoice"].remove(handler)

    # then the handler ran for the invoice's only, inside the transaction recording it
    assert called == [(invoice_payment.id, "invoice", PaymentOutcome.SUCCEEDED, True)]
    assert PaymentIntent.objects.get(pk=invoice_payment.pk).purpose == "invoice"
    assert (plain.status, plain.purpose) == ("succeeded", "")


def test_a_purpose_is_not_on_the_wire(account, api):
    intent = payment_intent_create(merchant=account.merchant, livemode=False, actor=TILL,
                                   amount=2000, currency="usd", purpose="invoice")

    shown = api.get(f"/v1/payment_intents/{intent.id}").json()
    refused = api.post("/v1/payment_intents", {"amount": 2000, "currency": "usd",
                                               "purpose": "invoice"})

    assert shown["id"] == intent.id and "purpose" not in shown
    assert refused.status_code == 400
    assert refused.json()["error"]["param"] == "purpose"


# -- the test clocks' advance ------------------------------------------------------------

def test_advance_handlers_run_in_registration_order_once_each(db):
    from datetime import UTC, datetime

    calls = []

    def first(**kwargs):
        calls.append(("first", kwargs))

    def second(**kwargs):
        calls.append(("second", kwargs))

    until = datetime(2031, 5, 17, tzinfo=UTC)
    for handler in (first, second, first):
        hooks.on_test_clock_advance(handler)
    try:
        hooks.test_clock_advance_dispatch(clock_id="clock_1", merchant_id="acct_1",
                                          livemode=False, until=until)
    finally:
        hooks._advance_handlers.remove(first)
        hooks._advance_handlers.remove(second)

    arguments = {"clock_id": "clock_1", "merchant_id": "acct_1", "livemode": False,
                 "until": until}
    assert calls == [("first", arguments), ("second", arguments)]


def test_payments_registers_its_own_advance_handler_first():
    from payments.services import payment_intents_clock_advance

    assert hooks._advance_handlers[0] is payment_intents_clock_advance
