"""Items' `price_data` and `add_invoice_items` through the API: inline prices made inactive
with the subscription, one-time lines on the first invoice only (or, on an update, on the
invoice it makes), and Stripe's refusals naming the parameter, with nothing created."""

import pytest

from billing.models import InvoiceItem, Price, Subscription
from tests.billing.factories import customer_with_card, error_of, monthly, ok, price, product

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(api) -> dict:
    return customer_with_card(api)[0]


def _price_data(product_id: str, **params) -> dict:
    return {"currency": "usd", "product": product_id, "unit_amount": 1200,
            "recurring": {"interval": "month"}, **params}


def test_an_item_of_price_data_makes_an_inactive_price_billed_like_any(api, owner,
                                                                     event_types):
    # given a product
    gold = product(api, name="Gold")

    # when they subscribe to $12.00 a month of it, given inline, twice
    subscription = ok(api.post("/v1/subscriptions", {
        "customer": owner["id"], "expand": ["latest_invoice"],
        "items": [{"price_data": _price_data(gold["id"], tax_behavior="exclusive"),
                   "quantity": 2}]}))

    # then the item's price is new, inactive, of that product, and the invoice bills it
    assert subscription["status"] == "active"
    [item] = subscription["items"]["data"]
    made = item["price"]
    assert (made["active"], made["product"], made["unit_amount"], made["type"]) == (
        False, gold["id"], 1200, "recurring")
    assert made["recurring"]["interval"] == "month"
    assert made["tax_behavior"] == "exclusive"
    assert subscription["latest_invoice"]["amount_paid"] == 2400
    # and it is a price like any other: retrievable, listed under its product
    assert ok(api.get(f"/v1/prices/{made['id']}"))["active"] is False
    listed = ok(api.get("/v1/prices", {"product": gold["id"], "active": "false"}))["data"]
    assert [listed_price["id"] for listed_price in listed] == [made["id"]]
    assert event_types(made["id"]) == ["plan.created", "price.created"]


def test_price_data_of_another_merchants_product_is_refused(api, owner, other_account):
    theirs = product(other_account.api())
    error = error_of(api.post("/v1/subscriptions", {
        "customer": owner["id"], "items": [{"price_data": _price_data(theirs["id"])}]}), 404)
    assert (error["code"], error["param"]) == ("resource_missing",
                                               "items[0][price_data][product]")
    assert not Subscription.objects.exists()
    assert not Price.objects.filter(product_id=theirs["id"]).exists()


def test_price_data_of_a_live_product_is_refused_in_test_mode(api, owner, account):
    live = product(account.api("live_secret_key"))
    error = error_of(api.post("/v1/subscriptions", {
        "customer": owner["id"], "items": [{"price_data": _price_data(live["id"])}]}), 404)
    assert error["param"] == "items[0][price_data][product]"


def test_price_data_without_recurring_is_refused_and_nothing_made(api, owner):
    gold = product(api)
    data = _price_data(gold["id"])
    del data["recurring"]
    error = error_of(api.post("/v1/subscriptions", {
        "customer": owner["id"], "items": [{"price_data": data}]}))
    assert error["param"] == "items[0][price_data][recurring]"
    assert not Price.objects.filter(product_id=gold["id"]).exists()


def test_an_item_needs_a_price_or_price_data(api, owner):
    error = error_of(api.post("/v1/subscriptions", {"customer": owner["id"],
                                                    "items": [{"quantity": 2}]}))
    assert error["param"] == "items[0][price]"


def test_a_one_time_price_as_an_item_is_refused(api, owner):
    setup = price(api)
    error = error_of(api.post("/v1/subscriptions", {"customer": owner["id"],
                                                    "items": [{"price": setup["id"]}]}))
    assert error["param"] == "items[0][price]"
    assert "type=one_time" in error["message"]


def test_a_later_error_leaves_no_inline_price_behind(api, owner):
    # given a valid price_data, and a second item in another currency
    gold = product(api)
    euros = monthly(api, currency="eur")

    # when they subscribe to both
    error = error_of(api.post("/v1/subscriptions", {"customer": owner["id"], "items": [
        {"price_data": _price_data(gold["id"])}, {"price": euros["id"]}]}))

    # then the currency is refused and the inline price was never made
    assert error["param"] == "items[1][price]"
    assert not Price.objects.filter(product_id=gold["id"]).exists()


def test_add_invoice_items_are_on_the_first_invoice_only(api, owner, advance):
    # given a customer on a test clock, a monthly price and a one-time setup fee
    clock_id = ok(api.post("/v1/test_helpers/test_clocks", {"frozen_time": 1_780_000_000}))["id"]
    owner = customer_with_card(api, test_clock=clock_id)[0]
    gold = monthly(api)
    setup = price(api, unit_amount=500, product=product(api, name="Setup")["id"])
    onboarding = product(api, name="Onboarding")

    # when they subscribe with the fee and an inline one-time charge
    subscription = ok(api.post("/v1/subscriptions", {
        "customer": owner["id"], "items": [{"price": gold["id"]}],
        "add_invoice_items": [{"price": setup["id"]},
                              {"price_data": {"currency": "usd", "product": onboarding["id"],
                                              "unit_amount_decimal": "250.4"},
                               "quantity": 2}],
        "expand": ["latest_invoice"]}))

    # then the first invoice bills the month and both, once
    first = subscription["latest_invoice"]
    assert first["amount_paid"] == 1000 + 500 + 501
    descriptions = sorted((line["description"], line["amount"], line["subscription"])
                          for line in first["lines"]["data"])
    assert descriptions == [("1 × Gold", 1000, subscription["id"]),
                            ("Onboarding", 501, subscription["id"]),
                            ("Setup", 500, subscription["id"])]
    inline = Price.objects.get(product_id=onboarding["id"])
    assert (inline.active, inline.type) == (False, "one_time")

    # when the month is over
    advance(api, clock_id, subscription["current_period_end"])

    # then the renewal bills the month alone
    renewal = ok(api.get(f"/v1/subscriptions/{subscription['id']}",
                         {"expand[]": "latest_invoice"}))["latest_invoice"]
    assert (renewal["billing_reason"], renewal["amount_paid"]) == ("subscription_cycle", 1000)
    assert len(renewal["lines"]["data"]) == 1


