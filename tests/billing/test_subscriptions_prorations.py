"""Changing a subscription's items mid-period: prorations to the second, as Stripe makes
them (`create_prorations` pending for the next invoice, `always_invoice` invoiced and charged
now, `none` nothing), and the changes Till refuses, changing nothing."""

from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone

from billing import services
from billing.models import InvoiceItem, Subscription
from billing.periods import period_end_after
from core import clock
from tests.billing.factories import coupon, customer_with_card, error_of, monthly, ok, price
from tests.billing.test_subscriptions_sdk import CLOCK_START, _advance, _clocked_customer

pytestmark = pytest.mark.django_db

# The first monthly period starts a fortnight ago (its events stay in the events' window).
START = timezone.now().replace(microsecond=0) - timedelta(days=15)
END = period_end_after(START, interval="month", interval_count=1, after=START)
CHANGE = START + timedelta(days=10, hours=5, seconds=17)
ON = f"{CHANGE:%d %b %Y}"


def share_of(amount: int, at: datetime = CHANGE, start: datetime = START,
             end: datetime = END) -> int:
    """What Stripe prorates `amount` to: the period's remaining seconds over its seconds,
    rounded half up."""
    exact = Decimal(amount) * int((end - at).total_seconds()) / int((end - start)
                                                                      .total_seconds())
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@pytest.fixture
def subscribed(api):
    """A customer with a card on $10.00 a month since START, and a $30.00 monthly price."""
    owner, _ = customer_with_card(api)
    basic, pro = monthly(api, unit_amount=1000), monthly(api, unit_amount=3000)
    with clock.bound(START):
        subscription = ok(api.post("/v1/subscriptions", {
            "customer": owner["id"], "items": [{"price": basic["id"]}]}))
    return owner, subscription, basic, pro


def change(api, subscription: dict, at: datetime = CHANGE, **params) -> dict:
    with clock.bound(at):
        return api.post(f"/v1/subscriptions/{subscription['id']}", params)


def pending(owner: dict) -> list[InvoiceItem]:
    return list(InvoiceItem.objects.filter(customer_id=owner["id"], invoice__isnull=True)
                .order_by("amount"))


def test_an_upgrade_credits_the_unused_time_and_charges_the_rest_at_the_next_renewal(
        api, subscribed, events_of):
    owner, subscription, basic, pro = subscribed
    [item] = subscription["items"]["data"]

    # when the customer moves to the $30.00 price ten days, five hours and 17 s in
    updated = ok(change(api, subscription, items=[{"id": item["id"], "price": pro["id"]}]))

    # then the item keeps its id with the new price, and the period is unchanged
    [moved] = updated["items"]["data"]
    assert (moved["id"], moved["price"]["id"]) == (item["id"], pro["id"])
    assert updated["current_period_end"] == int(END.timestamp())
    # and two pending prorations, to the second, wait for the next invoice
    credit, charge = pending(owner)
    assert (credit.amount, charge.amount) == (-share_of(1000), share_of(3000))
    assert credit.description == f"Unused time on Gold after {ON}"
    assert charge.description == f"Remaining time on Gold after {ON}"
    assert {(i.proration, i.subscription_id, i.period_start, i.period_end)
            for i in (credit, charge)} == {(True, subscription["id"], CHANGE, END)}
    shown = ok(api.get(f"/v1/invoiceitems/{charge.id}"))
    assert (shown["proration"], shown["subscription"], shown["price"]["id"]) == (
        True, subscription["id"], pro["id"])
    # and the update was told with what the items were
    [_, updated_event] = events_of(subscription["id"])[-2:]
    assert updated_event["type"] == "customer.subscription.updated"
    assert "items" in updated_event["data"]["previous_attributes"]

    # when the period ends
    services.subscriptions_renew_due(now=END + timedelta(seconds=1))

    # then the renewal bills the new price and the prorations, and nothing is pending
    renewed = ok(api.get(f"/v1/subscriptions/{subscription['id']}",
                         {"expand": ["latest_invoice"]}))
    invoice = renewed["latest_invoice"]
    assert sorted(line["amount"] for line in invoice["lines"]["data"]) == sorted(
        [3000, -share_of(1000), share_of(3000)])
    assert invoice["amount_paid"] == 3000 + share_of(3000) - share_of(1000)
    assert [line["proration"] for line in invoice["lines"]["data"]].count(True) == 2
    assert pending(owner) == []


