"""Discounts on subscriptions through the API: `discounts[]` and the legacy `coupon` and
`promotion_code` at creation and update; the first invoice and each renewal discounted while
the discount lasts (once, repeating, forever); customer.discount.* events; refusals that
leave nothing made."""

from datetime import UTC, datetime, timedelta

import pytest

from billing import services
from billing.models import Subscription
from core import clock
from tests.billing.factories import (
    coupon,
    customer_with_card,
    error_of,
    monthly,
    ok,
    promotion_code,
)

pytestmark = pytest.mark.django_db

# Midnight yesterday: the events stay in the events list's window.
START = datetime.fromtimestamp(int(clock.now().timestamp()) // 86400 * 86400 - 86400, UTC)


def subscribe(api, customer_id: str, *price_ids: str, **params) -> dict:
    with clock.bound(START):
        return ok(api.post("/v1/subscriptions", {
            "customer": customer_id, "items": [{"price": pk} for pk in price_ids], **params}))


def renewals(api, subscription: dict, count: int) -> list[dict]:
    """The engine run at each of the next `count` period ends; the invoices, oldest first."""
    for _ in range(count):
        end = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["current_period_end"]
        moment = datetime.fromtimestamp(end, UTC) + timedelta(seconds=1)
        assert services.subscriptions_renew_due(now=moment) == 1
    invoices = ok(api.get("/v1/invoices", {"subscription": subscription["id"],
                                           "limit": 100}))["data"]
    return sorted(invoices, key=lambda invoice: invoice["period_start"])


def test_a_forever_coupon_discounts_the_first_invoice_and_every_renewal(api, events_of):
    # given a $10.00 monthly price and a 20% forever coupon
    owner, _ = customer_with_card(api)
    price = monthly(api)
    twenty = coupon(api)

    # when the customer subscribes with it
    subscription = subscribe(api, owner["id"], price["id"],
                             discounts=[{"coupon": twenty["id"]}],
                             expand=["latest_invoice"])

    # then the subscription carries the discount, and its first invoice is $8.00, paid
    [discount_id] = subscription["discounts"]
    discount = subscription["discount"]
    assert (discount["id"], discount["object"], discount["subscription"],
            discount["customer"], discount["end"]) == (
        discount_id, "discount", subscription["id"], owner["id"], None)
    assert discount["start"] == subscription["start_date"]
    first = subscription["latest_invoice"]
    assert (first["subtotal"], first["total"], first["amount_paid"]) == (1000, 800, 800)
    assert first["discounts"] == [discount_id]
    assert first["lines"]["data"][0]["discount_amounts"] == [{"amount": 200,
                                                              "discount": discount_id}]
    assert [event["type"] for event in events_of(discount_id)] == ["customer.discount.created"]

    # and two renewals later every invoice took the 20% off
    invoices = renewals(api, subscription, 2)
    assert [(invoice["total"], invoice["amount_paid"]) for invoice in invoices] == [
        (800, 800)] * 3
    assert ok(api.get(f"/v1/coupons/{twenty['id']}"))["times_redeemed"] == 1


def test_a_repeating_coupon_ends_after_its_months(api):
    # given a 50% coupon for two months on a monthly subscription
    owner, _ = customer_with_card(api)
    half = coupon(api, percent_off=50, duration="repeating", duration_in_months=2)
    subscription = subscribe(api, owner["id"], monthly(api)["id"],
                             discounts=[{"coupon": half["id"]}])
    end = subscription["discount"]["end"]
    assert datetime.fromtimestamp(end, UTC).month == (START.month + 1) % 12 + 1

    # when it renews three times
    invoices = renewals(api, subscription, 3)

    # then the first two months were half price, the next ones whole
    assert [invoice["total"] for invoice in invoices] == [500, 500, 1000, 1000]
    assert invoices[2]["discounts"] == []


def test_a_once_coupon_given_the_legacy_way_discounts_the_first_invoice_only(api, events_of):
    # given $3.00 off once
    owner, _ = customer_with_card(api)
    three = coupon(api, percent_off=None, amount_off=300, currency="usd", duration="once")

    # when a subscription is created with `coupon` (this API version's older parameter)
    subscription = subscribe(api, owner["id"], monthly(api)["id"], coupon=three["id"],
                             expand=["latest_invoice"])

    # then its first invoice is $7.00 and the discount is used up
    assert subscription["latest_invoice"]["total"] == 700
    [discount_id] = subscription["latest_invoice"]["discounts"]
    assert (subscription["discounts"], subscription["discount"]) == ([], None)
    # (both at the subscription's instant: their order is not the events' to tell)
    assert sorted(event["type"] for event in events_of(discount_id)) == [
        "customer.discount.created", "customer.discount.deleted"]
    assert [invoice["total"] for invoice in renewals(api, subscription, 1)] == [700, 1000]


def test_a_promotion_code_given_the_legacy_way_and_discounts_together_are_refused(api):
    owner, _ = customer_with_card(api)
    code = promotion_code(api, coupon(api)["id"])
    error = error_of(api.post("/v1/subscriptions", {
        "customer": owner["id"], "items": [{"price": monthly(api)["id"]}],
        "promotion_code": code["id"], "discounts": [{"coupon": code["coupon"]["id"]}]}))
    assert (error["code"], error["param"]) == ("parameters_exclusive", "promotion_code")


def test_a_coupon_for_one_product_discounts_that_item_only(api):
    # given a subscription to two products, and half off one of them
    owner, _ = customer_with_card(api)
    gold, silver = monthly(api, unit_amount=2000), monthly(api, unit_amount=1000)
    only_gold = coupon(api, percent_off=50, applies_to={"products": [gold["product"]]})

    # when it subscribes with the coupon
    subscription = subscribe(api, owner["id"], gold["id"], silver["id"],
                             discounts=[{"coupon": only_gold["id"]}],
                             expand=["latest_invoice"])

    # then Gold's line gave half, Silver's nothing
    invoice = subscription["latest_invoice"]
    assert {line["price"]["id"]: [entry["amount"] for entry in line["discount_amounts"]]
            for line in invoice["lines"]["data"]} == {gold["id"]: [1000], silver["id"]: []}
    assert (invoice["subtotal"], invoice["total"]) == (3000, 2000)


def test_an_update_adds_and_removes_discounts_for_the_next_invoices(api, events_of):
    # given a subscription without a discount
    owner, _ = customer_with_card(api)
    subscription = subscribe(api, owner["id"], monthly(api)["id"])
    ten = coupon(api, percent_off=10)

    # when a promotion code is applied by an update
    code = promotion_code(api, ten["id"], code="LOYAL")
    updated = ok(api.post(f"/v1/subscriptions/{subscription['id']}",
                          {"discounts": [{"promotion_code": code["id"]}]}))

    # then the next renewal takes 10% off; and the update's event shows the discount came
    [discount_id] = updated["discounts"]
    assert updated["discount"]["promotion_code"] == code["id"]
    assert [invoice["total"] for invoice in renewals(api, subscription, 1)] == [1000, 900]
    changed = events_of(subscription["id"])
    assert any(event["data"].get("previous_attributes", {}).get("discounts") == []
               for event in changed)

    # when the discounts are cleared
    cleared = ok(api.post(f"/v1/subscriptions/{subscription['id']}", {"discounts": ""}))

    # then the next renewal is whole again
    assert (cleared["discounts"], cleared["discount"]) == ([], None)
    assert events_of(discount_id)[-1]["type"] == "customer.discount.deleted"
    assert [invoice["total"] for invoice in renewals(api, subscription, 1)] == [
        1000, 900, 1000]


def test_a_refused_code_leaves_nothing_made(api):
    # given a code for at least $50.00 and a $10.00 price
    owner, _ = customer_with_card(api)
    code = promotion_code(api, coupon(api)["id"], restrictions={
        "minimum_amount": 5000, "minimum_amount_currency": "usd"})

    # when the customer subscribes with it
    error = error_of(api.post("/v1/subscriptions", {
        "customer": owner["id"], "items": [{"price": monthly(api)["id"]}],
        "discounts": [{"promotion_code": code["id"]}]}))

    # then it is refused naming the code, with no subscription made and nothing redeemed
    assert error["param"] == "discounts[0][promotion_code]"
    assert not Subscription.objects.filter(customer_id=owner["id"]).exists()
    assert ok(api.get(f"/v1/promotion_codes/{code['id']}"))["times_redeemed"] == 0
    assert ok(api.get(f"/v1/coupons/{code['coupon']['id']}"))["times_redeemed"] == 0


def test_a_page_of_discounted_subscriptions_costs_the_same_for_one_or_five(
        api, django_assert_max_num_queries):
    owner, _ = customer_with_card(api)
    twenty = coupon(api)
    price = monthly(api)
    subscribe(api, owner["id"], price["id"], discounts=[{"coupon": twenty["id"]}])
    with django_assert_max_num_queries(8) as one:
        ok(api.get("/v1/subscriptions"))
    for _ in range(4):
        subscribe(api, owner["id"], monthly(api)["id"], discounts=[{"coupon": twenty["id"]}])

    with django_assert_max_num_queries(8) as five:
        listed = ok(api.get("/v1/subscriptions"))

    assert [s["discount"]["coupon"]["id"] for s in listed["data"]] == [twenty["id"]] * 5
    assert len(five.captured_queries) == len(one.captured_queries)
