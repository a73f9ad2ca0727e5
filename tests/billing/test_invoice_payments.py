"""Paying invoices over the wire: through the invoice's one payment intent, with declines,
3-D Secure, retries and out-of-band payments, and the invoice paid by the outcome hook in the
transaction that records the payment."""

import pytest

from billing.models import Invoice
from core.models import StatusChange
from payments.models import Charge, PaymentIntent
from tests.api.helpers import error_of, invalid_request
from tests.billing.factories import customer_with_card, draft, open_invoice, pay
from tests.payments.factories import (
    attach,
    authenticate,
    card_payment_method,
    customer,
    event_types,
    ok,
)


def test_paying_charges_the_customers_default_card_off_session(api):
    # given an open invoice of a customer with a default card for invoices
    owner, card = customer_with_card(api)
    invoice = open_invoice(api, owner["id"], 1500, 500)

    # when it is paid
    paid = ok(pay(api, invoice["id"]))

    # then the invoice is paid by one payment intent, for exactly what was due
    assert (paid["status"], paid["paid"]) == ("paid", True)
    assert (paid["amount_paid"], paid["amount_remaining"]) == (2000, 0)
    assert (paid["attempt_count"], paid["attempted"]) == (1, True)
    assert paid["status_transitions"]["paid_at"] is not None
    intent = ok(api.get(f"/v1/payment_intents/{paid['payment_intent']}"))
    assert (intent["amount"], intent["currency"], intent["status"]) == (2000, "usd",
                                                                        "succeeded")
    assert (intent["invoice"], intent["customer"], intent["payment_method"]) == (
        invoice["id"], owner["id"], card["id"])
    assert paid["charge"] == intent["latest_charge"]
    assert PaymentIntent.objects.get(pk=intent["id"]).purpose == "invoice"
    assert event_types(invoice["id"])[-2:] == ["invoice.paid", "invoice.payment_succeeded"]
    assert StatusChange.objects.filter(object_id=invoice["id"], source="open",
                                       target="paid").exists()


def test_the_invoice_is_paid_in_the_transaction_that_records_the_payment(api):
    # given an invoice paying, and a hook for every intent that looks at it while payments
    # records the success (core.hooks runs the invoice's handler after those for every
    # intent: a later handler of the same transaction)
    from core import hooks
    from core.hooks import on_payment_outcome

    owner, _ = customer_with_card(api)
    invoice = open_invoice(api, owner["id"], 1000)
    seen = []

    def look(event):
        seen.append(Invoice.objects.get(pk=invoice["id"]).status)

    on_payment_outcome(purpose="invoice")(look)
    try:
        ok(pay(api, invoice["id"]))
    finally:
        hooks._handlers["invoice"].remove(look)

    # then it was paid already, before the payment's transaction ended
    assert seen == ["paid"]


def test_paying_a_draft_finalizes_it_first(api):
    owner, _ = customer_with_card(api)
    invoice = draft(api, owner["id"], 1200)

    paid = ok(pay(api, invoice["id"]))

    assert paid["status"] == "paid" and paid["number"].endswith("-0001")
    assert paid["amount_paid"] == 1200
    assert [t for t in event_types(invoice["id"]) if t != "invoice.updated"] == [
        "invoice.created", "invoice.finalized", "invoice.paid", "invoice.payment_succeeded"]


def test_a_given_payment_method_or_the_invoices_default_comes_first(api):
    owner, customer_card = customer_with_card(api)
    invoice_card = card_payment_method(api, "5555555555554444")
    attach(api, invoice_card["id"], owner["id"])
    by_default = open_invoice(api, owner["id"], 1000,
                              default_payment_method=invoice_card["id"])
    by_param = open_invoice(api, owner["id"], 1000)

    ok(pay(api, by_default["id"]))
    ok(pay(api, by_param["id"], payment_method="pm_card_amex"))

    def card_of(invoice):
        intent = PaymentIntent.objects.get(invoice_id=invoice["id"])
        return intent.payment_method.card["brand"]

    assert card_of(by_default) == "mastercard"
    assert card_of(by_param) == "amex"
    assert customer_card["card"]["brand"] == "visa"


