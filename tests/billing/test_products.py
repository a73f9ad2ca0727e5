"""The Products resource over the wire: Stripe's shape, validation, updates, deletion, the
default price, lists and search, and the events of each change."""

import pytest

from billing.models import Price, Product
from tests.billing.factories import error_of, ok, price, product
from webhooks.models import Event

PRODUCT_FIELDS = {
    "id", "object", "active", "created", "default_price", "description", "images", "livemode",
    "marketing_features", "metadata", "name", "package_dimensions", "shippable",
    "statement_descriptor", "tax_code", "type", "unit_label", "updated", "url"}


# -- create ------------------------------------------------------------------------------------

def test_a_new_product_has_stripes_shape(api):
    created = product(api, name="Gold Plan")

    assert set(created) == PRODUCT_FIELDS
    assert created["id"].startswith("prod_")
    assert created["object"] == "product"
    assert created["active"] is True
    assert created["livemode"] is False
    assert created["created"] == created["updated"]
    assert (created["default_price"], created["description"], created["package_dimensions"],
            created["shippable"], created["url"]) == (None, None, None, None, None)
    assert (created["images"], created["marketing_features"], created["metadata"]) == (
        [], [], {})
    assert created["type"] == "service"
    assert ok(api.get(f"/v1/products/{created['id']}")) == created


def test_create_takes_every_field(api):
    created = product(api, name="T-shirt", active=False, description="Soft cotton",
                      images=["https://cdn.example.test/shirt.png"],
                      marketing_features=[{"name": "Organic"}, {"name": "Fair trade"}],
                      metadata={"sku": "TS-1"},
                      package_dimensions={"height": "1.5", "length": 10, "weight": "6.25",
                                          "width": 8},
                      shippable=True, statement_descriptor="TILL SHIRTS",
                      tax_code="txcd_99999999", type="good", unit_label="shirt",
                      url="https://shop.example.test/shirt")

    assert created["active"] is False
    assert created["images"] == ["https://cdn.example.test/shirt.png"]
    assert created["marketing_features"] == [{"name": "Organic"}, {"name": "Fair trade"}]
    assert created["package_dimensions"] == {"height": 1.5, "length": 10.0, "weight": 6.25,
                                             "width": 8.0}
    assert (created["shippable"], created["statement_descriptor"], created["tax_code"]) == (
        True, "TILL SHIRTS", "txcd_99999999")
    assert (created["type"], created["unit_label"], created["url"]) == (
        "good", "shirt", "https://shop.example.test/shirt")
    assert created["metadata"] == {"sku": "TS-1"}


def test_a_chosen_id_is_kept_and_cannot_be_taken_twice(api, other_account):
    created = product(api, id="gold")

    again = api.post("/v1/products", {"name": "Again", "id": "gold"})
    elsewhere = other_account.api().post("/v1/products", {"name": "Theirs", "id": "gold"})

    assert created["id"] == "gold"
    error = error_of(again)
    assert (error["code"], error["param"]) == ("resource_already_exists", "id")
    # Ids are unique across Till, not per merchant: the README's compatibility notes say so.
    assert error_of(elsewhere)["code"] == "resource_already_exists"
    assert Product.objects.count() == 1
    assert Event.objects.filter(type="product.created").count() == 1


def test_default_price_data_makes_the_default_price(api, events_of):
    created = product(api, default_price_data={
        "currency": "eur", "unit_amount_decimal": "999.5", "recurring": {"interval": "year"},
        "tax_behavior": "inclusive", "metadata": {"tier": "gold"}})

    default = ok(api.get(f"/v1/prices/{created['default_price']}"))
    assert default["product"] == created["id"]
    assert (default["currency"], default["unit_amount"], default["unit_amount_decimal"]) == (
        "eur", None, "999.5")
    assert default["recurring"]["interval"] == "year"
    assert (default["tax_behavior"], default["metadata"]) == ("inclusive", {"tier": "gold"})
    assert [e["type"] for e in events_of(created["id"])] == ["product.created"]
    assert events_of(created["id"])[0]["data"]["object"]["default_price"] == default["id"]
    assert [e["type"] for e in events_of(default["id"])] == ["price.created", "plan.created"]


