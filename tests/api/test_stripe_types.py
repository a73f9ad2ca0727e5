"""Every object Till returns, in every status its flows produce, has the shape Stripe's own
type definitions give it for the API version Till announces (stripe-node 17.7.0's `types/`,
2025-02-24.acacia, read by tools/stripe_types): no field missing, no field Stripe does not
have, each of the right type, each enum value one of Stripe's.

The objects are made the way a merchant makes them, over the wire, with Stripe's test cards.
"""

import re
from datetime import timedelta
from typing import Any

import pytest

from core import clock
from ledger.models import Payout
from ledger.services.payouts import bank_account_set_test, payouts_advance_due
from tests.billing.factories import customer_with_card, monthly, price, product
from tests.payments.factories import (
    RETURN_URL,
    attach,
    authorized_intent,
    card_payment_method,
    customer,
    intent,
    ok,
    paid_intent,
)
from tools.stripe_types import check

# Till's extensions and deliberate differences: a problem at one of these paths (array
# indexes written `[]`) is accepted, for the reason given. Everything else fails the test.
ALLOWED: dict[str, str] = {
    "Refund.livemode": "Till shows every object's mode; Stripe's Refund has none",
    "LineItem.adjustable_quantity": "Till echoes the line's adjustable_quantity setting, "
    "which its hosted page and the dashboard show",
    "PaymentLink.save_card_and_make_default": "Till's extension, as on its sessions",
    "Checkout.Session.save_card_and_make_default": "Till's extension: a session that saves "
    "the card as the customer's default (the seed's payment link)",
    # Fields Stripe's API still returns though its types no longer list them; clients
    # written against older versions (and Django libraries that sync Stripe objects) read
    # them.
    "Subscription.plan": "legacy: the plan of a one-item subscription",
    "Subscription.quantity": "legacy: the quantity of a one-item subscription",
    "Subscription.items.total_count": "Stripe returns it on a subscription's items list",
    "Invoice.lines.total_count": "Stripe returns it on an invoice's embedded lines",
    # A later API version's fields (2025-03-31.basil moved the billing period onto items),
    # rendered already so a client reading them works with either version.
    "Subscription.items.data[].current_period_start": "basil's field, kept",
    "Subscription.items.data[].current_period_end": "basil's field, kept",
}
ALLOWED_PREFIXES = ("till_",)


@pytest.fixture(autouse=True)
def _settle_at_once(settings) -> None:
    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 0
    settings.TILL_WEBHOOK_ALLOW_LOCAL = True


def differences(value: dict[str, Any], interface: str) -> list[str]:
    """What differs from Stripe's interface, less what ALLOWED accepts."""
    out = []
    for line in check(value, interface):
        path = line.split(": ", 1)[0]
        normalized = re.sub(r"\[\d+\]", "[]", path)
        leaf = normalized.rsplit(".", 1)[-1]
        if normalized in ALLOWED or leaf.startswith(ALLOWED_PREFIXES):
            continue
        out.append(line)
    return out


def assert_like_stripe(value: dict[str, Any], interface: str, *, label: str = "") -> None:
    problems = differences(value, interface)
    assert not problems, f"{label or interface}:\n" + "\n".join(problems)


def charge_of(api, paid: dict[str, Any]) -> dict[str, Any]:
    return ok(api.get(f"/v1/charges/{paid['latest_charge']}"))


# -- payments --------------------------------------------------------------------------------

@pytest.mark.parametrize("status", ["requires_payment_method", "requires_confirmation",
                                    "requires_action", "requires_capture", "succeeded",
                                    "canceled"])
def test_a_payment_intent_in_each_status_has_stripes_shape(api, status):
    # given an intent brought to the status by the flow that makes it
    if status == "requires_payment_method":
        made = intent(api)
    elif status == "requires_confirmation":
        made = intent(api, payment_method=card_payment_method(api)["id"])
    elif status == "requires_action":
        made = intent(api, payment_method="pm_card_threeDSecureRequired", confirm=True,
                      return_url=RETURN_URL)
    elif status == "requires_capture":
        made = authorized_intent(api)
    elif status == "succeeded":
        made = paid_intent(api)
    else:
        made = ok(api.post(f"/v1/payment_intents/{intent(api)['id']}/cancel"))
    assert made["status"] == status

    # then it, and as read back, is Stripe's PaymentIntent
    assert_like_stripe(made, "PaymentIntent", label=status)
    assert_like_stripe(ok(api.get(f"/v1/payment_intents/{made['id']}")), "PaymentIntent")