def test_paying_without_any_payment_method_is_stripes_refusal(api):
    # given a customer without a default payment method, and a draft
    invoice = draft(api, customer(api)["id"], 1000)

    # when it is paid
    refused = pay(api, invoice["id"])

    # then Stripe's 400 (Till's code `no_default_payment_method`), and nothing changed
    error = invalid_request(refused)
    assert error["message"].startswith("This customer has no attached payment source or "
                                       "default payment method.")
    assert error["code"] == "no_default_payment_method"
    shown = ok(api.get(f"/v1/invoices/{invoice['id']}"))
    assert (shown["status"], shown["number"]) == ("draft", None)
    assert not PaymentIntent.objects.exists()


def test_a_decline_is_the_card_error_and_a_retry_reuses_the_payment_intent(api):
    # given an invoice of a customer whose default card declines
    owner, _ = customer_with_card(api, "4000000000000341")
    invoice = open_invoice(api, owner["id"], 3000)

    # when it is paid, then paid again with another card
    declined = pay(api, invoice["id"])
    error = error_of(declined, 402)
    after_decline = ok(api.get(f"/v1/invoices/{invoice['id']}"))
    retried = ok(pay(api, invoice["id"], payment_method="pm_card_visa"))

    # then the decline is Stripe's card error with the intent, the invoice stays open and
    # counted attempted; the retry confirms the same intent, and pays
    assert (error["type"], error["code"], error["decline_code"]) == (
        "card_error", "card_declined", "generic_decline")
    assert error["payment_intent"]["invoice"] == invoice["id"]
    assert (after_decline["status"], after_decline["attempt_count"],
            after_decline["attempted"]) == ("open", 1, True)
    assert after_decline["payment_intent"] == error["payment_intent"]["id"]
    assert retried["status"] == "paid"
    assert retried["payment_intent"] == after_decline["payment_intent"]
    assert retried["attempt_count"] == 1  # manual retries do not count, as Stripe's
    assert PaymentIntent.objects.count() == 1
    assert Charge.objects.filter(status="failed").count() == 1
    assert Charge.objects.filter(status="succeeded").count() == 1
    types = event_types(invoice["id"])
    assert types.index("invoice.payment_failed") < types.index("invoice.paid")


@pytest.mark.parametrize(("card", "code"), [("pm_card_chargeDeclinedInsufficientFunds",
                                             "insufficient_funds"),
                                            ("pm_card_chargeDeclinedExpiredCard",
                                             "expired_card")])
def test_declines_carry_their_code(api, card, code):
    invoice = open_invoice(api, customer(api)["id"], 1000)

    error = error_of(pay(api, invoice["id"], payment_method=card), 402)

    assert code in (error["code"], error.get("decline_code"))
    assert event_types(invoice["id"])[-1] == "invoice.payment_failed"


def test_a_paid_invoice_is_never_charged_again(api):
    owner, _ = customer_with_card(api)
    invoice = open_invoice(api, owner["id"], 1000)
    ok(pay(api, invoice["id"]))

    again = pay(api, invoice["id"], payment_method="pm_card_visa")
    out_of_band = pay(api, invoice["id"], paid_out_of_band="true")

    assert invalid_request(again)["message"] == "Invoice is already paid"
    assert invalid_request(out_of_band)["message"] == "Invoice is already paid"
    assert Charge.objects.count() == 1


def test_a_void_invoice_is_not_paid_and_its_intent_is_canceled(api):
    owner, _ = customer_with_card(api, "4000000000000341")
    invoice = open_invoice(api, owner["id"], 1000)
    error_of(pay(api, invoice["id"]), 402)

    ok(api.post(f"/v1/invoices/{invoice['id']}/void"))
    refused = pay(api, invoice["id"], payment_method="pm_card_visa")

    assert "void" in invalid_request(refused)["message"]
    intent = PaymentIntent.objects.get(invoice_id=invoice["id"])
    assert (intent.status, intent.cancellation_reason) == ("canceled", "void_invoice")
    assert Charge.objects.filter(status="succeeded").count() == 0


