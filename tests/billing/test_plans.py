"""Legacy Plans over the wire: a plan is a recurring price, under the same id, in the plan's
older shape; created, updated and deleted through /v1/plans with both kinds of events."""

import pytest

from billing.models import Price, Product
from tests.billing.factories import GRADUATED, error_of, monthly, ok, price, product
from webhooks.models import Event

PLAN_FIELDS = {
    "id", "object", "active", "aggregate_usage", "amount", "amount_decimal", "billing_scheme",
    "created", "currency", "interval", "interval_count", "livemode", "metadata", "meter",
    "nickname", "product", "tiers_mode", "transform_usage", "trial_period_days",
    "usage_type"}


@pytest.fixture
def gold(api) -> dict:
    return product(api)


def plan(api, **params) -> dict:
    """A $9.99 monthly plan unless told (a None parameter is left out)."""
    body = {"currency": "usd", "amount": 999, "interval": "month", **params}
    return ok(api.post("/v1/plans", {key: value for key, value in body.items()
                                     if value is not None}))


def test_a_plan_has_stripes_shape_and_is_a_price_too(api, gold):
    created = plan(api, product=gold["id"], interval_count=3, nickname="Quarterly",
                   trial_period_days=7, metadata={"legacy": "yes"})

    assert set(created) == PLAN_FIELDS
    assert created["id"].startswith("price_")
    assert created["object"] == "plan"
    assert (created["amount"], created["amount_decimal"], created["currency"]) == (
        999, "999", "usd")
    assert (created["interval"], created["interval_count"], created["trial_period_days"]) == (
        "month", 3, 7)
    assert (created["usage_type"], created["aggregate_usage"], created["meter"]) == (
        "licensed", None, None)
    assert (created["billing_scheme"], created["transform_usage"]) == ("per_unit", None)
    assert "tiers" not in created
    assert (created["product"], created["nickname"], created["metadata"]) == (
        gold["id"], "Quarterly", {"legacy": "yes"})
    assert ok(api.get(f"/v1/plans/{created['id']}")) == created
    as_price = ok(api.get(f"/v1/prices/{created['id']}"))
    assert (as_price["object"], as_price["type"], as_price["unit_amount"]) == (
        "price", "recurring", 999)
    assert as_price["recurring"]["trial_period_days"] == 7


def test_a_plan_takes_the_id_it_is_given(api, gold):
    created = plan(api, id="gold-monthly", product=gold["id"])

    again = api.post("/v1/plans", {"id": "gold-monthly", "currency": "usd", "amount": 1,
                                   "interval": "month", "product": gold["id"]})

    assert created["id"] == "gold-monthly"
    assert ok(api.get("/v1/prices/gold-monthly"))["id"] == "gold-monthly"
    assert (error_of(again)["code"], error_of(again)["param"]) == (
        "resource_already_exists", "id")
    assert Price.objects.count() == 1


def test_a_plan_creates_its_product_from_a_hash(api, events_of):
    created = plan(api, product={"name": "Legacy Gold", "id": "legacy-gold",
                                 "unit_label": "seat"})

    assert created["product"] == "legacy-gold"
    assert ok(api.get("/v1/products/legacy-gold"))["unit_label"] == "seat"
    assert [e["type"] for e in events_of("legacy-gold")] == ["product.created"]
    assert [e["type"] for e in events_of(created["id"])] == ["price.created", "plan.created"]
    plan_event = events_of(created["id"])[1]
    assert plan_event["data"]["object"] == created


def test_a_tiered_plan_and_transform_usage(api, gold):
    tiered = plan(api, product=gold["id"], amount=None, billing_scheme="tiered",
                  tiers_mode="graduated", tiers=GRADUATED)
    packaged = plan(api, product=gold["id"], transform_usage={"divide_by": 5,
                                                              "round": "down"})

    assert (tiered["amount"], tiered["amount_decimal"], tiered["tiers_mode"]) == (
        None, None, "graduated")
    assert [tier["up_to"] for tier in tiered["tiers"]] == [10, 50, None]
    assert packaged["transform_usage"] == {"divide_by": 5, "round": "down"}
    assert ok(api.get(f"/v1/prices/{packaged['id']}"))["transform_quantity"] == {
        "divide_by": 5, "round": "down"}


