"""The official `stripe` SDK creating subscriptions whose periods do not start now, on a test
clock: a `billing_cycle_anchor` mid-month (the first invoice prorated to the second, then
renewals on the anchor), `proration_behavior=none` (that time free), a trial before the
anchor, `billing_cycle_anchor_config`, and a backdated start (with an anchor, or alone)."""

import calendar
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone

# Midnight yesterday: the clock's events stay in the events' window.
CLOCK_START = int(timezone.now().timestamp()) // 86400 * 86400 - 86400
MONTHLY = 1500


def _month_after(moment: datetime) -> datetime:
    """The same day next month (its last day when shorter), as a calendar says it."""
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    return moment.replace(year=year, month=month,
                          day=min(moment.day, calendar.monthrange(year, month)[1]))


def _prorated(start: datetime, end: datetime) -> int:
    """$15.00 a month for `start` to `end` (less than a month): Stripe's share of the month
    imagined to start at `start`, to the second, rounded half up."""
    share = Decimal(int((end - start).total_seconds())) / Decimal(
        int((_month_after(start) - start).total_seconds()))
    return int((MONTHLY * share).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _ts(moment: datetime) -> int:
    return int(moment.timestamp())


def _at(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)


@pytest.fixture
def clocked(sdk):
    """A customer with a saved card on a clock at CLOCK_START, and a $15.00 monthly price."""
    test_clock = sdk.v1.test_helpers.test_clocks.create(params={"frozen_time": CLOCK_START})
    customer = sdk.v1.customers.create(params={"email": "anchor@example.test",
                                               "test_clock": test_clock.id})
    card = sdk.v1.payment_methods.create(params={"type": "card",
                                                 "card": {"token": "tok_visa"}})
    sdk.v1.payment_methods.attach(card.id, params={"customer": customer.id})
    sdk.v1.customers.update(customer.id, params={
        "invoice_settings": {"default_payment_method": card.id}})
    price = sdk.v1.prices.create(params={
        "currency": "usd", "unit_amount": MONTHLY, "recurring": {"interval": "month"},
        "product_data": {"name": "Pro"}})
    return test_clock, customer, price


def _advance(sdk, test_clock, frozen_time: int) -> None:
    sdk.v1.test_helpers.test_clocks.advance(test_clock.id, params={"frozen_time": frozen_time})
    ready = sdk.v1.test_helpers.test_clocks.retrieve(test_clock.id)
    assert (ready.status, ready.frozen_time) == ("ready", frozen_time)


def _invoices(sdk, subscription_id: str) -> list:
    invoices = list(sdk.v1.invoices.list(params={"subscription": subscription_id,
                                                 "limit": 100}).auto_paging_iter())
    return sorted(invoices, key=lambda invoice: (invoice.created, invoice.period_start))


def test_an_anchor_mid_month_prorates_the_first_invoice_then_renews_on_the_anchor(sdk, clocked):
    # given a customer on a clock, and an anchor 12 days, 7 hours and 13 seconds away
    test_clock, customer, price = clocked
    start = _at(CLOCK_START)
    anchor = start + timedelta(days=12, hours=7, seconds=13)

    # when they subscribe anchored there
    subscription = sdk.v1.subscriptions.create(params={
        "customer": customer.id, "items": [{"price": price.id}],
        "billing_cycle_anchor": _ts(anchor), "expand": ["latest_invoice"]})

    # then it is active, its first period now to the anchor (its item's too)
    assert subscription.status == "active"
    assert (subscription.start_date, subscription.billing_cycle_anchor) == (
        CLOCK_START, _ts(anchor))
    assert (subscription.current_period_start, subscription.current_period_end) == (
        CLOCK_START, _ts(anchor))
    item = subscription["items"].data[0]
    assert (item.current_period_start, item.current_period_end) == (CLOCK_START, _ts(anchor))
    # and its first invoice charged that time only, prorated to the second
    first = subscription.latest_invoice
    expected = _prorated(start, anchor)
    assert 0 < expected < MONTHLY
    assert (first.status, first.billing_reason, first.amount_paid) == (
        "paid", "subscription_create", expected)
    [line] = first.lines.data
    assert (line.amount, line.proration) == (expected, True)
    assert (line.period.start, line.period.end) == (CLOCK_START, _ts(anchor))
    assert line.description.startswith("Remaining time on Pro after")

    # when the clock reaches the anchor, then a month after it
    month_later = _month_after(anchor)
    _advance(sdk, test_clock, _ts(anchor))
    _advance(sdk, test_clock, _ts(month_later))

    # then each renewal bills a full month, from the anchor
    invoices = _invoices(sdk, subscription.id)
    assert [(invoice.billing_reason, invoice.amount_paid, invoice.period_start,
             invoice.period_end) for invoice in invoices] == [
        ("subscription_create", expected, CLOCK_START, _ts(anchor)),
        ("subscription_cycle", MONTHLY, _ts(anchor), _ts(month_later)),
        ("subscription_cycle", MONTHLY, _ts(month_later), _ts(_month_after(month_later)))]
    renewed = sdk.v1.subscriptions.retrieve(subscription.id)
    assert (renewed.status, renewed.current_period_start, renewed.billing_cycle_anchor) == (
        "active", _ts(month_later), _ts(anchor))


def test_with_proration_behavior_none_the_time_before_the_anchor_is_free(sdk, clocked):
    # given a customer on a clock
    test_clock, customer, price = clocked
    anchor = _at(CLOCK_START) + timedelta(days=9)

    # when they subscribe anchored 9 days away, without prorations
    subscription = sdk.v1.subscriptions.create(params={
        "customer": customer.id, "items": [{"price": price.id}],
        "billing_cycle_anchor": _ts(anchor), "proration_behavior": "none",
        "expand": ["latest_invoice"]})

    # then it is active and its first invoice is paid for nothing
    assert subscription.status == "active"
    assert (subscription.latest_invoice.amount_due, subscription.latest_invoice.status) == (
        0, "paid")
    assert subscription.current_period_end == _ts(anchor)

    # and from the anchor on it bills full months
    _advance(sdk, test_clock, _ts(anchor))
    amounts = [invoice.amount_paid for invoice in _invoices(sdk, subscription.id)]
    assert amounts == [0, MONTHLY]


def test_a_trial_then_a_prorated_period_up_to_the_anchor(sdk, clocked):
    # given a customer on a clock
    test_clock, customer, price = clocked
    trial_end = _at(CLOCK_START) + timedelta(days=7)
    anchor = _at(CLOCK_START) + timedelta(days=20)

    # when they subscribe with a 7-day trial, anchored 20 days away
    subscription = sdk.v1.subscriptions.create(params={
        "customer": customer.id, "items": [{"price": price.id}], "trial_period_days": 7,
        "billing_cycle_anchor": _ts(anchor)})

    # then it is trialing until the trial's end, anchored after it
    assert subscription.status == "trialing"
    assert (subscription.trial_end, subscription.current_period_end) == (
        _ts(trial_end), _ts(trial_end))
    assert subscription.billing_cycle_anchor == _ts(anchor)
    # and its upcoming invoice previews the time from the trial's end to the anchor
    preview = sdk.v1.invoices.create_preview(params={"subscription": subscription.id})
    assert (preview.amount_due, preview.period_start, preview.period_end) == (
        _prorated(trial_end, anchor), _ts(trial_end), _ts(anchor))

    # when the trial ends, then the anchor comes
    _advance(sdk, test_clock, _ts(trial_end))
    after_trial = sdk.v1.subscriptions.retrieve(subscription.id)
    assert (after_trial.status, after_trial.current_period_start,
            after_trial.current_period_end) == ("active", _ts(trial_end), _ts(anchor))
    _advance(sdk, test_clock, _ts(anchor))

    # then the trial was free, the time from its end to the anchor prorated, then a month
    invoices = _invoices(sdk, subscription.id)
    assert [(invoice.amount_paid, invoice.period_start, invoice.period_end)
            for invoice in invoices] == [
        (0, CLOCK_START, _ts(trial_end)),
        (_prorated(trial_end, anchor), _ts(trial_end), _ts(anchor)),
        (MONTHLY, _ts(anchor), _ts(_month_after(anchor)))]


def test_an_anchor_config_anchors_on_the_first_of_next_month(sdk, clocked):
    # given a customer on a clock
    _, customer, price = clocked
    start = _at(CLOCK_START)
    first_of_next = (_month_after(start.replace(day=1)) if start.day > 1
                     else _month_after(start))

    # when they subscribe anchored on the 1st at midnight
    subscription = sdk.v1.subscriptions.create(params={
        "customer": customer.id, "items": [{"price": price.id}],
        "billing_cycle_anchor_config": {"day_of_month": 1, "hour": 0, "minute": 0,
                                        "second": 0},
        "expand": ["latest_invoice"]})

    # then the anchor is the next 1st, the config shown back, the time until then prorated
    assert subscription.billing_cycle_anchor == _ts(first_of_next)
    assert subscription.billing_cycle_anchor_config.to_dict() == {
        "day_of_month": 1, "hour": 0, "minute": 0, "month": None, "second": 0}
    assert subscription.latest_invoice.amount_paid == _prorated(start, first_of_next)


def test_a_backdated_start_with_an_anchor_bills_the_elapsed_time(sdk, clocked):
    # given a customer on a clock
    _, customer, price = clocked
    backdate = _at(CLOCK_START) - timedelta(days=10)
    anchor = _at(CLOCK_START) + timedelta(days=5)

    # when they subscribe backdated 10 days, anchored 5 days away
    subscription = sdk.v1.subscriptions.create(params={
        "customer": customer.id, "items": [{"price": price.id}],
        "backdate_start_date": _ts(backdate), "billing_cycle_anchor": _ts(anchor),
        "expand": ["latest_invoice"]})

    # then it started then, and its first invoice charges the 15 days to the anchor
    assert (subscription.start_date, subscription.current_period_start,
            subscription.current_period_end) == (_ts(backdate), _ts(backdate), _ts(anchor))
    invoice = subscription.latest_invoice
    assert invoice.amount_paid == _prorated(backdate, anchor)
    [line] = invoice.lines.data
    assert (line.period.start, line.period.end, line.proration) == (
        _ts(backdate), _ts(anchor), True)


def test_a_backdated_start_alone_anchors_there(sdk, clocked):
    # given a customer on a clock
    test_clock, customer, price = clocked
    backdate = _at(CLOCK_START) - timedelta(days=10)

    # when they subscribe backdated 10 days, with no anchor
    subscription = sdk.v1.subscriptions.create(params={
        "customer": customer.id, "items": [{"price": price.id}],
        "backdate_start_date": _ts(backdate), "expand": ["latest_invoice"]})

    # then its period is the month from then, billed in full now
    end = _month_after(backdate)
    assert (subscription.start_date, subscription.billing_cycle_anchor) == (
        _ts(backdate), _ts(backdate))
    assert (subscription.current_period_start, subscription.current_period_end) == (
        _ts(backdate), _ts(end))
    assert subscription.latest_invoice.amount_paid == MONTHLY

    # and it renews on the backdated day
    _advance(sdk, test_clock, _ts(end))
    assert [(invoice.amount_paid, invoice.period_start) for invoice in
            _invoices(sdk, subscription.id)] == [(MONTHLY, _ts(backdate)), (MONTHLY, _ts(end))]


def test_a_start_backdated_past_a_whole_period_bills_it_on_a_line_of_its_own(sdk, clocked):
    # given a customer on a clock
    _, customer, price = clocked
    backdate = _at(CLOCK_START) - timedelta(days=40)
    current_start = _month_after(backdate)

    # when they subscribe backdated 40 days (more than a month)
    subscription = sdk.v1.subscriptions.create(params={
        "customer": customer.id, "items": [{"price": price.id}],
        "backdate_start_date": _ts(backdate), "expand": ["latest_invoice"]})

    # then its current period is the month now falls in, and the first invoice bills the
    # elapsed month on a prorated line, then the current month
    assert (subscription.current_period_start, subscription.current_period_end) == (
        _ts(current_start), _ts(_month_after(current_start)))
    invoice = subscription.latest_invoice
    assert invoice.amount_paid == 2 * MONTHLY
    lines = sorted(invoice.lines.data, key=lambda line: line.period.start)
    assert [(line.amount, line.proration, line.period.start, line.period.end)
            for line in lines] == [
        (MONTHLY, True, _ts(backdate), _ts(current_start)),
        (MONTHLY, False, _ts(current_start), _ts(_month_after(current_start)))]