def test_three_d_secure_on_session_asks_for_action_then_pays(api, client):
    # given an invoice paid on-session with a card that asks for 3-D Secure
    invoice = open_invoice(api, customer(api)["id"], 2500)

    # when it is paid
    asked = pay(api, invoice["id"], payment_method="pm_card_threeDSecureRequired",
                off_session="false")

    # then Stripe's card error for an intent that needs the customer, with the intent (and
    # its client secret) to complete it, and invoice.payment_action_required
    error = error_of(asked, 402)
    assert (error["type"], error["code"]) == ("card_error",
                                              "invoice_payment_intent_requires_action")
    paying = error["payment_intent"]
    assert paying["status"] == "requires_action" and paying["client_secret"]
    assert paying["next_action"]["type"] == "use_stripe_sdk"
    assert event_types(invoice["id"])[-2:] == ["invoice.payment_failed",
                                               "invoice.payment_action_required"]
    assert ok(api.get(f"/v1/invoices/{invoice['id']}"))["status"] == "open"

    # when the cardholder completes the challenge
    authenticate(client, paying)

    # then the payment succeeds, and the invoice is paid by the outcome hook
    shown = ok(api.get(f"/v1/invoices/{invoice['id']}"))
    assert (shown["status"], shown["amount_paid"]) == ("paid", 2500)
    assert event_types(invoice["id"])[-2:] == ["invoice.paid", "invoice.payment_succeeded"]


def test_an_off_session_payment_needing_authentication_asks_for_action(api):
    invoice = open_invoice(api, customer(api)["id"], 2500)

    declined = pay(api, invoice["id"], payment_method="pm_card_authenticationRequired")

    error = error_of(declined, 402)
    assert error["code"] == "authentication_required"
    assert event_types(invoice["id"])[-2:] == ["invoice.payment_failed",
                                               "invoice.payment_action_required"]


def test_paid_out_of_band_cancels_the_intent_and_charges_nothing(api):
    owner, _ = customer_with_card(api, "4000000000000341")
    invoice = open_invoice(api, owner["id"], 1000)
    error_of(pay(api, invoice["id"]), 402)

    paid = ok(pay(api, invoice["id"], paid_out_of_band="true"))

    assert (paid["status"], paid["paid_out_of_band"]) == ("paid", True)
    assert (paid["amount_paid"], paid["amount_remaining"]) == (1000, 0)
    assert PaymentIntent.objects.get(invoice_id=invoice["id"]).status == "canceled"
    assert event_types(invoice["id"])[-1] == "invoice.paid"
    assert "invoice.payment_succeeded" not in event_types(invoice["id"])


def test_a_draft_paid_out_of_band_is_finalized_and_paid_without_an_intent(api):
    invoice = draft(api, customer(api)["id"], 1000)

    paid = ok(pay(api, invoice["id"], paid_out_of_band="true"))

    assert (paid["status"], paid["number"] is not None, paid["payment_intent"]) == (
        "paid", True, None)


def test_a_plain_payment_intent_has_no_invoice(api):
    intent = ok(api.post("/v1/payment_intents", {"amount": 1000, "currency": "usd"}))

    assert intent["invoice"] is None


def test_paying_an_invoice_with_an_idempotency_key_replays_the_answer(api):
    owner, _ = customer_with_card(api)
    invoice = open_invoice(api, owner["id"], 1000)
    headers = {"Idempotency-Key": "pay-once"}

    first = pay_with_headers(api, invoice["id"], headers)
    second = pay_with_headers(api, invoice["id"], headers)

    assert first.status_code == second.status_code == 200
    assert second["Idempotent-Replayed"] == "true"
    assert Charge.objects.count() == 1


def pay_with_headers(api, invoice_id, headers):
    return api.post(f"/v1/invoices/{invoice_id}/pay", {}, headers=headers)
