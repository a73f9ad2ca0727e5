"""The processors' health, from the call log (ProcessorCall): per processor and mode, over
the last 5 and 60 minutes, the success rate, the rate of each kind of failure, the p50 and
p95 latency, and the last failure. For operators (`GET /v1/admin/processors/health`, the
admin's Processor health page).

Only the real processors' calls are logged, so only they appear: the simulated processor
runs inside Till (no network, its answers recorded in its own ledger), so its "latency" and
"errors" would measure Till, not a PSP, and logging it would add a write to every test-mode
payment.

Aggregated in SQL over the hour's rows (the log's `created` index): one query for the
counts, two for each window's percentiles, one for each processor and mode's last failure
(a partial index of failures), whatever the volume.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q

from payments.processors.models import ProcessorCall, ProcessorConnection

WINDOWS = {"5m": timedelta(minutes=5), "60m": timedelta(minutes=60)}
FAILURES = [ProcessorCall.Outcome.REFUSED.value, ProcessorCall.Outcome.UNAVAILABLE.value]
KINDS = [ProcessorCall.Outcome.DECLINED.value, *FAILURES]


@dataclass(frozen=True)
class WindowHealth:
    calls: int
    succeeded: int
    # Each kind of answer that is not a success, over the window's calls: a card decline
    # (the processor working), a refusal (a bad key, an invalid request), no answer.
    failures: dict[str, int]
    p50_ms: int | None
    p95_ms: int | None

    @property
    def success_rate(self) -> float | None:
        return round(self.succeeded / self.calls, 4) if self.calls else None

    @property
    def error_rates(self) -> dict[str, float | None]:
        return {kind: round(count / self.calls, 4) if self.calls else None
                for kind, count in self.failures.items()}


@dataclass(frozen=True)
class ProcessorHealth:
    processor: str
    livemode: bool
    windows: dict[str, WindowHealth]
    last_error: ProcessorCall | None


def processor_health(*, now: datetime) -> list[ProcessorHealth]:
    """Every processor and mode with calls in the last hour or a connection, by name and
    mode (test first)."""
    since = {name: now - length for name, length in WINDOWS.items()}
    oldest = min(since.values())
    counts: dict[tuple[str, bool], dict[str, dict[str, int]]] = {}
    rows = (ProcessorCall.objects.filter(created__gt=oldest, created__lte=now)
            .values("processor", "livemode", "outcome")
            .annotate(**{name: Count("pk", filter=Q(created__gt=start))
                         for name, start in since.items()}))
    for row in rows:
        group = counts.setdefault((row["processor"], row["livemode"]),
                                  {name: {} for name in WINDOWS})
        for name in WINDOWS:
            group[name][row["outcome"]] = row[name]
    connected = ProcessorConnection.objects.values_list("kind", "livemode").distinct()
    for group in connected:
        counts.setdefault(tuple(group), {name: {} for name in WINDOWS})
    report = []
    for (processor, livemode), by_window in sorted(counts.items()):
        windows = {}
        for name, outcomes in by_window.items():
            calls = sum(outcomes.values())
            scope = ProcessorCall.objects.filter(processor=processor, livemode=livemode,
                                                 created__gt=since[name], created__lte=now)
            windows[name] = WindowHealth(
                calls=calls, succeeded=outcomes.get(ProcessorCall.Outcome.SUCCEEDED, 0),
                failures={kind: outcomes.get(kind, 0) for kind in KINDS},
                p50_ms=_percentile(scope, calls, 0.50), p95_ms=_percentile(scope, calls, 0.95))
        last_error = (ProcessorCall.objects
                      .filter(processor=processor, livemode=livemode, outcome__in=FAILURES)
                      .order_by("-created").first())
        report.append(ProcessorHealth(processor=processor, livemode=livemode,
                                      windows=windows, last_error=last_error))
    return report


def _percentile(scope, calls: int, fraction: float) -> int | None:
    """The nearest-rank percentile of the calls' latency: the ⌈fraction × n⌉-th smallest,
    read by the database (ORDER BY latency LIMIT 1 OFFSET k)."""
    if not calls:
        return None
    rank = max(1, math.ceil(fraction * calls))
    found = list(scope.order_by("latency_ms").values_list("latency_ms", flat=True)
                 [rank - 1:rank])
    return found[0] if found else None
