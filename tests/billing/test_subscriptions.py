"""Subscriptions through the API: create with a saved card (the first invoice charged at
once), a decline left incomplete then paid, error_if_incomplete, update, cancel, lists."""

from datetime import timedelta

import pytest

from billing.models import Invoice, Subscription
from core import clock
from tests.billing.factories import customer_with_card, error_of, monthly, ok
from tests.payments.factories import attach, card_payment_method, customer

pytestmark = pytest.mark.django_db


def subscribe(api, customer_id: str, price_id: str, **params) -> dict:
    return ok(api.post("/v1/subscriptions", {"customer": customer_id,
                                             "items": [{"price": price_id}], **params}))


def test_a_subscription_with_a_saved_card_is_active_and_its_first_invoice_paid(api,
                                                                             events_of):
    # given a customer with a default card and a monthly price of $10.00, bought twice
    owner, card = customer_with_card(api)
    gold = monthly(api)

    # when they subscribe
    subscription = ok(api.post("/v1/subscriptions", {
        "customer": owner["id"], "items": [{"price": gold["id"], "quantity": 2}],
        "metadata": {"plan": "gold"}, "expand": ["latest_invoice.payment_intent"]}))

    # then it is active, for a month from now, and its first invoice is paid
    assert subscription["object"] == "subscription"
    assert subscription["id"].startswith("sub_")
    assert (subscription["status"], subscription["metadata"]) == ("active", {"plan": "gold"})
    start, end = subscription["current_period_start"], subscription["current_period_end"]
    assert subscription["start_date"] == subscription["billing_cycle_anchor"] == start
    assert 28 * 86400 <= end - start <= 31 * 86400
    [item] = subscription["items"]["data"]
    assert item["id"].startswith("si_")
    assert (item["price"]["id"], item["quantity"]) == (gold["id"], 2)
    assert (item["current_period_start"], item["current_period_end"]) == (start, end)
    invoice = subscription["latest_invoice"]
    assert (invoice["status"], invoice["billing_reason"], invoice["subscription"]) == (
        "paid", "subscription_create", subscription["id"])
    assert (invoice["amount_due"], invoice["amount_paid"]) == (2000, 2000)
    assert (invoice["period_start"], invoice["period_end"]) == (start, end)
    [line] = invoice["lines"]["data"]
    assert (line["type"], line["amount"], line["subscription"], line["subscription_item"]) == (
        "subscription", 2000, subscription["id"], item["id"])
    assert line["period"] == {"start": start, "end": end}
    intent = invoice["payment_intent"]
    assert (intent["status"], intent["amount"], intent["payment_method"]) == (
        "succeeded", 2000, card["id"])

    # and the events came in Stripe's order
    assert [event["type"] for event in events_of(subscription["id"])] == [
        "customer.subscription.created", "customer.subscription.updated"]
    updated = events_of(subscription["id"])[1]["data"]
    assert updated["previous_attributes"]["status"] == "incomplete"
    assert [event["type"] for event in events_of(invoice["id"])] == [
        "invoice.created", "invoice.finalized", "invoice.paid", "invoice.payment_succeeded"]


def test_a_declining_card_leaves_it_incomplete_until_a_new_card_pays(api, events_of):
    # given a customer whose card declines
    owner, _ = customer_with_card(api, "4000000000000341")
    gold = monthly(api)

    # when they subscribe
    subscription = subscribe(api, owner["id"], gold["id"])

    # then it is incomplete, its first invoice open and attempted
    assert subscription["status"] == "incomplete"
    invoice = ok(api.get(f"/v1/invoices/{subscription['latest_invoice']}"))
    assert (invoice["status"], invoice["attempted"]) == ("open", True)

    # when the invoice is paid with a new card
    card = card_payment_method(api, "4242424242424242")
    attach(api, card["id"], owner["id"])
    paid = ok(api.post(f"/v1/invoices/{invoice['id']}/pay", {"payment_method": card["id"]}))

    # then the subscription is active
    assert paid["status"] == "paid"
    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert shown["status"] == "active"
    assert [event["type"] for event in events_of(subscription["id"])] == [
        "customer.subscription.created", "customer.subscription.updated"]


def test_an_incomplete_subscription_expires_after_23_hours_and_its_invoice_is_voided(api):
    from billing import services

    owner, _ = customer_with_card(api, "4000000000000341")
    subscription = subscribe(api, owner["id"], monthly(api)["id"])

    services.subscriptions_renew_due(now=clock.now() + timedelta(hours=22))
    assert Subscription.objects.get(pk=subscription["id"]).status == "incomplete"
    services.subscriptions_renew_due(now=clock.now() + timedelta(hours=23, seconds=1))

    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert shown["status"] == "incomplete_expired"
    assert shown["ended_at"] is not None
    assert Invoice.objects.get(pk=subscription["latest_invoice"]).status == "void"


def test_error_if_incomplete_is_a_402_and_creates_nothing(api):
    # given a customer whose card declines
    owner, _ = customer_with_card(api, "4000000000000341")

    # when they subscribe with error_if_incomplete
    error = error_of(api.post("/v1/subscriptions", {
        "customer": owner["id"], "items": [{"price": monthly(api)["id"]}],
        "payment_behavior": "error_if_incomplete"}), 402)

    # then it is the card error, and no subscription nor invoice exists
    assert (error["type"], error["code"]) == ("card_error", "card_declined")
    assert not Subscription.objects.exists()
    assert not Invoice.objects.exists()
    assert ok(api.get("/v1/subscriptions", {"status": "all"}))["data"] == []
    # and the declined payment is not left waiting to be paid
    [intent] = ok(api.get("/v1/payment_intents", {"customer": owner["id"]}))["data"]
    assert (intent["status"], intent["cancellation_reason"]) == ("canceled", "abandoned")


