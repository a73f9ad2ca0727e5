"""Searching payment intents with Stripe's query language, and paging through results."""

from datetime import timedelta

import pytest
from django.utils import timezone

from payments.models import PaymentIntent
from tests.api.helpers import error_of
from tests.payments.factories import customer, intent, ok, paid_intent


def search(api, query: str, **params) -> dict:
    return ok(api.get("/v1/payment_intents/search", {"query": query, **params}))


def found(api, query: str) -> set[str]:
    return {i["id"] for i in search(api, query, limit=100)["data"]}


@pytest.fixture
def shop(api) -> dict[str, dict]:
    """Four payments: Jenny's paid order 1001, an open order 1002, a big paid one and an
    old unpaid euro one."""
    jenny = customer(api)
    made = {
        "jenny": paid_intent(api, amount=1500, customer=jenny["id"],
                             metadata={"order_id": "1001", "channel": "web"}),
        "open": intent(api, amount=800, metadata={"order_id": "1002", "channel": "pos"}),
        "big": paid_intent(api, amount=50_000, metadata={"channel": "web"}),
        "old": intent(api, amount=2000, currency="eur"),
    }
    PaymentIntent.objects.filter(pk=made["old"]["id"]).update(
        created=timezone.now() - timedelta(days=10))
    made["customer"] = jenny
    return made


def test_search_by_metadata(api, shop):
    result = search(api, "metadata['order_id']:'1001'")

    assert result["object"] == "search_result"
    assert result["url"] == "/v1/payment_intents/search"
    assert [i["id"] for i in result["data"]] == [shop["jenny"]["id"]]
    assert (result["has_more"], result["next_page"]) == (False, None)
    assert found(api, 'metadata["channel"]:"web"') == {shop["jenny"]["id"], shop["big"]["id"]}


def test_search_by_status_customer_and_currency(api, shop):
    assert found(api, "status:'succeeded'") == {shop["jenny"]["id"], shop["big"]["id"]}
    assert found(api, f"customer:'{shop['customer']['id']}'") == {shop["jenny"]["id"]}
    assert found(api, "currency:'eur'") == {shop["old"]["id"]}
    assert found(api, "-status:'succeeded'") == {shop["open"]["id"], shop["old"]["id"]}


def test_search_by_amount_ranges(api, shop):
    assert found(api, "amount>1500") == {shop["big"]["id"], shop["old"]["id"]}
    assert found(api, "amount>=1500") == {shop["jenny"]["id"], shop["big"]["id"],
                                          shop["old"]["id"]}
    assert found(api, "amount<1500") == {shop["open"]["id"]}
    assert found(api, "amount:800") == {shop["open"]["id"]}
    assert found(api, "amount>=800 AND amount<=2000") == {
        shop["jenny"]["id"], shop["open"]["id"], shop["old"]["id"]}


def test_search_by_created(api, shop):
    five_days_ago = int((timezone.now() - timedelta(days=5)).timestamp())

    assert found(api, f"created<{five_days_ago}") == {shop["old"]["id"]}
    assert found(api, f"created>{five_days_ago}") == {
        shop["jenny"]["id"], shop["open"]["id"], shop["big"]["id"]}


def test_search_combines_clauses_with_and_or(api, shop):
    assert found(api, "status:'succeeded' AND amount>10000") == {shop["big"]["id"]}
    assert found(api, "status:'succeeded' amount<10000") == {shop["jenny"]["id"]}
    assert found(api, "metadata['order_id']:'1002' OR currency:'eur'") == {
        shop["open"]["id"], shop["old"]["id"]}
    assert found(api, "status:'canceled' OR amount>100000") == set()


def test_next_page_walks_every_result_once_newest_first(api):
    # given seven matching intents and one that does not match
    ids = [intent(api, amount=1000 + i, metadata={"batch": "b1"})["id"] for i in range(7)]
    intent(api, metadata={"batch": "b2"})

    # when the pages are followed
    seen, pages, page = [], 0, None
    while True:
        params = {"limit": 3, **({"page": page} if page else {})}
        result = search(api, "metadata['batch']:'b1'", **params)
        seen += [i["id"] for i in result["data"]]
        pages += 1
        page = result["next_page"]
        assert result["has_more"] is (page is not None)
        if page is None:
            break

    # then
    assert seen == list(reversed(ids))
    assert pages == 3


@pytest.mark.parametrize("query", [
    "status:succeeded",  # unquoted value
    "amount>10.5",  # not an integer
    "colour:'red'",  # no such field
    "status:'succeeded' AND amount>1 OR currency:'usd'",  # AND and OR mixed
    "(status:'succeeded')",
    "",
    "metadata['order_id']>'1'",
    "status~'succ'",
])
def test_a_malformed_query_is_a_400_on_query(api, query):
    response = api.get("/v1/payment_intents/search", {"query": query})

    error = error_of(response, 400)
    assert error["type"] == "invalid_request_error"
    assert error["param"] == "query"


def test_a_forged_page_is_refused(api):
    intent(api)

    response = api.get("/v1/payment_intents/search", {"query": "amount>0", "page": "forged"})

    assert error_of(response, 400)["param"] == "page"
