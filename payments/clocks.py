"""A customer's time: its test clock's frozen time when it lives on one, else Till's clock.

Payments' services wrap a customer's work in `customer_time(customer)` (creating, updating
and deleting it, and its payments' creation, confirmation and settlement), so every "now" of
that work — `created`, events, an authorization's `capture_before`, the simulated
settlement's due time — is the clock's; billing does the same for its invoices and
subscriptions. A binding already made stays: a clock's advance binds each due time while it
steps through them, and a test may bind its own moment.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from core import clock
from payments import selectors
from payments.models import Customer


def _clock_time(customer: Customer | None) -> datetime | None:
    """The frozen time of the customer's test clock when it decides the customer's "now":
    it lives on one and nothing is bound yet (one query unless the clock is at hand). None
    otherwise, at no cost for a customer on no clock."""
    if clock.bound_time() is not None or customer is None or customer.test_clock_id is None:
        return None
    if Customer._meta.get_field("test_clock").is_cached(customer):
        return customer.test_clock.frozen_time
    return selectors.test_clock_frozen_time(id=customer.test_clock_id)


def customer_now(customer: Customer | None) -> datetime:
    """The customer's "now": a binding already made, else its clock's frozen time, else the
    wall clock."""
    return _clock_time(customer) or clock.now()


@contextmanager
def customer_time(customer: Customer | None) -> Iterator[datetime]:
    """Runs the block on the customer's time (see customer_now): bound to its clock's frozen
    time when it lives on one and nothing is bound yet; else as it is."""
    at = _clock_time(customer)
    if at is None:
        yield clock.now()
        return
    with clock.bound(at) as bound_at:
        yield bound_at
