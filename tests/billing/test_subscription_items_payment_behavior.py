"""`payment_behavior` on /v1/subscription_items: an item's own routes change the items as
`POST /v1/subscriptions/{id}` does, pending updates and `error_if_incomplete` included."""

from datetime import timedelta

import pytest

from billing.models import Invoice, InvoiceItem, SubscriptionItem
from core import clock
from tests.billing.factories import error_of, monthly, ok
from tests.billing.test_subscriptions_pending_updates import declining
from tests.billing.test_subscriptions_prorations import CHANGE, share_of, subscribed

pytestmark = pytest.mark.django_db

__all__ = ["declining", "subscribed"]  # fixtures


def items_of(api, subscription) -> list[tuple[str, int]]:
    listed = ok(api.get("/v1/subscription_items", {"subscription": subscription["id"]}))
    return sorted((item["price"]["id"], item["quantity"]) for item in listed["data"])


def test_an_item_added_with_error_if_incomplete_and_declined_is_not_added(api, declining):
    subscription, basic, _, _ = declining
    extra = monthly(api, unit_amount=500)

    with clock.bound(CHANGE):
        error = error_of(api.post("/v1/subscription_items", {
            "subscription": subscription["id"], "price": extra["id"],
            "proration_behavior": "always_invoice",
            "payment_behavior": "error_if_incomplete"}), 402)

    assert (error["type"], error["code"]) == ("card_error", "card_declined")
    assert items_of(api, subscription) == [(basic["id"], 1)]
    assert not InvoiceItem.objects.filter(customer_id=subscription["customer"],
                                          invoice__isnull=True).exists()
    assert Invoice.objects.get(subscription_id=subscription["id"],
                               billing_reason="subscription_update").status == "void"


def test_an_item_added_with_error_if_incomplete_and_paid_is_added(api, subscribed):
    _, subscription, basic, _ = subscribed
    extra = monthly(api, unit_amount=500)

    with clock.bound(CHANGE):
        added = ok(api.post("/v1/subscription_items", {
            "subscription": subscription["id"], "price": extra["id"], "quantity": 2,
            "proration_behavior": "always_invoice",
            "payment_behavior": "error_if_incomplete"}))

    assert (added["price"]["id"], added["quantity"]) == (extra["id"], 2)
    assert items_of(api, subscription) == sorted([(basic["id"], 1), (extra["id"], 2)])
    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}",
                       {"expand": ["latest_invoice"]}))
    assert (shown["latest_invoice"]["status"], shown["latest_invoice"]["amount_paid"]) == (
        "paid", share_of(1000))


def test_an_item_added_as_a_pending_update_gets_the_id_it_was_given(api, declining):
    subscription, basic, _, good = declining
    extra = monthly(api, unit_amount=500)

    with clock.bound(CHANGE):
        held = ok(api.post("/v1/subscription_items", {
            "subscription": subscription["id"], "price": extra["id"],
            "proration_behavior": "always_invoice",
            "payment_behavior": "pending_if_incomplete"}))

    # then the subscription still has its one item, and shows the new one as pending
    assert items_of(api, subscription) == [(basic["id"], 1)]
    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert [item["id"] for item in shown["pending_update"]["subscription_items"]] == [
        held["id"]]

    # when its invoice is paid, the item is added with that id
    with clock.bound(CHANGE + timedelta(hours=1)):
        ok(api.post(f"/v1/invoices/{shown['latest_invoice']}/pay",
                    {"payment_method": good["id"]}))
    assert SubscriptionItem.objects.get(pk=held["id"]).price_id == extra["id"]


def test_an_item_changed_with_error_if_incomplete_and_declined_keeps_its_price(api,
                                                                               declining):
    subscription, basic, pro, _ = declining
    [item] = subscription["items"]["data"]

    with clock.bound(CHANGE):
        error_of(api.post(f"/v1/subscription_items/{item['id']}", {
            "price": pro["id"], "proration_behavior": "always_invoice",
            "payment_behavior": "error_if_incomplete"}), 402)

    shown = ok(api.get(f"/v1/subscription_items/{item['id']}"))
    assert (shown["price"]["id"], shown["quantity"]) == (basic["id"], 1)


def test_a_deletion_invoices_only_a_credit_so_it_applies_at_once(api, declining):
    subscription, basic, _, _ = declining
    extra = monthly(api, unit_amount=500)
    with clock.bound(CHANGE - timedelta(minutes=2)):
        added = ok(api.post("/v1/subscription_items", {
            "subscription": subscription["id"], "price": extra["id"],
            "proration_behavior": "none"}))

    with clock.bound(CHANGE):
        deleted = ok(api.delete(f"/v1/subscription_items/{added['id']}", {
            "proration_behavior": "always_invoice",
            "payment_behavior": "error_if_incomplete"}))

    assert deleted == {"id": added["id"], "object": "subscription_item", "deleted": True}
    assert items_of(api, subscription) == [(basic["id"], 1)]


def test_an_unknown_payment_behavior_is_refused(api, subscribed):
    _, subscription, _, _ = subscribed
    [item] = subscription["items"]["data"]

    error = error_of(api.post(f"/v1/subscription_items/{item['id']}", {
        "quantity": 2, "payment_behavior": "default_incomplete"}))

    assert error["param"] == "payment_behavior"
    assert ok(api.get(f"/v1/subscription_items/{item['id']}"))["quantity"] == 1
