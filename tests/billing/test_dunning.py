"""Dunning on a test clock, through the API: a failed renewal is retried on the merchant's
schedule (days after the first failure), `invoice.payment_failed` tells when the next retry
comes, hard declines are not retried, the merchant's final actions end it, and a new default
card pays the open invoice at once. Beat's retries on Till's clock at the end."""

from datetime import UTC, datetime, timedelta

import pytest

from billing import tasks
from billing.models import Invoice
from core import clock
from merchants.services import merchant_dunning_set
from payments.models import Charge, PaymentMethod
from tests.billing.factories import customer_with_card, monthly, ok
from tests.billing.test_subscriptions import subscribe
from tests.payments.factories import attach, card_payment_method

pytestmark = pytest.mark.django_db

DAY = 86400
# Midnight yesterday: the clock's events stay in the events list's window.
START = int(clock.now().timestamp()) // DAY * DAY - DAY
FAILING_CARD = "4000000000000341"  # attaches fine; every charge declines (generic_decline)


@pytest.fixture
def failing(api):
    """A monthly $10.00 subscription on a test clock at START, paid by a good card, whose
    own default is then a card that declines every charge: (test clock, subscription)."""
    test_clock = ok(api.post("/v1/test_helpers/test_clocks", {"frozen_time": START}))
    owner, _ = customer_with_card(api, test_clock=test_clock["id"])
    subscription = subscribe(api, owner["id"], monthly(api)["id"])
    assert subscription["status"] == "active"
    bad = card_payment_method(api, FAILING_CARD)
    attach(api, bad["id"], owner["id"])
    ok(api.post(f"/v1/subscriptions/{subscription['id']}", {"default_payment_method": bad["id"]}))
    return test_clock, subscription


def failures_of(api, invoice_id: str) -> list[tuple[int, int | None]]:
    """(attempt_count, next_payment_attempt) of each `invoice.payment_failed`, oldest first."""
    events = ok(api.get("/v1/events", {"type": "invoice.payment_failed", "limit": 100}))["data"]
    return [(event["data"]["object"]["attempt_count"],
             event["data"]["object"]["next_payment_attempt"])
            for event in reversed(events) if event["data"]["object"].get("id") == invoice_id]


def types_of(api, object_id: str) -> list[str]:
    events = ok(api.get("/v1/events", {"limit": 100}))["data"]
    return [event["type"] for event in reversed(events)
            if event["data"]["object"].get("id") == object_id]


def charges_of(invoice_id: str) -> int:
    return Charge.objects.filter(payment_intent__invoice_id=invoice_id).count()


@pytest.mark.parametrize(("subscription_action", "invoice_action", "ends_as", "invoice_ends"), [
    ("cancel", "leave_open", "canceled", "open"),
    ("mark_unpaid", "mark_uncollectible", "unpaid", "uncollectible"),
    ("leave_past_due", "leave_open", "past_due", "open"),
])
def test_a_failing_card_is_retried_on_the_schedule_then_the_final_actions_apply(
        api, account, failing, advance, subscription_action, invoice_action, ends_as,
        invoice_ends):
    # given the merchant's choices for the end of dunning (the default schedule: 3, 5, 7)
    merchant_dunning_set(merchant=account.merchant, retry_days=[3, 5, 7],
                         subscription_action=subscription_action, invoice_action=invoice_action)
    test_clock, subscription = failing
    end = subscription["current_period_end"]

    # when the period ends: the renewal fails, past_due, its first retry three days on
    advance(api, test_clock["id"], end + 1)
    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert shown["status"] == "past_due"
    invoice_id = shown["latest_invoice"]
    invoice = ok(api.get(f"/v1/invoices/{invoice_id}"))
    assert (invoice["status"], invoice["attempt_count"], invoice["next_payment_attempt"]) == (
        "open", 1, end + 3 * DAY)

    # when the clock reaches just before the retry, nothing is charged again
    advance(api, test_clock["id"], end + 3 * DAY - 1)
    assert charges_of(invoice_id) == 1

    # when it passes each retry, each fails and names the next; the last names none
    advance(api, test_clock["id"], end + 3 * DAY + 1)
    assert ok(api.get(f"/v1/invoices/{invoice_id}"))["next_payment_attempt"] == end + 5 * DAY
    advance(api, test_clock["id"], end + 6 * DAY)
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["status"] == "past_due"
    advance(api, test_clock["id"], end + 20 * DAY)

    # then four attempts were made, each with its `invoice.payment_failed`, on the schedule
    assert failures_of(api, invoice_id) == [
        (1, end + 3 * DAY), (2, end + 5 * DAY), (3, end + 7 * DAY), (4, None)]
    assert charges_of(invoice_id) == 4
    invoice = ok(api.get(f"/v1/invoices/{invoice_id}"))
    assert (invoice["status"], invoice["attempt_count"], invoice["next_payment_attempt"]) == (
        invoice_ends, 4, None)

    # and the final actions applied, as the merchant chose, on the clock's time
    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert shown["status"] == ends_as
    subscription_types = types_of(api, subscription["id"])
    if ends_as == "canceled":
        assert subscription_types[-1] == "customer.subscription.deleted"
        assert shown["ended_at"] == end + 7 * DAY
        assert shown["cancellation_details"]["reason"] == "payment_failed"
    elif ends_as == "unpaid":
        assert subscription_types[-1] == "customer.subscription.updated"
    else:
        assert subscription_types.count("customer.subscription.deleted") == 0
    assert ("invoice.marked_uncollectible" in types_of(api, invoice_id)) == (
        invoice_ends == "uncollectible")

    # and the clock's later advance charges nothing more for this invoice
    advance(api, test_clock["id"], end + 27 * DAY)
    assert charges_of(invoice_id) == 4


