"""Moving the billing cycle on `POST /v1/subscriptions/{id}`: `billing_cycle_anchor=now`
restarts it now, invoiced at once with the unused time credited to the second;
`trial_end=now` ends a trial the same way; a future `trial_end` makes the subscription
trialing until then, charging nothing. Refusals name their parameter and change nothing."""

from datetime import timedelta

import pytest

from billing import services
from billing.models import Invoice, InvoiceItem
from billing.periods import period_end_after
from core import clock
from tests.billing.factories import customer_with_card, error_of, monthly, ok
from tests.billing.test_subscriptions_pending_updates import declining
from tests.billing.test_subscriptions_prorations import (
    CHANGE,
    END,
    START,
    change,
    share_of,
    subscribed,
)

pytestmark = pytest.mark.django_db

__all__ = ["declining", "subscribed"]  # fixtures

NEW_END = period_end_after(CHANGE, interval="month", interval_count=1, after=CHANGE)


def ts(moment) -> int:
    return int(moment.timestamp())


def pending(owner_id: str) -> list[InvoiceItem]:
    return list(InvoiceItem.objects.filter(customer_id=owner_id, invoice__isnull=True))


def test_anchor_now_restarts_the_cycle_invoicing_the_period_less_the_unused_time(
        api, subscribed, events_of):
    owner, subscription, basic, _ = subscribed

    updated = ok(change(api, subscription, billing_cycle_anchor="now",
                        expand=["latest_invoice"]))

    # then the period starts now, anchored now, for a month
    assert (updated["billing_cycle_anchor"], updated["current_period_start"],
            updated["current_period_end"]) == (ts(CHANGE), ts(CHANGE), ts(NEW_END))
    [item] = updated["items"]["data"]
    assert (item["current_period_start"], item["current_period_end"]) == (
        ts(CHANGE), ts(NEW_END))
    # and its invoice, paid at once, bills the new period and credits the old one's rest
    invoice = updated["latest_invoice"]
    assert (invoice["billing_reason"], invoice["status"]) == ("subscription_update", "paid")
    assert sorted(line["amount"] for line in invoice["lines"]["data"]) == [-share_of(1000),
                                                                            1000]
    assert invoice["amount_paid"] == 1000 - share_of(1000)
    credit = [line for line in invoice["lines"]["data"] if line["amount"] < 0][0]
    assert (credit["proration"], credit["period"]["start"], credit["period"]["end"]) == (
        True, ts(CHANGE), ts(END))
    assert pending(owner["id"]) == []
    # and the update told the old anchor and period
    updated_event = [e for e in events_of(subscription["id"])
                     if e["type"] == "customer.subscription.updated"][-1]
    assert {"billing_cycle_anchor", "current_period_start", "current_period_end",
            "latest_invoice"} <= set(updated_event["data"]["previous_attributes"])

    # when the new period ends, the renewal bills a full month
    assert services.subscriptions_renew_due(now=END + timedelta(seconds=1)) == 0
    services.subscriptions_renew_due(now=NEW_END + timedelta(seconds=1))
    renewed = ok(api.get(f"/v1/subscriptions/{subscription['id']}",
                         {"expand": ["latest_invoice"]}))
    assert renewed["latest_invoice"]["amount_paid"] == 1000
    assert renewed["current_period_start"] == ts(NEW_END)


def test_anchor_now_without_prorations_bills_the_new_period_only(api, subscribed):
    _, subscription, _, _ = subscribed

    updated = ok(change(api, subscription, billing_cycle_anchor="now",
                        proration_behavior="none", expand=["latest_invoice"]))

    assert [line["amount"] for line in updated["latest_invoice"]["lines"]["data"]] == [1000]


def test_anchor_now_with_an_upgrade_credits_the_old_price_and_bills_the_new(api, subscribed):
    owner, subscription, _, pro = subscribed
    [item] = subscription["items"]["data"]

    updated = ok(change(api, subscription, billing_cycle_anchor="now",
                        items=[{"id": item["id"], "price": pro["id"]}],
                        expand=["latest_invoice"]))

    assert [i["price"]["id"] for i in updated["items"]["data"]] == [pro["id"]]
    assert sorted(line["amount"] for line in updated["latest_invoice"]["lines"]["data"]) == [
        -share_of(1000), 3000]
    assert pending(owner["id"]) == []


def test_anchor_unchanged_changes_nothing(api, subscribed):
    _, subscription, _, _ = subscribed

    updated = ok(change(api, subscription, billing_cycle_anchor="unchanged"))

    assert (updated["billing_cycle_anchor"], updated["current_period_end"]) == (
        subscription["billing_cycle_anchor"], ts(END))
    assert updated["latest_invoice"] == subscription["latest_invoice"]


def test_a_declined_restart_makes_the_subscription_past_due(api, declining):
    subscription, _, _, _ = declining

    updated = ok(change(api, subscription, billing_cycle_anchor="now",
                        expand=["latest_invoice"]))

    assert updated["status"] == "past_due"
    assert updated["latest_invoice"]["status"] == "open"
    assert updated["current_period_start"] == ts(CHANGE)