def test_always_invoice_charges_the_difference_now(api, subscribed):
    owner, subscription, basic, pro = subscribed
    [item] = subscription["items"]["data"]

    updated = ok(change(api, subscription, items=[{"id": item["id"], "price": pro["id"]}],
                        proration_behavior="always_invoice", expand=["latest_invoice"]))

    invoice = updated["latest_invoice"]
    assert (invoice["billing_reason"], invoice["status"]) == ("subscription_update", "paid")
    assert invoice["amount_paid"] == share_of(3000) - share_of(1000)
    assert updated["status"] == "active"
    assert pending(owner) == []


def test_a_downgrade_invoiced_now_leaves_the_credit_on_the_customers_balance(api,
                                                                            subscribed):
    owner, subscription, basic, pro = subscribed
    [item] = subscription["items"]["data"]
    change(api, subscription, at=START, items=[{"id": item["id"], "price": pro["id"]}],
           proration_behavior="none")

    # when they go back down to $10.00, invoiced at once
    updated = ok(change(api, subscription, items=[{"id": item["id"], "price": basic["id"]}],
                        proration_behavior="always_invoice", expand=["latest_invoice"]))

    # then nothing is charged and the difference is the customer's credit
    invoice = updated["latest_invoice"]
    difference = share_of(1000) - share_of(3000)
    assert (invoice["total"], invoice["amount_due"], invoice["status"]) == (
        difference, 0, "paid")
    assert ok(api.get(f"/v1/customers/{owner['id']}"))["balance"] == difference
    assert ok(api.get("/v1/payment_intents", {"customer": owner["id"]}))["data"][0][
        "amount"] == 1000  # the first month only


def test_quantities_added_and_deleted_items_prorate_each(api, subscribed):
    owner, subscription, basic, pro = subscribed
    [item] = subscription["items"]["data"]
    extra = monthly(api, unit_amount=500)

    ok(change(api, subscription, items=[
        {"id": item["id"], "quantity": 3}, {"price": extra["id"], "quantity": 2}]))

    amounts = sorted(i.amount for i in pending(owner))
    assert amounts == sorted([-share_of(1000), share_of(3000), share_of(1000)])
    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert sorted((i["price"]["id"], i["quantity"]) for i in shown["items"]["data"]) == sorted(
        [(basic["id"], 3), (extra["id"], 2)])

    # and deleting the extra item credits its remaining time
    added = next(i for i in shown["items"]["data"] if i["price"]["id"] == extra["id"])
    later = CHANGE + timedelta(days=2)
    earlier = {i.id for i in pending(owner)}
    ok(change(api, subscription, at=later, items=[{"id": added["id"], "deleted": True}]))
    [credit] = [i for i in pending(owner) if i.id not in earlier]
    assert (credit.amount, credit.price_id) == (-share_of(1000, at=later), extra["id"])
    assert len(ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["items"]["data"]) == 1


def test_none_changes_the_items_for_the_next_period_only(api, subscribed):
    owner, subscription, basic, pro = subscribed
    [item] = subscription["items"]["data"]
    ok(change(api, subscription, items=[{"id": item["id"], "price": pro["id"]}],
              proration_behavior="none"))
    assert pending(owner) == []
    services.subscriptions_renew_due(now=END + timedelta(seconds=1))
    invoice = ok(api.get(f"/v1/subscriptions/{subscription['id']}",
                         {"expand": ["latest_invoice"]}))["latest_invoice"]
    assert invoice["amount_paid"] == 3000


def test_a_trial_is_not_prorated(api):
    owner, _ = customer_with_card(api)
    basic, pro = monthly(api, unit_amount=1000), monthly(api, unit_amount=3000)
    with clock.bound(START):
        subscription = ok(api.post("/v1/subscriptions", {
            "customer": owner["id"], "items": [{"price": basic["id"]}],
            "trial_period_days": 14}))
    [item] = subscription["items"]["data"]
    ok(change(api, subscription, items=[{"id": item["id"], "price": pro["id"]}]))
    assert pending(owner) == []


