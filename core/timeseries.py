"""Spans of time cut into buckets, for figures over time (the dashboard's Home).

A `Window` is a span in a time zone, cut into hours (a day's figures) or local days: the
selectors group their rows by `window.trunc(...)` in one query and the caller zero-fills
`window.series(...)`, so a day with nothing in it is a zero on the chart, not a gap.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from django.db.models import DateTimeField
from django.db.models.functions import Trunc

Unit = Literal["hour", "day"]


@dataclass(frozen=True)
class Window:
    """[start, end) in `tz`, in buckets of one `unit`; `start` is a bucket's start."""

    start: datetime
    end: datetime
    unit: Unit
    tz: ZoneInfo

    @classmethod
    def days_ending_today(cls, *, days: int, now: datetime, tz: ZoneInfo) -> "Window":
        """The last `days` local days, today included (today as one day, by the hour)."""
        today = now.astimezone(tz).date()
        if days == 1:
            return cls(_midnight(today, tz), _midnight(today + timedelta(days=1), tz),
                       "hour", tz)
        return cls(_midnight(today - timedelta(days=days - 1), tz),
                   _midnight(today + timedelta(days=1), tz), "day", tz)

    def previous(self) -> "Window":
        """The window of as many buckets just before this one."""
        if self.unit == "hour":
            start = self.start.astimezone(self.tz).date()
            return Window(_midnight(start - timedelta(days=1), self.tz), self.start,
                          self.unit, self.tz)
        days = (self.end.astimezone(self.tz).date() - self.start.astimezone(self.tz).date()).days
        start = self.start.astimezone(self.tz).date() - timedelta(days=days)
        return Window(_midnight(start, self.tz), self.start, self.unit, self.tz)

    def buckets(self) -> list[datetime]:
        """Each bucket's start, in order: local midnights (a DST day is 23 or 25 hours long)
        or the hours."""
        if self.unit == "hour":
            hours = int((self.end - self.start) / timedelta(hours=1))
            return [(self.start + timedelta(hours=n)).astimezone(self.tz) for n in range(hours)]
        first, last = self.start.astimezone(self.tz).date(), self.end.astimezone(self.tz).date()
        return [_midnight(first + timedelta(days=n), self.tz)
                for n in range((last - first).days)]

    def trunc(self, field: str) -> Trunc:
        """`field` cut down to the start of its bucket, in this window's time zone."""
        return Trunc(field, self.unit, output_field=DateTimeField(), tzinfo=self.tz)

    def series(self, values: Mapping[datetime, int], *, until: datetime | None = None
               ) -> list[int | None]:
        """`values` (by bucket start) as one figure per bucket, zeros where none; None for
        the buckets that start after `until` (the hours of today still to come)."""
        found = {bucket.timestamp(): value for bucket, value in values.items()}
        return [None if until is not None and bucket > until else found.get(bucket.timestamp(), 0)
                for bucket in self.buckets()]


def _midnight(day, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=tz)
