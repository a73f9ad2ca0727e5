"""The billing engine on Till's clock (beat's task): a period that ends is renewed, its
invoice made, finalized and charged in Stripe's order; a failed renewal is past_due;
cancel_at_period_end cancels instead; a period is never billed twice. Its retries:
test_dunning.py."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError, transaction

from billing import services, tasks
from billing.models import Invoice
from billing.periods import period_boundary
from core import clock
from tests.billing.factories import customer_with_card, error_of, monthly, ok, period_just_ended
from tests.billing.test_subscriptions import subscribe
from tests.payments.factories import attach, card_payment_method

pytestmark = pytest.mark.django_db

# Midnight yesterday: the events stay in the events list's window.
START = datetime.fromtimestamp(int(clock.now().timestamp()) // 86400 * 86400 - 86400, UTC)


def at(timestamp: int, **delta: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC) + timedelta(**delta)


@pytest.fixture
def subscription(api):
    """An active monthly subscription of $10.00, started at START."""
    owner, _ = customer_with_card(api)
    with clock.bound(START):
        return subscribe(api, owner["id"], monthly(api)["id"])


def renew_at(at: datetime) -> int:
    """The engine, as if beat ran at `at`; what it makes is stamped with the real time (so
    its events have distinct times, and list in the order they were made)."""
    return services.subscriptions_renew_due(now=at)


def test_a_period_that_ends_is_renewed_invoiced_and_paid_in_stripes_order(api, subscription,
                                                                          events_of):
    # given an active subscription, a month from START
    end = subscription["current_period_end"]
    assert at(end) == period_boundary(START, interval="month", interval_count=1, periods=1)

    # when the engine runs before, then after the period's end
    assert renew_at(at(end, seconds=-1)) == 0
    assert renew_at(at(end, seconds=5)) == 1

    # then the period moved (on the subscription and its item) and its invoice is paid
    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    march_end = int(period_boundary(START, interval="month", interval_count=1,
                                    periods=2).timestamp())
    assert (shown["status"], shown["current_period_start"], shown["current_period_end"]) == (
        "active", subscription["current_period_end"], march_end)
    assert shown["items"]["data"][0]["current_period_end"] == march_end
    invoice = ok(api.get(f"/v1/invoices/{shown['latest_invoice']}"))
    assert (invoice["billing_reason"], invoice["status"], invoice["amount_paid"]) == (
        "subscription_cycle", "paid", 1000)
    assert (invoice["period_start"], invoice["period_end"]) == (
        shown["current_period_start"], march_end)
    assert invoice["lines"]["data"][0]["period"] == {"start": shown["current_period_start"],
                                                     "end": march_end}

    # and the events came as Stripe sends them
    renewal = [event["type"] for event in events_of(subscription["id"])][-1:] + [
        event["type"] for event in events_of(invoice["id"])]
    assert renewal == ["customer.subscription.updated", "invoice.created",
                       "invoice.finalized", "invoice.paid", "invoice.payment_succeeded"]
    updated = events_of(subscription["id"])[-1]["data"]
    assert updated["previous_attributes"]["current_period_end"] == subscription[
        "current_period_end"]

    # and running the engine again bills nothing more
    assert renew_at(at(end, hours=1)) == 0
    assert Invoice.objects.filter(subscription_id=subscription["id"]).count() == 2


def test_the_beat_task_renews_on_the_wall_clock(api, subscription):
    period_just_ended(subscription["id"])
    assert tasks.subscriptions_renew_due.apply().get() == 1
    assert Invoice.objects.filter(subscription_id=subscription["id"]).count() == 2


def test_the_beat_task_sends_the_due_renewals_to_the_workers_in_batches(api, monkeypatch,
                                                                       events_of):
    # given three subscriptions whose periods have ended, and batches of two
    price = monthly(api)
    ids = [subscribe(api, customer_with_card(api)[0]["id"], price["id"])["id"]
           for _ in range(3)]
    period_just_ended(*ids)
    monkeypatch.setattr("billing.services.renewals.BATCH", 2)
    sent = []
    batch = tasks.subscriptions_renew_batch.delay
    monkeypatch.setattr(tasks.subscriptions_renew_batch, "delay",
                        lambda ids: sent.append(ids) or batch(ids))

    # when beat's task runs (the workers run its batches: tasks are eager here)
    assert tasks.subscriptions_renew_due.apply().get() == 3

    # then two batches went out, and each subscription was renewed and charged once
    assert sorted(len(ids) for ids in sent) == [1, 2]
    for pk in ids:
        [renewal] = Invoice.objects.filter(subscription_id=pk, billing_reason="subscription_cycle")
        assert renewal.status == "paid"
        assert [event["type"] for event in events_of(renewal.id)] == [
            "invoice.created", "invoice.finalized", "invoice.paid", "invoice.payment_succeeded"]


def test_a_failed_renewal_is_past_due_until_its_invoice_is_paid(api, subscription, events_of):
    # given the subscription's default card now declines
    owner = subscription["customer"]
    bad = card_payment_method(api, "4000000000000341")
    attach(api, bad["id"], owner)
    ok(api.post(f"/v1/subscriptions/{subscription['id']}", {"default_payment_method": bad["id"]}))

    # when its period ends
    assert renew_at(at(subscription["current_period_end"], hours=1)) == 1

    # then it is past_due, its renewal invoice open with the failure recorded
    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert shown["status"] == "past_due"
    invoice = ok(api.get(f"/v1/invoices/{shown['latest_invoice']}"))
    assert (invoice["status"], invoice["attempted"], invoice["attempt_count"]) == (
        "open", True, 1)
    # and its first retry is due three days after the failure (the default schedule)
    assert invoice["next_payment_attempt"] == (
        invoice["status_transitions"]["finalized_at"] + 3 * 86400)
    assert [event["type"] for event in events_of(invoice["id"])][-1] == "invoice.payment_failed"
    assert events_of(subscription["id"])[-1]["data"]["previous_attributes"] == {
        "status": "active"}

    # when the invoice is paid with a good card, it is active again
    good = card_payment_method(api, "4242424242424242")
    attach(api, good["id"], owner)
    ok(api.post(f"/v1/invoices/{invoice['id']}/pay", {"payment_method": good["id"]}))
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["status"] == "active"


def test_cancel_at_period_end_cancels_at_the_period_end_instead_of_renewing(api, subscription,
                                                                            events_of):
    ok(api.post(f"/v1/subscriptions/{subscription['id']}", {"cancel_at_period_end": True}))

    assert renew_at(at(subscription["current_period_end"], hours=1)) == 0

    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert (shown["status"], shown["ended_at"]) == ("canceled",
                                                    subscription["current_period_end"])
    assert shown["cancel_at_period_end"] is False
    assert events_of(subscription["id"])[-1]["type"] == "customer.subscription.deleted"
    assert Invoice.objects.filter(subscription_id=subscription["id"]).count() == 1
    error_of(api.post(f"/v1/subscriptions/{subscription['id']}",
                      {"cancel_at_period_end": False}))


def test_the_database_refuses_a_second_invoice_for_a_period(api, subscription):
    first = Invoice.objects.get(subscription_id=subscription["id"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.create(merchant_id=first.merchant_id, livemode=False,
                               customer_id=first.customer_id, currency="usd",
                               subscription_id=subscription["id"],
                               billing_reason=Invoice.BillingReason.SUBSCRIPTION_CYCLE,
                               period_start=first.period_start, period_end=first.period_end)
    # (a change's own invoice, `subscription_update`, may fall in any period)


def test_beat_leaves_a_customer_on_a_test_clock_to_its_clock(api):
    test_clock = ok(api.post("/v1/test_helpers/test_clocks",
                             {"frozen_time": int(START.timestamp())}))
    owner, _ = customer_with_card(api, test_clock=test_clock["id"])
    subscription = subscribe(api, owner["id"], monthly(api)["id"])
    assert subscription["start_date"] == int(START.timestamp())
    assert subscription["test_clock"] == test_clock["id"]

    assert renew_at(START + timedelta(days=400)) == 0
    assert Invoice.objects.filter(subscription_id=subscription["id"]).count() == 1


@pytest.mark.parametrize(("anchor", "expected"), [
    (datetime(2026, 1, 31, 12, tzinfo=UTC),
     [datetime(2026, 2, 28, 12, tzinfo=UTC), datetime(2026, 3, 31, 12, tzinfo=UTC),
      datetime(2026, 4, 30, 12, tzinfo=UTC)]),
    (datetime(2028, 2, 29, tzinfo=UTC),
     [datetime(2028, 3, 29, tzinfo=UTC), datetime(2028, 4, 29, tzinfo=UTC),
      datetime(2028, 5, 29, tzinfo=UTC)]),
])
def test_monthly_periods_count_from_the_anchor_and_never_drift(anchor, expected):
    assert [period_boundary(anchor, interval="month", interval_count=1, periods=n)
            for n in (1, 2, 3)] == expected
    assert period_boundary(anchor, interval="year", interval_count=1, periods=1).month in (1, 2)
    assert period_boundary(anchor, interval="week", interval_count=2, periods=1) == (
        anchor + timedelta(weeks=2))
