"""The Prices resource over the wire: one-time and recurring, per-unit and tiered, Stripe's
validation, what an update may change, lookup keys, lists and search, and the events."""

import pytest

from billing.models import Price, Product
from tests.billing.factories import GRADUATED, error_of, monthly, ok, price, product
from webhooks.models import Event

PRICE_FIELDS = {
    "id", "object", "active", "billing_scheme", "created", "currency", "custom_unit_amount",
    "livemode", "lookup_key", "metadata", "nickname", "product", "recurring", "tax_behavior",
    "tiers_mode", "transform_quantity", "type", "unit_amount", "unit_amount_decimal"}


@pytest.fixture
def gold(api) -> dict:
    return product(api)


# -- create ------------------------------------------------------------------------------------

def test_a_one_time_price_has_stripes_shape(api, gold):
    created = price(api, gold["id"], unit_amount=2000, nickname="Standard",
                    metadata={"plan": "gold"})

    assert set(created) == PRICE_FIELDS
    assert created["id"].startswith("price_")
    assert (created["object"], created["type"], created["billing_scheme"]) == (
        "price", "one_time", "per_unit")
    assert (created["unit_amount"], created["unit_amount_decimal"]) == (2000, "2000")
    assert (created["product"], created["currency"], created["active"]) == (
        gold["id"], "usd", True)
    assert (created["recurring"], created["tiers_mode"], created["transform_quantity"],
            created["custom_unit_amount"]) == (None, None, None, None)
    assert "tiers" not in created  # Stripe's is absent, never null, without tiers
    assert (created["nickname"], created["lookup_key"], created["tax_behavior"]) == (
        "Standard", None, "unspecified")
    assert created["metadata"] == {"plan": "gold"}
    assert ok(api.get(f"/v1/prices/{created['id']}")) == created


def test_a_recurring_price_renders_its_interval(api, gold, event_types):
    created = price(api, gold["id"], currency="EUR", recurring={
        "interval": "week", "interval_count": 2, "trial_period_days": 14,
        "usage_type": "licensed"})

    assert created["type"] == "recurring"
    assert created["currency"] == "eur"
    assert created["recurring"] == {"aggregate_usage": None, "interval": "week",
                                    "interval_count": 2, "meter": None,
                                    "trial_period_days": 14, "usage_type": "licensed"}
    assert event_types(created["id"]) == ["plan.created", "price.created"]


@pytest.mark.parametrize(("given", "unit_amount", "decimal"), [
    ("12.50", None, "12.5"), ("12.0", 12, "12"), ("0.000000000001", None, "0.000000000001"),
    ("0", 0, "0"), ("99999999", 99999999, "99999999")])
def test_unit_amount_decimal_is_kept_exact(api, gold, given, unit_amount, decimal):
    created = price(api, gold["id"], unit_amount_decimal=given)

    assert (created["unit_amount"], created["unit_amount_decimal"]) == (unit_amount, decimal)
    assert Price.objects.get(pk=created["id"]).unit_amount_decimal == decimal


def test_a_zero_decimal_currency_takes_whole_units(api, gold):
    created = price(api, gold["id"], currency="jpy", unit_amount=500)

    assert (created["currency"], created["unit_amount"]) == ("jpy", 500)


def test_product_data_creates_the_product_first(api, events_of):
    created = price(api, product_data={"name": "Inline", "id": "inline-1",
                                       "unit_label": "seat", "metadata": {"a": "1"},
                                       "statement_descriptor": "INLINE CO"})

    made = ok(api.get("/v1/products/inline-1"))
    assert created["product"] == "inline-1"
    assert (made["name"], made["unit_label"], made["metadata"], made["statement_descriptor"]) \
        == ("Inline", "seat", {"a": "1"}, "INLINE CO")
    product_event, price_event = events_of("inline-1")[0], events_of(created["id"])[0]
    assert (product_event["type"], price_event["type"]) == ("product.created", "price.created")
    assert product_event["created"] <= price_event["created"]


