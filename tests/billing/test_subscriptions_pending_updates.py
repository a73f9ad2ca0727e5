"""Pending updates (`payment_behavior=pending_if_incomplete`): a change invoiced at once
applies only when its invoice is paid. Unpaid, the subscription keeps its items and its
status, shows the change as `pending_update`, and drops it when the invoice is voided or its
time (23 hours, or the period's end) runs out."""

from datetime import timedelta

import pytest

from billing import services
from billing.models import Invoice, Subscription, SubscriptionItem
from core import clock
from tests.billing.factories import error_of, monthly, ok
from tests.billing.test_dunning import DAY, FAILING_CARD, START
from tests.billing.test_dunning import failing as failing_on_clock_fixture
from tests.billing.test_subscriptions_prorations import CHANGE, END, change, share_of, subscribed
from tests.payments.factories import attach, card_payment_method

pytestmark = pytest.mark.django_db

__all__ = ["failing_on_clock_fixture", "subscribed"]  # fixtures shared with other tests


@pytest.fixture
def declining(api, subscribed):
    """The prorations' subscription ($10.00 a month, $30.00 offered), whose default card
    now declines every charge; and a good card of its customer's, for paying later."""
    owner, subscription, basic, pro = subscribed
    with clock.bound(CHANGE - timedelta(minutes=1)):
        bad = card_payment_method(api, FAILING_CARD)
        attach(api, bad["id"], owner["id"])
        ok(api.post(f"/v1/subscriptions/{subscription['id']}",
                    {"default_payment_method": bad["id"]}))
        good = card_payment_method(api, "4242424242424242")
        attach(api, good["id"], owner["id"])
    return subscription, basic, pro, good


def upgrade(api, subscription, price, **params):
    [item] = subscription["items"]["data"]
    return change(api, subscription, items=[{"id": item["id"], "price": price["id"]}],
                  proration_behavior="always_invoice", payment_behavior="pending_if_incomplete",
                  expand=["latest_invoice"], **params)


def test_a_declined_upgrade_is_held_and_the_subscription_keeps_its_items(api, declining,
                                                                         events_of):
    subscription, basic, pro, _ = declining
    [item] = subscription["items"]["data"]

    # when the upgrade's invoice is declined
    held = ok(upgrade(api, subscription, pro))

    # then the subscription still bills $10.00, active as before
    assert held["status"] == "active"
    assert [(i["id"], i["price"]["id"]) for i in held["items"]["data"]] == [
        (item["id"], basic["id"])]
    # and shows the change as pending until 23 hours after it was asked
    pending = held["pending_update"]
    assert pending["expires_at"] == int((CHANGE + timedelta(hours=23)).timestamp())
    assert [(i["id"], i["price"]["id"], i["quantity"])
            for i in pending["subscription_items"]] == [(item["id"], pro["id"], 1)]
    # and its latest invoice is the open one of the prorations
    invoice = held["latest_invoice"]
    assert (invoice["status"], invoice["billing_reason"], invoice["amount_remaining"]) == (
        "open", "subscription_update", share_of(3000) - share_of(1000))
    # and the update was told as the pending update appearing, not as the items changing
    updated = [e for e in events_of(subscription["id"])
               if e["type"] == "customer.subscription.updated"][-1]
    assert updated["data"]["previous_attributes"] == {
        "pending_update": None, "latest_invoice": subscription["latest_invoice"]}
    assert Subscription.objects.get(pk=subscription["id"]).status == "active"


def test_paying_the_held_invoice_applies_the_change(api, declining, events_of):
    subscription, basic, pro, good = declining
    [item] = subscription["items"]["data"]
    held = ok(upgrade(api, subscription, pro))

    # when the customer pays the invoice with another card
    with clock.bound(CHANGE + timedelta(hours=2)):
        paid = ok(api.post(f"/v1/invoices/{held['latest_invoice']['id']}/pay",
                           {"payment_method": good["id"]}))

    # then the upgrade applies: the item moves to $30.00, nothing is pending
    assert paid["status"] == "paid"
    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert [(i["id"], i["price"]["id"]) for i in shown["items"]["data"]] == [
        (item["id"], pro["id"])]
    assert shown["pending_update"] is None
    assert shown["status"] == "active"
    types = [e["type"] for e in events_of(subscription["id"])]
    assert set(types[-2:]) == {"customer.subscription.pending_update_applied",
                               "customer.subscription.updated"}

    # and the next renewal bills the new price
    services.subscriptions_renew_due(now=END + timedelta(seconds=1))
    renewed = ok(api.get(f"/v1/subscriptions/{subscription['id']}",
                         {"expand": ["latest_invoice"]}))
    assert [line["amount"] for line in renewed["latest_invoice"]["lines"]["data"]] == [3000]


def test_an_added_item_keeps_the_id_its_pending_update_showed(api, declining):
    subscription, _, _, good = declining
    extra = monthly(api, unit_amount=500)
    held = ok(change(api, subscription, items=[{"price": extra["id"], "quantity": 2}],
                     proration_behavior="always_invoice",
                     payment_behavior="pending_if_incomplete", expand=["latest_invoice"]))
    [shown] = held["pending_update"]["subscription_items"]
    assert len(held["items"]["data"]) == 1

    with clock.bound(CHANGE + timedelta(hours=1)):
        ok(api.post(f"/v1/invoices/{held['latest_invoice']['id']}/pay",
                    {"payment_method": good["id"]}))

    added = SubscriptionItem.objects.get(subscription_id=subscription["id"],
                                         price_id=extra["id"])
    assert (added.id, added.quantity) == (shown["id"], 2)
    # and its proration line names it
    invoice = ok(api.get(f"/v1/invoices/{held['latest_invoice']['id']}"))
    assert [line["subscription_item"] for line in invoice["lines"]["data"]
            if line["amount"] > 0] == [added.id]


