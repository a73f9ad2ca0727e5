"""Trials: a subscription that starts free, is told about three days before its trial ends,
and then bills its first paid period — or, with no card by then, is canceled, paused (and
resumed) or billed anyway, as the merchant chose. The stories run through the official SDK
on a test clock; the refusals through the API."""

from datetime import UTC, datetime, timedelta

import pytest
import stripe
from django.utils import timezone

from billing.periods import period_boundary
from tests.billing.factories import customer_with_card, error_of, monthly, ok
from tests.billing.test_subscriptions_sdk import CLOCK_START, _advance, _monthly_price
from tests.payments.factories import customer

DAY = 86400


@pytest.fixture
def client(sdk):
    """The official SDK (tests/billing/conftest.py's `sdk`), by the name these tests use."""
    return sdk


def _clocked(client, *, card: str | None = "tok_visa"):
    test_clock = client.v1.test_helpers.test_clocks.create(params={"frozen_time": CLOCK_START})
    owner = client.v1.customers.create(params={"email": "trial@example.test",
                                               "test_clock": test_clock.id})
    if card is not None:
        method = client.v1.payment_methods.create(params={"type": "card",
                                                          "card": {"token": card}})
        client.v1.payment_methods.attach(method.id, params={"customer": owner.id})
        owner = client.v1.customers.update(owner.id, params={
            "invoice_settings": {"default_payment_method": method.id}})
    return test_clock, owner


def _types(client, object_id: str) -> list[str]:
    events = client.v1.events.list(params={"limit": 100}).data
    return [event.type for event in reversed(events)
            if getattr(event.data.object, "id", None) == object_id]


def test_a_trial_that_converts_bills_its_first_paid_period_at_the_trial_end(client):
    # given a customer with a card, subscribed to $15.00 a month with a 14-day trial
    test_clock, owner = _clocked(client)
    subscription = client.v1.subscriptions.create(params={
        "customer": owner.id, "items": [{"price": _monthly_price(client).id}],
        "trial_period_days": 14, "expand": ["latest_invoice"]})

    # then it is trialing until the trial's end, the billing cycle anchored there, and its
    # first invoice is a paid one for nothing, telling the trial
    trial_end = CLOCK_START + 14 * DAY
    assert (subscription.status, subscription.trial_start, subscription.trial_end) == (
        "trialing", CLOCK_START, trial_end)
    assert (subscription.current_period_start, subscription.current_period_end) == (
        CLOCK_START, trial_end)
    assert subscription.billing_cycle_anchor == trial_end
    first = subscription.latest_invoice
    assert (first.status, first.amount_due, first.billing_reason) == (
        "paid", 0, "subscription_create")
    assert first.lines.data[0].description == "Trial period for Pro"
    assert client.v1.payment_intents.list(params={"customer": owner.id}).data == []

    # when the clock reaches three days before the trial's end
    _advance(client, test_clock, trial_end - 3 * DAY)

    # then the merchant is told the trial will end, once
    assert _types(client, subscription.id).count("customer.subscription.trial_will_end") == 1

    # when the trial ends
    _advance(client, test_clock, trial_end + 1)

    # then it is active, its first paid month billed and paid at the trial's end
    active = client.v1.subscriptions.retrieve(subscription.id,
                                              params={"expand": ["latest_invoice"]})
    assert active.status == "active"
    assert (active.current_period_start, active.latest_invoice.period_start) == (
        trial_end, trial_end)
    assert (active.latest_invoice.status, active.latest_invoice.amount_paid,
            active.latest_invoice.billing_reason) == ("paid", 1500, "subscription_cycle")
    assert _types(client, subscription.id) == [
        "customer.subscription.created", "customer.subscription.trial_will_end",
        "customer.subscription.updated"]
    updated = [event for event in client.v1.events.list(params={"limit": 100}).data
               if event.type == "customer.subscription.updated"][0]
    assert updated.data.previous_attributes["status"] == "trialing"
    assert client.v1.subscriptions.retrieve(subscription.id).trial_end == trial_end

    # and a month later it renews as any subscription does
    month_later = int(datetime.fromtimestamp(active.current_period_end, UTC).timestamp())
    _advance(client, test_clock, month_later + 1)
    invoices = client.v1.invoices.list(params={"subscription": subscription.id}).data
    assert sorted(invoice.amount_paid for invoice in invoices) == [0, 1500, 1500]