@pytest.mark.parametrize("mode", ["graduated", "volume"])
def test_tiered_prices_render_their_tiers(api, gold, mode):
    created = price(api, gold["id"], billing_scheme="tiered", tiers_mode=mode, tiers=[
        {"up_to": 10, "unit_amount_decimal": "12.50"},
        {"up_to": "inf", "unit_amount": 300, "flat_amount": 1000}])

    assert (created["billing_scheme"], created["tiers_mode"]) == ("tiered", mode)
    assert (created["unit_amount"], created["unit_amount_decimal"]) == (None, None)
    assert created["tiers"] == [
        {"flat_amount": None, "flat_amount_decimal": None, "unit_amount": None,
         "unit_amount_decimal": "12.5", "up_to": 10},
        {"flat_amount": 1000, "flat_amount_decimal": "1000", "unit_amount": 300,
         "unit_amount_decimal": "300", "up_to": None}]


def test_tiers_may_be_expanded_as_stripe_asks(api, gold):
    created = price(api, gold["id"], billing_scheme="tiered", tiers_mode="volume",
                    tiers=GRADUATED)
    ok(api.post(f"/v1/products/{gold['id']}", {"default_price": created["id"]}))

    retrieved = ok(api.get(f"/v1/prices/{created['id']}", {"expand": ["tiers"]}))
    listed = ok(api.get("/v1/prices", {"expand": ["data.tiers", "data.product"]}))
    through_product = ok(api.get(f"/v1/products/{gold['id']}",
                                 {"expand": ["default_price.tiers"]}))

    assert retrieved["tiers"] == created["tiers"]
    assert listed["data"][0]["tiers"] == created["tiers"]
    assert listed["data"][0]["product"]["id"] == gold["id"]
    assert through_product["default_price"]["tiers"] == created["tiers"]


def test_transform_quantity_is_rendered(api, gold):
    created = price(api, gold["id"], transform_quantity={"divide_by": 10, "round": "up"})

    assert created["transform_quantity"] == {"divide_by": 10, "round": "up"}


# -- refusals ----------------------------------------------------------------------------------

TIERED = {"billing_scheme": "tiered", "tiers_mode": "graduated"}
MONTHLY = {"interval": "month"}

