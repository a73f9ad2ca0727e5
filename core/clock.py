"""The one clock every service reads "now" from.

Till's own time is the wall clock. A piece of work done for a customer on a test clock runs on
that clock's frozen time instead: billing binds it (`clock.bound(at)`) around the work, so
every "now" below — periods, trials, expiries, timestamps of status changes — is the clock's.
Tests freeze it the same way rather than patching `timezone.now`.
"""

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.utils import timezone

_bound: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("till_clock",
                                                                        default=None)


def now() -> datetime:
    """The current instant for the work at hand: a bound time, else the wall clock."""
    return _bound.get() or timezone.now()


@contextmanager
def bound(at: datetime) -> Iterator[datetime]:
    """Runs the block at `at` (an aware datetime): every `now()` inside answers it."""
    if timezone.is_naive(at):
        raise ValueError("The clock is bound to aware datetimes only.")
    token = _bound.set(at)
    try:
        yield at
    finally:
        _bound.reset(token)