@pytest.mark.parametrize(("behavior", "status"), [("cancel", "canceled"),
                                                  ("pause", "paused"),
                                                  ("create_invoice", "past_due")])
def test_a_trial_that_ends_without_a_card_does_what_the_merchant_chose(client, behavior,
                                                                       status):
    # given a customer with no card at all, on a 7-day trial
    test_clock, owner = _clocked(client, card=None)
    subscription = client.v1.subscriptions.create(params={
        "customer": owner.id, "items": [{"price": _monthly_price(client).id}],
        "trial_period_days": 7,
        "trial_settings": {"end_behavior": {"missing_payment_method": behavior}}})
    assert subscription.status == "trialing"
    assert subscription.trial_settings.end_behavior.missing_payment_method == behavior

    # when the trial ends with still no card
    _advance(client, test_clock, CLOCK_START + 7 * DAY + 1)

    # then the subscription is as the merchant chose, and nothing was charged
    ended = client.v1.subscriptions.retrieve(subscription.id)
    assert ended.status == status
    assert client.v1.payment_intents.list(params={"customer": owner.id}).data == []
    invoices = client.v1.invoices.list(params={"subscription": subscription.id}).data
    if behavior == "create_invoice":
        # the first paid month was invoiced and its attempt failed for want of a card
        renewal = next(invoice for invoice in invoices if invoice.amount_due)
        assert (renewal.status, renewal.attempted, renewal.amount_remaining) == (
            "open", True, 1500)
        assert "invoice.payment_failed" in _types(client, renewal.id)
    else:
        assert [invoice.amount_due for invoice in invoices] == [0]
    if behavior == "cancel":
        assert ended.ended_at == CLOCK_START + 7 * DAY
        assert _types(client, subscription.id)[-1] == "customer.subscription.deleted"
    if behavior == "pause":
        # (one instant: events made at the same frozen time have no order among themselves)
        assert sorted(_types(client, subscription.id)[-2:]) == [
            "customer.subscription.paused", "customer.subscription.updated"]


def test_a_paused_trial_is_resumed_with_a_new_card_and_billed_from_then(client):
    # given a subscription paused because its trial ended with no card
    test_clock, owner = _clocked(client, card=None)
    subscription = client.v1.subscriptions.create(params={
        "customer": owner.id, "items": [{"price": _monthly_price(client).id}],
        "trial_period_days": 7,
        "trial_settings": {"end_behavior": {"missing_payment_method": "pause"}}})
    paused_at = CLOCK_START + 10 * DAY
    _advance(client, test_clock, paused_at)
    assert client.v1.subscriptions.retrieve(subscription.id).status == "paused"
    # and nothing is billed while it is paused, however long
    _advance(client, test_clock, paused_at + 40 * DAY)
    assert len(client.v1.invoices.list(params={"subscription": subscription.id}).data) == 1

    # when the customer adds a card and the merchant resumes it
    method = client.v1.payment_methods.create(params={"type": "card",
                                                      "card": {"token": "tok_visa"}})
    client.v1.payment_methods.attach(method.id, params={"customer": owner.id})
    client.v1.customers.update(owner.id, params={
        "invoice_settings": {"default_payment_method": method.id}})
    resumed = client.v1.subscriptions.resume(subscription.id,
                                             params={"expand": ["latest_invoice"]})

    # then it is active, a new period from now, its first month paid
    now = paused_at + 40 * DAY
    assert (resumed.status, resumed.current_period_start, resumed.billing_cycle_anchor) == (
        "active", now, now)
    assert (resumed.latest_invoice.status, resumed.latest_invoice.amount_paid) == ("paid", 1500)
    assert "customer.subscription.resumed" in _types(client, subscription.id)

    # and resuming an active subscription is refused
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.subscriptions.resume(subscription.id)


# -- through the API: what is refused, and a trial on Till's own clock ------------------------

def _subscribe(api, owner: dict, **params):
    return api.post("/v1/subscriptions", {"customer": owner["id"],
                                          "items": [{"price": monthly(api)["id"]}], **params})


@pytest.mark.django_db
def test_a_trial_needs_no_payment_method_but_no_trial_does(api):
    # given a customer with no payment method
    owner = customer(api)

    # then a trial may start without one
    assert ok(_subscribe(api, owner, trial_period_days=30))["status"] == "trialing"
    # and `trial_end=now` asks for no trial, so it is refused as any subscription without one
    error = error_of(_subscribe(api, owner, trial_end="now"))
    assert error["code"] == "no_default_payment_method"


