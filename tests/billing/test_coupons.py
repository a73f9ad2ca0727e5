"""Coupons through the API: create (percent or amount, durations, a chosen id), Stripe's
refusals, retrieve, update, delete, list, and `valid` once maxed out."""

from datetime import timedelta

import pytest

from core import clock
from tests.billing.factories import coupon, error_of, ok, product

pytestmark = pytest.mark.django_db


def test_a_percent_off_coupon_is_created_with_stripes_fields(api, events_of):
    # when a merchant creates a 25.5% coupon for three months, named
    created = coupon(api, percent_off="25.5", duration="repeating", duration_in_months=3,
                     name="Spring", metadata={"campaign": "spring"})

    # then it is shown as Stripe shows a coupon
    assert created["object"] == "coupon" and len(created["id"]) == 8
    assert (created["percent_off"], created["amount_off"], created["currency"]) == (
        25.5, None, None)
    assert (created["duration"], created["duration_in_months"]) == ("repeating", 3)
    assert (created["name"], created["metadata"]) == ("Spring", {"campaign": "spring"})
    assert (created["valid"], created["times_redeemed"], created["max_redemptions"],
            created["redeem_by"], created["livemode"]) == (True, 0, None, None, False)
    assert "applies_to" not in created
    assert ok(api.get(f"/v1/coupons/{created['id']}")) == created
    assert [event["type"] for event in events_of(created["id"])] == ["coupon.created"]


def test_an_amount_off_coupon_with_a_chosen_id_restricted_to_products(api):
    # given a product
    gold = product(api)
    redeem_by = int((clock.now() + timedelta(days=30)).timestamp())

    # when a $5.00-off coupon is made for it under a chosen id
    created = coupon(api, id="SAVE5", percent_off=None, amount_off=500, currency="USD",
                     duration="once", redeem_by=redeem_by, max_redemptions=10,
                     applies_to={"products": [gold["id"]]})

    # then it takes that id and those terms; the id cannot be taken twice
    assert (created["id"], created["amount_off"], created["currency"]) == ("SAVE5", 500, "usd")
    assert (created["redeem_by"], created["max_redemptions"]) == (redeem_by, 10)
    assert created["applies_to"] == {"products": [gold["id"]]}
    error = error_of(api.post("/v1/coupons", {"id": "SAVE5", "percent_off": 10}))
    assert (error["code"], error["param"]) == ("resource_already_exists", "id")


@pytest.mark.parametrize(("params", "param"), [
    ({}, "percent_off"),
    ({"percent_off": 10, "amount_off": 100, "currency": "usd"}, "amount_off"),
    ({"amount_off": 100}, "currency"),
    ({"percent_off": 0}, "percent_off"),
    ({"percent_off": "100.5"}, "percent_off"),
    ({"percent_off": 10, "currency": "usd"}, "currency"),
    ({"percent_off": 10, "duration": "repeating"}, "duration_in_months"),
    ({"percent_off": 10, "duration": "once", "duration_in_months": 2}, "duration_in_months"),
    ({"percent_off": 10, "redeem_by": 1000}, "redeem_by"),
    ({"percent_off": 10, "applies_to": {"products": ["prod_nope"]}},
     "applies_to[products][0]"),
    ({"percent_off": 10, "currency_options": {"eur": {"amount_off": 1}}}, "currency_options"),
])
def test_bad_coupons_are_refused_naming_the_parameter(api, params, param):
    # when a coupon is created with terms Stripe refuses
    response = api.post("/v1/coupons", params)

    # then nothing is made, and the error names the offending parameter
    assert error_of(response, 404 if param.startswith("applies_to") else 400)["param"] == param
    assert ok(api.get("/v1/coupons"))["data"] == []


def test_an_update_changes_the_name_and_metadata_only(api, events_of):
    # given a coupon
    created = coupon(api, name="Old")

    # when its name and metadata change; then its percentage is refused
    updated = ok(api.post(f"/v1/coupons/{created['id']}", {"name": "New",
                                                             "metadata": {"k": "v"}}))
    error = error_of(api.post(f"/v1/coupons/{created['id']}", {"percent_off": 50}))

    # then the name and metadata changed, with the old values in the event
    assert (updated["name"], updated["metadata"], updated["percent_off"]) == (
        "New", {"k": "v"}, 20.0)
    assert (error["code"], error["param"]) == ("parameter_unknown", "percent_off")
    event = events_of(created["id"])[-1]
    assert event["type"] == "coupon.updated"
    assert event["data"]["previous_attributes"] == {"name": "Old", "metadata": {}}


def test_a_deleted_coupon_is_gone(api, event_types):
    # given a coupon
    created = coupon(api)

    # when it is deleted
    deleted = ok(api.delete(f"/v1/coupons/{created['id']}"))

    # then Stripe's deleted object comes back, and the coupon is a 404 from then on
    assert deleted == {"id": created["id"], "object": "coupon", "deleted": True}
    error = error_of(api.get(f"/v1/coupons/{created['id']}"), 404)
    assert (error["code"], error["message"]) == ("resource_missing",
                                                 f"No such coupon: '{created['id']}'")
    assert event_types(created["id"]) == ["coupon.deleted", "coupon.created"]
    assert ok(api.get("/v1/coupons"))["data"] == []


def test_coupons_are_listed_newest_first_and_paged(api, other_account,
                                                   django_assert_max_num_queries):
    # given three coupons, and another merchant's
    ids = [coupon(api)["id"] for _ in range(3)]
    coupon(other_account.api())

    # when the first page of two is listed, then the next
    with django_assert_max_num_queries(8):
        first = ok(api.get("/v1/coupons", {"limit": 2}))
    second = ok(api.get("/v1/coupons", {"limit": 2, "starting_after": first["data"][-1]["id"]}))

    # then they come newest first, only this merchant's
    assert [c["id"] for c in first["data"] + second["data"]] == ids[::-1]
    assert (first["has_more"], second["has_more"], first["url"]) == (True, False,
                                                                     "/v1/coupons")
