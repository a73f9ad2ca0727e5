"""Home's volume summed ahead: the balance transactions of each closed UTC hour rolled up
into VolumeTotal (core.rollups), by beat (ledger.tasks.volume_totals_roll) and by
`manage.py home_figures_rollup` for what was there before."""

from datetime import datetime, timedelta

from django.db.models import Count, Min, QuerySet, Sum

from core import clock
from core.rollups import hour_and_quarter_totals, rollup_advance, totals_replace
from ledger.models import BalanceTransaction, VolumeTotal
from ledger.selectors import VOLUME_CATEGORIES, VOLUME_TOTALS
from merchants.selectors import merchant_ids


def volume_totals_roll(*, now: datetime | None = None, batch: timedelta = timedelta(days=1),
                       batches: int = 48) -> int:
    """Rolls up the closed hours after the mark, at most `batches` of `batch`; safe to run
    twice and at once (core.rollups.rollup_advance). Returns how many batches it did."""
    return rollup_advance(name=VOLUME_TOTALS, now=now or clock.wall_now(), roll=_roll,
                          first_from=_first_from, batch=batch, batches=batches)


def _volume(rows: QuerySet[BalanceTransaction]) -> QuerySet[BalanceTransaction]:
    # Per merchant and mode, so each range is one of the (merchant, livemode, created)
    # index's: a range of `created` over every merchant has no index of its own.
    return rows.filter(merchant_id__in=merchant_ids(),
                       livemode__in=(False, True), reporting_category__in=VOLUME_CATEGORIES)


def _roll(start: datetime, end: datetime) -> int:
    totals = hour_and_quarter_totals(
        _volume(BalanceTransaction.objects.filter(created__gte=start, created__lt=end)),
        keys=("merchant_id", "livemode", "currency", "reporting_category"),
        sums={"amount": Sum("amount"), "fee": Sum("fee"), "net": Sum("net"),
              "count": Count("*")})
    return totals_replace(VolumeTotal, totals, start=start, end=end,
                          merchant_id__in=merchant_ids(), livemode__in=(False, True))


def _first_from(at: datetime | None) -> datetime | None:
    rows = _volume(BalanceTransaction.objects.all())
    if at is not None:
        rows = rows.filter(created__gte=at)
    return rows.aggregate(first=Min("created"))["first"]