INVALID = [
    pytest.param({"name": None}, "name", "parameter_missing", id="name-missing"),
    pytest.param({"name": ""}, "name", "parameter_invalid_string_blank", id="name-blank"),
    pytest.param({"id": "gold plan"}, "id", None, id="id-space"),
    pytest.param({"id": "search"}, "id", None, id="id-search"),
    pytest.param({"id": "x" * 101}, "id", None, id="id-101"),
    pytest.param({"images": [f"https://cdn.test/{i}.png" for i in range(9)]}, "images", None,
                 id="images-9"),
    pytest.param({"images": ["not a url"]}, "images[0]", None, id="image-not-url"),
    pytest.param({"marketing_features": [{"name": "x"}] * 16}, "marketing_features", None,
                 id="features-16"),
    pytest.param({"marketing_features": [{"name": "x" * 81}]}, "marketing_features[0][name]",
                 None, id="feature-81"),
    pytest.param({"package_dimensions": {"height": 1, "length": 1, "weight": 1}},
                 "package_dimensions[width]", "parameter_missing", id="dimensions-no-width"),
    pytest.param({"package_dimensions": {"height": "1.234", "length": 1, "weight": 1,
                                         "width": 1}}, "package_dimensions[height]", None,
                 id="dimensions-3-decimals"),
    pytest.param({"package_dimensions": {"height": -1, "length": 1, "weight": 1, "width": 1}},
                 "package_dimensions[height]", None, id="dimensions-negative"),
    pytest.param({"statement_descriptor": "12345"}, "statement_descriptor", None,
                 id="descriptor-no-letter"),
    pytest.param({"statement_descriptor": "GOLD<PLAN>"}, "statement_descriptor", None,
                 id="descriptor-bracket"),
    pytest.param({"statement_descriptor": "X" * 23}, "statement_descriptor", None,
                 id="descriptor-23"),
    pytest.param({"tax_code": "general"}, "tax_code", None, id="tax-code"),
    pytest.param({"unit_label": "x" * 13}, "unit_label", None, id="unit-label-13"),
    pytest.param({"url": "shop dot com"}, "url", None, id="url"),
    pytest.param({"type": "digital"}, "type", None, id="type"),
    pytest.param({"shippable": "maybe"}, "shippable", None, id="shippable"),
    pytest.param({"metadata": {f"k{i}": "v" for i in range(51)}}, "metadata", None,
                 id="metadata-51"),
    pytest.param({"colour": "gold"}, "colour", "parameter_unknown", id="unknown"),
    pytest.param({"default_price_data": {"unit_amount": 100}},
                 "default_price_data[currency]", "parameter_missing", id="dpd-no-currency"),
    pytest.param({"default_price_data": {"currency": "usd"}},
                 "default_price_data[unit_amount]", "parameter_missing", id="dpd-no-amount"),
    pytest.param({"default_price_data": {"currency": "usd", "unit_amount": -1}},
                 "default_price_data[unit_amount]", None, id="dpd-negative"),
    pytest.param({"default_price_data": {"currency": "usd", "unit_amount": 1,
                                         "unit_amount_decimal": "1"}},
                 "default_price_data[unit_amount_decimal]", None, id="dpd-both-amounts"),
    pytest.param({"default_price_data": {"currency": "xyz", "unit_amount": 1}},
                 "default_price_data[currency]", None, id="dpd-currency"),
    pytest.param({"default_price_data": {"currency": "usd", "unit_amount": 1,
                                         "recurring": {"interval": "month",
                                                       "interval_count": 37}}},
                 "default_price_data[recurring][interval_count]", None, id="dpd-37-months"),
    pytest.param({"default_price_data": {"currency": "usd", "custom_unit_amount": {
        "enabled": True}}}, "default_price_data[custom_unit_amount]", None,
        id="dpd-custom-amount"),
]


@pytest.mark.parametrize(("params", "param", "code"), INVALID)
def test_create_refuses_bad_input_and_creates_nothing(api, params, param, code):
    body = {"name": "Gold", **params}
    body = {key: value for key, value in body.items() if value is not None}

    error = error_of(api.post("/v1/products", body))

    assert error["type"] == "invalid_request_error"
    assert error["param"] == param
    assert error.get("code") == code
    assert (Product.objects.count(), Price.objects.count(), Event.objects.count()) == (0, 0, 0)


UPDATE_INVALID = [case for case in INVALID if not case.id.startswith(("dpd", "id-", "name-m"))
                  and case.id != "type"]


@pytest.mark.parametrize(("params", "param", "code"), UPDATE_INVALID)
def test_update_refuses_bad_input_and_changes_nothing(api, params, param, code, event_types):
    created = product(api, description="kept", metadata={"plan": "pro"})

    error = error_of(api.post(f"/v1/products/{created['id']}", params))

    assert error["param"] == param
    assert ok(api.get(f"/v1/products/{created['id']}")) == created
    assert event_types(created["id"]) == ["product.created"]


def test_update_cannot_change_the_type(api):
    created = product(api)

    error = error_of(api.post(f"/v1/products/{created['id']}", {"type": "good"}))

    assert (error["param"], error["code"]) == ("type", "parameter_unknown")


