"""Reconciliation: one day of a mode's charges and refunds compared with its processor's.

Beat runs it daily for every connected mode, for the day before (UTC). Stripe's charges and
refunds created that day are listed (the SDK's auto-paging) and matched to Till's by the ids
Till mirrors: a charge by Stripe's PaymentIntent (the charge's `processor_reference`), a
refund by Till's id in its metadata (`till_refund`) or Stripe's id (the refund's
`processor_reference`). What one side has and the other does not, and amounts, currencies or
statuses that differ, are recorded as the run's differences.

Objects created a few minutes either side of midnight are listed too (MARGIN), only to be
matched: Stripe's clock and Till's differ by the time a call takes, so an object may fall on
different days on either side; it is reported missing only when the side that has it has it
inside the day.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core import clock
from core.db import unique_insert
from core.exceptions import DomainError, InvalidRequest, ObjectBusy
from merchants.models import Merchant
from payments.models import Charge
from payments.processors.stripe import StripeProcessor
from payments.selectors import processor_connection_get
from refunds import selectors
from refunds.models import ReconciliationDifference, ReconciliationRun, Refund

MARGIN = timedelta(minutes=10)
# A run still `running` after this long died mid-way: it may be run again.
STALE_AFTER = timedelta(minutes=15)

Kind = ReconciliationDifference.Kind
ObjectType = ReconciliationDifference.ObjectType


@dataclass(frozen=True)
class _Window:
    start: datetime
    end: datetime

    def holds(self, at: datetime) -> bool:
        return self.start <= at < self.end


def day_window(day: date) -> tuple[datetime, datetime]:
    """The UTC day as [start, end)."""
    start = datetime.combine(day, time.min, tzinfo=UTC)
    return start, start + timedelta(days=1)


def reconciliation_run(*, merchant: Merchant, livemode: bool, day: date,
                       again: bool = True) -> ReconciliationRun:
    """Reconciles one day (UTC) of the mode with its connected processor and returns the
    run: `completed` with its differences, or `failed` with the processor's words (nothing
    of the day's earlier result kept but the run's row).

    One run per merchant, mode and day (a unique constraint): running a day again replaces
    its differences; `again=False` (beat's daily task, which may run twice) leaves a completed
    run as it is. A run in progress elsewhere raises ObjectBusy. Stripe is read outside any
    transaction; the differences and the run's counts are written in one, under its lock.
    InvalidRequest when no processor is connected to the mode."""
    connection = processor_connection_get(merchant=merchant, livemode=livemode)
    if connection is None:
        mode = "live" if livemode else "test"
        raise InvalidRequest(f"No processor is connected to {mode} mode: there is nothing "
                             "to reconcile.", code="processor_not_connected")
    run = _run_begin(merchant=merchant, livemode=livemode, day=day,
                     account_id=connection.account_id, again=again)
    if run.status != ReconciliationRun.Status.RUNNING:
        return run  # completed already, and not asked again
    start, end = day_window(day)
    window, wide = _Window(start, end), _Window(start - MARGIN, end + MARGIN)
    processor = StripeProcessor(connection)
    try:
        remote_charges = processor.charges_created(start=_unix(wide.start), end=_unix(wide.end))
        remote_refunds = processor.refunds_created(start=_unix(wide.start), end=_unix(wide.end))
    except DomainError as exc:
        with transaction.atomic(durable=True):
            run = selectors.reconciliation_run_get_locked(id=run.id)
            run.fail(at=timezone.now(), error=exc.message)
            run.save()
        return run
    scope = {"merchant": merchant, "livemode": livemode,
             "account_id": connection.account_id, "start": wide.start, "end": wide.end}
    local_charges = selectors.reconciliation_charges(**scope)
    local_refunds = selectors.reconciliation_refunds(**scope)
    charge_differences = _charges_compare(remote_charges, local_charges, window)
    refund_differences = _refunds_compare(remote_refunds, local_refunds, window)
    differences = charge_differences + refund_differences
    with transaction.atomic(durable=True):
        run = selectors.reconciliation_run_get_locked(id=run.id)
        run.differences.all().delete()
        for difference in differences:
            difference.run = run
        ReconciliationDifference.objects.bulk_create(differences)
        run.complete(
            at=timezone.now(),
            processor_charges=len({_charge_key(c) for c in remote_charges
                                   if window.holds(_created(c))}),
            processor_refunds=sum(window.holds(_created(r)) for r in remote_refunds),
            till_charges=sum(window.holds(c.created) for c in local_charges),
            till_refunds=sum(window.holds(r.created) for r in local_refunds),
            differences=len(differences))
        run.save()
    return run


def reconciliations_run_daily(*, day: date | None = None) -> int:
    """Beat's daily task: reconciles the day before (UTC) for every connected mode, each on
    its own; a mode whose run fails (or is running elsewhere) does not stop the others.
    Returns how many runs completed."""
    day = day or (clock.now().astimezone(UTC).date() - timedelta(days=1))
    completed = 0
    for merchant_id, livemode in selectors.reconciliation_connections():
        merchant = Merchant.objects.get(pk=merchant_id)
        try:
            run = reconciliation_run(merchant=merchant, livemode=livemode, day=day, again=False)
        except (ObjectBusy, InvalidRequest):
            continue  # running elsewhere, or disconnected meanwhile
        completed += run.status == ReconciliationRun.Status.COMPLETED
    return completed


def _run_begin(*, merchant: Merchant, livemode: bool, day: date, account_id: str,
               again: bool) -> ReconciliationRun:
    # A run's times are a lease in the real world (when a dead run may be taken over), so
    # they are the wall clock's, as the processor calls' in-flight leases are.
    now = timezone.now()
    with transaction.atomic(durable=True):
        run = selectors.reconciliation_run_for_day_locked(merchant=merchant,
                                                          livemode=livemode, day=day)
        if run is None:
            try:
                with unique_insert():
                    return ReconciliationRun.objects.create(
                        merchant=merchant, livemode=livemode, day=day, account_id=account_id,
                        started_at=now)
            except IntegrityError:  # another run of the day was just made
                run = selectors.reconciliation_run_for_day_locked(
                    merchant=merchant, livemode=livemode, day=day)
        if run is None:  # made and deleted meanwhile (its merchant's deletion): not now
            raise ObjectBusy(f"{day} is being reconciled right now.")
        if run.status == ReconciliationRun.Status.RUNNING and now - run.started_at < STALE_AFTER:
            raise ObjectBusy(f"{day} is being reconciled right now: look at the run again "
                             "in a minute.")
        if run.status == ReconciliationRun.Status.COMPLETED and not again:
            return run
        run.begin(at=now, account_id=account_id)
        run.save()
        return run


# -- comparing ---------------------------------------------------------------------------------

def _charges_compare(remote: list[dict[str, Any]], local: list[Charge], window: _Window
                     ) -> list[ReconciliationDifference]:
    # Stripe's charges by the PaymentIntent Till made (a later attempt's charge wins).
    theirs: dict[str, dict[str, Any]] = {}
    for charge in sorted(remote, key=_created):
        theirs[_charge_key(charge)] = charge
    ours = {charge.processor_reference: charge for charge in local}
    found = []
    for key, charge in theirs.items():
        mine = ours.get(key)
        if mine is None:
            if window.holds(_created(charge)):
                found.append(_difference(ObjectType.CHARGE, Kind.MISSING_AT_TILL, None, charge))
            continue
        if window.holds(_created(charge)) or window.holds(mine.created):
            found.extend(_mismatches(ObjectType.CHARGE, mine, charge))
    for key, mine in ours.items():
        if key not in theirs and window.holds(mine.created):
            found.append(_difference(ObjectType.CHARGE, Kind.MISSING_AT_PROCESSOR, mine, None))
    return found


def _refunds_compare(remote: list[dict[str, Any]], local: list[Refund], window: _Window
                     ) -> list[ReconciliationDifference]:
    by_id = {refund.id: refund for refund in local}
    by_reference = {refund.processor_reference: refund for refund in local
                    if refund.processor_reference}
    matched: set[str] = set()
    found = []
    for refund in sorted(remote, key=_created):
        named = str((refund.get("metadata") or {}).get("till_refund") or "")
        mine = by_id.get(named) or by_reference.get(refund["id"])
        if mine is None:
            if window.holds(_created(refund)):
                found.append(_difference(ObjectType.REFUND, Kind.MISSING_AT_TILL, None, refund))
            continue
        matched.add(mine.id)
        if window.holds(_created(refund)) or window.holds(mine.created):
            found.extend(_mismatches(ObjectType.REFUND, mine, refund))
    for mine in local:
        if mine.id not in matched and window.holds(mine.created):
            found.append(_difference(ObjectType.REFUND, Kind.MISSING_AT_PROCESSOR, mine, None))
    return found


def _mismatches(object_type: str, mine: Charge | Refund, theirs: dict[str, Any]
                ) -> list[ReconciliationDifference]:
    found = []
    if mine.currency != str(theirs.get("currency") or "").lower():
        found.append(_difference(object_type, Kind.CURRENCY_MISMATCH, mine, theirs))
    elif mine.amount != int(theirs.get("amount") or 0):
        found.append(_difference(object_type, Kind.AMOUNT_MISMATCH, mine, theirs))
    if mine.status != theirs.get("status"):
        found.append(_difference(object_type, Kind.STATUS_MISMATCH, mine, theirs))
    return found


def _difference(object_type: str, kind: str, mine: Charge | Refund | None,
                theirs: dict[str, Any] | None) -> ReconciliationDifference:
    difference = ReconciliationDifference(object_type=object_type, kind=kind)
    if mine is not None:
        difference.till_id = mine.id
        difference.till_amount, difference.till_currency = mine.amount, mine.currency
        difference.till_status = mine.status
    if theirs is not None:
        difference.processor_id = str(theirs.get("id") or "")[:100]
        difference.processor_amount = int(theirs.get("amount") or 0)
        difference.processor_currency = str(theirs.get("currency") or "").lower()[:3]
        difference.processor_status = str(theirs.get("status") or "")[:30]
    return difference


def _charge_key(charge: dict[str, Any]) -> str:
    """What Till knows a Stripe charge by: the PaymentIntent it made (a charge made at
    Stripe without one is its own id, which Till cannot have)."""
    return str(charge.get("payment_intent") or charge.get("id") or "")


def _created(obj: dict[str, Any]) -> datetime:
    return datetime.fromtimestamp(int(obj.get("created") or 0), tz=UTC)


def _unix(at: datetime) -> int:
    return int(at.timestamp())