def test_a_declined_payment_leaves_an_intent_and_a_failed_charge_of_stripes_shape(api):
    # when a card is declined
    response = api.post("/v1/payment_intents", {"amount": 2000, "currency": "usd",
                                                "payment_method": "pm_card_chargeDeclined",
                                                "confirm": True})
    assert response.status_code == 402
    error = response.json()["error"]

    # then the intent (with its last_payment_error) and the failed charge are Stripe's
    retried = ok(api.get(f"/v1/payment_intents/{error['payment_intent']['id']}"))
    assert retried["status"] == "requires_payment_method"
    assert_like_stripe(retried, "PaymentIntent")
    failed = charge_of(api, retried)
    assert failed["status"] == "failed"
    assert_like_stripe(failed, "Charge", label="failed charge")
    assert failed["outcome"]["network_decline_code"] is not None
    assert failed["outcome"]["advice_code"] is not None


def test_charges_succeeded_uncaptured_and_refunded_and_their_refunds_have_stripes_shape(api):
    # given a captured payment, a held one, and a refunded one
    succeeded = charge_of(api, paid_intent(api))
    uncaptured = charge_of(api, authorized_intent(api))
    refunded_payment = paid_intent(api)
    refund = ok(api.post("/v1/refunds", {"payment_intent": refunded_payment["id"]}))
    refunded = charge_of(api, refunded_payment)

    # then each charge is Stripe's Charge, in its state
    assert succeeded["captured"] and not uncaptured["captured"] and refunded["refunded"]
    for label, charge in [("succeeded", succeeded), ("uncaptured", uncaptured),
                          ("refunded", refunded)]:
        assert_like_stripe(charge, "Charge", label=label)
    assert "capture_before" in uncaptured["payment_method_details"]["card"]
    assert "capture_before" not in succeeded["payment_method_details"]["card"]
    assert succeeded["payment_method_details"]["card"]["network_transaction_id"]
    # and the refund, as created and as read back, is Stripe's Refund
    assert_like_stripe(refund, "Refund")
    assert_like_stripe(ok(api.get(f"/v1/refunds/{refund['id']}")), "Refund")
    assert refund["destination_details"]["type"] == "card"
    assert "failure_reason" not in refund


def test_a_dispute_has_stripes_shape(api, django_capture_on_commit_callbacks):
    # given a payment on a disputing card
    with django_capture_on_commit_callbacks(execute=True):
        paid = paid_intent(api, payment_method="pm_card_createDispute")
    disputes = ok(api.get("/v1/disputes", {"charge": paid["latest_charge"]}))["data"]

    # then the dispute is Stripe's Dispute, and so is the disputed charge
    assert len(disputes) == 1
    assert_like_stripe(disputes[0], "Dispute")
    assert_like_stripe(charge_of(api, paid), "Charge", label="disputed charge")


def test_customers_payment_methods_and_setup_intents_have_stripes_shape(api):
    # given a customer with a saved card, set up by a SetupIntent
    buyer = customer(api, name="Jenny Rosen")
    card = card_payment_method(api)
    set_up = ok(api.post("/v1/setup_intents", {"customer": buyer["id"],
                                               "payment_method": card["id"],
                                               "confirm": True}))
    pending = ok(api.post("/v1/setup_intents", {"customer": buyer["id"]}))

    # then each is Stripe's
    assert_like_stripe(buyer, "Customer")
    assert_like_stripe(ok(api.get(f"/v1/customers/{buyer['id']}")), "Customer")
    assert_like_stripe(card, "PaymentMethod")
    assert_like_stripe(ok(api.get(f"/v1/payment_methods/{card['id']}")), "PaymentMethod",
                       label="attached payment method")
    assert_like_stripe(set_up, "SetupIntent", label="succeeded setup intent")
    assert_like_stripe(pending, "SetupIntent", label="requires_payment_method setup intent")


def test_attaching_the_magic_pm_card_visa_creates_and_attaches_a_new_card(api):
    # given a customer
    buyer = customer(api)

    # when Stripe's API reference's first example attaches pm_card_visa to it
    attached = attach(api, "pm_card_visa", buyer["id"])

    # then a new card payment method belongs to the customer, of Stripe's shape
    assert attached["id"].startswith("pm_") and attached["id"] != "pm_card_visa"
    assert attached["customer"] == buyer["id"]
    assert attached["card"]["last4"] == "4242"
    assert_like_stripe(attached, "PaymentMethod")
    listed = ok(api.get(f"/v1/customers/{buyer['id']}/payment_methods"))["data"]
    assert [pm["id"] for pm in listed] == [attached["id"]]


