"""/v1/subscription_items and the search of subscriptions and invoices: an item added,
changed and deleted on its own route is a subscription update, prorated the same way."""

from datetime import timedelta

import pytest
from django.utils import timezone

from billing.models import InvoiceItem
from core import clock
from tests.billing.factories import customer_with_card, error_of, monthly, ok

pytestmark = pytest.mark.django_db

START = timezone.now().replace(microsecond=0) - timedelta(days=10)


@pytest.fixture
def subscription(api):
    owner, _ = customer_with_card(api)
    with clock.bound(START):
        return ok(api.post("/v1/subscriptions", {
            "customer": owner["id"], "items": [{"price": monthly(api, unit_amount=1000)["id"]}],
            "metadata": {"plan": "basic"}}))


def test_items_are_added_changed_listed_and_deleted_on_their_own_route(api, subscription,
                                                                      events_of):
    extra = monthly(api, unit_amount=500)

    # when an item is added, then its quantity changed, on /v1/subscription_items
    added = ok(api.post("/v1/subscription_items", {
        "subscription": subscription["id"], "price": extra["id"], "quantity": 2,
        "metadata": {"seat": "extra"}}))
    assert (added["object"], added["quantity"], added["metadata"]) == (
        "subscription_item", 2, {"seat": "extra"})
    changed = ok(api.post(f"/v1/subscription_items/{added['id']}", {"quantity": 3}))
    assert (changed["id"], changed["quantity"], changed["metadata"]) == (
        added["id"], 3, {"seat": "extra"})

    # then the subscription lists both, each change prorated as an update's
    listed = ok(api.get("/v1/subscription_items", {"subscription": subscription["id"]}))
    assert {item["id"] for item in listed["data"]} == {
        subscription["items"]["data"][0]["id"], added["id"]}
    prorations = InvoiceItem.objects.filter(subscription_id=subscription["id"])
    assert prorations.count() == 3  # the added two seats, then one seat's credit and three
    assert all(item.proration for item in prorations)
    # (the first: its first invoice paid; then one per change)
    assert [e["type"] for e in events_of(subscription["id"])].count(
        "customer.subscription.updated") == 3

    # when it is deleted
    deleted = ok(api.delete(f"/v1/subscription_items/{added['id']}"))
    assert deleted == {"id": added["id"], "object": "subscription_item", "deleted": True}
    assert len(ok(api.get("/v1/subscription_items",
                          {"subscription": subscription["id"]}))["data"]) == 1
    assert error_of(api.get(f"/v1/subscription_items/{added['id']}"), 404)["code"] == (
        "resource_missing")


def test_the_last_item_cannot_be_deleted_and_unknown_ones_are_404s(api, subscription):
    [only] = subscription["items"]["data"]
    error = error_of(api.delete(f"/v1/subscription_items/{only['id']}"))
    assert error["param"] == "items"
    assert error_of(api.post("/v1/subscription_items/si_nope", {"quantity": 2}), 404)[
        "param"] == "id"
    assert error_of(api.get("/v1/subscription_items", {"subscription": "sub_nope"}), 404)[
        "param"] == "subscription"


def test_subscriptions_and_invoices_are_searchable(api, subscription):
    other_owner, _ = customer_with_card(api)
    with clock.bound(START):
        ok(api.post("/v1/subscriptions", {"customer": other_owner["id"],
                                          "items": [{"price": monthly(api)["id"]}]}))
    api.delete(f"/v1/subscriptions/{subscription['id']}")

    found = ok(api.get("/v1/subscriptions/search", {"query": "metadata['plan']:'basic'"}))
    assert [row["id"] for row in found["data"]] == [subscription["id"]]
    assert found["object"] == "search_result"
    canceled = ok(api.get("/v1/subscriptions/search", {"query": "status:'canceled'"}))
    assert [row["id"] for row in canceled["data"]] == [subscription["id"]]

    invoices = ok(api.get("/v1/invoices/search", {
        "query": f"subscription:'{subscription['id']}' AND total>999"}))
    assert [row["subscription"] for row in invoices["data"]] == [subscription["id"]]
    assert ok(api.get("/v1/invoices/search", {"query": "total>1000"}))["data"] == []
    error = error_of(api.get("/v1/invoices/search", {"query": "colour:'red'"}))
    assert error["param"] == "query"
