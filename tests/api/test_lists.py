"""List objects: shape, order, limits, cursors both ways, created filters, keyset cost."""

from datetime import UTC, datetime, timedelta

import pytest

from payments.models import Customer
from tests.api.factories import CustomerFactory
from tests.api.helpers import error_of

T0 = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [obj["id"] for obj in response.json()["data"]]


@pytest.fixture
def twenty_five(account, roomy_rate_limit):
    """25 customers over 13 distinct seconds, all but the last shared by two."""
    return [CustomerFactory(merchant=account.merchant, created=T0 + timedelta(seconds=i // 2))
            for i in range(25)]


def test_list_shape(api):
    api.post("/v1/customers", {"email": "a@b.test"})
    body = api.get("/v1/customers").json()
    assert set(body) == {"object", "data", "has_more", "url"}
    assert body["object"] == "list"
    assert body["url"] == "/v1/customers"
    assert body["has_more"] is False
    assert [c["object"] for c in body["data"]] == ["customer"]


def test_empty_list(api):
    assert api.get("/v1/customers").json() == {"object": "list", "data": [],
                                               "has_more": False, "url": "/v1/customers"}


def test_events_list_has_its_own_url(api):
    api.post("/v1/customers", {})
    body = api.get("/v1/events").json()
    assert (body["object"], body["url"]) == ("list", "/v1/events")
    assert [e["type"] for e in body["data"]] == ["customer.created"]


def test_newest_first(api, account):
    old = CustomerFactory(merchant=account.merchant, created=T0)
    new = CustomerFactory(merchant=account.merchant, created=T0 + timedelta(days=1))
    middle = CustomerFactory(merchant=account.merchant, created=T0 + timedelta(hours=1))
    assert _ids(api.get("/v1/customers")) == [new.id, middle.id, old.id]


def test_limit_defaults_to_ten(api, account):
    for i in range(12):
        CustomerFactory(merchant=account.merchant, created=T0 + timedelta(seconds=i))
    body = api.get("/v1/customers").json()
    assert len(body["data"]) == 10
    assert body["has_more"] is True


@pytest.mark.parametrize("limit", [1, 100])
def test_limit_bounds_are_accepted(api, account, limit):
    for i in range(3):
        CustomerFactory(merchant=account.merchant, created=T0 + timedelta(seconds=i))
    body = api.get("/v1/customers", {"limit": limit}).json()
    assert len(body["data"]) == min(limit, 3)
    assert body["has_more"] is (limit < 3)


@pytest.mark.parametrize("limit", [0, 101, -1])
def test_limit_out_of_bounds_is_a_400(api, limit):
    error = error_of(api.get("/v1/customers", {"limit": limit}), 400)
    assert error["param"] == "limit"


def test_exactly_a_page_has_no_more(api, account):
    for i in range(3):
        CustomerFactory(merchant=account.merchant, created=T0 + timedelta(seconds=i))
    assert api.get("/v1/customers", {"limit": 3}).json()["has_more"] is False


def test_walking_forward_and_back_has_no_gaps_or_repeats(api, twenty_five):
    # given the whole list in one page, as the database orders it
    everything = _ids(api.get("/v1/customers", {"limit": 100}))
    assert sorted(everything) == sorted(c.id for c in twenty_five)
    # when a client walks it forward four at a time
    forward, pages, params = [], 0, {"limit": 4}
    while True:
        body = api.get("/v1/customers", params).json()
        forward += [c["id"] for c in body["data"]]
        pages += 1
        if not body["has_more"]:
            break
        params = {"limit": 4, "starting_after": forward[-1]}
    # then it sees every customer once, newest first
    assert forward == everything
    assert pages == 7
    # when it walks back from the oldest
    backward, params = [], {"limit": 4, "ending_before": everything[-1]}
    while True:
        body = api.get("/v1/customers", params).json()
        page = [c["id"] for c in body["data"]]
        backward = page + backward
        if not body["has_more"]:
            break
        params = {"limit": 4, "ending_before": page[0]}
    # then it meets the same customers in the same order
    assert backward == everything[:-1]


def test_ending_before_returns_the_page_just_newer_in_list_order(api, twenty_five):
    everything = _ids(api.get("/v1/customers", {"limit": 100}))
    body = api.get("/v1/customers", {"limit": 3, "ending_before": everything[10]}).json()
    assert [c["id"] for c in body["data"]] == everything[7:10]
    assert body["has_more"] is True
    top = api.get("/v1/customers", {"limit": 3, "ending_before": everything[3]}).json()
    assert [c["id"] for c in top["data"]] == everything[0:3]
    assert top["has_more"] is False


def test_created_is_non_increasing_across_the_list(api, twenty_five):
    created = [c["created"] for c in api.get("/v1/customers", {"limit": 100}).json()["data"]]
    assert created == sorted(created, reverse=True)
    assert len(set(created)) < len(created)  # ties exist, so the id tie-break was exercised


def test_both_cursors_together_is_a_400(api, account):
    a = CustomerFactory(merchant=account.merchant)
    b = CustomerFactory(merchant=account.merchant)
    response = api.get("/v1/customers", {"starting_after": a.id, "ending_before": b.id})
    error = error_of(response, 400)
    assert "starting_after" in error["message"]
    assert "ending_before" in error["message"]


@pytest.mark.parametrize("cursor", ["starting_after", "ending_before"])
def test_unknown_cursor_is_an_error_naming_it(api, cursor):
    response = api.get("/v1/customers", {cursor: "cus_nonexistent"})
    assert response.status_code in (400, 404)
    error = error_of(response, response.status_code)
    assert error["param"] == cursor
    assert "cus_nonexistent" in error["message"]


def test_another_merchants_object_is_not_a_cursor(api, other_account):
    theirs = CustomerFactory(merchant=other_account.merchant)
    response = api.get("/v1/customers", {"starting_after": theirs.id})
    assert error_of(response, response.status_code)["param"] == "starting_after"


def test_deleted_customer_is_not_listed(api):
    kept = api.post("/v1/customers", {}).json()
    gone = api.post("/v1/customers", {}).json()
    api.delete(f"/v1/customers/{gone['id']}")
    assert _ids(api.get("/v1/customers")) == [kept["id"]]


@pytest.fixture
def at_seconds(account):
    """One customer in each of four seconds, stored with sub-second precision."""
    return {second: CustomerFactory(merchant=account.merchant,
                                    created=T0 + timedelta(seconds=second, microseconds=500_000))
            for second in range(4)}


def _ts(second: int) -> int:
    return int((T0 + timedelta(seconds=second)).timestamp())


@pytest.mark.parametrize(("created", "seconds"), [
    ({"gte": _ts(2)}, [3, 2]),
    ({"gt": _ts(2)}, [3]),
    ({"lt": _ts(2)}, [1, 0]),
    ({"lte": _ts(2)}, [2, 1, 0]),
    ({"gte": _ts(1), "lt": _ts(3)}, [2, 1]),
    (_ts(2), [2]),
])
def test_created_filters_compare_whole_seconds(api, at_seconds, created, seconds):
    # when filtered by wire timestamps (whole seconds) / then the matching seconds, newest first
    response = api.get("/v1/customers", {"created": created})
    assert _ids(response) == [at_seconds[s].id for s in seconds]


def test_created_filter_with_a_cursor(api, at_seconds):
    response = api.get("/v1/customers", {"created": {"lte": _ts(3)}, "limit": 1,
                                         "starting_after": at_seconds[2].id})
    assert _ids(response) == [at_seconds[1].id]


@pytest.mark.parametrize("created", [{"gte": "yesterday"}, {"after": _ts(1)}, "soon"])
def test_invalid_created_filter_is_a_400(api, created):
    error = error_of(api.get("/v1/customers", {"created": created}), 400)
    assert error["param"].startswith("created")


@pytest.mark.parametrize("expand", ["data.unknown", "unknown", "data.invoice_settings",
                                    "data.a.b.c.d.e"])
def test_unexpandable_paths_are_a_400(api, expand):
    error = error_of(api.get("/v1/customers", {"expand": [expand]}), 400)
    assert error["param"] == "expand"
    assert expand in error["message"]


def test_first_and_deep_pages_cost_the_same(api, account, roomy_rate_limit,
                                            django_assert_max_num_queries):
    # given 210 customers
    customers = [CustomerFactory.build(merchant=account.merchant,
                                       created=T0 + timedelta(seconds=i))
                 for i in range(210)]
    Customer.objects.bulk_create(customers)
    ordered = [c.id for c in sorted(customers, key=lambda c: c.created, reverse=True)]
    api.get("/v1/customers", {"limit": 1})  # the key's first use of the minute is recorded
    # when the first page, the second and one 200 rows deep are read
    with django_assert_max_num_queries(10) as first_page:
        _ids(api.get("/v1/customers"))
    with django_assert_max_num_queries(10) as second_page:
        _ids(api.get("/v1/customers", {"starting_after": ordered[9]}))
    with django_assert_max_num_queries(10) as deep_page:
        deep = _ids(api.get("/v1/customers", {"starting_after": ordered[199]}))
    # then the deep page is right, costs what the second does, and one cursor lookup more
    # than the first; no page skips rows with OFFSET
    assert deep == ordered[200:210]
    assert len(deep_page) == len(second_page) == len(first_page) + 1
    for captured in (first_page, second_page, deep_page):
        assert not any("OFFSET" in q["sql"].upper() for q in captured.captured_queries)