INVALID = [
    pytest.param({"currency": None}, "currency", "parameter_missing", id="no-currency"),
    pytest.param({"currency": "xyz"}, "currency", None, id="currency-unsupported"),
    pytest.param({"currency": "usd "}, "currency", None, id="currency-space"),
    pytest.param({"product": None}, "product", "parameter_missing", id="no-product"),
    pytest.param({"product_data": {"name": "Both"}}, "product_data", None, id="both-products"),
    pytest.param({"unit_amount": None}, "unit_amount", "parameter_missing", id="no-amount"),
    pytest.param({"unit_amount": -1}, "unit_amount", None, id="amount-negative"),
    pytest.param({"unit_amount": 100_000_000}, "unit_amount", None, id="amount-too-large"),
    pytest.param({"unit_amount": "1.5"}, "unit_amount", "parameter_invalid_integer",
                 id="amount-decimal"),
    pytest.param({"unit_amount_decimal": "1"}, "unit_amount_decimal", None,
                 id="both-amounts"),
    pytest.param({"unit_amount": None, "unit_amount_decimal": "1.1234567890123"},
                 "unit_amount_decimal", None, id="decimal-13-places"),
    pytest.param({"unit_amount": None, "unit_amount_decimal": "-1"}, "unit_amount_decimal",
                 None, id="decimal-negative"),
    pytest.param({"unit_amount": None, "unit_amount_decimal": "1e3"}, "unit_amount_decimal",
                 None, id="decimal-exponent"),
    pytest.param({"unit_amount": None, "unit_amount_decimal": "100000000"},
                 "unit_amount_decimal", None, id="decimal-too-large"),
    pytest.param({"tiers": GRADUATED}, "tiers", None, id="tiers-per-unit"),
    pytest.param({"tiers_mode": "volume"}, "tiers_mode", None, id="tiers-mode-per-unit"),
    pytest.param({**TIERED, "unit_amount": None}, "tiers", "parameter_missing",
                 id="tiered-no-tiers"),
    pytest.param({"billing_scheme": "tiered", "unit_amount": None, "tiers": GRADUATED},
                 "tiers_mode", "parameter_missing", id="tiered-no-mode"),
    pytest.param({**TIERED, "tiers": GRADUATED}, "unit_amount", None, id="tiered-and-amount"),
    pytest.param({**TIERED, "unit_amount": None, "tiers": GRADUATED,
                  "transform_quantity": {"divide_by": 2, "round": "up"}},
                 "transform_quantity", None, id="tiered-transform"),
    pytest.param({**TIERED, "unit_amount": None, "tiers": [{"unit_amount": 1}]},
                 "tiers[0][up_to]", "parameter_missing", id="tier-no-up-to"),
    pytest.param({**TIERED, "unit_amount": None, "tiers": [{"up_to": "infinity",
                                                           "unit_amount": 1}]},
                 "tiers[0][up_to]", None, id="tier-up-to-word"),
    pytest.param({**TIERED, "unit_amount": None, "tiers": [{"up_to": 0, "unit_amount": 1},
                                                          {"up_to": "inf",
                                                           "unit_amount": 1}]},
                 "tiers[0][up_to]", None, id="tier-up-to-zero"),
    pytest.param({**TIERED, "unit_amount": None, "tiers": [{"up_to": 5, "unit_amount": 1},
                                                          {"up_to": 9, "unit_amount": 1}]},
                 "tiers[1][up_to]", None, id="last-tier-bounded"),
    pytest.param({**TIERED, "unit_amount": None, "tiers": [{"up_to": "inf",
                                                           "unit_amount": 1},
                                                          {"up_to": "inf",
                                                           "unit_amount": 1}]},
                 "tiers[0][up_to]", None, id="inf-not-last"),
    pytest.param({**TIERED, "unit_amount": None, "tiers": [
        {"up_to": 10, "unit_amount": 1}, {"up_to": 10, "unit_amount": 1},
        {"up_to": "inf", "unit_amount": 1}]}, "tiers[1][up_to]", None, id="tiers-not-rising"),
    pytest.param({**TIERED, "unit_amount": None, "tiers": [{"up_to": 10, "unit_amount": 1},
                                                          {"up_to": "inf"}]},
                 "tiers[1]", None, id="tier-without-amount"),
    pytest.param({**TIERED, "unit_amount": None, "tiers": [
        {"up_to": "inf", "unit_amount": 1, "unit_amount_decimal": "1"}]},
        "tiers[0][unit_amount_decimal]", None, id="tier-both-amounts"),
    pytest.param({**TIERED, "unit_amount": None, "tiers": [
        {"up_to": "inf", "flat_amount": -5}]}, "tiers[0][flat_amount]", None,
        id="tier-flat-negative"),
    pytest.param({"recurring": {"interval_count": 1}}, "recurring[interval]",
                 "parameter_missing", id="recurring-no-interval"),
    pytest.param({"recurring": {"interval": "fortnight"}}, "recurring[interval]", None,
                 id="interval-word"),
    pytest.param({"recurring": {**MONTHLY, "interval_count": 0}}, "recurring[interval_count]",
                 None, id="interval-count-zero"),
    pytest.param({"recurring": {"interval": "year", "interval_count": 4}},
                 "recurring[interval_count]", None, id="four-years"),
    pytest.param({"recurring": {**MONTHLY, "interval_count": 37}},
                 "recurring[interval_count]", None, id="37-months"),
    pytest.param({"recurring": {"interval": "week", "interval_count": 157}},
                 "recurring[interval_count]", None, id="157-weeks"),
    pytest.param({"recurring": {"interval": "day", "interval_count": 1096}},
                 "recurring[interval_count]", None, id="1096-days"),
    pytest.param({"recurring": {**MONTHLY, "usage_type": "metered"}},
                 "recurring[usage_type]", None, id="metered"),
    pytest.param({"recurring": {**MONTHLY, "aggregate_usage": "sum"}},
                 "recurring[aggregate_usage]", None, id="aggregate-usage"),
    pytest.param({"recurring": {**MONTHLY, "meter": "mtr_123"}}, "recurring[meter]", None,
                 id="meter"),
    pytest.param({"recurring": {**MONTHLY, "trial_period_days": 731}},
                 "recurring[trial_period_days]", None, id="trial-731"),
    pytest.param({"transform_quantity": {"divide_by": 0, "round": "up"}},
                 "transform_quantity[divide_by]", None, id="divide-by-zero"),
    pytest.param({"transform_quantity": {"divide_by": 2, "round": "nearest"}},
                 "transform_quantity[round]", None, id="round-nearest"),
    pytest.param({"transform_quantity": {"divide_by": 2}}, "transform_quantity[round]",
                 "parameter_missing", id="round-missing"),
    pytest.param({"custom_unit_amount": {"enabled": "true"}}, "custom_unit_amount", None,
                 id="custom-unit-amount"),
    pytest.param({"currency_options": {"eur": {"unit_amount": 900}}}, "currency_options",
                 None, id="currency-options"),
    pytest.param({"lookup_key": "k" * 201}, "lookup_key", None, id="lookup-key-201"),
    pytest.param({"tax_behavior": "sometimes"}, "tax_behavior", None, id="tax-behavior"),
    pytest.param({"billing_scheme": "per_seat"}, "billing_scheme", None, id="scheme"),
    pytest.param({"active": "perhaps"}, "active", None, id="active"),
    pytest.param({"metadata": {"k" * 41: "v"}}, "metadata", None, id="metadata-key-41"),
    pytest.param({"flavour": "vanilla"}, "flavour", "parameter_unknown", id="unknown"),
]


