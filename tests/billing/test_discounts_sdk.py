"""The official `stripe` SDK with coupons and promotion codes against a live Till server:
20% off forever over three renewals on a test clock, an amount off once, and a promotion
code redeemable once used twice."""

from datetime import UTC, datetime

import pytest
import stripe
from django.utils import timezone

from billing.periods import period_boundary

# Midnight yesterday: the clock's events stay in the events' window.
CLOCK_START = int(timezone.now().timestamp()) // 86400 * 86400 - 86400


@pytest.fixture
def client(sdk):
    """The official SDK (tests/billing/conftest.py's `sdk`), by the name these tests use."""
    return sdk


def _clocked_customer(client):
    test_clock = client.v1.test_helpers.test_clocks.create(params={"frozen_time": CLOCK_START})
    customer = client.v1.customers.create(params={"email": "promo@example.test",
                                                  "test_clock": test_clock.id})
    card = client.v1.payment_methods.create(params={"type": "card",
                                                    "card": {"token": "tok_visa"}})
    client.v1.payment_methods.attach(card.id, params={"customer": customer.id})
    customer = client.v1.customers.update(customer.id, params={
        "invoice_settings": {"default_payment_method": card.id}})
    return test_clock, customer


def _monthly_price(client, amount: int = 1500):
    return client.v1.prices.create(params={
        "currency": "usd", "unit_amount": amount, "recurring": {"interval": "month"},
        "product_data": {"name": "Pro"}})


def test_twenty_percent_forever_over_three_renewals_on_a_test_clock(client):
    # given a customer on a clock, a $15.00 monthly price and a 20% forever coupon
    test_clock, customer = _clocked_customer(client)
    price = _monthly_price(client)
    twenty = client.v1.coupons.create(params={"percent_off": 20, "duration": "forever",
                                               "name": "Twenty"})
    assert isinstance(twenty, stripe.Coupon)
    assert (twenty.percent_off, twenty.valid, twenty.times_redeemed) == (20.0, True, 0)

    # when they subscribe with the coupon
    subscription = client.v1.subscriptions.create(params={
        "customer": customer.id, "items": [{"price": price.id}],
        "discounts": [{"coupon": twenty.id}], "expand": ["latest_invoice"]})

    # then the first invoice is $12.00, paid, its discount shown as Stripe shows it
    assert subscription.status == "active"
    assert isinstance(subscription.discount, stripe.Discount)
    assert subscription.discount.coupon.id == twenty.id
    first = subscription.latest_invoice
    assert (first.subtotal, first.total, first.amount_paid) == (1500, 1200, 1200)
    assert first.total_discount_amounts[0].amount == 300

    # when the clock advances three months (and a second), two months at most at a time
    anchor = datetime.fromtimestamp(CLOCK_START, UTC)
    two_months, three_months = (int(period_boundary(anchor, interval="month", interval_count=1,
                                                    periods=n).timestamp()) for n in (2, 3))
    for frozen_time in (two_months, three_months + 1):
        client.v1.test_helpers.test_clocks.advance(test_clock.id,
                                                   params={"frozen_time": frozen_time})

    # then each of the three renewals was billed $12.00 and paid
    invoices = sorted(client.v1.invoices.list(params={
        "subscription": subscription.id, "limit": 100}).auto_paging_iter(),
        key=lambda invoice: invoice.period_start)
    assert [(invoice.billing_reason, invoice.total, invoice.amount_paid, invoice.status)
            for invoice in invoices] == [("subscription_create", 1200, 1200, "paid")] + [
        ("subscription_cycle", 1200, 1200, "paid")] * 3
    assert client.v1.coupons.retrieve(twenty.id).times_redeemed == 1


def test_an_amount_off_once_discounts_the_first_invoice_only(client):
    test_clock, customer = _clocked_customer(client)
    price = _monthly_price(client)
    five = client.v1.coupons.create(params={"amount_off": 500, "currency": "usd",
                                            "duration": "once"})

    subscription = client.v1.subscriptions.create(params={
        "customer": customer.id, "items": [{"price": price.id}],
        "discounts": [{"coupon": five.id}], "expand": ["latest_invoice"]})
    assert subscription.latest_invoice.amount_paid == 1000
    assert subscription.discounts == []

    anchor = datetime.fromtimestamp(CLOCK_START, UTC)
    month = int(period_boundary(anchor, interval="month", interval_count=1,
                                periods=1).timestamp())
    client.v1.test_helpers.test_clocks.advance(test_clock.id, params={"frozen_time": month + 1})
    renewed = client.v1.subscriptions.retrieve(subscription.id)
    assert client.v1.invoices.retrieve(renewed.latest_invoice).amount_paid == 1500


def test_a_promotion_code_redeemable_once_is_refused_the_second_time(client):
    # given a code redeemable once, for 10% off
    coupon = client.v1.coupons.create(params={"percent_off": 10, "duration": "forever"})
    code = client.v1.promotion_codes.create(params={"coupon": coupon.id, "code": "ONCEONLY",
                                                    "max_redemptions": 1})
    assert isinstance(code, stripe.PromotionCode)
    assert code.coupon.id == coupon.id
    found = client.v1.promotion_codes.list(params={"code": "onceonly"}).data
    assert [promo.id for promo in found] == [code.id]
    price = _monthly_price(client)
    _, first = _clocked_customer(client)
    _, second = _clocked_customer(client)

    # when one customer subscribes with it, then another
    subscribed = client.v1.subscriptions.create(params={
        "customer": first.id, "items": [{"price": price.id}], "promotion_code": code.id})
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.subscriptions.create(params={
            "customer": second.id, "items": [{"price": price.id}],
            "discounts": [{"promotion_code": code.id}]})

    # then the first got 10% off and the second was refused, naming the code
    assert subscribed.discount.promotion_code == code.id
    assert refused.value.http_status == 400
    assert refused.value.param == "discounts[0][promotion_code]"
    assert client.v1.promotion_codes.retrieve(code.id).times_redeemed == 1
    assert client.v1.subscriptions.list(params={"customer": second.id}).data == []
