"""Home's success rate counted ahead: the charges of each closed UTC hour rolled up into
ChargeOutcomeTotal (core.rollups), by beat (payments.tasks.charge_outcome_totals_roll) and
by `manage.py home_figures_rollup` for what was there before. An hour that had a pending
charge is counted again on each run until none is (its readers sum it from the charges
meanwhile)."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Count, Min, Q, QuerySet

from core import clock
from core.rollups import (
    HOUR,
    hour_and_quarter_totals,
    rollup_advance,
    rollup_mark_locked,
    totals_replace,
)
from merchants.selectors import merchant_ids
from payments.models import Charge, ChargeOutcomeTotal
from payments.selectors import CHARGE_OUTCOME_TOTALS

KEYS = ("merchant_id", "livemode", "currency")
COUNTS = {"succeeded": Count("status", filter=Q(status=Charge.Status.SUCCEEDED)),
          "failed": Count("status", filter=Q(status=Charge.Status.FAILED)),
          "pending": Count("status", filter=Q(status=Charge.Status.PENDING))}


def charge_outcome_totals_roll(*, now: datetime | None = None,
                               batch: timedelta = timedelta(days=1), batches: int = 48,
                               pending_hours: int = 500) -> int:
    """Rolls up the closed hours after the mark, at most `batches` of `batch`, then counts
    again up to `pending_hours` of the hours rolled up with a charge pending; safe to run
    twice and at once (core.rollups.rollup_advance; the recount under the same lock).
    Returns how many batches and hours it did."""
    done = rollup_advance(name=CHARGE_OUTCOME_TOTALS, now=now or clock.wall_now(), roll=_roll,
                          first_from=_first_from, batch=batch, batches=batches)
    with transaction.atomic():
        mark = rollup_mark_locked(CHARGE_OUTCOME_TOTALS)
        if mark.rolled_until is None:
            return done
        hours = list(ChargeOutcomeTotal.objects
                     .filter(minutes=60, pending__gt=0, bucket__lt=mark.rolled_until)
                     .values_list("merchant_id", "livemode", "bucket").distinct()
                     .order_by("bucket")[:pending_hours])
        for merchant_id, livemode, hour in hours:
            scope = {"merchant_id": merchant_id, "livemode": livemode}
            _replace(Charge.objects.filter(**scope, created__gte=hour, created__lt=hour + HOUR),
                     start=hour, end=hour + HOUR, **scope)
    return done + len(hours)


def _charges(rows: QuerySet[Charge]) -> QuerySet[Charge]:
    # Per merchant and mode, so each range is one of the charge_home_figures index's.
    return rows.filter(merchant_id__in=merchant_ids(), livemode__in=(False, True))


def _replace(charges: QuerySet[Charge], *, start: datetime, end: datetime, **scope) -> int:
    return totals_replace(ChargeOutcomeTotal,
                          hour_and_quarter_totals(charges, keys=KEYS, sums=COUNTS),
                          start=start, end=end, **scope)


def _roll(start: datetime, end: datetime) -> int:
    return _replace(_charges(Charge.objects.filter(created__gte=start, created__lt=end)),
                    start=start, end=end, merchant_id__in=merchant_ids(),
                    livemode__in=(False, True))


def _first_from(at: datetime | None) -> datetime | None:
    rows = _charges(Charge.objects.all())
    if at is not None:
        rows = rows.filter(created__gte=at)
    return rows.aggregate(first=Min("created"))["first"]
