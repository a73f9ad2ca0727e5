"""When a new subscription's periods fall: `billing_cycle_anchor` (or
`billing_cycle_anchor_config`), `backdate_start_date` and the creation's
`proration_behavior`, checked and laid out as Stripe Billing does (classic billing mode).

- No anchor: periods count from the start (now, a backdated start, or a trial's end).
- A future anchor (after any trial, at most one natural period away): the first period runs
  from the start (or the trial's end) to the anchor and is prorated to the second
  (billing.periods.intervals_between), or free with `proration_behavior=none`; full periods
  follow from the anchor.
- A backdated start alone: anchored there; the current period is the one now falls in, and
  the time before it is billed on one prorated line of the first invoice.
Reads nothing and writes nothing: the creation lays the subscription out from the result.
"""

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime

from billing.periods import period_boundary, period_end_after
from core.exceptions import InvalidParameter, InvalidRequest

CREATE_PRORATION_BEHAVIORS = ("create_prorations", "always_invoice", "none")


@dataclass(frozen=True, slots=True)
class AnchorConfig:
    """`billing_cycle_anchor_config`: the anchor as the next such day of the month (of
    `month`, when given) at that time of day, UTC; unset times are the start's."""

    day_of_month: int
    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    month: int | None = None

    def to_json(self) -> dict[str, int | None]:
        return {"day_of_month": self.day_of_month, "hour": self.hour, "minute": self.minute,
                "month": self.month, "second": self.second}


@dataclass(frozen=True, slots=True)
class FirstPeriod:
    """How a new subscription is laid out: its `start_date`, its anchor, its first period
    (a trial's is the trial itself, set by the creation), the elapsed time a backdated start
    bills on a line of its own (from `backdated_from` to `period_start`), and whether the
    time before the anchor is billed."""

    start_date: datetime
    anchor: datetime
    period_start: datetime
    period_end: datetime
    backdated_from: datetime | None
    prorate: bool


def first_period_plan(*, now: datetime, interval: str, interval_count: int,
                      trial_end: datetime | None, billing_cycle_anchor: datetime | None,
                      anchor_config: AnchorConfig | None, backdate_start_date: datetime | None,
                      proration_behavior: str) -> FirstPeriod:
    """The layout of a subscription created `now` at the price's interval (see the module),
    or Stripe's refusal naming the parameter."""
    if proration_behavior not in CREATE_PRORATION_BEHAVIORS:
        raise InvalidParameter("Invalid proration_behavior: must be one of "
                               f"{', '.join(CREATE_PRORATION_BEHAVIORS)}.",
                               param="proration_behavior")
    if billing_cycle_anchor is not None and anchor_config is not None:
        raise InvalidParameter("You may only specify one of these parameters: "
                               "billing_cycle_anchor, billing_cycle_anchor_config.",
                               param="billing_cycle_anchor_config")
    if backdate_start_date is not None:
        if backdate_start_date >= now:
            raise InvalidParameter("Invalid backdate_start_date: must be a timestamp in the "
                                   "past.", param="backdate_start_date")
        if trial_end is not None:
            raise InvalidRequest("Till does not combine `backdate_start_date` with a trial "
                                 "yet.", param="backdate_start_date")
    start = backdate_start_date or now
    # Where paid periods begin: a trial's end, else the start.
    base = trial_end or start
    prorate = proration_behavior != "none"
    param = "billing_cycle_anchor"
    if anchor_config is not None:
        param = "billing_cycle_anchor_config"
        billing_cycle_anchor = _anchor_from_config(anchor_config, after=max(base, now),
                                                   interval=interval)
    if billing_cycle_anchor is None:
        return _unanchored(start, now=now, interval=interval, interval_count=interval_count,
                           trial_end=trial_end, backdated=backdate_start_date is not None,
                           prorate=prorate)
    anchor = billing_cycle_anchor
    if anchor <= now:
        raise InvalidParameter("Invalid billing_cycle_anchor: must be a timestamp in the "
                               "future.", param=param)
    if trial_end is not None and anchor < trial_end:
        raise InvalidRequest("billing_cycle_anchor cannot be earlier than trial_end: the "
                             "anchor falls after the trial.", param=param)
    natural = period_end_after(base, interval=interval, interval_count=interval_count,
                               after=max(base, now))
    if anchor > natural:
        raise InvalidRequest("billing_cycle_anchor cannot be later than next natural billing "
                             f"date ({int(natural.timestamp())}) for plan", param=param)
    return FirstPeriod(start_date=start, anchor=anchor, period_start=start,
                       period_end=trial_end or anchor, backdated_from=None, prorate=prorate)


def _unanchored(start: datetime, *, now: datetime, interval: str, interval_count: int,
                trial_end: datetime | None, backdated: bool, prorate: bool) -> FirstPeriod:
    if trial_end is not None:
        return FirstPeriod(start_date=start, anchor=trial_end, period_start=start,
                           period_end=trial_end, backdated_from=None, prorate=prorate)
    end = period_end_after(start, interval=interval, interval_count=interval_count, after=now)
    periods = 0
    while period_boundary(start, interval=interval, interval_count=interval_count,
                          periods=periods + 1) < end:
        periods += 1
    period_start = period_boundary(start, interval=interval, interval_count=interval_count,
                                   periods=periods)
    return FirstPeriod(start_date=start, anchor=start, period_start=period_start,
                       period_end=end,
                       backdated_from=start if backdated and period_start > start else None,
                       prorate=prorate)


def _anchor_from_config(config: AnchorConfig, *, after: datetime, interval: str) -> datetime:
    """The first moment after `after` that is the config's day of the month (the month's
    last day when it has fewer), at its time of day (unset parts: `after`'s), in its month
    when it names one."""
    if interval not in ("month", "year"):
        raise InvalidParameter("billing_cycle_anchor_config is only supported for prices "
                               "with a monthly or yearly interval.",
                               param="billing_cycle_anchor_config")
    after = after.astimezone(UTC)
    hour = after.hour if config.hour is None else config.hour
    minute = after.minute if config.minute is None else config.minute
    second = after.second if config.second is None else config.second
    year, month = after.year, after.month
    for _ in range(25):
        if config.month is None or month == config.month:
            day = min(config.day_of_month, calendar.monthrange(year, month)[1])
            candidate = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
            if candidate > after:
                return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise AssertionError("a day of the month recurs within two years")  # pragma: no cover
