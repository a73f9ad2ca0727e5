"""Billing periods: the instants a price's interval cuts time into, from an anchor.

Stripe counts every period from the billing cycle anchor, not from the previous period's
end: a subscription anchored on January 31 renews on February 28 (29), then March 31, and
never drifts to the 28th.
"""

import calendar
from datetime import datetime, timedelta


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
    """The first period boundary counted from `anchor` that is later than `after`."""
    periods = 1
    while (end := period_boundary(anchor, interval=interval, interval_count=interval_count,
                                  periods=periods)) <= after:
        periods += 1
    return end