@pytest.mark.parametrize("subscription_action", ["leave_past_due", "mark_unpaid"])
def test_a_new_default_card_for_the_customer_pays_the_open_invoice_at_once(
        api, account, failing, advance, subscription_action):
    # given a renewal whose dunning ended with the subscription past due or unpaid
    merchant_dunning_set(merchant=account.merchant, retry_days=[3, 5, 7],
                         subscription_action=subscription_action, invoice_action="leave_open")
    test_clock, subscription = failing
    end = subscription["current_period_end"]
    advance(api, test_clock["id"], end + 8 * DAY)
    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert shown["status"] != "active"
    ok(api.post(f"/v1/subscriptions/{subscription['id']}", {"default_payment_method": ""}))

    # when the customer's default card for invoices becomes a new, good card
    good = card_payment_method(api, "4242424242424242")
    attach(api, good["id"], shown["customer"])
    ok(api.post(f"/v1/customers/{shown['customer']}",
                {"invoice_settings": {"default_payment_method": good["id"]}}))

    # then the open invoice is paid at once with it, and the subscription is active again
    invoice = ok(api.get(f"/v1/invoices/{shown['latest_invoice']}"))
    assert (invoice["status"], invoice["amount_paid"]) == ("paid", 1000)
    assert invoice["attempt_count"] == 4  # not an automatic retry
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["status"] == "active"


def test_a_new_default_card_on_the_subscription_pays_mid_schedule(api, failing, advance):
    # given a renewal that failed, its retry three days on
    test_clock, subscription = failing
    end = subscription["current_period_end"]
    advance(api, test_clock["id"], end + 1)
    invoice_id = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["latest_invoice"]

    # when the subscription's default payment method becomes a good card
    good = card_payment_method(api, "4242424242424242")
    attach(api, good["id"], subscription["customer"])
    ok(api.post(f"/v1/subscriptions/{subscription['id']}",
                {"default_payment_method": good["id"]}))

    # then the invoice is paid at once, no retry is left, and the clock charges nothing more
    invoice = ok(api.get(f"/v1/invoices/{invoice_id}"))
    assert (invoice["status"], invoice["next_payment_attempt"]) == ("paid", None)
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["status"] == "active"
    advance(api, test_clock["id"], end + 10 * DAY)
    assert charges_of(invoice_id) == 2


@pytest.mark.parametrize("decline", ["expired_card", "authentication_required"])
def test_a_hard_decline_is_not_retried_and_the_final_actions_apply_at_once(
        api, failing, advance, decline):
    # given the subscription's card now hard-declines: it expired since it was saved (the
    # simulator's expired-card profile), or its bank wants the cardholder each time
    test_clock, subscription = failing
    if decline == "expired_card":
        method = PaymentMethod.objects.get(pk=ok(api.get(
            f"/v1/subscriptions/{subscription['id']}"))["default_payment_method"])
        method.processor_token = "sim_chargeDeclinedExpiredCard"
        method.save(update_fields=["processor_token"])
    else:
        auth = card_payment_method(api, "4000002760003184")
        attach(api, auth["id"], subscription["customer"])
        ok(api.post(f"/v1/subscriptions/{subscription['id']}",
                    {"default_payment_method": auth["id"]}))
    end = subscription["current_period_end"]

    # when the renewal is declined
    advance(api, test_clock["id"], end + 1)

    # then no retry follows, and the merchant's final action (cancel, the default) applies
    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    invoice = ok(api.get(f"/v1/invoices/{shown['latest_invoice']}"))
    assert (invoice["status"], invoice["attempt_count"], invoice["next_payment_attempt"]) == (
        "open", 1, None)
    assert failures_of(api, invoice["id"]) == [(1, None)]
    assert (shown["status"], shown["ended_at"]) == ("canceled", end)
    advance(api, test_clock["id"], end + 30 * DAY)
    assert charges_of(invoice["id"]) == 1