def test_add_invoice_items_refuse_a_recurring_price(api, owner):
    gold = monthly(api)
    error = error_of(api.post("/v1/subscriptions", {
        "customer": owner["id"], "items": [{"price": gold["id"]}],
        "add_invoice_items": [{"price": gold["id"]}]}))
    assert error["param"] == "add_invoice_items[0][price]"
    assert "type=one_time" in error["message"]
    assert not Subscription.objects.exists()
    assert not InvoiceItem.objects.exists()


def test_add_invoice_items_refuse_another_currency(api, owner):
    gold = monthly(api)
    fee = price(api, currency="eur")
    error = error_of(api.post("/v1/subscriptions", {
        "customer": owner["id"], "items": [{"price": gold["id"]}],
        "add_invoice_items": [{"price": fee["id"]}]}))
    assert error["param"] == "add_invoice_items[0][price]"
    assert not Subscription.objects.exists()


def test_add_invoice_items_discounts_are_refused_clearly(api, owner):
    gold, fee = monthly(api), price(api)
    error = error_of(api.post("/v1/subscriptions", {
        "customer": owner["id"], "items": [{"price": gold["id"]}],
        "add_invoice_items": [{"price": fee["id"], "discounts": [{"coupon": "x"}]}]}))
    assert error["param"].startswith("add_invoice_items[0][discounts]")


def test_an_update_with_always_invoice_bills_add_invoice_items_on_its_invoice(api, owner):
    # given an active monthly subscription
    gold, platinum = monthly(api), monthly(api, unit_amount=3000)
    subscription = ok(api.post("/v1/subscriptions", {"customer": owner["id"],
                                                     "items": [{"price": gold["id"]}]}))
    item_id = subscription["items"]["data"][0]["id"]
    fee = price(api, unit_amount=700, product=product(api, name="Upgrade fee")["id"])

    # when it upgrades, invoiced at once, with a one-time fee
    updated = ok(api.post(f"/v1/subscriptions/{subscription['id']}", {
        "items": [{"id": item_id, "price": platinum["id"]}],
        "proration_behavior": "always_invoice", "add_invoice_items": [{"price": fee["id"]}],
        "expand": ["latest_invoice"]}))

    # then the update's invoice carries the fee with the prorations
    invoice = updated["latest_invoice"]
    assert invoice["billing_reason"] == "subscription_update"
    fees = [line for line in invoice["lines"]["data"] if line["description"] == "Upgrade fee"]
    assert [(line["amount"], line["proration"]) for line in fees] == [(700, False)]
    assert not InvoiceItem.objects.filter(invoice__isnull=True).exists()


def test_an_update_without_an_invoice_leaves_add_invoice_items_for_the_next(api, owner):
    # given an active monthly subscription
    gold = monthly(api)
    subscription = ok(api.post("/v1/subscriptions", {"customer": owner["id"],
                                                     "items": [{"price": gold["id"]}]}))
    fee = price(api, unit_amount=700)

    # when a fee is added with nothing else
    ok(api.post(f"/v1/subscriptions/{subscription['id']}", {
        "add_invoice_items": [{"price": fee["id"]}]}))

    # then it waits, pending, for the subscription's next invoice
    [pending] = InvoiceItem.objects.filter(invoice__isnull=True)
    assert (pending.amount, pending.subscription_id) == (700, subscription["id"])


def test_an_update_and_subscription_items_take_price_data(api, owner):
    # given an active monthly subscription
    gold = monthly(api)
    subscription = ok(api.post("/v1/subscriptions", {"customer": owner["id"],
                                                     "items": [{"price": gold["id"]}]}))
    extra = product(api, name="Extra seats")

    # when an item is added from price_data through /v1/subscription_items
    item = ok(api.post("/v1/subscription_items", {
        "subscription": subscription["id"], "proration_behavior": "none",
        "price_data": {"currency": "usd", "product": extra["id"], "unit_amount": 300,
                       "recurring": {"interval": "month"}}}))

    # then the item bills a new inactive price of that product
    assert (item["price"]["product"], item["price"]["active"], item["price"]["unit_amount"]) \
        == (extra["id"], False, 300)

    # and an update's price_data at another interval is refused, naming it
    error = error_of(api.post(f"/v1/subscriptions/{subscription['id']}", {"items": [{
        "price_data": {"currency": "usd", "product": extra["id"], "unit_amount": 300,
                       "recurring": {"interval": "year"}}}]}))
    assert error["param"] == "items[0][price_data][recurring][interval]"
    assert Price.objects.filter(product_id=extra["id"]).count() == 1
