"""The one clock every service reads "now" from.

Till's own time is the wall clock. A piece of work done for a customer on a test clock runs on
that clock's frozen time instead: payments binds it (`clock.bound(at)`, through
payments.clocks.customer_time) around the customer's work, and a clock's advance binds each
due time while it steps through them, so every "now" below — periods, trials, expiries,
timestamps of status changes — is the clock's.
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


def wall_now() -> datetime:
    """Till's own time, never a bound one: for deadlines of Till's own housekeeping (a crash's
    leftovers to clean up), which no test clock may bring forward or postpone."""
    return timezone.now()


def bound_time() -> datetime | None:
    """The instant the clock is bound to, or None on the wall clock: a customer on a test
    clock leaves a binding already made (a test clock's advance stepping through its due
    times, a test's moment) in place rather than rebinding to the clock's frozen time."""
    return _bound.get()


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