def test_error_if_incomplete_with_a_good_card_is_active_and_paid(api):
    owner, _ = customer_with_card(api)
    subscription = subscribe(api, owner["id"], monthly(api)["id"],
                             payment_behavior="error_if_incomplete")
    assert subscription["status"] == "active"
    invoice = ok(api.get(f"/v1/invoices/{subscription['latest_invoice']}"))
    assert (invoice["status"], invoice["amount_paid"]) == ("paid", 1000)


def test_default_incomplete_charges_nothing_yet(api):
    owner, _ = customer_with_card(api)
    subscription = subscribe(api, owner["id"], monthly(api)["id"],
                             payment_behavior="default_incomplete")
    assert subscription["status"] == "incomplete"
    invoice = ok(api.get(f"/v1/invoices/{subscription['latest_invoice']}"))
    assert (invoice["status"], invoice["attempted"]) == ("open", False)


def test_a_customer_without_a_payment_method_is_refused(api):
    owner = customer(api)
    error = error_of(api.post("/v1/subscriptions", {
        "customer": owner["id"], "items": [{"price": monthly(api)["id"]}]}))
    assert error["code"] == "no_default_payment_method"
    assert not Subscription.objects.exists()


def test_one_time_prices_and_later_slices_are_refused_clearly(api):
    from tests.billing.factories import price

    owner, _ = customer_with_card(api)
    error = error_of(api.post("/v1/subscriptions", {
        "customer": owner["id"], "items": [{"price": price(api)["id"]}]}))
    assert error["param"] == "items[0][price]"
    error = error_of(api.post("/v1/subscriptions", {
        "customer": owner["id"], "items": [{"price": monthly(api)["id"]}],
        "trial_from_plan": "true"}))
    # (billing_cycle_anchor and backdate_start_date are built: test_subscriptions_anchors.py)
    assert error["param"] == "trial_from_plan"
    error = error_of(api.post("/v1/subscriptions", {
        "customer": owner["id"], "items": [{"price": monthly(api)["id"]}],
        "collection_method": "send_invoice"}))
    # send_invoice is built (test_subscriptions_send_invoice.py): it wants days_until_due
    assert error["param"] == "days_until_due"
    subscription = subscribe(api, owner["id"], monthly(api)["id"])
    # (pause_collection is built: test_subscriptions_pause_collection.py; billing_cycle_anchor
    # and trial_end on update: test_subscriptions_cycle_updates.py)
    error = error_of(api.post(f"/v1/subscriptions/{subscription['id']}",
                              {"trial_from_plan": "true"}))
    assert error["param"] == "trial_from_plan"
    assert not Subscription.objects.exclude(pk=subscription["id"]).exists()


def test_update_sets_metadata_and_cancel_at_period_end_with_previous_attributes(api,
                                                                                events_of):
    owner, _ = customer_with_card(api)
    subscription = subscribe(api, owner["id"], monthly(api)["id"])

    updated = ok(api.post(f"/v1/subscriptions/{subscription['id']}", {
        "cancel_at_period_end": True, "metadata": {"why": "moving"}}))

    assert (updated["cancel_at_period_end"], updated["metadata"]) == (True, {"why": "moving"})
    assert updated["canceled_at"] is not None and updated["status"] == "active"
    last = events_of(subscription["id"])[-1]
    assert last["type"] == "customer.subscription.updated"
    assert last["data"]["previous_attributes"]["cancel_at_period_end"] is False


def test_cancel_now_ends_it_and_a_second_cancel_is_refused(api, events_of):
    owner, _ = customer_with_card(api)
    subscription = subscribe(api, owner["id"], monthly(api)["id"])

    canceled = ok(api.delete(f"/v1/subscriptions/{subscription['id']}"))

    assert canceled["status"] == "canceled"
    assert canceled["ended_at"] == canceled["canceled_at"] is not None
    assert canceled["cancellation_details"]["reason"] == "cancellation_requested"
    assert events_of(subscription["id"])[-1]["type"] == "customer.subscription.deleted"
    error_of(api.delete(f"/v1/subscriptions/{subscription['id']}"))


def test_lists_filter_by_customer_price_and_status(api):
    owner, _ = customer_with_card(api)
    other, _ = customer_with_card(api)
    gold, silver = monthly(api), monthly(api)
    first = subscribe(api, owner["id"], gold["id"])
    second = subscribe(api, other["id"], silver["id"])
    ok(api.delete(f"/v1/subscriptions/{second['id']}"))

    def ids(**params):
        return [sub["id"] for sub in ok(api.get("/v1/subscriptions", params))["data"]]

    assert ids() == [first["id"]]
    assert ids(status="all") == [second["id"], first["id"]]
    assert ids(status="ended") == ids(status="canceled") == [second["id"]]
    assert ids(customer=other["id"], status="all") == [second["id"]]
    assert ids(price=gold["id"]) == [first["id"]]
    assert ids(status="past_due") == []


def test_the_admin_shows_a_subscription_read_only(api, django_user_model):
    from django.urls import reverse

    from tests.dashboard.helpers import PASSWORD, logged_in

    owner, _ = customer_with_card(api)
    subscription = subscribe(api, owner["id"], monthly(api)["id"])
    user = logged_in(django_user_model.objects.create_superuser(
        username="ops@till.test", email="ops@till.test", password=PASSWORD))

    assert user.get(reverse("admin:billing_subscription_changelist")).status_code == 200
    change = user.get(reverse("admin:billing_subscription_change", args=[subscription["id"]]))
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    assert user.get(reverse("admin:billing_subscription_add")).status_code == 403
    assert user.get(reverse("admin:billing_subscription_delete",
                            args=[subscription["id"]])).status_code == 403