@pytest.mark.django_db
@pytest.mark.parametrize(("params", "param"), [
    ({"trial_period_days": 7, "trial_end": "now"}, "trial_end"),
    ({"trial_end": 1_000_000_000}, "trial_end"),
    ({"trial_end": int((timezone.now() + timedelta(days=731)).timestamp())}, "trial_end"),
    ({"trial_period_days": 731}, "trial_period_days"),
    ({"trial_period_days": -1}, "trial_period_days"),
    ({"trial_settings": {"end_behavior": {"missing_payment_method": "shrug"}}},
     "trial_settings[end_behavior][missing_payment_method]"),
])
def test_a_bad_trial_is_refused_naming_its_parameter_and_makes_nothing(api, params, param):
    owner, _ = customer_with_card(api)
    error = error_of(_subscribe(api, owner, **params))
    assert error["param"] == param
    assert ok(api.get("/v1/subscriptions", {"status": "all"}))["data"] == []


@pytest.mark.django_db
def test_error_if_incomplete_with_a_trial_charges_nothing_and_is_trialing(api):
    owner, _ = customer_with_card(api)
    subscription = ok(_subscribe(api, owner, trial_period_days=14,
                                 payment_behavior="error_if_incomplete"))
    assert subscription["status"] == "trialing"
    assert ok(api.get("/v1/payment_intents", {"customer": owner["id"]}))["data"] == []


@pytest.mark.django_db
def test_a_short_trial_is_told_at_once_and_only_once_by_beat(api, events_of):
    # given a two-day trial on Till's own clock
    from billing import services

    owner, _ = customer_with_card(api)
    subscription = ok(_subscribe(api, owner, trial_period_days=2))

    # when beat's engine runs now, and again
    services.subscriptions_renew_due()
    services.subscriptions_renew_due()

    # then the trial's end is announced once (three days' notice is more than it has)
    assert [event["type"] for event in events_of(subscription["id"])].count(
        "customer.subscription.trial_will_end") == 1
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["status"] == "trialing"

    # and when its end has come, beat bills the first month
    services.subscriptions_renew_due(now=timezone.now() + timedelta(days=2, seconds=1))
    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}",
                       {"expand": ["latest_invoice"]}))
    assert (shown["status"], shown["latest_invoice"]["amount_paid"]) == ("active", 1000)


def test_a_trial_extended_then_ended_now_by_updates_on_a_test_clock(client):
    # given a customer with a card on a 14-day trial of $15.00 a month
    test_clock, owner = _clocked(client)
    subscription = client.v1.subscriptions.create(params={
        "customer": owner.id, "items": [{"price": _monthly_price(client).id}],
        "trial_period_days": 14})

    # when the trial is extended to 30 days, it is trialing until then, charging nothing
    extended = client.v1.subscriptions.update(subscription.id, params={
        "trial_end": CLOCK_START + 30 * DAY})
    assert (extended.status, extended.trial_end, extended.current_period_end,
            extended.billing_cycle_anchor) == ("trialing", *(CLOCK_START + 30 * DAY,) * 3)
    assert extended.latest_invoice == subscription.latest_invoice

    # and the clock passes the first trial's end: nothing is billed
    _advance(client, test_clock, CLOCK_START + 20 * DAY)
    assert client.v1.subscriptions.retrieve(subscription.id).status == "trialing"

    # when the trial is ended now, the cycle restarts now and its month is charged at once
    ended = client.v1.subscriptions.update(subscription.id, params={
        "trial_end": "now", "expand": ["latest_invoice"]})
    now = CLOCK_START + 20 * DAY
    assert (ended.status, ended.trial_end, ended.billing_cycle_anchor,
            ended.current_period_start) == ("active", now, now, now)
    assert (ended.latest_invoice.status, ended.latest_invoice.amount_paid,
            ended.latest_invoice.billing_reason) == ("paid", 1500, "subscription_update")
    assert ended.current_period_end == int(period_boundary(
        datetime.fromtimestamp(now, UTC), interval="month", interval_count=1,
        periods=1).timestamp())

    # and a past trial_end is refused, naming it
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.subscriptions.update(subscription.id, params={"trial_end": now - 1})
    assert raised.value.param == "trial_end"
