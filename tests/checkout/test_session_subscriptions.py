"""Checkout Sessions in subscription mode: the page starts a subscription, its first invoice
paid with the customer's card (or a trial that charges nothing now)."""

from urllib.parse import urlsplit

import pytest

from billing.models import Invoice, Subscription
from checkout.models import CheckoutSession
from tests.billing.factories import error_of, ok, price
from tests.conftest import Api

GOOD = "4242424242424242"
VISA_DEBIT = "4000056655665556"
DECLINED = "4000000000000002"
# Attaches to a customer, then every charge is declined (Stripe's "charge customer fail").
ATTACHES_THEN_DECLINES = "4000000000000341"
THREE_D_SECURE = "4000002760003184"


def card_form(number: str = GOOD) -> dict[str, str]:
    return {"number": number, "expiry": "12 / 34", "cvc": "987", "name": "Jenny Rosen",
            "email": "jenny@example.com"}


@pytest.fixture
def gold(api: Api) -> dict:
    return price(api, unit_amount=1000, currency="usd", recurring={"interval": "month"},
                 product_data={"name": "Gold"})


def subscription_session(api: Api, gold: dict, **params) -> dict:
    return ok(api.post("/v1/checkout/sessions", {
        "mode": "subscription", "success_url": "https://shop.example/welcome",
        "line_items": [{"price": gold["id"], "quantity": 2}], **params}))


def page(session: dict) -> str:
    return urlsplit(session["url"]).path


def test_paying_starts_the_subscription_with_its_first_invoice_paid(client, api, gold):
    session = subscription_session(api, gold, subscription_data={"metadata": {"plan": "g"}})
    assert (session["amount_total"], session["payment_intent"], session["subscription"]) == (
        2000, None, None)

    response = client.post(page(session), card_form())

    assert response["Location"] == "https://shop.example/welcome"
    done = ok(api.get(f"/v1/checkout/sessions/{session['id']}"))
    assert (done["status"], done["payment_status"]) == ("complete", "paid")
    subscription = ok(api.get(f"/v1/subscriptions/{done['subscription']}"))
    assert (subscription["status"], subscription["customer"]) == ("active", done["customer"])
    assert subscription["metadata"] == {"plan": "g"}
    assert subscription["items"]["data"][0]["quantity"] == 2
    invoice = ok(api.get(f"/v1/invoices/{done['invoice']}"))
    assert (invoice["status"], invoice["amount_paid"]) == ("paid", 2000)
    intent = ok(api.get(f"/v1/payment_intents/{invoice['payment_intent']}"))
    assert subscription["default_payment_method"] == intent["payment_method"]
    assert ok(api.get(f"/v1/customers/{done['customer']}"))["email"] == "jenny@example.com"


def test_a_trial_charges_nothing_now_and_keeps_the_card(client, api, gold):
    session = subscription_session(api, gold, subscription_data={"trial_period_days": 14})
    assert session["amount_total"] == 0
    assert "14 days free" in client.get(page(session)).content.decode()

    client.post(page(session), card_form())

    done = ok(api.get(f"/v1/checkout/sessions/{session['id']}"))
    assert (done["status"], done["payment_status"]) == ("complete", "no_payment_required")
    subscription = ok(api.get(f"/v1/subscriptions/{done['subscription']}"))
    assert subscription["status"] == "trialing"
    method = ok(api.get(f"/v1/payment_methods/{subscription['default_payment_method']}"))
    assert method["customer"] == done["customer"]


def test_a_decline_then_another_card_makes_one_subscription_paid_by_the_second(
        client, api, gold):
    session = subscription_session(api, gold)

    declined = client.post(page(session), card_form(ATTACHES_THEN_DECLINES))
    assert declined.status_code == 402
    assert "declined" in declined.content.decode()
    paid = client.post(page(session), card_form(VISA_DEBIT))

    assert paid.status_code == 302
    [subscription] = Subscription.objects.all()
    assert subscription.status == "active"
    assert subscription.default_payment_method.card["last4"] == "5556"
    assert CheckoutSession.objects.get().payment_status == "paid"