@pytest.mark.parametrize(("params", "param", "code"), INVALID)
def test_create_refuses_bad_input_and_creates_nothing(api, gold, params, param, code):
    body = {"currency": "usd", "unit_amount": 1000, "product": gold["id"], **params}
    body = {key: value for key, value in body.items() if value is not None}

    error = error_of(api.post("/v1/prices", body))

    assert error["type"] == "invalid_request_error"
    assert error["param"] == param
    assert error.get("code") == code
    assert Price.objects.count() == 0
    assert list(Event.objects.values_list("type", flat=True)) == ["product.created"]


def test_product_data_refusals_name_the_inner_parameter(api):
    missing_name = api.post("/v1/prices", {"currency": "usd", "unit_amount": 1,
                                           "product_data": {"unit_label": "seat"}})
    bad_id = api.post("/v1/prices", {"currency": "usd", "unit_amount": 1,
                                     "product_data": {"name": "x", "id": "a b"}})
    product(api, id="taken")
    taken = api.post("/v1/prices", {"currency": "usd", "unit_amount": 1,
                                    "product_data": {"name": "x", "id": "taken"}})

    assert (error_of(missing_name)["param"], error_of(missing_name)["code"]) == (
        "product_data[name]", "parameter_missing")
    assert error_of(bad_id)["param"] == "product_data[id]"
    assert (error_of(taken)["param"], error_of(taken)["code"]) == (
        "product_data[id]", "resource_already_exists")
    assert (Product.objects.count(), Price.objects.count()) == (1, 0)


def test_a_missing_product_is_a_404_naming_the_product(api):
    error = error_of(api.post("/v1/prices", {"currency": "usd", "unit_amount": 1,
                                             "product": "prod_missing"}), 404)

    assert (error["code"], error["param"]) == ("resource_missing", "product")


def test_metered_prices_are_refused_with_the_reason(api, gold):
    error = error_of(api.post("/v1/prices", {
        "currency": "usd", "unit_amount": 1, "product": gold["id"],
        "recurring": {"interval": "month", "usage_type": "metered"}}))

    assert "Till does not support metered prices yet" in error["message"]


# -- update ------------------------------------------------------------------------------------

def test_update_changes_names_metadata_and_activity(api, gold, events_of):
    created = price(api, gold["id"], nickname="Old", metadata={"a": "1"})

    updated = ok(api.post(f"/v1/prices/{created['id']}", {
        "nickname": "New", "metadata": {"b": "2"}, "active": False, "lookup_key": "gold",
        "tax_behavior": "exclusive"}))

    assert (updated["nickname"], updated["active"], updated["lookup_key"]) == (
        "New", False, "gold")
    assert (updated["metadata"], updated["tax_behavior"]) == ({"a": "1", "b": "2"},
                                                             "exclusive")
    assert updated["unit_amount"] == created["unit_amount"]
    event = events_of(created["id"])[-1]
    assert (event["type"], event["data"]["object"]) == ("price.updated", updated)
    assert event["data"]["previous_attributes"] == {
        "active": True, "lookup_key": None, "metadata": {"a": "1"}, "nickname": "Old",
        "tax_behavior": "unspecified"}


@pytest.mark.parametrize("params", [
    {"unit_amount": 5}, {"currency": "eur"}, {"recurring": {"interval": "year"}},
    {"product": "prod_other"}, {"billing_scheme": "tiered"}, {"unit_amount_decimal": "5"},
    {"transform_quantity": {"divide_by": 2, "round": "up"}}])
def test_a_prices_terms_are_immutable(api, gold, params, event_types):
    created = price(api, gold["id"])

    error = error_of(api.post(f"/v1/prices/{created['id']}", params))

    assert error["code"] == "parameter_unknown"
    assert ok(api.get(f"/v1/prices/{created['id']}")) == created
    assert event_types(created["id"]) == ["price.created"]