# -- update ------------------------------------------------------------------------------------

def test_update_changes_what_is_given_and_unsets_empty_values(api, events_of):
    created = product(api, description="Old", images=["https://cdn.test/a.png"],
                      marketing_features=[{"name": "Fast"}], unit_label="seat",
                      url="https://shop.test/gold", package_dimensions={
                          "height": 1, "length": 1, "weight": 1, "width": 1},
                      metadata={"a": "1", "b": "2"})

    updated = ok(api.post(f"/v1/products/{created['id']}", {
        "name": "Platinum", "description": "", "images": "", "marketing_features": "",
        "unit_label": "", "url": "", "package_dimensions": "", "metadata": {"a": ""},
        "active": False, "shippable": False}))

    assert (updated["name"], updated["active"], updated["shippable"]) == (
        "Platinum", False, False)
    assert (updated["description"], updated["unit_label"], updated["url"],
            updated["package_dimensions"]) == (None, None, None, None)
    assert (updated["images"], updated["marketing_features"]) == ([], [])
    assert updated["metadata"] == {"b": "2"}
    assert updated["updated"] >= created["updated"]
    event = events_of(created["id"])[-1]
    assert event["type"] == "product.updated"
    assert event["data"]["object"] == updated
    previous = event["data"]["previous_attributes"]
    assert previous["name"] == "Gold"
    assert previous["images"] == ["https://cdn.test/a.png"]
    assert previous["metadata"] == {"a": "1", "b": "2"}
    assert "type" not in previous


def test_an_update_that_changes_nothing_writes_no_event(api, event_types):
    created = product(api, name="Gold", metadata={"a": "1"})

    same = ok(api.post(f"/v1/products/{created['id']}", {"name": "Gold",
                                                          "metadata": {"a": "1"}}))

    assert same == created
    assert event_types(created["id"]) == ["product.created"]


def test_the_default_price_must_be_an_active_price_of_the_product(api, events_of):
    gold, silver = product(api), product(api, name="Silver")
    own, archived = price(api, gold["id"]), price(api, gold["id"], active=False)
    foreign = price(api, silver["id"])

    moved = ok(api.post(f"/v1/products/{gold['id']}", {"default_price": own["id"]}))
    not_own = api.post(f"/v1/products/{gold['id']}", {"default_price": foreign["id"]})
    not_active = api.post(f"/v1/products/{gold['id']}", {"default_price": archived["id"]})
    missing = api.post(f"/v1/products/{gold['id']}", {"default_price": "price_missing"})

    assert moved["default_price"] == own["id"]
    previous = events_of(gold["id"])[-1]["data"]["previous_attributes"]
    assert previous["default_price"] is None
    assert set(previous) <= {"default_price", "updated"}
    assert error_of(not_own)["param"] == "default_price"
    assert error_of(not_active)["param"] == "default_price"
    assert (error_of(missing, 404)["param"], error_of(missing, 404)["code"]) == (
        "default_price", "resource_missing")
    assert ok(api.get(f"/v1/products/{gold['id']}"))["default_price"] == own["id"]


def test_the_default_price_expands(api):
    created = product(api, default_price_data={"currency": "usd", "unit_amount": 500})

    expanded = ok(api.get(f"/v1/products/{created['id']}", {"expand": ["default_price"]}))

    assert expanded["default_price"]["id"] == created["default_price"]
    assert expanded["default_price"]["object"] == "price"
    assert error_of(api.get(f"/v1/products/{created['id']}",
                            {"expand": ["name"]}))["param"] == "expand"


# -- delete ------------------------------------------------------------------------------------

def test_a_product_without_prices_is_deleted(api, events_of):
    created = product(api)

    deleted = ok(api.delete(f"/v1/products/{created['id']}"))

    assert deleted == {"id": created["id"], "object": "product", "deleted": True}
    assert error_of(api.get(f"/v1/products/{created['id']}"), 404)["code"] == \
        "resource_missing"
    assert error_of(api.post(f"/v1/products/{created['id']}", {"name": "x"}), 404)
    assert error_of(api.delete(f"/v1/products/{created['id']}"), 404)
    assert ok(api.get("/v1/products"))["data"] == []
    event = events_of(created["id"])[-1]
    assert (event["type"], event["data"]["object"]) == ("product.deleted", created)


def test_a_product_with_a_price_is_not_deleted(api, event_types):
    created = product(api)
    price(api, created["id"])

    error = error_of(api.delete(f"/v1/products/{created['id']}"))

    assert "has one or more user-created prices" in error["message"]
    assert ok(api.get(f"/v1/products/{created['id']}")) == created
    assert "product.deleted" not in event_types(created["id"])


