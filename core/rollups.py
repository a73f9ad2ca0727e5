"""Figures summed ahead by the hour (Home at a million payments).

A rollup sums a table's rows per UTC hour and per UTC quarter hour into a totals table of
its app's (`minutes` 60 or 15), for the hours that are over: a beat task takes the closed
hours after the rollup's mark (`RollupMark.rolled_until`) in batches, under the mark's row
lock, and moves the mark on in the same transaction. A reader asks `rollup_plan` which
hours it may take from the totals and which rows it must still sum from the source table:

- whole hours inside one bucket of the window (a local day, or an hour of today): the
  hour's total;
- an hour that a bucket boundary cuts (a local midnight at 18:30 UTC in Asia/Kolkata, at
  18:15 in Asia/Kathmandu, the window's own ends): its four quarter hours, each inside one
  bucket; a boundary off the quarter (no zone has one since 1980, but zoneinfo knows older
  offsets) has its hour summed from the source;
- the hours after the mark (the tail, at most a batch or so plus the current hour), and
  any hour the caller names (`live_hours`: a charge still pending when it was summed):
  from the source.

The readers' mark is read once, before the totals: a rollup that moves on meanwhile only
adds hours the reader takes from the source, so the figures stay exact.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.db import transaction
from django.db.models import Aggregate, DateTimeField, IntegerField, Q, QuerySet
from django.db.models.functions import ExtractMinute, Floor, Trunc

from core.models import RollupMark
from core.timeseries import Window

HOUR = timedelta(hours=1)
QUARTER = timedelta(minutes=15)
# An hour is rolled up once it has been over this long: a row's `created` is read before
# its transaction commits, and a transaction of Till's lasts well under a second.
GRACE = timedelta(minutes=10)


def floor_hour(at: datetime) -> datetime:
    return at.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _ceil_hour(at: datetime) -> datetime:
    floor = floor_hour(at)
    return floor if floor == at else floor + HOUR


def _on_the(at: datetime, step: timedelta) -> bool:
    return (at.astimezone(UTC) - floor_hour(at)) % step == timedelta(0)


@dataclass(frozen=True)
class Plan:
    """Where a window's figures come from: hour totals with `bucket` in `hours` but the
    `skipped` ones, the quarter totals of `quarters`, and the source rows `created` in
    `live`."""

    hours: tuple[datetime, datetime] | None
    skipped: tuple[datetime, ...]
    quarters: tuple[datetime, ...]
    live: tuple[tuple[datetime, datetime], ...]

    def totals(self) -> list[tuple[Q, int]]:
        """The totals' rows to read, one query each, and the sign they count with: the hours
        of the range, less the skipped ones (read apart and taken away again: a NOT IN over
        every hour of the range cost PostgreSQL a comparison per listed hour and row once
        the statement was prepared), and the quarters."""
        parts = []
        if self.hours is not None:
            parts.append((Q(minutes=60, bucket__gte=self.hours[0], bucket__lt=self.hours[1]), 1))
            if self.skipped:
                parts.append((Q(minutes=60, bucket__in=self.skipped), -1))
        if self.quarters:
            parts.append((Q(minutes=15, bucket__in=self.quarters), 1))
        return parts

    def source(self, field: str = "created") -> Q | None:
        """The source rows to sum (None: none)."""
        if not self.live:
            return None
        return reduce(or_, (Q(**{f"{field}__gte": start, f"{field}__lt": end})
                            for start, end in self.live))


def rollup_plan(window: Window, rolled_until: datetime | None, *,
                live_hours: Iterable[datetime] = ()) -> Plan:
    """How to read `window` with every hour before `rolled_until` rolled up (None: nothing
    is, all from the source). `live_hours`: hours to sum from the source all the same."""
    start, end = window.start.astimezone(UTC), window.end.astimezone(UTC)
    if rolled_until is None or rolled_until <= start or start >= end:
        return Plan(None, (), (), ((start, end),) if start < end else ())
    rolled_end = min(end, rolled_until)
    # The hours a bucket boundary cuts, and whether all of their boundaries are on quarters.
    cut: dict[datetime, bool] = {}
    for boundary in [*window.buckets(), window.end]:
        if not _on_the(boundary, HOUR):
            hour = floor_hour(boundary)
            cut[hour] = cut.get(hour, True) and _on_the(boundary, QUARTER)
    forced = {floor_hour(hour) for hour in live_hours}
    live: list[tuple[datetime, datetime]] = []
    quarters: list[datetime] = []
    skipped: list[datetime] = []
    first, last = _ceil_hour(start), floor_hour(rolled_end)
    for hour in sorted(cut.keys() | forced):
        if hour + HOUR <= start or hour >= rolled_end:
            continue
        if first <= hour < last:
            skipped.append(hour)
        if hour not in forced and cut.get(hour, False):
            quarters.extend(quarter for quarter in (hour + QUARTER * n for n in range(4))
                            if quarter >= start and quarter + QUARTER <= rolled_end)
        else:
            live.append((max(hour, start), min(hour + HOUR, rolled_end)))
    if rolled_end < end:
        live.append((max(start, rolled_end), end))
    merged: list[tuple[datetime, datetime]] = []
    for span in live:
        if merged and merged[-1][1] >= span[0]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], span[1]))
        else:
            merged.append(span)
    return Plan((first, last) if first < last else None, tuple(skipped), tuple(quarters),
                tuple(merged))


def rollup_marks(names: Iterable[str]) -> dict[str, datetime | None]:
    """Each rollup's mark (None: not begun)."""
    return dict(RollupMark.objects.filter(name__in=list(names))
                .values_list("name", "rolled_until"))


