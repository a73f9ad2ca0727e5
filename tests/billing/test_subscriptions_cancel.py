"""Canceling a subscription now with Stripe's `prorate` and `invoice_now`: the unused time
credited to the second, a final invoice of what is pending, and pending prorations dropped
when neither is asked for."""

from datetime import UTC, datetime, timedelta

import pytest

from billing.models import InvoiceItem
from core import clock
from tests.billing.factories import customer_with_card, error_of, monthly, ok
from tests.billing.test_subscriptions_prorations import CHANGE, END, ON, START, share_of
from tests.billing.test_subscriptions_sdk import (
    CLOCK_START,
    _advance,
    _clocked_customer,
    _monthly_price,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribed(api):
    """A customer with a card on $10.00 a month since START (its first invoice paid)."""
    owner, _ = customer_with_card(api)
    basic = monthly(api, unit_amount=1000)
    with clock.bound(START):
        subscription = ok(api.post("/v1/subscriptions", {
            "customer": owner["id"], "items": [{"price": basic["id"]}]}))
    return owner, subscription


def cancel(api, subscription: dict, **params) -> dict:
    with clock.bound(CHANGE):
        return ok(api.delete(f"/v1/subscriptions/{subscription['id']}",
                             {**params, "expand": ["latest_invoice"]}))


def pending(owner: dict) -> list[InvoiceItem]:
    return list(InvoiceItem.objects.filter(customer_id=owner["id"], invoice__isnull=True))


def test_prorate_credits_the_unused_time_for_the_customers_next_invoice(api, subscribed,
                                                                         events_of):
    owner, subscription = subscribed

    canceled = cancel(api, subscription, prorate=True)

    # then it is canceled, and the unused time, to the second, waits as a credit
    assert canceled["status"] == "canceled"
    [credit] = pending(owner)
    assert credit.amount == -share_of(1000)
    assert credit.description == f"Unused time on Gold after {ON}"
    assert (credit.proration, credit.subscription_id, credit.period_start,
            credit.period_end) == (True, subscription["id"], CHANGE, END)
    assert [event["type"] for event in events_of(credit.id)] == ["invoiceitem.created"]
    # and no invoice was made for it
    assert canceled["latest_invoice"]["id"] == subscription["latest_invoice"]


def test_prorate_and_invoice_now_put_the_credit_on_the_customers_balance(api, subscribed,
                                                                          events_of):
    owner, subscription = subscribed

    canceled = cancel(api, subscription, prorate=True, invoice_now=True)

    # then a final invoice carries the credit, paid at once for nothing
    final = canceled["latest_invoice"]
    assert final["id"] != subscription["latest_invoice"]
    assert (final["billing_reason"], final["status"], final["total"], final["amount_due"]) == (
        "subscription_update", "paid", -share_of(1000), 0)
    [line] = final["lines"]["data"]
    assert (line["amount"], line["proration"]) == (-share_of(1000), True)
    # and the credit is the customer's, for its next invoices; nothing is left pending
    assert ok(api.get(f"/v1/customers/{owner['id']}"))["balance"] == -share_of(1000)
    assert pending(owner) == []
    # (events at one frozen instant have no order among themselves)
    assert {"invoice.created", "invoice.finalized", "invoice.paid"} <= {
        event["type"] for event in events_of(final["id"])}


def test_invoice_now_charges_what_is_pending(api, subscribed):
    # given an extra $4.00 pending for the customer
    owner, subscription = subscribed
    ok(api.post("/v1/invoiceitems", {"customer": owner["id"], "amount": 400,
                                     "currency": "usd", "description": "Setup"}))

    canceled = cancel(api, subscription, invoice_now=True)

    # then the final invoice bills it and the saved card pays it
    final = canceled["latest_invoice"]
    assert (final["total"], final["amount_paid"], final["status"]) == (400, 400, "paid")
    assert canceled["status"] == "canceled"


def test_neither_drops_the_subscriptions_pending_prorations_but_not_other_items(
        api, subscribed, events_of):
    # given an upgrade's prorations and an unrelated item, all pending
    owner, subscription = subscribed
    [item] = subscription["items"]["data"]
    pro = monthly(api, unit_amount=3000)
    with clock.bound(CHANGE - timedelta(hours=1)):
        ok(api.post(f"/v1/subscriptions/{subscription['id']}",
                    {"items": [{"id": item["id"], "price": pro["id"]}]}))
    prorations = pending(owner)
    assert len(prorations) == 2
    ok(api.post("/v1/invoiceitems", {"customer": owner["id"], "amount": 400,
                                     "currency": "usd", "description": "Setup"}))

    # when it is canceled with neither prorate nor invoice_now
    cancel(api, subscription)

    # then its prorations are deleted (told as deleted), the other item stays pending
    [left] = pending(owner)
    assert (left.amount, left.proration) == (400, False)
    for deleted in prorations:
        assert [event["type"] for event in events_of(deleted.id)] == [
            "invoiceitem.created", "invoiceitem.deleted"]


def test_a_trial_is_not_credited_and_an_ended_subscription_is_refused(api):
    owner, _ = customer_with_card(api)
    with clock.bound(START):
        trialing = ok(api.post("/v1/subscriptions", {
            "customer": owner["id"], "items": [{"price": monthly(api)["id"]}],
            "trial_period_days": 30}))

    canceled = cancel(api, trialing, prorate=True, invoice_now=True)

    assert canceled["status"] == "canceled"
    assert pending(owner) == []
    assert canceled["latest_invoice"]["id"] == trialing["latest_invoice"]
    error = error_of(api.delete(f"/v1/subscriptions/{trialing['id']}", {"prorate": True}))
    assert error["code"] == "resource_missing"
    assert pending(owner) == []


def test_the_sdk_cancels_with_a_prorated_final_invoice_on_a_test_clock(sdk):
    client = sdk
    # given a customer on a clock, subscribed to $15.00 a month
    test_clock, customer = _clocked_customer(client)
    subscription = client.v1.subscriptions.create(params={
        "customer": customer.id, "items": [{"price": _monthly_price(client).id}]})
    # when it is canceled a quarter of the way through its first period
    end = subscription.current_period_end
    moment = subscription.current_period_start + (end - CLOCK_START) // 4
    _advance(client, test_clock, moment)
    canceled = client.v1.subscriptions.cancel(subscription.id, params={
        "prorate": True, "invoice_now": True, "expand": ["latest_invoice"]})

    # then three quarters of $15.00, to the second, are the customer's credit
    remaining = share_of(1500, at=datetime.fromtimestamp(moment, UTC),
                         start=datetime.fromtimestamp(CLOCK_START, UTC),
                         end=datetime.fromtimestamp(end, UTC))
    assert canceled.status == "canceled"
    assert (canceled.latest_invoice.total, canceled.latest_invoice.status) == (-remaining,
                                                                               "paid")
    assert client.v1.customers.retrieve(customer.id).balance == -remaining
