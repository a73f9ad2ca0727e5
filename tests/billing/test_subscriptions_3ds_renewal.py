"""A renewal whose card asks for 3-D Secure, on a test clock: the off-session charge cannot
authenticate, so the invoice asks for action (`invoice.payment_action_required`, with the
payment intent's client secret), the subscription is `past_due`, and the customer, back on
the merchant's site, authenticates the payment; the invoice is paid and the subscription
active again, renewing as before."""

import pytest

from merchants.services import merchant_dunning_set
from tests.billing.factories import customer_with_card, error_of, monthly, ok, pay
from tests.billing.test_dunning import DAY, START, types_of
from tests.billing.test_subscriptions import subscribe
from tests.payments.factories import attach, authenticate, card_payment_method

pytestmark = pytest.mark.django_db

ALWAYS_AUTHENTICATES = "4000002760003184"  # every payment, off-session too, asks for 3-D Secure


def test_a_renewal_needing_3d_secure_is_paid_once_the_customer_authenticates(
        api, account, client, advance):
    # given a merchant that leaves a failed subscription past due, and a monthly
    # subscription on a test clock whose card now always asks for 3-D Secure
    merchant_dunning_set(merchant=account.merchant, retry_days=[3, 5, 7],
                         subscription_action="leave_past_due", invoice_action="leave_open")
    test_clock = ok(api.post("/v1/test_helpers/test_clocks", {"frozen_time": START}))
    owner, _ = customer_with_card(api, test_clock=test_clock["id"])
    subscription = subscribe(api, owner["id"], monthly(api)["id"])
    card = card_payment_method(api, ALWAYS_AUTHENTICATES)
    attach(api, card["id"], owner["id"])
    ok(api.post(f"/v1/subscriptions/{subscription['id']}", {"default_payment_method": card["id"]}))
    end = subscription["current_period_end"]

    # when the clock passes the period's end
    advance(api, test_clock["id"], end + 1)

    # then the renewal's invoice asks for the cardholder, and the subscription is past due
    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert shown["status"] == "past_due"
    invoice = ok(api.get(f"/v1/invoices/{shown['latest_invoice']}",
                         {"expand": ["payment_intent"]}))
    assert (invoice["billing_reason"], invoice["status"], invoice["amount_remaining"]) == (
        "subscription_cycle", "open", 1000)
    assert invoice["payment_intent"]["status"] == "requires_payment_method"
    assert invoice["payment_intent"]["last_payment_error"]["code"] == "authentication_required"
    # (made at one frozen instant, the renewal's events are not listed in their order)
    assert {"invoice.payment_failed", "invoice.payment_action_required"} <= set(
        types_of(api, invoice["id"]))
    action = next(e for e in ok(api.get("/v1/events", {
        "type": "invoice.payment_action_required"}))["data"]
        if e["data"]["object"]["id"] == invoice["id"])
    assert action["data"]["object"]["payment_intent"] == invoice["payment_intent"]["id"]
    assert action["data"]["object"]["hosted_invoice_url"]
    # and it is not retried without them
    advance(api, test_clock["id"], end + 8 * DAY)
    assert ok(api.get(f"/v1/invoices/{invoice['id']}"))["attempt_count"] == 1

    # when the customer, on-session, pays it and completes the challenge
    asked = error_of(pay(api, invoice["id"], off_session="false"), 402)
    assert asked["code"] == "invoice_payment_intent_requires_action"
    authenticate(client, asked["payment_intent"])

    # then the invoice is paid and the subscription active
    assert ok(api.get(f"/v1/invoices/{invoice['id']}"))["status"] == "paid"
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["status"] == "active"
