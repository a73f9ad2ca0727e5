"""The official `stripe` SDK subscribing a customer on a test clock against a live Till
server: the first invoice charged at once, a year of monthly renewals in one advance, a
declined renewal, cancellation."""

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


def _clocked_customer(client, token: str = "tok_visa"):  # noqa: S107
    test_clock = client.v1.test_helpers.test_clocks.create(params={"frozen_time": CLOCK_START})
    customer = client.v1.customers.create(params={"email": "sub@example.test",
                                                  "test_clock": test_clock.id})
    card = client.v1.payment_methods.create(params={"type": "card", "card": {"token": token}})
    client.v1.payment_methods.attach(card.id, params={"customer": customer.id})
    customer = client.v1.customers.update(customer.id, params={
        "invoice_settings": {"default_payment_method": card.id}})
    return test_clock, customer


def _monthly_price(client, amount: int = 1500):
    return client.v1.prices.create(params={
        "currency": "usd", "unit_amount": amount, "recurring": {"interval": "month"},
        "product_data": {"name": "Pro"}})


def _advance(client, test_clock, frozen_time: int):
    client.v1.test_helpers.test_clocks.advance(test_clock.id,
                                               params={"frozen_time": frozen_time})
    ready = client.v1.test_helpers.test_clocks.retrieve(test_clock.id)
    assert (ready.status, ready.frozen_time) == ("ready", frozen_time)


def test_a_year_of_monthly_renewals_on_a_test_clock(client):
    # given a customer on a clock with a saved card, subscribed to $15.00 a month
    test_clock, customer = _clocked_customer(client)
    price = _monthly_price(client)
    subscription = client.v1.subscriptions.create(params={
        "customer": customer.id, "items": [{"price": price.id}],
        "expand": ["latest_invoice.payment_intent"]})

    # then it is active at once, on the clock's time, its first invoice paid
    assert isinstance(subscription, stripe.Subscription)
    assert (subscription.status, subscription.start_date) == ("active", CLOCK_START)
    assert subscription.test_clock == test_clock.id
    first = subscription.latest_invoice
    assert isinstance(first, stripe.Invoice)
    assert (first.status, first.billing_reason, first.amount_paid) == (
        "paid", "subscription_create", 1500)
    assert first.payment_intent.status == "succeeded"

    # when the clock advances a year (and a second), two months at a time: Stripe's most for
    # a monthly subscription on the clock
    anchor = datetime.fromtimestamp(CLOCK_START, UTC)
    year_later = int(period_boundary(anchor, interval="month", interval_count=1,
                                     periods=12).timestamp())
    for months in range(2, 13, 2):
        _advance(client, test_clock, int(period_boundary(
            anchor, interval="month", interval_count=1, periods=months).timestamp()))
    _advance(client, test_clock, year_later + 1)

    # then twelve more invoices were made and paid, one per month, the periods contiguous
    invoices = list(client.v1.invoices.list(params={
        "subscription": subscription.id, "limit": 100}).auto_paging_iter())
    invoices.sort(key=lambda invoice: invoice.period_start)
    assert len(invoices) == 13
    assert [invoice.billing_reason for invoice in invoices] == (
        ["subscription_create"] + ["subscription_cycle"] * 12)
    assert {(invoice.status, invoice.amount_paid) for invoice in invoices} == {("paid", 1500)}
    assert invoices[0].period_start == CLOCK_START
    for before, after in zip(invoices, invoices[1:], strict=False):
        assert after.period_start == before.period_end
    expected_ends = [int(period_boundary(anchor, interval="month", interval_count=1,
                                         periods=n).timestamp()) for n in range(1, 14)]
    assert [invoice.period_end for invoice in invoices] == expected_ends
    renewed = client.v1.subscriptions.retrieve(subscription.id)
    assert (renewed.status, renewed.current_period_start, renewed.current_period_end) == (
        "active", year_later, expected_ends[-1])
    assert renewed.latest_invoice == invoices[-1].id

    # and advancing again to the same time bills nothing more
    client.v1.subscriptions.update(subscription.id, params={"cancel_at_period_end": True})
    _advance(client, test_clock, year_later + 2)
    assert len(client.v1.invoices.list(params={"subscription": subscription.id,
                                               "limit": 100}).data) == 13

    # and with cancel_at_period_end, the next period end cancels it instead of renewing
    _advance(client, test_clock, expected_ends[-1] + 1)
    ended = client.v1.subscriptions.retrieve(subscription.id)
    assert (ended.status, ended.ended_at) == ("canceled", expected_ends[-1])
    assert len(client.v1.invoices.list(params={"subscription": subscription.id,
                                               "limit": 100}).data) == 13
    types = [event.type for event in client.v1.events.list(params={
        "type": "customer.subscription.*", "limit": 100}).auto_paging_iter()]
    # (the newest first; the clock's events at one frozen instant share their `created`, so
    # only those of distinct instants have an order: the activation shares the creation's)
    assert types[0] == "customer.subscription.deleted"
    assert sorted(types[-2:]) == ["customer.subscription.created",
                                  "customer.subscription.updated"]
    assert types.count("customer.subscription.updated") == 1 + 12 + 1


