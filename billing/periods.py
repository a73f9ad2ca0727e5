"""Billing periods: the instants a price's interval cuts time into, from an anchor.

Stripe counts every period from the billing cycle anchor, not from the previous period's
end: a subscription anchored on January 31 renews on February 28 (29), then March 31, and
never drifts to the 28th.
"""

import calendar
from datetime import datetime, timedelta
from fractions import Fraction


def _months_added(anchor: datetime, months: int) -> datetime:
    month_index = anchor.month - 1 + months
    year, month = anchor.year + month_index // 12, month_index % 12 + 1
    day = min(anchor.day, calendar.monthrange(year, month)[1])
    return anchor.replace(year=year, month=month, day=day)


def period_boundary(anchor: datetime, *, interval: str, interval_count: int,
                    periods: int) -> datetime:
    """The end of the `periods`-th period after `anchor` (0: the anchor itself)."""
    steps = interval_count * periods
    if interval == "day":
        return anchor + timedelta(days=steps)
    if interval == "week":
        return anchor + timedelta(weeks=steps)
    if interval == "month":
        return _months_added(anchor, steps)
    if interval == "year":
        return _months_added(anchor, 12 * steps)
    raise ValueError(f"{interval!r} is not a price interval")


def period_end_after(anchor: datetime, *, interval: str, interval_count: int,
                     after: datetime) -> datetime:
    """The first period boundary counted from `anchor` that is later than `after` (the
    anchor itself when it is: a first period that ends on a future anchor)."""
    periods = 0
    while (end := period_boundary(anchor, interval=interval, interval_count=interval_count,
                                  periods=periods)) <= after:
        periods += 1
    return end


def intervals_between(start: datetime, end: datetime, *, interval: str,
                      interval_count: int) -> Fraction:
    """How many of the price's intervals `start` to `end` spans, as Stripe prorates a first
    period that does not start on the anchor: whole intervals counted from `start`, then the
    rest as a share, to the second, of the interval imagined to start where they end (so
    February 15 to March 1 is half of February 15 to March 15)."""
    whole = 0
    while (boundary := period_boundary(start, interval=interval,
                                       interval_count=interval_count,
                                       periods=whole + 1)) <= end:
        whole += 1
    begun = period_boundary(start, interval=interval, interval_count=interval_count,
                            periods=whole)
    length = int((boundary - begun).total_seconds())
    rest = int((end - begun).total_seconds())
    return whole + Fraction(rest, length)