def test_three_d_secure_on_the_first_invoice_comes_back_and_completes(client, api, gold):
    session = subscription_session(api, gold)

    challenge = client.post(page(session), card_form(THREE_D_SECURE))
    assert challenge.status_code == 302
    target = urlsplit(challenge["Location"])
    back = client.post(f"{target.path}?{target.query}", {"outcome": "complete"})
    returned = urlsplit(back["Location"])
    done = client.get(f"{returned.path}?{returned.query}")

    assert done["Location"] == "https://shop.example/welcome"
    assert Subscription.objects.get().status == "active"


def test_a_card_the_bank_refuses_makes_no_subscription(client, api, gold):
    session = subscription_session(api, gold)

    declined = client.post(page(session), card_form(DECLINED))

    assert declined.status_code == 402
    assert Subscription.objects.count() == 0


def test_expiring_after_a_decline_keeps_no_subscription(client, api, gold):
    session = subscription_session(api, gold)
    declined = client.post(page(session), card_form(ATTACHES_THEN_DECLINES))
    assert declined.status_code == 402
    assert Subscription.objects.get().status == "incomplete"

    expired = ok(api.post(f"/v1/checkout/sessions/{session['id']}/expire"))

    assert expired["status"] == "expired"
    subscription = Subscription.objects.get()
    assert subscription.status == "canceled"
    assert Invoice.objects.get().status == "void"


@pytest.mark.parametrize(("extra", "param"), [
    ({"payment_intent_data": {"capture_method": "manual"}}, "payment_intent_data"),
    ({"subscription_data": {"trial_period_days": 0}}, "subscription_data[trial_period_days]"),
])
def test_subscription_mode_refuses_what_it_does_not_take(api, gold, extra, param):
    error = error_of(api.post("/v1/checkout/sessions", {
        "mode": "subscription", "line_items": [{"price": gold["id"], "quantity": 1}],
        **extra}))
    assert error["param"] == param


def test_subscription_mode_needs_a_recurring_price(api):
    one_time = price(api, unit_amount=1000, currency="usd", product_data={"name": "Setup"})
    error = error_of(api.post("/v1/checkout/sessions", {
        "mode": "subscription", "line_items": [{"price": one_time["id"], "quantity": 1}]}))
    assert error["param"] == "line_items"
    assert "at least one recurring price" in error["message"]
    assert CheckoutSession.objects.count() == 0


def test_subscription_data_is_refused_outside_subscription_mode(api, gold):
    one_time = price(api, unit_amount=1000, currency="usd", product_data={"name": "Setup"})
    error = error_of(api.post("/v1/checkout/sessions", {
        "mode": "payment", "line_items": [{"price": one_time["id"], "quantity": 1}],
        "subscription_data": {"trial_period_days": 3}}))
    assert error["param"] == "subscription_data"


def test_one_time_and_inline_prices_go_with_the_subscription(client, api, gold):
    setup_fee = price(api, unit_amount=500, currency="usd", product_data={"name": "Setup fee"})
    session = ok(api.post("/v1/checkout/sessions", {
        "mode": "subscription", "subscription_data": {"trial_period_days": 7},
        "line_items": [
            {"price_data": {"currency": "usd", "product": gold["product"], "unit_amount": 300,
                            "recurring": {"interval": "month"}}, "quantity": 1},
            {"price": setup_fee["id"], "quantity": 1}]}))
    # during the trial only the one-time fee is due today
    assert (session["amount_subtotal"], session["amount_total"]) == (800, 500)

    response = client.post(page(session), card_form())

    assert response.status_code == 302
    done = ok(api.get(f"/v1/checkout/sessions/{session['id']}"))
    subscription = ok(api.get(f"/v1/subscriptions/{done['subscription']}"))
    assert subscription["status"] == "trialing"
    [item] = subscription["items"]["data"]
    assert (item["price"]["unit_amount"], item["price"]["active"]) == (300, False)
    invoice = ok(api.get(f"/v1/invoices/{subscription['latest_invoice']}"))
    assert (invoice["status"], invoice["amount_paid"]) == ("paid", 500)