@pytest.fixture
def trialing(api):
    """A customer with a card on a 30-day trial of $10.00 a month since START."""
    owner, _ = customer_with_card(api)
    basic = monthly(api, unit_amount=1000)
    with clock.bound(START):
        subscription = ok(api.post("/v1/subscriptions", {
            "customer": owner["id"], "items": [{"price": basic["id"]}],
            "trial_period_days": 30}))
    return owner, subscription, basic


def test_trial_end_now_ends_the_trial_and_bills_a_period_from_now(api, trialing, events_of):
    owner, subscription, _ = trialing

    updated = ok(change(api, subscription, trial_end="now", expand=["latest_invoice"]))

    assert (updated["status"], updated["trial_end"], updated["billing_cycle_anchor"]) == (
        "active", ts(CHANGE), ts(CHANGE))
    assert (updated["current_period_start"], updated["current_period_end"]) == (
        ts(CHANGE), ts(NEW_END))
    # the trial was free: nothing is credited
    invoice = updated["latest_invoice"]
    assert [line["amount"] for line in invoice["lines"]["data"]] == [1000]
    assert (invoice["status"], invoice["billing_reason"]) == ("paid", "subscription_update")
    told = [e for e in events_of(subscription["id"])
            if e["type"] == "customer.subscription.updated"][-1]
    assert told["data"]["previous_attributes"]["status"] == "trialing"


def test_a_later_trial_end_extends_the_trial_charging_nothing(api, trialing):
    owner, subscription, _ = trialing
    later = START + timedelta(days=45)
    invoices = Invoice.objects.filter(customer_id=owner["id"]).count()

    updated = ok(change(api, subscription, trial_end=ts(later)))

    assert (updated["status"], updated["trial_start"], updated["trial_end"]) == (
        "trialing", ts(START), ts(later))
    assert (updated["current_period_start"], updated["current_period_end"],
            updated["billing_cycle_anchor"]) == (ts(START), ts(later), ts(later))
    assert Invoice.objects.filter(customer_id=owner["id"]).count() == invoices
    # and the engine bills nothing at the old trial's end, the first period at the new one
    assert services.subscriptions_renew_due(now=START + timedelta(days=31)) == 0
    services.subscriptions_renew_due(now=later + timedelta(seconds=1))
    renewed = ok(api.get(f"/v1/subscriptions/{subscription['id']}",
                         {"expand": ["latest_invoice"]}))
    assert (renewed["status"], renewed["latest_invoice"]["amount_paid"]) == ("active", 1000)


def test_a_trial_given_to_an_active_subscription_credits_its_unused_time(api, subscribed):
    owner, subscription, _, _ = subscribed
    until = CHANGE + timedelta(days=20)

    updated = ok(change(api, subscription, trial_end=ts(until)))

    # then it is trialing from now, its period the trial, charged nothing
    assert (updated["status"], updated["trial_start"], updated["trial_end"]) == (
        "trialing", ts(CHANGE), ts(until))
    assert (updated["current_period_start"], updated["current_period_end"]) == (
        ts(CHANGE), ts(until))
    assert updated["latest_invoice"] == subscription["latest_invoice"]
    # and the paid month's unused time waits as a credit for the trial's end
    [credit] = pending(owner["id"])
    assert (credit.amount, credit.proration) == (-share_of(1000), True)
    services.subscriptions_renew_due(now=until + timedelta(seconds=1))
    renewed = ok(api.get(f"/v1/subscriptions/{subscription['id']}",
                         {"expand": ["latest_invoice"]}))
    assert renewed["latest_invoice"]["amount_paid"] == 1000 - share_of(1000)


@pytest.mark.parametrize(("params", "param"), [
    ({"trial_end": ts(CHANGE - timedelta(seconds=1))}, "trial_end"),
    ({"trial_end": "now"}, "trial_end"),  # not trialing
    ({"billing_cycle_anchor": "now", "payment_behavior": "pending_if_incomplete"},
     "billing_cycle_anchor"),
    ({"billing_cycle_anchor": "now", "proration_date": ts(CHANGE)}, "proration_date"),
    ({"billing_cycle_anchor": "now", "trial_end": ts(CHANGE + timedelta(days=3))},
     "billing_cycle_anchor"),
    ({"billing_cycle_anchor": "yesterday"}, "billing_cycle_anchor"),
])
def test_a_bad_cycle_move_is_refused_and_changes_nothing(api, subscribed, params, param):
    owner, subscription, _, _ = subscribed
    before = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))

    error = error_of(change(api, subscription, **params))

    assert error["param"] == param
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}")) == before
    assert pending(owner["id"]) == []


# -- another billing interval --------------------------------------------------------------

