"""Pausing a subscription's collection (`pause_collection`): the status stays, the periods
move, and each renewal's invoice is left a draft, marked uncollectible or voided — never
charged — until the pause is cleared or its `resumes_at` comes."""

from datetime import UTC, datetime, timedelta

import pytest

from billing import services
from core import clock
from payments.models import Charge
from tests.billing.factories import customer_with_card, error_of, monthly, ok
from tests.billing.test_subscriptions_prorations import CHANGE, START

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscribed(api):
    """A customer with a card on $10.00 a month since START."""
    owner, _ = customer_with_card(api)
    with clock.bound(START):
        return owner, ok(api.post("/v1/subscriptions", {
            "customer": owner["id"], "items": [{"price": monthly(api)["id"]}]}))


def pause(api, subscription: dict, value, at: datetime = CHANGE) -> dict:
    with clock.bound(at):
        return api.post(f"/v1/subscriptions/{subscription['id']}", {"pause_collection": value})


def renew(api, subscription: dict) -> dict:
    """The engine at the current period's end; the subscription with its latest invoice."""
    end = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["current_period_end"]
    services.subscriptions_renew_due(now=datetime.fromtimestamp(end, UTC) + timedelta(seconds=1))
    return ok(api.get(f"/v1/subscriptions/{subscription['id']}", {"expand": ["latest_invoice"]}))


@pytest.mark.parametrize(("behavior", "status", "event"), [
    ("keep_as_draft", "draft", "invoice.created"),
    ("mark_uncollectible", "uncollectible", "invoice.marked_uncollectible"),
    ("void", "void", "invoice.voided"),
])
def test_a_paused_renewal_is_made_but_never_charged(api, subscribed, events_of, behavior,
                                                      status, event):
    owner, subscription = subscribed
    charges = Charge.objects.filter(customer_id=owner["id"]).count()

    paused = ok(pause(api, subscription, {"behavior": behavior}))
    assert paused["pause_collection"] == {"behavior": behavior, "resumes_at": None}
    assert paused["status"] == "active"

    renewed = renew(api, subscription)
    invoice = renewed["latest_invoice"]
    assert (invoice["billing_reason"], invoice["status"], invoice["amount_paid"]) == (
        "subscription_cycle", status, 0)
    assert renewed["status"] == "active"
    assert renewed["current_period_start"] == subscription["current_period_end"]
    assert event in {e["type"] for e in events_of(invoice["id"])}
    assert Charge.objects.filter(customer_id=owner["id"]).count() == charges
    if behavior == "keep_as_draft":
        assert invoice["auto_advance"] is False
        assert services.invoices_advance_due(
            now=datetime.fromtimestamp(invoice["created"], UTC) + timedelta(days=3)) == 0


def test_clearing_the_pause_collects_the_next_renewal(api, subscribed, events_of):
    owner, subscription = subscribed
    ok(pause(api, subscription, {"behavior": "void"}))

    cleared = ok(pause(api, subscription, "", at=CHANGE + timedelta(hours=1)))

    assert cleared["pause_collection"] is None
    updated = events_of(subscription["id"])[-1]
    assert updated["type"] == "customer.subscription.updated"
    assert updated["data"]["previous_attributes"]["pause_collection"] == {
        "behavior": "void", "resumes_at": None}
    invoice = renew(api, subscription)["latest_invoice"]
    assert (invoice["status"], invoice["amount_paid"]) == ("paid", 1000)


def test_resumes_at_collects_the_first_period_that_starts_then(api, subscribed):
    owner, subscription = subscribed
    first_end = subscription["current_period_end"]
    ok(pause(api, subscription, {"behavior": "mark_uncollectible",
                                 "resumes_at": first_end + 86400}))

    # the renewal at the first period's end falls inside the pause
    assert renew(api, subscription)["latest_invoice"]["status"] == "uncollectible"
    # the next one starts after resumes_at: collected, and the pause is over
    renewed = renew(api, subscription)
    assert (renewed["latest_invoice"]["status"], renewed["pause_collection"]) == ("paid", None)


def test_bad_pauses_are_refused_naming_the_parameter_and_change_nothing(api, subscribed):
    owner, subscription = subscribed

    assert error_of(pause(api, subscription, {"behavior": "later"}))["param"] == (
        "pause_collection[behavior]")
    past = int((CHANGE - timedelta(days=1)).timestamp())
    assert error_of(pause(api, subscription, {"behavior": "void", "resumes_at": past}))[
        "param"] == "pause_collection[resumes_at]"
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["pause_collection"] is None
    ok(api.delete(f"/v1/subscriptions/{subscription['id']}"))
    assert error_of(pause(api, subscription, {"behavior": "void"}))["param"]


def test_the_sdk_pauses_and_resumes_collection(sdk):
    owner = sdk.v1.customers.create(params={"email": "p@example.test"})
    card = sdk.v1.payment_methods.create(params={"type": "card", "card": {"token": "tok_visa"}})
    sdk.v1.payment_methods.attach(card.id, params={"customer": owner.id})
    price = sdk.v1.prices.create(params={"currency": "usd", "unit_amount": 500,
                                         "recurring": {"interval": "month"},
                                         "product_data": {"name": "Paused"}})
    subscription = sdk.v1.subscriptions.create(params={
        "customer": owner.id, "items": [{"price": price.id}],
        "default_payment_method": card.id})

    paused = sdk.v1.subscriptions.update(subscription.id, params={
        "pause_collection": {"behavior": "keep_as_draft"}})
    assert paused.pause_collection.behavior == "keep_as_draft"
    resumed = sdk.v1.subscriptions.update(subscription.id, params={"pause_collection": ""})
    assert resumed.pause_collection is None