INVALID = [
    pytest.param({"interval": None}, "interval", "parameter_missing", id="no-interval"),
    pytest.param({"interval": "hour"}, "interval", None, id="interval-word"),
    pytest.param({"interval_count": 37}, "interval_count", None, id="37-months"),
    pytest.param({"amount": None}, "amount", "parameter_missing", id="no-amount"),
    pytest.param({"amount_decimal": "1.5"}, "amount_decimal", None, id="both-amounts"),
    pytest.param({"amount": -1}, "amount", None, id="amount-negative"),
    pytest.param({"currency": None}, "currency", "parameter_missing", id="no-currency"),
    pytest.param({"product": None}, "product", "parameter_missing", id="no-product"),
    pytest.param({"product": {"unit_label": "seat"}}, "product[name]", "parameter_missing",
                 id="product-hash-no-name"),
    pytest.param({"product": {"name": "x", "colour": "red"}}, "product[colour]",
                 "parameter_unknown", id="product-hash-unknown"),
    pytest.param({"usage_type": "metered"}, "usage_type", None, id="metered"),
    pytest.param({"aggregate_usage": "sum"}, "aggregate_usage", None, id="aggregate-usage"),
    pytest.param({"trial_period_days": 731}, "trial_period_days", None, id="trial-731"),
    pytest.param({"transform_usage": {"divide_by": 0, "round": "up"}},
                 "transform_usage[divide_by]", None, id="divide-by-zero"),
    pytest.param({"billing_scheme": "tiered", "tiers_mode": "volume", "amount": None,
                  "tiers": [{"up_to": 5, "amount": 1}]}, "tiers[0][amount]",
                 "parameter_unknown", id="tier-amount-word"),
    pytest.param({"billing_scheme": "tiered", "tiers_mode": "volume", "amount": None,
                  "tiers": [{"up_to": 5, "unit_amount": 1}]}, "tiers[0][up_to]", None,
                 id="last-tier-bounded"),
    pytest.param({"billing_scheme": "tiered", "tiers_mode": "volume",
                  "tiers": [{"up_to": "inf", "unit_amount": 1}]}, "amount", None,
                 id="tiered-and-amount"),
    pytest.param({"billing_scheme": "tiered", "tiers_mode": "volume", "amount": None,
                  "tiers": [{"up_to": "inf", "unit_amount": 1}],
                  "transform_usage": {"divide_by": 2, "round": "up"}}, "transform_usage", None,
                 id="tiered-transform"),
    pytest.param({"id": "a/b"}, "id", None, id="id-slash"),
]


@pytest.mark.parametrize(("params", "param", "code"), INVALID)
def test_create_refuses_bad_input_and_creates_nothing(api, gold, params, param, code):
    body = {"currency": "usd", "amount": 999, "interval": "month", "product": gold["id"],
            **params}
    body = {key: value for key, value in body.items() if value is not None}

    error = error_of(api.post("/v1/plans", body))

    assert error["param"] == param
    assert error.get("code") == code
    assert (Price.objects.count(), Product.objects.count()) == (0, 1)
    assert Event.objects.count() == 1


def test_update_changes_what_a_plan_may_change(api, gold, events_of):
    silver = product(api, name="Silver")
    created = plan(api, product=gold["id"], nickname="Old")

    updated = ok(api.post(f"/v1/plans/{created['id']}", {
        "nickname": "New", "trial_period_days": 30, "product": silver["id"],
        "metadata": {"a": "1"}, "active": "false"}))

    assert (updated["nickname"], updated["trial_period_days"], updated["product"],
            updated["active"]) == ("New", 30, silver["id"], False)
    assert updated["metadata"] == {"a": "1"}
    price_event, plan_event = events_of(created["id"])[-2:]
    assert (price_event["type"], plan_event["type"]) == ("price.updated", "plan.updated")
    assert plan_event["data"]["object"] == updated
    assert plan_event["data"]["previous_attributes"] == {
        "active": True, "metadata": {}, "nickname": "Old", "product": gold["id"],
        "trial_period_days": None}
    assert price_event["data"]["previous_attributes"]["recurring"]["trial_period_days"] is None


@pytest.mark.parametrize(("params", "param", "status"), [
    ({"amount": 5}, "amount", 400), ({"interval": "year"}, "interval", 400),
    ({"currency": "eur"}, "currency", 400), ({"trial_period_days": 731}, "trial_period_days",
                                             400),
    ({"product": "prod_missing"}, "product", 404), ({"active": "perhaps"}, "active", 400)])