def yearly(api, unit_amount: int = 10000) -> dict:
    return ok(api.post("/v1/prices", {"currency": "usd", "unit_amount": unit_amount,
                                      "recurring": {"interval": "year"},
                                      "product_data": {"name": "Gold yearly"}}))


YEAR_END = period_end_after(CHANGE, interval="year", interval_count=1, after=CHANGE)


def test_moving_to_a_yearly_price_restarts_the_cycle_and_invoices_at_once(api, subscribed,
                                                                        events_of):
    owner, subscription, basic, _ = subscribed
    [item] = subscription["items"]["data"]
    gold = yearly(api)

    updated = ok(change(api, subscription, items=[{"id": item["id"], "price": gold["id"]}],
                        expand=["latest_invoice"]))

    # then the item keeps its id at the yearly price, and a year starts now, anchored now
    [moved] = updated["items"]["data"]
    assert (moved["id"], moved["price"]["id"]) == (item["id"], gold["id"])
    assert (updated["billing_cycle_anchor"], updated["current_period_start"],
            updated["current_period_end"]) == (ts(CHANGE), ts(CHANGE), ts(YEAR_END))
    # and its invoice bills the year, less the monthly price's unused time, paid at once
    invoice = updated["latest_invoice"]
    assert (invoice["billing_reason"], invoice["status"]) == ("subscription_update", "paid")
    assert sorted(line["amount"] for line in invoice["lines"]["data"]) == [-share_of(1000),
                                                                            10000]
    assert invoice["amount_paid"] == 10000 - share_of(1000)
    assert pending(owner["id"]) == []

    # and nothing renews at the month's end; the year's end bills the year again
    assert services.subscriptions_renew_due(now=END + timedelta(seconds=1)) == 0
    services.subscriptions_renew_due(now=YEAR_END + timedelta(seconds=1))
    renewed = ok(api.get(f"/v1/subscriptions/{subscription['id']}",
                         {"expand": ["latest_invoice"]}))
    assert renewed["latest_invoice"]["amount_paid"] == 10000
    assert renewed["current_period_end"] == ts(period_end_after(
        YEAR_END, interval="year", interval_count=1, after=YEAR_END))


def test_moving_every_item_to_a_yearly_price_without_prorations(api, subscribed):
    owner, subscription, _, _ = subscribed
    [item] = subscription["items"]["data"]
    gold, seats = yearly(api), yearly(api, unit_amount=2000)

    updated = ok(change(api, subscription, proration_behavior="none",
                        items=[{"id": item["id"], "price": gold["id"]},
                               {"price": seats["id"], "quantity": 2}],
                        expand=["latest_invoice"]))

    assert sorted(i["price"]["id"] for i in updated["items"]["data"]) == sorted(
        [gold["id"], seats["id"]])
    assert sorted(line["amount"] for line in updated["latest_invoice"]["lines"]["data"]) == [
        4000, 10000]
    assert pending(owner["id"]) == []


def test_a_trial_moved_to_a_yearly_price_goes_on_and_then_bills_a_year(api, trialing):
    owner, subscription, _ = trialing
    [item] = subscription["items"]["data"]
    gold = yearly(api)

    updated = ok(change(api, subscription, items=[{"id": item["id"], "price": gold["id"]}]))

    trial_end = START + timedelta(days=30)
    assert (updated["status"], updated["current_period_end"]) == ("trialing", ts(trial_end))
    assert updated["latest_invoice"] == subscription["latest_invoice"]
    services.subscriptions_renew_due(now=trial_end + timedelta(seconds=1))
    renewed = ok(api.get(f"/v1/subscriptions/{subscription['id']}",
                         {"expand": ["latest_invoice"]}))
    assert (renewed["status"], renewed["latest_invoice"]["amount_paid"]) == ("active", 10000)
    assert renewed["current_period_end"] == ts(period_end_after(
        trial_end, interval="year", interval_count=1, after=trial_end))


@pytest.mark.parametrize(("extra", "param"), [
    ({"payment_behavior": "pending_if_incomplete", "proration_behavior": "always_invoice"},
     "items"),
    ({"proration_date": ts(CHANGE)}, "proration_date"),
])
def test_an_interval_change_refused_changes_nothing(api, subscribed, extra, param):
    owner, subscription, basic, _ = subscribed
    [item] = subscription["items"]["data"]
    before = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))

    error = error_of(change(api, subscription,
                            items=[{"id": item["id"], "price": yearly(api)["id"]}], **extra))

    assert error["param"] == param
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}")) == before
    assert pending(owner["id"]) == []


def test_a_preview_of_an_interval_change_is_refused(api, subscribed):
    _, subscription, _, _ = subscribed
    [item] = subscription["items"]["data"]

    with clock.bound(CHANGE):
        error = error_of(api.post("/v1/invoices/create_preview", {
            "subscription": subscription["id"],
            "subscription_details": {"items": [{"id": item["id"],
                                                "price": yearly(api)["id"]}]}}))

    assert error["param"] == "subscription_details[items]"