def test_a_held_update_lapses_after_23_hours_and_its_invoice_is_voided(api, declining,
                                                                        events_of):
    subscription, basic, pro, _ = declining
    held = ok(upgrade(api, subscription, pro))

    # when the engine runs just before, then just after its 23 hours
    assert services.subscriptions_renew_due(now=CHANGE + timedelta(hours=22)) == 0
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["pending_update"]
    lapse = CHANGE + timedelta(hours=23, seconds=1)
    with clock.bound(lapse):
        services.subscriptions_renew_due(now=lapse)

    # then the invoice is void, the change gone, the items as they were
    invoice = ok(api.get(f"/v1/invoices/{held['latest_invoice']['id']}"))
    assert invoice["status"] == "void"
    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert shown["pending_update"] is None
    assert [i["price"]["id"] for i in shown["items"]["data"]] == [basic["id"]]
    assert shown["status"] == "active"
    types = [e["type"] for e in events_of(subscription["id"])]
    # (made at one frozen instant, the two events' order in the list is not theirs)
    assert set(types[-2:]) == {"customer.subscription.pending_update_expired",
                               "customer.subscription.updated"}


def test_voiding_the_invoice_cancels_the_pending_update(api, declining, events_of):
    subscription, basic, pro, _ = declining
    held = ok(upgrade(api, subscription, pro))

    with clock.bound(CHANGE + timedelta(hours=1)):
        ok(api.post(f"/v1/invoices/{held['latest_invoice']['id']}/void"))

    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert shown["pending_update"] is None
    assert [i["price"]["id"] for i in shown["items"]["data"]] == [basic["id"]]
    types = [e["type"] for e in events_of(subscription["id"])]
    assert "customer.subscription.pending_update_expired" not in types
    assert types[-1] == "customer.subscription.updated"


def test_an_upgrade_paid_at_once_applies_at_once(api, subscribed):
    _, subscription, _, pro = subscribed
    [item] = subscription["items"]["data"]

    updated = ok(upgrade(api, subscription, pro))

    assert updated["pending_update"] is None
    assert [(i["id"], i["price"]["id"]) for i in updated["items"]["data"]] == [
        (item["id"], pro["id"])]
    assert updated["latest_invoice"]["status"] == "paid"


def test_a_change_that_invoices_nothing_applies_at_once(api, declining):
    subscription, _, pro, _ = declining
    [item] = subscription["items"]["data"]

    # create_prorations leaves the prorations pending for the next invoice: nothing to pay
    updated = ok(change(api, subscription, items=[{"id": item["id"], "price": pro["id"]}],
                        payment_behavior="pending_if_incomplete"))

    assert updated["pending_update"] is None
    assert [i["price"]["id"] for i in updated["items"]["data"]] == [pro["id"]]


@pytest.mark.parametrize(("params", "param"), [
    ({"metadata": {"plan": "pro"}}, "metadata"),
    ({"description": "Pro"}, "description"),
    ({"cancel_at_period_end": "true"}, "cancel_at_period_end"),
])
def test_what_a_pending_update_cannot_hold_is_refused(api, declining, params, param):
    subscription, basic, pro, _ = declining
    invoices = Invoice.objects.filter(subscription_id=subscription["id"]).count()

    error = error_of(upgrade(api, subscription, pro, **params))

    assert (error["type"], error["param"]) == ("invalid_request_error", param)
    assert "pending_if_incomplete" in error["message"]
    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert [i["price"]["id"] for i in shown["items"]["data"]] == [basic["id"]]
    assert Invoice.objects.filter(subscription_id=subscription["id"]).count() == invoices


def test_items_cannot_change_while_an_update_is_pending(api, declining):
    subscription, basic, pro, _ = declining
    held = ok(upgrade(api, subscription, pro))
    [item] = subscription["items"]["data"]

    # when another change of the items comes, whatever its payment behaviour
    error = error_of(change(api, subscription, at=CHANGE + timedelta(minutes=5),
                            items=[{"id": item["id"], "quantity": 4}]))

    # then it is refused, naming the invoice to settle first, and nothing changed
    assert error["param"] == "items"
    assert held["latest_invoice"]["id"] in error["message"]
    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert [(i["price"]["id"], i["quantity"]) for i in shown["items"]["data"]] == [
        (basic["id"], 1)]
    assert shown["pending_update"]["subscription_items"][0]["price"]["id"] == pro["id"]


def test_on_a_test_clock_the_held_update_lapses_as_the_clock_passes_its_time(
        api, advance, failing_on_clock_fixture):
    # given a subscription on a test clock whose card now declines, and an upgrade held
    test_clock, subscription = failing_on_clock_fixture
    pro = monthly(api, unit_amount=3000)
    at = START + 5 * DAY
    advance(api, test_clock["id"], at)
    [item] = subscription["items"]["data"]
    held = ok(api.post(f"/v1/subscriptions/{subscription['id']}", {
        "items": [{"id": item["id"], "price": pro["id"]}],
        "proration_behavior": "always_invoice", "payment_behavior": "pending_if_incomplete"}))
    assert held["pending_update"]["expires_at"] == at + 23 * 3600

    # when the clock passes the 23 hours
    advance(api, test_clock["id"], at + 23 * 3600 + 1)

    # then the update lapsed, its invoice void, the items as they were
    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}",
                       {"expand": ["latest_invoice"]}))
    assert shown["pending_update"] is None
    assert ok(api.get(f"/v1/invoices/{held['latest_invoice']}"))["status"] == "void"
    assert [i["price"]["id"] for i in shown["items"]["data"]] == [item["price"]["id"]]
    assert shown["status"] == "active"