@pytest.mark.parametrize(("params", "param"), [
    ({"active": "perhaps"}, "active"), ({"lookup_key": "k" * 201}, "lookup_key"),
    ({"tax_behavior": "sometimes"}, "tax_behavior"), ({"metadata": "x"}, "metadata"),
    ({"currency_options": {"eur": {"unit_amount": 1}}}, "currency_options")])
def test_update_refuses_bad_input_and_changes_nothing(api, gold, params, param, event_types):
    created = price(api, gold["id"], nickname="kept")

    assert error_of(api.post(f"/v1/prices/{created['id']}", params))["param"] == param
    assert ok(api.get(f"/v1/prices/{created['id']}")) == created
    assert event_types(created["id"]) == ["price.created"]


def test_tax_behavior_is_set_once(api, gold):
    created = price(api, gold["id"])
    ok(api.post(f"/v1/prices/{created['id']}", {"tax_behavior": "inclusive"}))

    same = ok(api.post(f"/v1/prices/{created['id']}", {"tax_behavior": "inclusive"}))
    changed = api.post(f"/v1/prices/{created['id']}", {"tax_behavior": "exclusive"})

    assert same["tax_behavior"] == "inclusive"
    assert error_of(changed)["param"] == "tax_behavior"
    assert ok(api.get(f"/v1/prices/{created['id']}"))["tax_behavior"] == "inclusive"


def test_the_default_price_cannot_be_archived(api, events_of):
    made = product(api, default_price_data={"currency": "usd", "unit_amount": 100})

    error = error_of(api.post(f"/v1/prices/{made['default_price']}", {"active": "false"}))

    assert error["param"] == "active"
    assert ok(api.get(f"/v1/prices/{made['default_price']}"))["active"] is True
    assert [e["type"] for e in events_of(made["default_price"])] == ["price.created"]


def test_archiving_a_recurring_price_updates_its_plan_too(api, gold, events_of):
    created = monthly(api, gold["id"])

    ok(api.post(f"/v1/prices/{created['id']}", {"active": "false"}))

    updated = events_of(created["id"])[-2:]
    assert [e["type"] for e in updated] == ["price.updated", "plan.updated"]
    assert updated[1]["data"]["object"]["object"] == "plan"
    assert updated[1]["data"]["previous_attributes"] == {"active": True}


# -- lookup keys -------------------------------------------------------------------------------

def test_a_lookup_key_belongs_to_one_active_price(api, gold, events_of):
    first = price(api, gold["id"], lookup_key="gold_monthly")

    second = api.post("/v1/prices", {"currency": "usd", "unit_amount": 1, "product": gold["id"],
                                     "lookup_key": "gold_monthly"})

    error = error_of(second)
    assert error["param"] == "lookup_key"
    assert first["id"] in error["message"]
    assert Price.objects.count() == 1


def test_transfer_lookup_key_moves_it_in_one_change(api, gold, events_of):
    first = price(api, gold["id"], lookup_key="gold_monthly")

    second = price(api, gold["id"], lookup_key="gold_monthly", transfer_lookup_key="true")

    assert second["lookup_key"] == "gold_monthly"
    assert ok(api.get(f"/v1/prices/{first['id']}"))["lookup_key"] is None
    moved = events_of(first["id"])[-1]
    assert (moved["type"], moved["data"]["previous_attributes"]) == (
        "price.updated", {"lookup_key": "gold_monthly"})
    listed = ok(api.get("/v1/prices", {"lookup_keys": ["gold_monthly"]}))["data"]
    assert [p["id"] for p in listed] == [second["id"]]


def test_an_archived_price_holds_no_lookup_key_against_others(api, gold):
    archived = price(api, gold["id"], lookup_key="k", active="false")
    active = price(api, gold["id"], lookup_key="k")

    reactivated = api.post(f"/v1/prices/{archived['id']}", {"active": "true"})
    transferred = api.post(f"/v1/prices/{archived['id']}", {"active": "true",
                                                             "transfer_lookup_key": "true"})

    assert error_of(reactivated)["param"] == "lookup_key"
    assert ok(transferred)["active"] is True
    assert ok(api.get(f"/v1/prices/{active['id']}"))["lookup_key"] is None


