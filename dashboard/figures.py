"""Home's figures: the business over today / 7 / 30 / 90 days beside the period before.

Each figure is read by its app's selector, bucketed by the hour (today) or the local day in
the merchant's time zone: the volume and the success rate from their hourly totals for the
hours rolled up (core.rollups) and from the rows for the rest, the others as one aggregate
over an index; this module only lays them side by side for the page and its charts.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo

from billing.selectors import subscription_figures
from core.money import currency_exponent, format_money
from core.rollups import rollup_marks
from core.timeseries import Window
from disputes.selectors import disputes_opened
from ledger.selectors import VOLUME_TOTALS, Volume, balance_volume
from merchants.models import Merchant
from payments.selectors import (
    CHARGE_OUTCOME_TOTALS,
    charge_outcomes,
    customers_created,
    test_clocks_used,
)

# The periods Home offers, by the key its links carry: how many local days, today included.
RANGES = {"today": 1, "7d": 7, "30d": 30, "90d": 90}
RANGE_LABELS = {"today": "Today", "7d": "Last 7 days", "30d": "Last 30 days",
                "90d": "Last 90 days"}
DEFAULT_RANGE = "7d"
DEFAULT_CURRENCY = "usd"

Kind = Literal["money", "count", "percent"]


@dataclass
class Figure:
    """One figure of the period and of the one before; `series` (one value per bucket, None
    for the hours still to come) when it is charted."""

    key: str
    label: str
    kind: Kind
    value: float | None
    previous: float | None
    help: str
    currency: str
    series: list[float | None] | None = None
    previous_series: list[float | None] | None = None
    # Refunds, disputes and churn going up is bad news: their trend is coloured so.
    higher_is_better: bool = True

    @property
    def shown(self) -> str:
        return display(self.kind, self.value, self.currency)

    @property
    def previous_shown(self) -> str:
        return display(self.kind, self.previous, self.currency)

    @property
    def change_shown(self) -> str:
        """`+12.5%` (a rate: `+1.2 pts`), or nothing when there is nothing to compare."""
        if self.change is not None:
            return f"{self.change:+.1f}%"
        if self.difference is not None:
            return f"{self.difference:+.1f} pts"
        return ""

    @property
    def trend(self) -> str:
        """good, bad or flat: which way the figure moved, as news for the business."""
        moved = self.change if self.change is not None else self.difference
        if not moved:
            return "flat"
        return "good" if (moved > 0) == self.higher_is_better else "bad"

    @property
    def change(self) -> float | None:
        """The change from the period before, in percent; None when there is nothing to
        compare with (a percentage of the previous period's zero means nothing)."""
        if self.kind == "percent" or not self.previous or self.value is None:
            return None
        return (self.value - self.previous) / abs(self.previous) * 100

    @property
    def difference(self) -> float | None:
        """For a rate: the change in percentage points."""
        if self.kind != "percent" or self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass
class HomeFigures:
    range: str
    currency: str
    currencies: list[str]
    window: Window
    previous: Window
    payments: list[Figure]
    billing: list[Figure] = field(default_factory=list)

    @property
    def charted(self) -> list[Figure]:
        return [figure for figure in self.payments if figure.series is not None]

    def rows(self) -> list[tuple[datetime, list[str]]]:
        """The charted figures bucket by bucket (the table beside the charts), up to now."""
        charted = self.charted
        return [(bucket, [display(figure.kind, figure.series[n], self.currency)
                          for figure in charted])
                for n, bucket in enumerate(self.window.buckets())
                if charted and charted[0].series[n] is not None]

    def chart_data(self) -> dict[str, Any]:
        """What the page's charts draw (json_script): bucket labels and each charted
        series, the previous period's aligned by position."""
        unit = self.window.unit
        return {
            "unit": unit,
            "labels": [_label(bucket, unit)
                       for bucket in self.window.buckets()],
            "previous_labels": [_label(bucket, unit)
                                for bucket in self.previous.buckets()],
            "currency": self.currency,
            "exponent": currency_exponent(self.currency),
            "charts": {figure.key: {"label": figure.label, "kind": figure.kind,
                                    "series": figure.series,
                                    "previous": figure.previous_series}
                       for figure in self.charted},
        }


def _label(bucket: datetime, unit: str) -> str:
    return f"{bucket:%H:%M}" if unit == "hour" else f"{bucket:%b} {bucket.day}"


def display(kind: Kind, value: float | None, currency: str) -> str:
    if value is None:
        return "—"
    if kind == "money":
        return format_money(int(value), currency)
    if kind == "percent":
        return f"{value:.1f}%"
    return f"{int(value):,}"


def home_figures(*, merchant: Merchant, livemode: bool, now: datetime, tz: ZoneInfo,
                 range_key: str = DEFAULT_RANGE, currency: str | None = None,
                 with_billing: bool = True) -> HomeFigures:
    """The figures of Home for `range_key` (RANGES) in `currency` (the merchant's busiest
    one when not given, or one it never charged in: nothing to show then)."""
    days = RANGES.get(range_key, RANGES[DEFAULT_RANGE])
    window = Window.days_ending_today(days=days, now=now, tz=tz)
    previous = window.previous()
    scope = {"merchant_id": merchant.id, "livemode": livemode}
    whole = Window(previous.start, window.end, window.unit, tz)
    # A test clock's rows are made at its frozen time, in hours already rolled up: a
    # merchant that has one has its test mode summed from the rows alone.
    marks = ({} if not livemode and test_clocks_used(merchant_id=merchant.id)
             else rollup_marks((VOLUME_TOTALS, CHARGE_OUTCOME_TOTALS)))
    by_currency = balance_volume(**scope, window=whole, rolled_until=marks.get(VOLUME_TOTALS))
    # The currencies charged in, the most payments first (amounts in different currencies
    # do not compare).
    currencies = sorted(by_currency, key=lambda code: (
        -sum(volume.payments for volume in by_currency[code].values()), code))
    if currency not in currencies:
        currency = currencies[0] if currencies else DEFAULT_CURRENCY
    volumes = by_currency.get(currency, {})
    outcomes = charge_outcomes(**scope, window=whole,
                               rolled_until=marks.get(CHARGE_OUTCOME_TOTALS)).get(currency, {})
    customers = customers_created(**scope, window=whole)
    disputes = disputes_opened(**scope, window=whole).get(currency, {})

    def volume_of(read: Callable[[Volume], int]) -> dict[datetime, int]:
        return {bucket: read(volume) for bucket, volume in volumes.items()}

    def charted(key: str, label: str, kind: Kind, values: dict[datetime, int], help: str,  # noqa: A002
                *, higher_is_better: bool = True) -> Figure:
        current = window.series(values, until=now)
        before = previous.series(values)
        return Figure(key, label, kind, value=_total(current), previous=_total(before),
                      help=help, currency=currency, series=current, previous_series=before,
                      higher_is_better=higher_is_better)

    payments = [
        charted("gross", "Gross volume", "money", volume_of(lambda v: v.gross),
                "Captured payments, before refunds, disputes and fees."),
        charted("net", "Net volume", "money", volume_of(lambda v: v.net),
                "What your balance kept: gross volume less refunds, disputes and fees."),
        charted("payments", "Successful payments", "count",
                volume_of(lambda v: v.payments), "Payments captured."),
        _success_rate(window, previous, outcomes, now, currency),
        charted("refunds", "Refunds", "money", volume_of(lambda v: v.refunded),
                "Money refunded to customers (less refunds that failed).",
                higher_is_better=False),
        charted("disputes", "Disputes", "count", disputes,
                "Disputes and inquiries opened by cardholders' banks.",
                higher_is_better=False),
        charted("customers", "New customers", "count", customers,
                "Customers created, in every currency."),
    ]
    figures = HomeFigures(range=range_key if range_key in RANGES else DEFAULT_RANGE,
                          currency=currency, currencies=currencies or [currency],
                          window=window, previous=previous, payments=payments)
    if with_billing:
        figures.billing = _billing(scope, currency, window, previous)
    return figures


def _total(series: Sequence[float | None]) -> int:
    return sum(int(value) for value in series if value is not None)


def _success_rate(window: Window, previous: Window,
                  outcomes: dict[datetime, tuple[int, int]], now: datetime,
                  currency: str) -> Figure:
    """Succeeded of the charges that succeeded or failed, over the period and by bucket."""
    def rate(succeeded: int, failed: int) -> float | None:
        return succeeded / (succeeded + failed) * 100 if succeeded + failed else None

    counts = {bucket.timestamp(): pair for bucket, pair in outcomes.items()}

    def over(span: Window, until: datetime | None) -> tuple[float | None, list[float | None]]:
        pairs = [(bucket, counts.get(bucket.timestamp(), (0, 0))) for bucket in span.buckets()]
        series = [None if until is not None and bucket > until else rate(*pair)
                  for bucket, pair in pairs]
        return (rate(sum(pair[0] for _, pair in pairs), sum(pair[1] for _, pair in pairs)),
                series)

    value, series = over(window, now)
    before, previous_series = over(previous, None)
    return Figure("success_rate", "Success rate", "percent", value=value, previous=before,
                  help="Of the card payments attempted, those that succeeded.",
                  currency=currency, series=series, previous_series=previous_series)


def _billing(scope: dict[str, Any], currency: str, window: Window,
             previous: Window) -> list[Figure]:
    """MRR and subscriptions now, beside the period's start; churn beside the period
    before's."""
    found = subscription_figures(**scope, currency=currency, start=window.start,
                                 previous_start=previous.start)

    def churn(ended: int, billing: int) -> float | None:
        return ended / billing * 100 if billing else None

    return [
        Figure("mrr", "MRR", "money", value=found.mrr, previous=found.mrr_at_start,
               help="Monthly recurring revenue of the subscriptions active or past due, "
                    "before discounts; beside it, at the period's start.", currency=currency),
        Figure("subscriptions", "Active subscriptions", "count",
               value=found.billing, previous=found.billing_at_start,
               help="Subscriptions billing now (active or past due); beside them, at the "
                    "period's start.", currency=currency),
        Figure("churn", "Churn rate", "percent",
               value=churn(found.ended, found.billing_at_start),
               previous=churn(found.ended_before, found.billing_at_previous_start),
               help="Of the subscriptions billing at the period's start, those that ended "
                    "in it.", currency=currency, higher_is_better=False),
    ]