def test_events_webhook_endpoints_and_balance_transactions_have_stripes_shape(api):
    # given a payment, which records events and books the money
    paid_intent(api)
    endpoint = ok(api.post("/v1/webhook_endpoints", {
        "url": "https://127.0.0.1/till", "enabled_events": ["*"]}))

    # then each is Stripe's, and so is the object each event carries
    assert_like_stripe(endpoint, "WebhookEndpoint")
    events = ok(api.get("/v1/events"))["data"]
    assert events
    for event in events:
        assert_like_stripe(event, "EventBase", label=event["type"])
        assert_like_stripe(event["data"]["object"], _interface(event["data"]["object"]),
                           label=f"{event['type']} data.object")
    booked = ok(api.get("/v1/balance_transactions"))["data"]
    assert booked
    for transaction in booked:
        assert_like_stripe(transaction, "BalanceTransaction", label=transaction["type"])


def test_the_legacy_surface_tokens_cards_charges_and_the_account_have_stripes_shape(api):
    # given a card token, a legacy charge of it (authorized, then captured), and a
    # customer's card sources
    token = ok(api.post("/v1/tokens", {"card": {
        "number": "4242424242424242", "exp_month": 12, "exp_year": 2040, "cvc": "123"}}))
    held = ok(api.post("/v1/charges", {"amount": 1500, "currency": "usd",
                                       "source": token["id"], "capture": "false"}))
    captured = ok(api.post(f"/v1/charges/{held['id']}/capture"))
    owner = customer(api)
    card = ok(api.post(f"/v1/customers/{owner['id']}/sources", {"source": "tok_visa"}))
    declined = api.post("/v1/charges", {"amount": 900, "currency": "usd",
                                        "source": "tok_chargeDeclined"})
    assert declined.status_code == 402

    # then each is Stripe's
    assert_like_stripe(token, "Token")
    assert_like_stripe(ok(api.get(f"/v1/tokens/{token['id']}")), "Token", label="used token")
    assert_like_stripe(held, "Charge", label="legacy charge, uncaptured")
    assert_like_stripe(captured, "Charge", label="legacy charge, captured")
    assert_like_stripe(card, "Card")
    assert_like_stripe(ok(api.get(f"/v1/customers/{owner['id']}",
                                  {"expand": ["default_source"]})), "Customer",
                       label="customer with its default source")
    for listed in ok(api.get(f"/v1/customers/{owner['id']}/sources"))["data"]:
        assert_like_stripe(listed, "Card", label="listed source")
    failed = ok(api.get("/v1/charges", {"limit": 1}))["data"][0]
    assert failed["status"] == "failed"
    assert_like_stripe(failed, "Charge", label="legacy charge, declined")
    assert_like_stripe(ok(api.get("/v1/account")), "Account")


def test_payouts_in_each_status_and_their_bank_account_have_stripes_shape(api, account):
    # given money available, and payouts: pending, canceled, paid, and one to a closed
    # test account, failed
    paid_intent(api, amount=10000)
    later = clock.now() + timedelta(days=3)
    with clock.bound(later):
        pending = ok(api.post("/v1/payouts", {"amount": 1000, "currency": "usd"}))
        second = ok(api.post("/v1/payouts", {"amount": 1000, "currency": "usd"}))
        canceled = ok(api.post(f"/v1/payouts/{second['id']}/cancel"))
    arrival = Payout.objects.get(pk=pending["id"]).arrival_date
    with clock.bound(arrival):
        payouts_advance_due()
        paid = ok(api.get(f"/v1/payouts/{pending['id']}", {"expand": ["destination"]}))
    bank_account_set_test(merchant=account.merchant, livemode=False, currency="usd",
                          account_number="000111111113")
    with clock.bound(later):
        doomed = ok(api.post("/v1/payouts", {"amount": 1000, "currency": "usd"}))
    with clock.bound(Payout.objects.get(pk=doomed["id"]).arrival_date):
        payouts_advance_due()
        failed = ok(api.get(f"/v1/payouts/{doomed['id']}"))

    # then each is Stripe's, and so is the bank account it went to
    assert [p["status"] for p in (pending, canceled, paid, failed)] == [
        "pending", "canceled", "paid", "failed"]
    for payout in (pending, canceled, paid, failed):
        assert_like_stripe(payout, "Payout", label=payout["status"])
    assert_like_stripe(paid["destination"], "BankAccount")