def test_update_refuses_what_a_plan_may_not_change(api, gold, params, param, status,
                                                   event_types):
    created = plan(api, product=gold["id"])

    assert error_of(api.post(f"/v1/plans/{created['id']}", params), status)["param"] == param
    assert ok(api.get(f"/v1/plans/{created['id']}")) == created
    assert event_types(created["id"]) == ["plan.created", "price.created"]


def test_a_default_price_plan_does_not_move_or_go(api, gold):
    created = plan(api, product=gold["id"])
    ok(api.post(f"/v1/products/{gold['id']}", {"default_price": created["id"]}))

    moved = api.post(f"/v1/plans/{created['id']}", {"product": product(api)["id"]})
    deleted = api.delete(f"/v1/plans/{created['id']}")

    assert error_of(moved)["param"] == "product"
    assert "default price" in error_of(deleted)["message"]
    assert ok(api.get(f"/v1/plans/{created['id']}"))["product"] == gold["id"]


def test_deleting_a_plan_removes_it_from_both_apis(api, gold, events_of):
    created = plan(api, product=gold["id"])
    ok(api.post(f"/v1/prices/{created['id']}", {"lookup_key": "legacy"}))

    deleted = ok(api.delete(f"/v1/plans/{created['id']}"))

    assert deleted == {"id": created["id"], "object": "plan", "deleted": True}
    assert error_of(api.get(f"/v1/plans/{created['id']}"), 404)["code"] == "resource_missing"
    assert error_of(api.get(f"/v1/prices/{created['id']}"), 404)["code"] == "resource_missing"
    assert error_of(api.delete(f"/v1/plans/{created['id']}"), 404)
    assert error_of(api.post(f"/v1/prices/{created['id']}", {"nickname": "x"}), 404)
    assert ok(api.get("/v1/plans"))["data"] == []
    assert ok(api.get("/v1/prices"))["data"] == []
    assert [e["type"] for e in events_of(created["id"])][-2:] == ["plan.deleted",
                                                                  "price.deleted"]
    # the lookup key is free again
    assert price(api, gold["id"], lookup_key="legacy")["lookup_key"] == "legacy"


def test_plans_list_the_recurring_prices(api, gold, event_types):
    silver = product(api, name="Silver")
    price(api, gold["id"])  # one-time: no plan
    through_prices = monthly(api, gold["id"])
    through_plans = plan(api, product=silver["id"], active="false")

    def ids(params):
        return [p["id"] for p in ok(api.get("/v1/plans", params))["data"]]

    assert ids({}) == [through_plans["id"], through_prices["id"]]
    assert ids({"product": gold["id"]}) == [through_prices["id"]]
    assert ids({"active": "false"}) == [through_plans["id"]]
    assert ids({"created": {"gte": through_prices["created"]}, "limit": 1}) == [
        through_plans["id"]]
    assert ok(api.get(f"/v1/plans/{through_prices['id']}"))["object"] == "plan"
    assert event_types(through_prices["id"]) == ["plan.created", "price.created"]


def test_a_one_time_price_is_no_plan(api, gold):
    one_time = price(api, gold["id"])

    error = error_of(api.get(f"/v1/plans/{one_time['id']}"), 404)

    assert error["message"] == f"No such plan: '{one_time['id']}'"
    assert error_of(api.delete(f"/v1/plans/{one_time['id']}"), 404)


def test_a_plans_product_expands(api, gold):
    created = plan(api, product=gold["id"])

    expanded = ok(api.get(f"/v1/plans/{created['id']}", {"expand": ["product", "tiers"]}))

    assert expanded["product"]["id"] == gold["id"]


def test_another_merchants_plan_is_a_404(api, other_account):
    theirs = plan(other_account.api(), product={"name": "Theirs"})

    assert error_of(api.get(f"/v1/plans/{theirs['id']}"), 404)["param"] == "id"
    assert error_of(api.post(f"/v1/plans/{theirs['id']}", {"nickname": "x"}), 404)
    assert error_of(api.delete(f"/v1/plans/{theirs['id']}"), 404)
    assert error_of(api.post("/v1/plans", {"currency": "usd", "amount": 1, "interval": "month",
                                           "product": theirs["product"]}), 404)["param"] == \
        "product"