def test_a_product_whose_only_plan_was_deleted_can_be_deleted(api):
    created = product(api)
    plan = ok(api.post("/v1/plans", {"product": created["id"], "currency": "usd",
                                     "amount": 100, "interval": "month"}))
    ok(api.delete(f"/v1/plans/{plan['id']}"))

    assert ok(api.delete(f"/v1/products/{created['id']}"))["deleted"] is True


def test_an_archived_product_still_takes_prices(api):
    created = product(api, active=False)

    assert price(api, created["id"])["product"] == created["id"]


# -- tenancy -----------------------------------------------------------------------------------

def test_another_merchants_or_modes_product_is_a_404(api, account, other_account):
    theirs = product(other_account.api())
    live = product(account.api("live_secret_key"))

    for product_id in (theirs["id"], live["id"]):
        assert error_of(api.get(f"/v1/products/{product_id}"), 404)["param"] == "id"
        assert error_of(api.post(f"/v1/products/{product_id}", {"name": "x"}), 404)
        assert error_of(api.delete(f"/v1/products/{product_id}"), 404)
        assert error_of(api.post("/v1/prices", {"product": product_id, "currency": "usd",
                                                "unit_amount": 1}), 404)["param"] == "product"
    assert live["livemode"] is True
    assert ok(api.get("/v1/products"))["data"] == []


# -- list and search ---------------------------------------------------------------------------

def test_list_filters_by_active_ids_shippable_url_and_type(api):
    gold = product(api, name="Gold", shippable=True, url="https://shop.test/gold")
    silver = product(api, name="Silver", active=False, type="good")
    bronze = product(api, name="Bronze")

    def ids(params):
        return [p["id"] for p in ok(api.get("/v1/products", params))["data"]]

    assert ids({}) == [bronze["id"], silver["id"], gold["id"]]
    assert ids({"active": "true"}) == [bronze["id"], gold["id"]]
    assert ids({"active": "false"}) == [silver["id"]]
    assert ids({"ids": [gold["id"], silver["id"], "prod_missing"]}) == [silver["id"],
                                                                          gold["id"]]
    assert ids({"shippable": "true"}) == [gold["id"]]
    assert ids({"url": "https://shop.test/gold"}) == [gold["id"]]
    assert ids({"type": "good"}) == [silver["id"]]
    assert ids({"created": {"gte": gold["created"]}, "limit": 2}) == [bronze["id"],
                                                                      silver["id"]]
    page = ok(api.get("/v1/products", {"limit": 1, "starting_after": silver["id"]}))
    assert ([p["id"] for p in page["data"]], page["has_more"]) == ([gold["id"]], False)
    assert error_of(api.get("/v1/products", {"ids": "gold"}))["param"] == "ids"


def test_search_finds_products_by_name_active_metadata_and_created(api):
    gold = product(api, name="Gold membership", metadata={"tier": "1"})
    silver = product(api, name="Silver membership", active=False, description="second best")
    product(api, name="Gift card")

    def found(query):
        result = ok(api.get("/v1/products/search", {"query": query}))
        assert result["object"] == "search_result"
        return [p["id"] for p in result["data"]]

    assert found("name~'membership'") == [silver["id"], gold["id"]]
    assert found("name:'gold membership'") == [gold["id"]]
    assert found("active:'false'") == [silver["id"]]
    assert found("-active:'false' AND name~'member'") == [gold["id"]]
    assert found("metadata['tier']:'1'") == [gold["id"]]
    assert found("description~'best'") == [silver["id"]]
    assert found(f"created>={gold['created']} AND name~'ship'") == [silver["id"], gold["id"]]
    assert error_of(api.get("/v1/products/search", {"query": "colour:'gold'"}))["param"] == \
        "query"


def test_search_pages_through_results(api):
    made = [product(api, name=f"Plan {n}")["id"] for n in range(3)]

    first = ok(api.get("/v1/products/search", {"query": "name~'plan'", "limit": 2}))
    second = ok(api.get("/v1/products/search", {"query": "name~'plan'", "limit": 2,
                                                "page": first["next_page"]}))

    assert [p["id"] for p in first["data"] + second["data"]] == made[::-1]
    assert (first["has_more"], second["has_more"], second["next_page"]) == (True, False, None)


def test_creating_and_listing_stay_within_their_query_budgets(api,
                                                              django_assert_max_num_queries):
    for n in range(5):
        price(api, product(api, name=f"Plan {n}")["id"])

    with django_assert_max_num_queries(10):
        ok(api.post("/v1/products", {"name": "Gold", "default_price_data": {
            "currency": "usd", "unit_amount": 100}}))
    with django_assert_max_num_queries(8):
        assert len(ok(api.get("/v1/products", {"limit": 100}))["data"]) == 6
