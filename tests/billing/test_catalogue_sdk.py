"""The official `stripe` SDK driving the catalogue against a live Till server: products,
prices (tiered, with lookup keys) and the legacy plans older integrations still call."""

from decimal import Decimal

import pytest
import stripe

from tests.conftest import Account, make_account


@pytest.fixture
def sdk_account(transactional_db) -> Account:
    return make_account("SDK")


@pytest.fixture
def http_client(monkeypatch):
    """One HTTP client per test, without telemetry or retries, closed after it."""
    monkeypatch.setattr(stripe, "enable_telemetry", False)
    monkeypatch.setattr(stripe, "max_network_retries", 0)
    http = stripe.RequestsClient()
    yield http
    http.close()


@pytest.fixture
def client(live_server, sdk_account, http_client) -> stripe.StripeClient:
    return stripe.StripeClient(sdk_account.key(), base_addresses={"api": live_server.url},
                               max_network_retries=0, http_client=http_client)


def test_a_product_with_its_default_price_through_the_sdk(client):
    # when
    product = client.v1.products.create(params={
        "name": "Gold", "description": "The best", "metadata": {"tier": "1"},
        "marketing_features": [{"name": "Priority support"}],
        "default_price_data": {"currency": "usd", "unit_amount": 2000,
                               "recurring": {"interval": "month"}},
        "expand": ["default_price"]})
    updated = client.v1.products.update(product.id, params={"name": "Gold+",
                                                            "description": ""})
    found = client.v1.products.search(params={"query": "name~'gold'"})
    listed = list(client.v1.products.list(params={"active": True}).auto_paging_iter())

    # then
    assert isinstance(product, stripe.Product)
    assert isinstance(product.default_price, stripe.Price)
    assert product.default_price.unit_amount == 2000
    assert product.default_price.recurring.interval == "month"
    assert product.marketing_features[0].name == "Priority support"
    assert (updated.name, updated.description) == ("Gold+", None)
    assert [p.id for p in found.data] == [product.id]
    assert [p.id for p in listed] == [product.id]


def test_a_product_without_prices_is_deleted_through_the_sdk(client):
    product = client.v1.products.create(params={"name": "Short-lived"})

    deleted = client.v1.products.delete(product.id)

    assert (deleted.id, deleted.deleted) == (product.id, True)
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.products.retrieve(product.id)
    assert raised.value.http_status == 404


def test_tiered_prices_and_lookup_keys_through_the_sdk(client):
    # given
    product = client.v1.products.create(params={"name": "API calls"})

    # when
    tiered = client.v1.prices.create(params={
        "product": product.id, "currency": "usd", "billing_scheme": "tiered",
        "tiers_mode": "graduated", "recurring": {"interval": "month"},
        "lookup_key": "api_calls", "expand": ["tiers"],
        "tiers": [{"up_to": 1000, "unit_amount_decimal": Decimal("0.5")},
                  {"up_to": "inf", "unit_amount": 0, "flat_amount": 50000}]})
    successor = client.v1.prices.create(params={
        "product": product.id, "currency": "usd", "unit_amount_decimal": Decimal("0.25"),
        "recurring": {"interval": "month"}, "lookup_key": "api_calls",
        "transfer_lookup_key": True})
    by_key = client.v1.prices.list(params={"lookup_keys": ["api_calls"],
                                           "expand": ["data.product"]})
    archived = client.v1.prices.update(tiered.id, params={"active": False})
    found = client.v1.prices.search(params={"query": "active:'false'"})

    # then
    assert isinstance(tiered, stripe.Price)
    assert tiered.tiers[0].unit_amount_decimal == Decimal("0.5")
    assert tiered.tiers[1].up_to is None
    assert successor.unit_amount_decimal == Decimal("0.25")
    assert [p.id for p in by_key.data] == [successor.id]
    assert by_key.data[0].product.name == "API calls"
    assert (archived.active, archived.lookup_key) == (False, None)
    assert [p.id for p in found.data] == [tiered.id]


def test_refusals_reach_the_sdk_with_their_parameter(client):
    product = client.v1.products.create(params={"name": "Gold"})

    with pytest.raises(stripe.InvalidRequestError) as last_tier:
        client.v1.prices.create(params={
            "product": product.id, "currency": "usd", "billing_scheme": "tiered",
            "tiers_mode": "volume", "tiers": [{"up_to": 10, "unit_amount": 100}]})
    with pytest.raises(stripe.InvalidRequestError) as immutable:
        client.v1.prices.update("price_missing", params={"nickname": "x"})
    with pytest.raises(stripe.InvalidRequestError) as metered:
        client.v1.prices.create(params={
            "product": product.id, "currency": "usd", "unit_amount": 1,
            "recurring": {"interval": "month", "usage_type": "metered"}})

    assert last_tier.value.param == "tiers[0][up_to]"
    assert (immutable.value.http_status, immutable.value.code) == (404, "resource_missing")
    assert metered.value.param == "recurring[usage_type]"
    assert list(client.v1.prices.list().auto_paging_iter()) == []


def test_legacy_plans_through_the_module_level_sdk(live_server, sdk_account, http_client,
                                                   monkeypatch):
    # The module-level style older integrations and libraries use.
    monkeypatch.setattr(stripe, "api_key", sdk_account.key())
    monkeypatch.setattr(stripe, "api_base", live_server.url)
    monkeypatch.setattr(stripe, "default_http_client", http_client)

    plan = stripe.Plan.create(id="gold-monthly", amount=999, currency="usd",
                              interval="month", product={"name": "Gold"}, trial_period_days=7)
    as_price = stripe.Price.retrieve("gold-monthly")
    modified = stripe.Plan.modify("gold-monthly", nickname="Gold monthly")
    listed = stripe.Plan.list(product=plan.product)
    deleted = stripe.Plan.delete("gold-monthly")

    assert isinstance(plan, stripe.Plan)
    assert (plan.id, plan.amount, plan.interval, plan.trial_period_days) == (
        "gold-monthly", 999, "month", 7)
    assert (as_price.type, as_price.unit_amount) == ("recurring", 999)
    assert modified.nickname == "Gold monthly"
    assert [p.id for p in listed.data] == ["gold-monthly"]
    assert deleted.deleted is True
    with pytest.raises(stripe.InvalidRequestError):
        stripe.Price.retrieve("gold-monthly")