def rollup_mark_locked(name: str) -> RollupMark:
    """The rollup's mark under its row lock (made first when there is none)."""
    RollupMark.objects.get_or_create(name=name)
    return RollupMark.objects.select_for_update().get(name=name)


def hour_and_quarter_totals(rows: QuerySet, *, keys: tuple[str, ...],
                            sums: Mapping[str, Aggregate], field: str = "created"
                            ) -> list[dict[str, Any]]:
    """`rows` summed (`sums`, by the totals' field names) per `keys` and UTC quarter hour,
    and per hour: the totals' rows, with `bucket` and `minutes`, as keyword arguments."""
    found = (rows.annotate(rollup_hour=Trunc(field, "hour", output_field=DateTimeField(),
                                             tzinfo=UTC),
                           rollup_quarter=Floor(ExtractMinute(field, tzinfo=UTC) / 15,
                                                output_field=IntegerField()))
             .values(*keys, "rollup_hour", "rollup_quarter")
             .annotate(**{f"rollup_{name}": aggregate for name, aggregate in sums.items()})
             .order_by())
    totals: dict[tuple, dict[str, Any]] = {}
    for row in found:
        key = tuple(row[name] for name in keys)
        hour = row["rollup_hour"].astimezone(UTC)
        quarter = hour + QUARTER * int(row["rollup_quarter"])
        values = {name: row[f"rollup_{name}"] or 0 for name in sums}
        totals[(*key, 15, quarter)] = {**dict(zip(keys, key, strict=True)), "minutes": 15,
                                       "bucket": quarter, **values}
        whole = totals.setdefault((*key, 60, hour), {**dict(zip(keys, key, strict=True)),
                                                     "minutes": 60, "bucket": hour,
                                                     **dict.fromkeys(sums, 0)})
        for name, value in values.items():
            whole[name] += value
    return list(totals.values())


def totals_replace(model: type, totals: list[dict[str, Any]], *, start: datetime,
                   end: datetime, **scope: Any) -> int:
    """`model`'s hour and quarter totals of [start, end) in `scope` (the merchants and modes)
    replaced by `totals` (dicts of its fields): an hour rolled up twice is summed once.
    Returns how many totals were written."""
    model.objects.filter(**scope, minutes__in=(15, 60), bucket__gte=start,
                         bucket__lt=end).delete()
    model.objects.bulk_create([model(**total) for total in totals], batch_size=2000)
    return len(totals)


def rollup_advance(*, name: str, now: datetime, roll: Callable[[datetime, datetime], int],
                   first_from: Callable[[datetime | None], datetime | None],
                   batch: timedelta = timedelta(days=1), batches: int = 48) -> int:
    """Rolls up the hours closed by `now` after the mark, `batch` at a time (at most
    `batches`): each batch in one transaction under the mark's lock, `roll(start, end)`
    writing the totals of [start, end) (it deletes any it finds there first, so a batch
    done twice is done once) and returning how many groups it found; `first_from(at)`,
    when a batch finds none, is the earliest source row from `at` on (None: none), to skip
    the empty hours. Safe to run twice and at once. Returns how many batches it rolled."""
    closed = floor_hour(now - GRACE)
    done = 0
    jump = False
    for _ in range(batches):
        with transaction.atomic():
            mark = rollup_mark_locked(name)
            start = mark.rolled_until
            if start is None or jump:
                earliest = first_from(start)
                target = closed if earliest is None else floor_hour(earliest)
                start = target if start is None else max(start, target)
            if start >= closed:
                if mark.rolled_until is None or mark.rolled_until < closed:
                    mark.rolled_until = closed
                    mark.save(update_fields=["rolled_until"])
                return done
            end = min(start + batch, closed)
            jump = not roll(start, end)
            mark.rolled_until = end
            mark.save(update_fields=["rolled_until"])
            done += 1
        if end >= closed:
            break
    return done
