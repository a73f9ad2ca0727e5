"""A customer's own discount through the API (`coupon` / `promotion_code` on
/v1/customers, kept by billing): shown as the customer's `discount`, inherited by its
invoices that have none of their own, replaced and removed by updates."""

import pytest

from payments.models import Customer
from tests.billing.factories import (
    coupon,
    customer_with_card,
    draft,
    error_of,
    monthly,
    ok,
    promotion_code,
)
from tests.payments.factories import customer

pytestmark = pytest.mark.django_db


def test_a_customer_created_with_a_coupon_shows_its_discount(api, events_of):
    # given a 20% forever coupon
    twenty = coupon(api)

    # when a customer is created with it
    owner = ok(api.post("/v1/customers", {"email": "c@example.test", "coupon": twenty["id"]}))

    # then the customer shows the discount, and the coupon was redeemed once
    discount = owner["discount"]
    assert (discount["object"], discount["customer"], discount["subscription"],
            discount["invoice"]) == ("discount", owner["id"], None, None)
    assert discount["coupon"]["id"] == twenty["id"]
    assert ok(api.get(f"/v1/customers/{owner['id']}"))["discount"] == discount
    assert ok(api.get(f"/v1/coupons/{twenty['id']}"))["times_redeemed"] == 1
    assert [event["type"] for event in events_of(discount["id"])] == [
        "customer.discount.created"]
    created = next(event for event in events_of(owner["id"])
                   if event["type"] == "customer.created")
    assert created["data"]["object"]["discount"]["id"] == discount["id"]


def test_its_invoices_without_discounts_of_their_own_inherit_it(api):
    # given a customer with 10% off, and a coupon of $1.00 off
    owner, _ = customer_with_card(api)
    ten = coupon(api, percent_off=10)
    one = coupon(api, percent_off=None, amount_off=100, currency="usd")
    ok(api.post(f"/v1/customers/{owner['id']}", {"coupon": ten["id"]}))
    price = monthly(api)

    # when it subscribes without a discount, with one, and gets one-off invoices
    plain = ok(api.post("/v1/subscriptions", {"customer": owner["id"],
                                              "items": [{"price": price["id"]}],
                                              "expand": ["latest_invoice"]}))
    own = ok(api.post("/v1/subscriptions", {"customer": owner["id"],
                                            "items": [{"price": monthly(api)["id"]}],
                                            "discounts": [{"coupon": one["id"]}],
                                            "expand": ["latest_invoice"]}))
    inherited = draft(api, owner["id"], 2000)
    without = draft(api, owner["id"], 2000, discounts="")

    # then the customer's 10% came off where no discount of their own was given
    assert plain["latest_invoice"]["total"] == 900
    assert plain["discounts"] == []
    assert own["latest_invoice"]["total"] == 900  # its own $1.00, not the customer's 10%
    assert (inherited["total"], without["total"]) == (1800, 2000)
    assert inherited["discount"]["customer"] == owner["id"]


def test_a_once_coupon_on_a_customer_is_used_by_its_next_invoice(api, events_of):
    owner = ok(api.post("/v1/customers", {"coupon": coupon(api, duration="once")["id"]}))
    discount_id = owner["discount"]["id"]

    first = draft(api, owner["id"], 1000)
    second = draft(api, owner["id"], 1000)

    assert (first["total"], second["total"]) == (800, 1000)
    assert ok(api.get(f"/v1/customers/{owner['id']}"))["discount"] is None
    assert events_of(discount_id)[-1]["type"] == "customer.discount.deleted"


def test_an_update_replaces_then_removes_the_customers_discount(api, events_of):
    # given a customer with a discount
    owner = ok(api.post("/v1/customers", {"coupon": coupon(api)["id"]}))
    old = owner["discount"]["id"]

    # when a promotion code replaces it, then `coupon=` removes it
    code = promotion_code(api, coupon(api, percent_off=5)["id"], code="FIVE")
    replaced = ok(api.post(f"/v1/customers/{owner['id']}", {"promotion_code": code["id"]}))
    removed = ok(api.post(f"/v1/customers/{owner['id']}", {"coupon": ""}))

    # then each change shows, with Stripe's events
    assert replaced["discount"]["promotion_code"] == code["id"]
    assert removed["discount"] is None
    assert events_of(old)[-1]["type"] == "customer.discount.deleted"
    assert events_of(replaced["discount"]["id"])[-1]["type"] == "customer.discount.deleted"
    updated = [event for event in events_of(owner["id"]) if event["type"] == "customer.updated"]
    assert updated[-1]["data"]["previous_attributes"]["discount"]["id"] == (
        replaced["discount"]["id"])


def test_a_refused_coupon_makes_no_customer(api):
    # given a coupon redeemed its only time, and a code that needs a minimum amount
    used = coupon(api, max_redemptions=1)
    ok(api.post("/v1/customers", {"coupon": used["id"]}))
    minimum = promotion_code(api, coupon(api)["id"], restrictions={
        "minimum_amount": 1000, "minimum_amount_currency": "usd"})

    # when customers are created with them
    expired = error_of(api.post("/v1/customers", {"email": "x@example.test",
                                                  "coupon": used["id"]}))
    needs_amount = error_of(api.post("/v1/customers", {"email": "x@example.test",
                                                       "promotion_code": minimum["id"]}))
    unknown = error_of(api.post("/v1/customers", {"email": "x@example.test",
                                                  "coupon": "NOPE"}), 404)

    # then each is refused naming its parameter, and no customer was made
    assert (expired["code"], expired["param"]) == ("coupon_expired", "coupon")
    assert needs_amount["param"] == "promotion_code"
    assert unknown["param"] == "coupon"
    assert not Customer.objects.filter(email="x@example.test").exists()
    assert customer(api)["discount"] is None


def test_error_if_incomplete_is_refused_for_a_discounted_customer_rather_than_overcharging(
        api):
    # given a customer with 20% off
    owner, _ = customer_with_card(api)
    ok(api.post(f"/v1/customers/{owner['id']}", {"coupon": coupon(api)["id"]}))

    # when it subscribes with error_if_incomplete (whose charge precedes the invoice)
    error = error_of(api.post("/v1/subscriptions", {
        "customer": owner["id"], "items": [{"price": monthly(api)["id"]}],
        "payment_behavior": "error_if_incomplete"}))

    # then it is refused clearly, nothing charged
    assert error["param"] == "discounts"
    assert ok(api.get("/v1/payment_intents"))["data"] == []


def test_deleting_a_customers_discount_takes_it_off_for_its_next_invoices(api, events_of):
    # given a customer with a 20% forever coupon
    twenty = coupon(api)
    owner = ok(api.post("/v1/customers", {"email": "d@example.test", "coupon": twenty["id"]}))
    discount_id = owner["discount"]["id"]

    # when its discount is deleted
    deleted = ok(api.delete(f"/v1/customers/{owner['id']}/discount"))

    # then the answer is the discount as it was, deleted, and the customer has none
    assert (deleted["id"], deleted["object"], deleted["deleted"]) == (discount_id, "discount",
                                                                      True)
    assert deleted["coupon"]["id"] == twenty["id"]
    assert ok(api.get(f"/v1/customers/{owner['id']}"))["discount"] is None
    assert [event["type"] for event in events_of(discount_id)] == [
        "customer.discount.created", "customer.discount.deleted"]
    # and a second delete finds nothing to take off
    error = error_of(api.delete(f"/v1/customers/{owner['id']}/discount"), status=404)
    assert error["code"] == "resource_missing"
