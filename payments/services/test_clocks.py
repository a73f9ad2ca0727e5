"""Test clocks (test mode only): create, advance (the work in Celery), delete with their
customers, and beat's sweeps: advances whose message was lost, clocks past `deletes_after`.

An advance moves the clock to `advancing` and enqueues its work on commit; the task calls the
advance handlers registered in core.hooks (payments' own, billing's engine) up to the target
time, then moves the clock to `ready` at that time, or to `internal_failure` if a handler
raised. The clock's own times (`created`, `deletes_after`, its events) are real time: only
the work done for its customers runs on it.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from core import clock
from core.actor import TILL, Actor
from core.audit import status_change_record
from core.exceptions import DomainError, InvalidParameter, InvalidState
from core.hooks import test_clock_advance_dispatch, test_clock_advance_limit
from core.wire import render
from merchants.models import Merchant
from payments import selectors
from payments.models import TestClock
from payments.services.customers import customer_delete_locked
from webhooks.services import event_record

logger = logging.getLogger("till.payments")

# Stripe deletes a test clock thirty days after its creation.
TEST_CLOCK_LIFETIME = timedelta(days=30)
# Without subscriptions on the clock, Stripe advances at most two years at a time.
TEST_CLOCK_MAX_ADVANCE = timedelta(days=2 * 365)
# An advance still running this long after it started lost its message (or its worker).
TEST_CLOCK_ADVANCE_STALE = timedelta(minutes=5)


def test_clock_create(*, merchant: Merchant, livemode: bool, actor: Actor,
                      frozen_time: datetime, name: str | None = None) -> TestClock:
    """Creates a clock at `frozen_time` (`test_helpers.test_clock.created`), ready; test mode
    only (live mode: NotFound)."""
    selectors.test_clock_check_mode(livemode=livemode)
    now = clock.now()
    test_clock = TestClock(merchant=merchant, livemode=False, name=name,
                           frozen_time=frozen_time, created=now,
                           deletes_after=now + TEST_CLOCK_LIFETIME)
    with transaction.atomic(durable=True):
        test_clock.save()
        status_change_record(obj=test_clock, source="created", actor=actor)
        event_record(type="test_helpers.test_clock.created", obj=test_clock)
    return test_clock


def test_clock_advance(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                       actor: Actor, frozen_time: datetime) -> TestClock:
    """Starts moving a ready clock forward to `frozen_time` (later than its own, at most
    TEST_CLOCK_MAX_ADVANCE later): `advancing` with the target, and
    `test_helpers.test_clock.advancing`, under the clock's lock; the work is enqueued on
    commit (test_clock_advance_run). A clock advancing, or failed, is refused."""
    with transaction.atomic(durable=True):
        test_clock = selectors.test_clock_get_locked(id=id, merchant=merchant,
                                                     livemode=livemode)
        if not can_proceed(test_clock.begin_advance):
            raise InvalidState(
                f"The test clock {test_clock.id} has a status of {test_clock.status}: only a "
                "ready test clock can be advanced.")
        _check_advance(test_clock, frozen_time)
        source = test_clock.status
        # When it started is a lease on real time, whatever the clock says.
        test_clock.begin_advance(to=frozen_time, at=timezone.now())
        test_clock.save(update_fields=["status", "target_frozen_time", "advance_started_at"])
        status_change_record(obj=test_clock, source=source, actor=actor)
        event_record(type="test_helpers.test_clock.advancing", obj=test_clock)
        _advance_on_commit(test_clock.id)
    return test_clock


def _check_advance(test_clock: TestClock, frozen_time: datetime) -> None:
    current = int(test_clock.frozen_time.timestamp())
    if frozen_time <= test_clock.frozen_time:
        raise InvalidParameter(
            f"The frozen_time ({int(frozen_time.timestamp())}) must be after the test clock's "
            f"current frozen_time ({current}): a test clock only moves forward.",
            param="frozen_time")
    # Compared as a difference: the target plus two years may not be a datetime at all.
    if frozen_time - test_clock.frozen_time > TEST_CLOCK_MAX_ADVANCE:
        raise InvalidParameter(
            f"The frozen_time ({int(frozen_time.timestamp())}) cannot be more than two years "
            f"after the test clock's current frozen_time ({current}).", param="frozen_time")
    # The apps above bound it too (billing: two intervals of the shortest subscription).
    bound = test_clock_advance_limit(clock_id=test_clock.id,
                                     frozen_time=test_clock.frozen_time)
    if bound is not None and frozen_time > bound:
        raise InvalidParameter(
            f"The frozen_time ({int(frozen_time.timestamp())}) cannot be later than "
            f"{int(bound.timestamp())}: a test clock advances at most two intervals of the "
            f"shortest subscription on it at a time.", param="frozen_time")


def _advance_on_commit(clock_id: str) -> None:
    from payments.tasks import test_clock_advance  # tasks import services

    def enqueue_test_clock_advance() -> None:  # named: Django logs a robust hook by its name
        test_clock_advance.delay(clock_id)

    # Robust: a message that cannot be sent is left to test_clocks_resume.
    transaction.on_commit(enqueue_test_clock_advance, robust=True)


def test_clock_advance_run(*, id: str) -> TestClock:  # noqa: A002
    """The advance's work, run by its task: the advance handlers (core.hooks), with the
    clock bound to the target time, then the clock `ready` at that time
    (`test_helpers.test_clock.ready`). A handler that raises is logged and leaves the clock
    `internal_failure` (`test_helpers.test_clock.internal_failure`). Safe to run twice: a
    clock no longer advancing, or deleted meanwhile, is left as it is."""
    test_clock = TestClock.objects.get(pk=id)
    if test_clock.status != TestClock.Status.ADVANCING or test_clock.deleted_at:
        return test_clock
    until = test_clock.target_frozen_time
    try:
        with clock.bound(until):
            test_clock_advance_dispatch(clock_id=test_clock.id,
                                        merchant_id=test_clock.merchant_id,
                                        livemode=test_clock.livemode, until=until)
    except Exception:  # noqa: BLE001 - any failure is the clock's internal_failure
        logger.exception("test clock %s failed to advance to %s", id, until.isoformat())
        return _advance_finish(id=id, failed=True)
    return _advance_finish(id=id, failed=False)


def _advance_finish(*, id: str, failed: bool) -> TestClock:  # noqa: A002
    with transaction.atomic(durable=True):
        test_clock = selectors.test_clock_get_locked_by_id(id=id)
        if test_clock.status != TestClock.Status.ADVANCING or test_clock.deleted_at:
            return test_clock
        source = test_clock.status
        if failed:
            test_clock.mark_failed()
        else:
            test_clock.mark_ready()
        test_clock.save(update_fields=["status", "frozen_time", "target_frozen_time",
                                       "advance_started_at"])
        status_change_record(obj=test_clock, source=source, actor=TILL)
        event_record(type="test_helpers.test_clock.internal_failure" if failed
                     else "test_helpers.test_clock.ready", obj=test_clock)
    return test_clock


def test_clocks_resume() -> int:
    """Beat's sweep: enqueues again the advances still running TEST_CLOCK_ADVANCE_STALE
    after they started (a message lost, a worker gone); the handlers are safe to run twice.
    Returns how many."""
    from payments.tasks import test_clock_advance  # tasks import services

    now = timezone.now()
    stale = selectors.test_clock_ids_advancing_since(before=now - TEST_CLOCK_ADVANCE_STALE)
    # Started anew: a long advance is enqueued again once per TEST_CLOCK_ADVANCE_STALE at
    # most, not on every sweep.
    TestClock.objects.filter(pk__in=stale, status=TestClock.Status.ADVANCING).update(
        advance_started_at=now)
    for pk in stale:
        test_clock_advance.delay(pk)
    return len(stale)


def test_clock_delete(*, id: str, merchant: Merchant,  # noqa: A002
                      livemode: bool) -> TestClock:
    """Deletes a clock and its customers in one transaction, the clock locked first: each
    customer as customer_delete deletes it (`customer.deleted` on the clock's time), then
    the clock (`test_helpers.test_clock.deleted`), kept as a tombstone the API no longer
    finds. A clock advancing meanwhile stops there (its task finds it deleted)."""
    with transaction.atomic(durable=True):
        test_clock = selectors.test_clock_get_locked(id=id, merchant=merchant,
                                                     livemode=livemode)
        for customer in selectors.customers_of_test_clock_locked(test_clock=test_clock):
            customer_delete_locked(customer)
        payload = render(test_clock)
        test_clock.deleted_at = clock.now()
        test_clock.save(update_fields=["deleted_at"])
        event_record(type="test_helpers.test_clock.deleted", obj=test_clock, payload=payload)
    return test_clock


def test_clocks_delete_expired() -> int:
    """Beat's sweep: deletes the clocks past their `deletes_after`, with their customers, as
    Stripe does. Returns how many."""
    deleted = 0
    for pk in selectors.test_clock_ids_expired(now=clock.now()):
        test_clock = TestClock.objects.select_related("merchant").get(pk=pk)
        try:
            test_clock_delete(id=pk, merchant=test_clock.merchant,
                              livemode=test_clock.livemode)
        except DomainError:
            continue  # deleted meanwhile
        deleted += 1
    return deleted