def test_a_lookup_key_is_taken_on_update_and_unset_with_an_empty_value(api, gold):
    holder = price(api, gold["id"], lookup_key="k")
    other = price(api, gold["id"])

    taken = api.post(f"/v1/prices/{other['id']}", {"lookup_key": "k"})
    unset = ok(api.post(f"/v1/prices/{holder['id']}", {"lookup_key": ""}))
    free = ok(api.post(f"/v1/prices/{other['id']}", {"lookup_key": "k"}))

    assert error_of(taken)["param"] == "lookup_key"
    assert (unset["lookup_key"], free["lookup_key"]) == (None, "k")


def test_lookup_keys_are_per_merchant_and_mode(api, account, other_account, gold):
    price(api, gold["id"], lookup_key="shared")

    theirs = price(other_account.api(), lookup_key="shared")
    live = price(account.api("live_secret_key"), lookup_key="shared")

    assert theirs["lookup_key"] == live["lookup_key"] == "shared"


# -- lists, search and tenancy -----------------------------------------------------------------

def test_list_filters(api, gold):
    silver = product(api, name="Silver")
    one_time = price(api, gold["id"], lookup_key="a")
    monthly_eur = monthly(api, gold["id"], currency="eur", lookup_key="b")
    yearly = price(api, silver["id"], recurring={"interval": "year"}, active="false")

    def ids(params):
        return [p["id"] for p in ok(api.get("/v1/prices", params))["data"]]

    assert ids({}) == [yearly["id"], monthly_eur["id"], one_time["id"]]
    assert ids({"product": gold["id"]}) == [monthly_eur["id"], one_time["id"]]
    assert ids({"active": "false"}) == [yearly["id"]]
    assert ids({"type": "one_time"}) == [one_time["id"]]
    assert ids({"type": "recurring"}) == [yearly["id"], monthly_eur["id"]]
    assert ids({"currency": "EUR"}) == [monthly_eur["id"]]
    assert ids({"lookup_keys": ["a", "b", "c"]}) == [monthly_eur["id"], one_time["id"]]
    assert ids({"recurring": {"interval": "year"}}) == [yearly["id"]]
    assert ids({"recurring": {"usage_type": "metered"}}) == []
    assert ids({"limit": 1, "starting_after": monthly_eur["id"]}) == [one_time["id"]]
    assert error_of(api.get("/v1/prices", {"lookup_keys": [str(n) for n in range(11)]}))[
        "param"] == "lookup_keys"
    assert error_of(api.get("/v1/prices", {"type": "sometimes"}))["param"] == "type"


def test_search_finds_prices(api, gold):
    silver = product(api, name="Silver")
    one_time = price(api, gold["id"], lookup_key="gold_once", metadata={"tier": "1"})
    recurring = monthly(api, silver["id"], currency="eur", active="false")

    def found(query):
        return [p["id"] for p in ok(api.get("/v1/prices/search", {"query": query}))["data"]]

    assert found("active:'true'") == [one_time["id"]]
    assert found("currency:'eur'") == [recurring["id"]]
    assert found(f"product:'{silver['id']}'") == [recurring["id"]]
    assert found("type:'recurring' OR lookup_key:'gold_once'") == [recurring["id"],
                                                                   one_time["id"]]
    assert found("metadata['tier']:'1'") == [one_time["id"]]
    assert found(f"created>={one_time['created']}") == [recurring["id"], one_time["id"]]
    assert error_of(api.get("/v1/prices/search", {"query": "amount>5"}))["param"] == "query"


def test_another_merchants_or_modes_price_is_a_404(api, account, other_account):
    theirs = price(other_account.api())
    live = price(account.api("live_secret_key"))

    for price_id in (theirs["id"], live["id"]):
        assert error_of(api.get(f"/v1/prices/{price_id}"), 404)["param"] == "id"
        assert error_of(api.post(f"/v1/prices/{price_id}", {"nickname": "x"}), 404)
    assert ok(api.get("/v1/prices"))["data"] == []
    assert ok(api.get("/v1/prices/search", {"query": "active:'true'"}))["data"] == []


def test_creating_and_listing_prices_stay_within_their_query_budgets(
        api, gold, django_assert_max_num_queries):
    for _ in range(5):
        monthly(api, gold["id"])

    # (each with the request log's row)
    with django_assert_max_num_queries(10):
        price(api, gold["id"], lookup_key="budget")
    with django_assert_max_num_queries(7):
        assert len(ok(api.get("/v1/prices", {"limit": 100}))["data"]) == 6
