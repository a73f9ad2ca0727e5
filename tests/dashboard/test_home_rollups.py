"""Home's figures from the hourly totals (core.rollups) are the figures summed from the rows:
for random payments, refunds and declines in any time zone (whole-hour, off the hour, with
DST changes), with the rollup at any point, rows arriving after it and charges that were
still pending when their hour was rolled up."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import clock
from core.models import RollupMark
from core.rollups import GRACE, floor_hour, rollup_marks, rollup_plan
from core.timeseries import Window
from dashboard.figures import RANGES, home_figures
from ledger.models import BalanceTransaction, VolumeTotal
from ledger.selectors import VOLUME_TOTALS, balance_volume
from ledger.services.volume_totals import volume_totals_roll
from merchants.models import time_zone_names
from payments.models import Charge, ChargeOutcomeTotal
from payments.selectors import CHARGE_OUTCOME_TOTALS, charge_outcomes
from payments.services.charge_outcome_totals import charge_outcome_totals_roll
from tests.payments.factories import ok, paid_intent

pytestmark = pytest.mark.django_db

ZONES = ["UTC", "Europe/Paris", "America/New_York", "America/Santiago", "Asia/Kolkata",
         "Asia/Kathmandu", "Australia/Adelaide", "Australia/Lord_Howe", "America/St_Johns",
         "Pacific/Chatham", "Pacific/Kiritimati", "Asia/Tehran"]
CATEGORIES = ["charge", "refund", "refund_failure", "dispute", "dispute_reversal", "payout"]
CURRENCIES = ["usd", "eur", "jpy"]
WEEK = timedelta(days=7)


def roll(now: datetime) -> None:
    """Both rollups, as far as `now` closes, in big batches (the data spans months)."""
    volume_totals_roll(now=now, batch=timedelta(days=40), batches=100)
    charge_outcome_totals_roll(now=now, batch=timedelta(days=40), batches=100)


def figures_of(merchant, now: datetime, tz: ZoneInfo, range_key: str) -> list:
    found = home_figures(merchant=merchant, livemode=False, now=now, tz=tz,
                         range_key=range_key, with_billing=False)
    return [found.currency, found.currencies,
            *[(figure.key, figure.value, figure.previous, figure.series,
               figure.previous_series) for figure in found.payments]]


def direct(merchant, now: datetime, tz: ZoneInfo, range_key: str) -> list:
    """The figures summed from the rows alone (no rollup mark)."""
    with transaction.atomic():
        RollupMark.objects.all().delete()
        found = figures_of(merchant, now, tz, range_key)
        transaction.set_rollback(True)
    return found


@pytest.fixture
def template(api, account):
    """One real charge (and its balance transaction), cloned by the tests."""
    paid = paid_intent(api, amount=1000)
    return Charge.objects.get(pk=paid["latest_charge"])


def bt(merchant, *, at: datetime, category: str, currency: str, amount: int, n: int
       ) -> BalanceTransaction:
    amount = -amount if category in ("refund", "dispute", "payout") else amount
    fee = max(0, amount) // 30
    return BalanceTransaction(id=f"txn_h{n}", merchant=merchant, livemode=False, created=at,
                              type="charge", reporting_category=category, amount=amount,
                              fee=fee, net=amount - fee, currency=currency, source=f"ch_h{n}",
                              available_on=at)


def charge(template: Charge, *, at: datetime, status: str, currency: str, n: int) -> Charge:
    clone = Charge.objects.get(pk=template.pk)
    clone.pk, clone.created, clone.status, clone.currency = f"ch_h{n}", at, status, currency
    clone.receipt_token = clone.receipt_number = clone.balance_transaction = None
    return clone


rows = st.lists(st.tuples(st.integers(0, 200 * 24 * 60), st.integers(0, 59),
                          st.sampled_from(CATEGORIES), st.sampled_from(CURRENCIES),
                          st.integers(1, 50_000),
                          st.sampled_from(["succeeded", "failed", "pending"])),
                min_size=1, max_size=40)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(zone=st.one_of(st.sampled_from(ZONES), st.sampled_from(sorted(time_zone_names()))),
       now=st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2026, 12, 31),
                        timezones=st.just(UTC)),
       range_key=st.sampled_from(sorted(RANGES)), before=rows,
       lag_minutes=st.integers(0, 4 * 24 * 60), after=rows)
def test_figures_from_the_totals_are_the_figures_from_the_rows(
        account, template, zone, now, range_key, before, lag_minutes, after):
    merchant, tz = account.merchant, ZoneInfo(zone)
    rolled_at = now - timedelta(minutes=lag_minutes)
    with transaction.atomic():
        # given rows made over 200 days up to the rollup's run (pending charges among them)
        made = [(rolled_at - timedelta(minutes=minutes, seconds=seconds), *rest)
                for minutes, seconds, *rest in before]
        BalanceTransaction.objects.bulk_create(
            bt(merchant, at=at, category=category, currency=currency, amount=amount, n=n)
            for n, (at, category, currency, amount, _) in enumerate(made))
        charges = Charge.objects.bulk_create(
            charge(template, at=at, status=status, currency=currency, n=n)
            for n, (at, _, currency, _, status) in enumerate(made))
        roll(rolled_at)
        mark = rollup_marks([VOLUME_TOTALS])[VOLUME_TOTALS]
        assert mark is not None and mark <= floor_hour(rolled_at - GRACE)
        # and after it: more rows (a refund of an old charge lands now, in the tail), and
        # the pending charges settled, in hours already rolled up
        late = [(now - (now - mark) * (minutes / (200 * 24 * 60)), *rest)
                for minutes, _, *rest in after]
        BalanceTransaction.objects.bulk_create(
            bt(merchant, at=at, category=category, currency=currency, amount=amount, n=n)
            for n, (at, category, currency, amount, _) in enumerate(late, start=1000))
        Charge.objects.bulk_create(
            charge(template, at=at, status=status, currency=currency, n=n)
            for n, (at, _, currency, _, status) in enumerate(late, start=1000))
        settled = [c.pk for c in charges if c.status == "pending"][::2]
        Charge.objects.filter(pk__in=settled).update(status="succeeded")

        # then the figures read from the totals are those read from the rows, before the
        # next run and after it (which counts the settled charges' hours again)
        assert figures_of(merchant, now, tz, range_key) == direct(merchant, now, tz, range_key)
        roll(now)
        assert figures_of(merchant, now, tz, range_key) == direct(merchant, now, tz, range_key)
        transaction.set_rollback(True)


def test_an_off_the_hour_zone_reads_the_cut_hours_by_the_quarter():
    tz = ZoneInfo("Asia/Kathmandu")  # +05:45: local midnight is 18:15 UTC
    now = datetime(2026, 3, 10, 12, tzinfo=UTC)
    window = Window.days_ending_today(days=7, now=now, tz=tz)
    mark = datetime(2026, 3, 9, 0, tzinfo=UTC)

    plan = rollup_plan(window, mark)

    assert window.start == datetime(2026, 3, 3, 18, 15, tzinfo=UTC)
    assert plan.hours == (datetime(2026, 3, 3, 19, tzinfo=UTC), mark)
    # each midnight's hour is skipped, and its quarters on either side of midnight read
    assert plan.skipped == tuple(datetime(2026, 3, day, 18, tzinfo=UTC) for day in range(4, 9))
    assert plan.quarters[:3] == tuple(datetime(2026, 3, 3, 18, m, tzinfo=UTC)
                                      for m in (15, 30, 45))
    assert len(plan.quarters) == 3 + 5 * 4
    assert plan.live == ((mark, window.end),)


def test_without_a_mark_everything_is_read_from_the_rows():
    window = Window.days_ending_today(days=30, now=timezone.now(), tz=ZoneInfo("UTC"))
    plan = rollup_plan(window, None)

    assert (plan.totals(), plan.live) == ([], ((window.start, window.end),))


def test_a_rollup_done_twice_or_again_is_done_once(account, template):
    merchant, now = account.merchant, timezone.now()
    BalanceTransaction.objects.bulk_create(
        bt(merchant, at=now - timedelta(hours=n, minutes=7 * n), category="charge",
           currency="usd", amount=100 * n, n=n) for n in range(1, 60))
    roll(now)
    first = sorted(VolumeTotal.objects.values_list("minutes", "bucket", "amount", "count"))
    # run again: nothing new; the mark put back: the same batches done again
    roll(now)
    RollupMark.objects.update(rolled_until=now - WEEK)
    roll(now)

    assert sorted(VolumeTotal.objects.values_list("minutes", "bucket", "amount", "count")) \
        == first
    hours = VolumeTotal.objects.filter(minutes=60)
    assert sum(hours.values_list("count", flat=True)) == 59  # the template's: this hour
    assert sum(VolumeTotal.objects.filter(minutes=15).values_list("amount", flat=True)) \
        == sum(hours.values_list("amount", flat=True))


def test_a_charge_pending_when_rolled_up_counts_once_it_settles(account, template):
    merchant, now = account.merchant, timezone.now()
    day = Window.days_ending_today(days=7, now=now, tz=ZoneInfo("UTC"))
    pending = charge(template, at=now - timedelta(days=2), status="pending", currency="usd",
                     n=1)
    pending.save()
    roll(now)
    mark = rollup_marks([CHARGE_OUTCOME_TOTALS])[CHARGE_OUTCOME_TOTALS]
    assert ChargeOutcomeTotal.objects.filter(minutes=60, pending=1).exists()

    Charge.objects.filter(pk=pending.pk).update(status="failed")
    read = charge_outcomes(merchant_id=merchant.id, livemode=False, window=day,
                           rolled_until=mark)
    roll(now)
    again = charge_outcomes(merchant_id=merchant.id, livemode=False, window=day,
                            rolled_until=mark)

    assert read == again == charge_outcomes(merchant_id=merchant.id, livemode=False,
                                            window=day)
    assert sum(failed for _, failed in read["usd"].values()) == 1
    assert not ChargeOutcomeTotal.objects.filter(pending__gt=0).exists()


def test_the_page_reads_the_totals_and_the_tail(owner, api, account):
    with clock.bound(timezone.now() - timedelta(days=3)):
        old = paid_intent(api, amount=1500)
    roll(timezone.now())
    ok(api.post("/v1/refunds", {"payment_intent": old["id"], "amount": 500}))
    paid_intent(api, amount=4500)

    html = owner.get("/", {"range": "30d"}).content.decode()
    volume = balance_volume(merchant_id=account.merchant.id, livemode=False,
                            window=Window.days_ending_today(days=30, now=timezone.now(),
                                                            tz=ZoneInfo("UTC")),
                            rolled_until=rollup_marks([VOLUME_TOTALS])[VOLUME_TOTALS])

    assert VolumeTotal.objects.filter(merchant=account.merchant, minutes=60).exists()
    assert "$60.00 USD" in html and "$5.00 USD" in html  # gross; the refund, in the tail
    assert sum(v.gross for v in volume["usd"].values()) == 6000


def test_a_merchant_with_a_test_clock_reads_its_test_mode_from_the_rows(account, api, template):
    now = timezone.now()
    roll(now)
    ok(api.post("/v1/test_helpers/test_clocks", {"frozen_time": int((now - WEEK).timestamp())}))
    # a test clock's rows land in hours already rolled up
    BalanceTransaction.objects.bulk_create([bt(account.merchant, at=now - timedelta(days=5),
                                               category="charge", currency="usd",
                                               amount=700, n=1)])

    found = home_figures(merchant=account.merchant, livemode=False, now=now,
                         tz=ZoneInfo("UTC"), with_billing=False)

    assert found.payments[0].value == 1000 + 700


def test_beat_rolls_both_up_every_few_minutes(account, template):
    from django.conf import settings as django_settings

    from config.celery import app
    from ledger import tasks as ledger_tasks
    from payments import tasks as payments_tasks

    BalanceTransaction.objects.bulk_create([bt(account.merchant, at=timezone.now() - WEEK,
                                               category="charge", currency="usd",
                                               amount=700, n=1)])
    app.loader.import_default_modules()
    scheduled = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}

    assert {"ledger.tasks.volume_totals_roll",
            "payments.tasks.charge_outcome_totals_roll"} <= scheduled <= set(app.tasks)
    assert ledger_tasks.volume_totals_roll() >= 1
    assert payments_tasks.charge_outcome_totals_roll() == 0  # its one charge is this hour's
    assert ledger_tasks.volume_totals_roll() == 0  # nothing more closed meanwhile
    assert set(rollup_marks([VOLUME_TOTALS, CHARGE_OUTCOME_TOTALS]).values()) \
        == {floor_hour(timezone.now() - GRACE)}