@pytest.mark.parametrize(("items", "extra", "param"), [
    ([{"id": "si_nope", "quantity": 2}], {}, "items[0][id]"),
    ([{"price": "yearly"}], {}, "items[0][price]"),
    ([{"price": "euro"}], {}, "items[0][price]"),
    ([{"price": "one_time"}], {}, "items[0][price]"),
    ([{"id": "ITEM", "deleted": True}], {}, "items"),
    ([{"price": "SAME"}], {}, "items"),
    ([{"id": "ITEM", "quantity": 2}], {"proration_date": int(END.timestamp()) + 60},
     "proration_date"),
    ([{"id": "ITEM", "quantity": 2}], {"proration_behavior": "sometimes"},
     "proration_behavior"),
    ([{"id": "ITEM", "quantity": -1}], {}, "items[0][quantity]"),
])
def test_a_bad_change_is_refused_naming_its_parameter_and_changes_nothing(
        api, subscribed, items, extra, param):
    owner, subscription, basic, pro = subscribed
    [item] = subscription["items"]["data"]
    names = {"yearly": price(api, recurring={"interval": "year"})["id"],
             "euro": monthly(api, currency="eur")["id"], "one_time": price(api)["id"],
             "SAME": basic["id"], "ITEM": item["id"]}
    items = [{key: names.get(value, value) for key, value in entry.items()} for entry in items]

    error = error_of(change(api, subscription, items=items, **extra))

    assert error["param"] == param
    shown = Subscription.objects.get(pk=subscription["id"])
    assert [(i.price_id, i.quantity) for i in shown.items.all()] == [(basic["id"], 1)]
    assert pending(owner) == []


# -- the SDK's story on a test clock --------------------------------------------------------

@pytest.fixture
def client(sdk):
    """The official SDK (tests/billing/conftest.py's `sdk`), by the name these tests use."""
    return sdk


def test_an_upgrade_mid_period_prorates_to_the_second_through_the_sdk(client):
    # given a customer on a test clock with a card, on $15.00 a month
    test_clock, owner = _clocked_customer(client)
    product = client.v1.products.create(params={"name": "Pro"})
    basic = client.v1.prices.create(params={"currency": "usd", "unit_amount": 1500,
                                            "recurring": {"interval": "month"},
                                            "product": product.id})
    premium = client.v1.prices.create(params={"currency": "usd", "unit_amount": 4500,
                                              "recurring": {"interval": "month"},
                                              "product": product.id})
    subscription = client.v1.subscriptions.create(params={
        "customer": owner.id, "items": [{"price": basic.id}]})
    start, end = subscription.current_period_start, subscription.current_period_end

    # when, 12 days, 7 hours and 3 seconds in, it moves to $45.00, invoiced at once
    at = start + 12 * 86400 + 7 * 3600 + 3
    _advance(client, test_clock, at)
    item = subscription["items"].data[0]
    updated = client.v1.subscriptions.update(subscription.id, params={
        "items": [{"id": item.id, "price": premium.id}],
        "proration_behavior": "always_invoice", "expand": ["latest_invoice"]})

    # then the invoice charges the remaining time's difference, computed to the second
    def share(amount: int) -> int:
        return int((Decimal(amount) * (end - at) / (end - start)).quantize(
            Decimal(1), rounding=ROUND_HALF_UP))

    invoice = updated.latest_invoice
    lines = sorted(invoice.lines.data, key=lambda line: line.amount)
    assert [(line.amount, line.proration) for line in lines] == [
        (-share(1500), True), (share(4500), True)]
    assert lines[0].description.startswith("Unused time on Pro after ")
    assert (invoice.status, invoice.amount_paid) == ("paid", share(4500) - share(1500))
    assert CLOCK_START <= at < end


def test_a_change_invoiced_now_takes_the_subscriptions_discount(api, subscribed):
    # given the subscription carries a 20% forever coupon
    owner, subscription, basic, pro = subscribed
    [item] = subscription["items"]["data"]
    twenty = coupon(api)
    with clock.bound(CHANGE - timedelta(seconds=1)):
        ok(api.post(f"/v1/subscriptions/{subscription['id']}",
                    {"discounts": [{"coupon": twenty["id"]}]}))

    # when an upgrade is invoiced at once
    updated = ok(change(api, subscription, items=[{"id": item["id"], "price": pro["id"]}],
                        proration_behavior="always_invoice", expand=["latest_invoice"]))

    # then that invoice is discounted as its renewals are, and paid for the discounted amount
    invoice = updated["latest_invoice"]
    difference = share_of(3000) - share_of(1000)
    assert invoice["discounts"] == updated["discounts"] != []
    assert invoice["subtotal"] == difference
    assert invoice["total"] == invoice["amount_paid"] < difference
    assert invoice["total_discount_amounts"][0]["amount"] == difference - invoice["total"]