def test_beat_retries_due_invoices_on_the_wall_clock_and_leaves_test_clocks_alone(api):
    # given a renewal that failed on Till's clock, its retry due, and one on a test clock
    owner, _ = customer_with_card(api)
    start = datetime.fromtimestamp(START, UTC)
    with clock.bound(start):
        subscription = subscribe(api, owner["id"], monthly(api)["id"])
    bad = card_payment_method(api, FAILING_CARD)
    attach(api, bad["id"], owner["id"])
    ok(api.post(f"/v1/subscriptions/{subscription['id']}", {"default_payment_method": bad["id"]}))
    from billing import services

    assert services.subscriptions_renew_due(
        now=datetime.fromtimestamp(subscription["current_period_end"], UTC)) == 1
    invoice = Invoice.objects.get(subscription_id=subscription["id"],
                                  billing_reason="subscription_cycle")
    assert invoice.next_payment_attempt == invoice.finalized_at + timedelta(days=3)

    # when beat's task runs before the retry is due, then after
    assert tasks.invoices_retry_due.apply().get() == 0
    Invoice.objects.filter(pk=invoice.pk).update(
        next_payment_attempt=clock.now() - timedelta(seconds=1))
    assert tasks.invoices_retry_due.apply().get() == 1

    # then it was retried once (attempt 2), and its next retry is on the schedule
    invoice.refresh_from_db()
    assert (invoice.attempt_count, invoice.next_payment_attempt) == (
        2, invoice.finalized_at + timedelta(days=5))
    assert charges_of(invoice.pk) == 2
    assert tasks.invoices_retry_due.apply().get() == 0


def test_a_retry_refused_before_any_payment_still_counts_and_the_schedule_goes_on(
        api, failing, advance):
    # given a renewal that failed, and then its card detached from the customer (the
    # subscription still names it: no payment can be made with it)
    test_clock, subscription = failing
    end = subscription["current_period_end"]
    advance(api, test_clock["id"], end + 1)
    invoice_id = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["latest_invoice"]
    method = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["default_payment_method"]
    ok(api.post(f"/v1/payment_methods/{method}/detach"))

    # when the clock passes the first two retries
    advance(api, test_clock["id"], end + 5 * DAY + 1)

    # then each counted as an attempt and the next is on the schedule (not an hour's lease)
    invoice = ok(api.get(f"/v1/invoices/{invoice_id}"))
    assert (invoice["status"], invoice["attempt_count"], invoice["next_payment_attempt"]) == (
        "open", 3, end + 7 * DAY)
    assert charges_of(invoice_id) == 1

    # and after the last, the final action (cancel) applies
    advance(api, test_clock["id"], end + 8 * DAY)
    assert ok(api.get(f"/v1/invoices/{invoice_id}"))["next_payment_attempt"] is None
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["status"] == "canceled"


def test_an_advance_runs_retries_and_renewals_in_time_order(api, account, failing, advance):
    # given a schedule reaching past the next renewal (retries 3, 20 and 40 days on)
    merchant_dunning_set(merchant=account.merchant, retry_days=[3, 20, 40],
                         subscription_action="cancel", invoice_action="leave_open")
    test_clock, subscription = failing
    end = subscription["current_period_end"]

    # when the clock advances past the first renewal and two of its retries, then (a clock
    # goes at most two intervals at a time) over the next renewal, its first retry and the
    # older invoice's last retry, which fall between them
    advance(api, test_clock["id"], end + 20 * DAY + 1)
    advance(api, test_clock["id"], end + 45 * DAY)

    # then each ran at its own time on the clock, in time order
    invoices = ok(api.get("/v1/invoices", {"subscription": subscription["id"]}))["data"]
    first, second = sorted((i for i in invoices if i["billing_reason"] == "subscription_cycle"),
                           key=lambda invoice: invoice["period_start"])
    assert first["period_start"] == end
    next_end = first["period_end"]
    assert end + 20 * DAY < next_end < end + 40 * DAY
    events = ok(api.get("/v1/events", {"type": "invoice.payment_failed", "limit": 100}))["data"]
    failed = sorted((event["created"], event["data"]["object"].get("id"),
                     event["data"]["object"]["attempt_count"]) for event in events)
    assert failed == [(end, first["id"], 1), (end + 3 * DAY, first["id"], 2),
                      (end + 20 * DAY, first["id"], 3), (next_end, second["id"], 1),
                      (next_end + 3 * DAY, second["id"], 2), (end + 40 * DAY, first["id"], 4)]

    # and the older invoice's last failure does not end the subscription: its latest
    # invoice is the newer one, still in its own dunning (as Stripe leaves it)
    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert (shown["status"], shown["latest_invoice"]) == ("past_due", second["id"])
    assert ok(api.get(f"/v1/invoices/{second['id']}"))["next_payment_attempt"] == (
        next_end + 20 * DAY)
    assert ok(api.get(f"/v1/invoices/{first['id']}"))["next_payment_attempt"] is None
