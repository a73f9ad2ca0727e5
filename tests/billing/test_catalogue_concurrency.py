"""The catalogue under simultaneous requests on PostgreSQL: one active price per lookup key
whoever races for it, transfers that each take the key from the one before, and no price
created for a product being deleted."""

import pytest

from billing.models import Price
from tests.billing.factories import ok, price, product
from tests.concurrency import run_together
from tests.conftest import Api, needs_postgres
from webhooks.models import Event


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_one_of_ten_simultaneous_prices_gets_the_lookup_key(account):
    gold = product(account.api())
    apis = [Api(account.key()) for _ in range(10)]

    responses = run_together(10, lambda i: apis[i].post("/v1/prices", {
        "product": gold["id"], "currency": "usd", "unit_amount": 100 + i,
        "lookup_key": "gold"}))

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [200] + [400] * 9, statuses
    assert {response.json()["error"]["param"] for response in responses
            if response.status_code == 400} == {"lookup_key"}
    assert Price.objects.filter(lookup_key="gold").count() == 1


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_simultaneous_transfers_each_take_the_key_from_the_one_before(account):
    # Each for a product of its own, so no product lock lines them up.
    first = price(account.api(), lookup_key="gold")
    products = [product(account.api(), name=f"Tier {i}")["id"] for i in range(8)]
    apis = [Api(account.key()) for _ in range(8)]

    responses = run_together(8, lambda i: apis[i].post("/v1/prices", {
        "product": products[i], "currency": "usd", "unit_amount": 100 + i,
        "lookup_key": "gold", "transfer_lookup_key": "true"}))

    assert [response.status_code for response in responses] == [200] * 8
    holders = Price.objects.filter(lookup_key="gold", active=True)
    assert holders.count() == 1
    assert holders.get().pk in {response.json()["id"] for response in responses}
    # every price that held the key gave it up once, in its own price.updated
    assert Event.objects.filter(type="price.updated").count() == 8
    assert ok(account.api().get(f"/v1/prices/{first['id']}"))["lookup_key"] is None


@needs_postgres()
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_a_product_is_deleted_or_priced_never_both(account, attempt):
    gold = product(account.api())
    apis = [Api(account.key()) for _ in range(2)]

    deleted, priced = run_together(2, lambda i: apis[i].delete(f"/v1/products/{gold['id']}")
                                   if i == 0 else apis[i].post("/v1/prices", {
                                       "product": gold["id"], "currency": "usd",
                                       "unit_amount": 100}))

    outcome = (deleted.status_code, priced.status_code)
    assert outcome in {(200, 404), (400, 200)}, outcome
    assert Price.objects.filter(product_id=gold["id"]).count() == (outcome == (400, 200))
