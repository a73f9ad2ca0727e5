"""Promotion codes through the API: create (a given or random code, restrictions), one
active code per spelling whatever its case, update, list by code, coupon, customer, active."""

import pytest

from tests.billing.factories import coupon, error_of, ok, promotion_code
from tests.payments.factories import customer

pytestmark = pytest.mark.django_db


def test_a_promotion_code_is_created_with_its_coupon_and_restrictions(api, events_of):
    # given a coupon and a customer
    twenty = coupon(api)
    owner = customer(api)

    # when a code is made for that customer, with a minimum of $10.00 on a first purchase
    created = promotion_code(api, twenty["id"], code="Spring20", customer=owner["id"],
                             max_redemptions=5, restrictions={
                                 "first_time_transaction": True, "minimum_amount": 1000,
                                 "minimum_amount_currency": "usd"}, metadata={"k": "v"})

    # then it is shown as Stripe shows a promotion code, its coupon embedded
    assert created["object"] == "promotion_code" and created["id"].startswith("promo_")
    assert (created["code"], created["active"], created["customer"]) == (
        "Spring20", True, owner["id"])
    assert created["coupon"] == twenty
    assert (created["max_redemptions"], created["times_redeemed"], created["expires_at"]) == (
        5, 0, None)
    assert created["restrictions"] == {"first_time_transaction": True, "minimum_amount": 1000,
                                       "minimum_amount_currency": "usd"}
    assert ok(api.get(f"/v1/promotion_codes/{created['id']}")) == created
    assert [event["type"] for event in events_of(created["id"])] == ["promotion_code.created"]


def test_without_a_code_one_is_made_up(api):
    created = promotion_code(api, coupon(api)["id"])
    assert created["code"].isalnum() and created["code"].isupper() and len(created["code"]) == 8


def test_an_active_code_is_unique_whatever_its_case_until_it_is_deactivated(api, events_of):
    # given an active code SUMMER
    twenty = coupon(api)
    first = promotion_code(api, twenty["id"], code="SUMMER")

    # when another is made as summer, then the first is deactivated and it is tried again
    refused = error_of(api.post("/v1/promotion_codes", {"coupon": twenty["id"],
                                                        "code": "summer"}))
    deactivated = ok(api.post(f"/v1/promotion_codes/{first['id']}", {"active": False}))
    second = promotion_code(api, twenty["id"], code="summer")

    # then the first was refused; once inactive, the spelling is free again
    assert (refused["code"], refused["param"]) == ("resource_already_exists", "code")
    assert deactivated["active"] is False and second["active"] is True
    event = events_of(first["id"])[-1]
    assert (event["type"], event["data"]["previous_attributes"]) == (
        "promotion_code.updated", {"active": True})
    # and the first cannot come back while the second holds the code
    error = error_of(api.post(f"/v1/promotion_codes/{first['id']}", {"active": True}))
    assert error["code"] == "resource_already_exists"


@pytest.mark.parametrize(("params", "param"), [
    ({"coupon": "NOPE"}, "coupon"),
    ({"code": "with space"}, "code"),
    ({"customer": "cus_nope"}, "customer"),
    ({"expires_at": 1000}, "expires_at"),
    ({"restrictions": {"minimum_amount": 1000}}, "restrictions[minimum_amount_currency]"),
])
def test_bad_promotion_codes_are_refused_naming_the_parameter(api, params, param):
    twenty = coupon(api)
    response = api.post("/v1/promotion_codes", {"coupon": twenty["id"], **params})
    assert error_of(response, 404 if param in ("coupon", "customer") else 400)["param"] == param
    assert ok(api.get("/v1/promotion_codes"))["data"] == []


def test_codes_are_listed_by_code_coupon_customer_and_active(api,
                                                             django_assert_max_num_queries):
    # given codes of two coupons, one for a customer, one inactive
    one, two = coupon(api), coupon(api)
    owner = customer(api)
    spring = promotion_code(api, one["id"], code="SPRING")
    mine = promotion_code(api, one["id"], code="MINE", customer=owner["id"])
    old = promotion_code(api, two["id"], code="OLD", active=False)

    def listed(**params) -> list[str]:
        return [code["id"] for code in ok(api.get("/v1/promotion_codes", params))["data"]]

    # then each filter finds its codes (a code whatever its case), newest first
    with django_assert_max_num_queries(8):
        everything = listed()
    assert everything == [old["id"], mine["id"], spring["id"]]
    assert listed(code="spring") == [spring["id"]]
    assert listed(coupon=one["id"]) == [mine["id"], spring["id"]]
    assert listed(customer=owner["id"]) == [mine["id"]]
    assert listed(active="false") == [old["id"]]