# -- billing and checkout --------------------------------------------------------------------

def test_the_catalogue_and_coupons_have_stripes_shape(api):
    # given a product, a one-time and a monthly price, a coupon and a promotion code
    gold = product(api)
    one_time = price(api, gold["id"])
    recurring = monthly(api, gold["id"])
    coupon = ok(api.post("/v1/coupons", {"percent_off": 25, "duration": "once"}))
    code = ok(api.post("/v1/promotion_codes", {"coupon": coupon["id"], "code": "SPRING"}))

    # then each is Stripe's
    assert_like_stripe(gold, "Product")
    assert_like_stripe(one_time, "Price", label="one-time price")
    assert_like_stripe(recurring, "Price", label="recurring price")
    assert_like_stripe(coupon, "Coupon")
    assert_like_stripe(code, "PromotionCode")


def test_subscriptions_invoices_and_their_lines_have_stripes_shape(api):
    # given a customer with a card subscribed to a monthly price
    buyer, _ = customer_with_card(api)
    plan = monthly(api)
    subscription = ok(api.post("/v1/subscriptions", {"customer": buyer["id"],
                                                     "items": [{"price": plan["id"]}]}))
    invoice = ok(api.get(f"/v1/invoices/{subscription['latest_invoice']}"))

    # then the subscription, its items, its paid invoice and the invoice's lines are Stripe's
    assert subscription["status"] == "active" and invoice["status"] == "paid"
    assert_like_stripe(subscription, "Subscription")
    assert_like_stripe(invoice, "Invoice", label="paid invoice")
    for line in ok(api.get(f"/v1/invoices/{invoice['id']}/lines"))["data"]:
        assert_like_stripe(line, "InvoiceLineItem")
    # and a draft invoice with an invoice item is too
    item = ok(api.post("/v1/invoiceitems", {"customer": buyer["id"], "amount": 500,
                                            "currency": "usd"}))
    assert_like_stripe(item, "InvoiceItem")
    drafted = ok(api.post("/v1/invoices", {"customer": buyer["id"]}))
    assert_like_stripe(drafted, "Invoice", label="draft invoice")


def test_a_checkout_session_and_its_line_items_have_stripes_shape(api):
    # given an open payment session
    shirt = price(api, unit_amount=2000, product_data={"name": "T-shirt"})
    session = ok(api.post("/v1/checkout/sessions", {
        "mode": "payment", "success_url": "https://shop.example/thanks",
        "line_items": [{"price": shirt["id"], "quantity": 2}]}))

    # then it and its line items are Stripe's
    assert_like_stripe(session, "Checkout.Session")
    for item in ok(api.get(f"/v1/checkout/sessions/{session['id']}/line_items"))["data"]:
        assert_like_stripe(item, "LineItem")


def test_payment_links_portal_configurations_and_test_clocks_have_stripes_shape(api):
    # given a payment link, a customer portal configuration and a test clock
    shirt = price(api, unit_amount=2000, product_data={"name": "T-shirt"})
    link = ok(api.post("/v1/payment_links", {"line_items": [{"price": shirt["id"],
                                                             "quantity": 1}]}))
    portal = ok(api.post("/v1/billing_portal/configurations", {"features": {
        "invoice_history": {"enabled": True},
        "subscription_cancel": {"enabled": True, "mode": "immediately"}}}))
    clock = ok(api.post("/v1/test_helpers/test_clocks", {"frozen_time": 1_577_836_800}))

    # then each is Stripe's
    assert_like_stripe(link, "PaymentLink")
    assert_like_stripe(portal, "BillingPortal.Configuration")
    assert_like_stripe(clock, "TestHelpers.TestClock")


def _interface(obj: dict[str, Any]) -> str:
    return {
        "charge": "Charge", "payment_intent": "PaymentIntent", "payment_method": "PaymentMethod",
        "customer": "Customer", "setup_intent": "SetupIntent", "refund": "Refund",
        "dispute": "Dispute", "balance_transaction": "BalanceTransaction",
        "product": "Product", "price": "Price", "coupon": "Coupon", "invoice": "Invoice",
        "subscription": "Subscription", "invoiceitem": "InvoiceItem",
        "checkout.session": "Checkout.Session", "promotion_code": "PromotionCode",
        "webhook_endpoint": "WebhookEndpoint", "payout": "Payout", "card": "Card",
        "token": "Token", "account": "Account", "bank_account": "BankAccount",
    }[obj["object"]]