def test_a_declined_first_payment_then_a_new_card_and_an_expiry_on_the_clock(client):
    # given a customer on a clock whose card declines
    test_clock, customer = _clocked_customer(client, "tok_chargeCustomerFail")
    price = _monthly_price(client)

    # when they subscribe with error_if_incomplete: the card error, nothing made
    with pytest.raises(stripe.CardError) as raised:
        client.v1.subscriptions.create(params={
            "customer": customer.id, "items": [{"price": price.id}],
            "payment_behavior": "error_if_incomplete"})
    assert raised.value.http_status == 402
    assert client.v1.subscriptions.list(params={"status": "all"}).data == []

    # when they subscribe (allow_incomplete): incomplete, the invoice open
    subscription = client.v1.subscriptions.create(params={
        "customer": customer.id, "items": [{"price": price.id}]})
    assert subscription.status == "incomplete"

    # and a new card pays the open invoice: active
    card = client.v1.payment_methods.create(params={"type": "card",
                                                    "card": {"token": "tok_visa"}})
    client.v1.payment_methods.attach(card.id, params={"customer": customer.id})
    paid = client.v1.invoices.pay(subscription.latest_invoice,
                                  params={"payment_method": card.id})
    assert paid.status == "paid"
    assert client.v1.subscriptions.retrieve(subscription.id).status == "active"

    # and a second subscription left unpaid expires after 23 hours on the clock
    unpaid = client.v1.subscriptions.create(params={
        "customer": customer.id, "items": [{"price": _monthly_price(client, 900).id}]})
    assert unpaid.status == "incomplete"
    _advance(client, test_clock, CLOCK_START + 23 * 3600 + 1)
    expired = client.v1.subscriptions.retrieve(unpaid.id)
    assert expired.status == "incomplete_expired"
    assert client.v1.invoices.retrieve(unpaid.latest_invoice).status == "void"
    assert client.v1.subscriptions.retrieve(subscription.id).status == "active"


def test_a_clock_advances_at_most_two_intervals_of_its_shortest_subscription(client):
    # given a customer on a clock with a monthly and a weekly subscription
    test_clock, customer = _clocked_customer(client)
    client.v1.subscriptions.create(params={
        "customer": customer.id, "items": [{"price": _monthly_price(client).id}]})
    weekly = client.v1.prices.create(params={
        "currency": "usd", "unit_amount": 300, "recurring": {"interval": "week"},
        "product_data": {"name": "Weekly"}})
    subscription = client.v1.subscriptions.create(params={
        "customer": customer.id, "items": [{"price": weekly.id}]})

    # when it is asked to go past two weeks: refused, naming frozen_time, the clock unmoved
    two_weeks = CLOCK_START + 14 * 86400
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.test_helpers.test_clocks.advance(test_clock.id,
                                                   params={"frozen_time": two_weeks + 1})
    assert refused.value.param == "frozen_time"
    assert client.v1.test_helpers.test_clocks.retrieve(test_clock.id).frozen_time == (
        CLOCK_START)

    # and two weeks exactly go, and once the weekly one is canceled the monthly one bounds it
    _advance(client, test_clock, two_weeks)
    client.v1.subscriptions.cancel(subscription.id)
    two_months = int(period_boundary(datetime.fromtimestamp(two_weeks, UTC), interval="month",
                                     interval_count=1, periods=2).timestamp())
    _advance(client, test_clock, two_months)


def test_an_upgrade_with_error_if_incomplete_is_a_card_error_that_changes_nothing(client):
    # given a subscription whose own default card now declines every charge
    test_clock, customer = _clocked_customer(client)
    basic, pro = _monthly_price(client, 1000), _monthly_price(client, 3000)
    subscription = client.v1.subscriptions.create(params={
        "customer": customer.id, "items": [{"price": basic.id}]})
    failing = client.v1.payment_methods.create(params={
        "type": "card", "card": {"token": "tok_chargeCustomerFail"}})
    client.v1.payment_methods.attach(failing.id, params={"customer": customer.id})
    client.v1.subscriptions.update(subscription.id,
                                   params={"default_payment_method": failing.id})
    _advance(client, test_clock, CLOCK_START + 10 * 86400)
    [item] = subscription["items"].data

    # when it is upgraded, invoiced at once, with error_if_incomplete
    with pytest.raises(stripe.CardError) as raised:
        client.v1.subscriptions.update(subscription.id, params={
            "items": [{"id": item.id, "price": pro.id}],
            "proration_behavior": "always_invoice", "payment_behavior": "error_if_incomplete"})

    # then it is the decline, and the subscription bills what it billed
    assert raised.value.http_status == 402
    assert raised.value.code == "card_declined"
    shown = client.v1.subscriptions.retrieve(subscription.id)
    assert [i.price.id for i in shown["items"].data] == [basic.id]
    assert (shown.status, shown.latest_invoice) == ("active", subscription.latest_invoice)
    # and an item added on its own route the same way is not added either
    extra = _monthly_price(client, 500)
    with pytest.raises(stripe.CardError):
        client.v1.subscription_items.create(params={
            "subscription": subscription.id, "price": extra.id,
            "proration_behavior": "always_invoice", "payment_behavior": "error_if_incomplete"})
    listed = client.v1.subscription_items.list(params={"subscription": subscription.id})
    assert [i.price.id for i in listed.data] == [basic.id]
