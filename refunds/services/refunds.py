"""Refunds: create, settle, update and cancel. Money never goes back twice.

A refund moves in atomic phases (DESIGN.md). Phase 1 locks the charge, checks what remains
unrefunded (the charge's pending and succeeded refunds), creates the refund `pending`, counts
its amount on the charge and records `refund.created` + `charge.refunded`, all in one
transaction: concurrent refunds of one charge queue on its row lock, so together they never
exceed the captured amount. Phase 2 asks the processor, outside any transaction, under the
key `<re_id>:refund`. Phase 3 records the processor's reference and enqueues the settlement,
which later moves the refund to `succeeded`, or to `failed` giving the amount back.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django_fsm import can_proceed

from core import clock
from core.actor import TILL, Actor
from core.audit import status_change_record
from core.exceptions import DomainError, InvalidRequest, InvalidState
from core.metadata import MetadataUpdate, metadata_apply
from core.money import Money, format_money
from core.wire import render
from disputes import selectors as dispute_selectors
from merchants.models import Merchant
from payments import selectors as payment_selectors
from payments.models import Charge
from payments.processors import processor_for, processor_for_charge
from payments.processors.base import Outcome, ProcessorUnavailable
from payments.services.charge_funds import charge_refunded_by
from refunds import selectors
from refunds.models import Refund
from refunds.services.common import (
    check_intent_refundable,
    failure_reason,
    refund_booking,
    refund_given_back,
    refund_run,
    refund_run_or_recover,
    refund_settled,
)
from refunds.services.releases import (
    refund_release_authorization,
    release_finish,
    uncaptured_intent,
)
from webhooks.services import EventSpec, events_record, previous_attributes


def refund_create(*, merchant: Merchant, livemode: bool, actor: Actor,
                  charge: str | None = None, payment_intent: str | None = None,
                  amount: int | None = None, reason: str | None = None,
                  metadata: MetadataUpdate | None = None) -> Refund:
    """Refunds a captured charge, given as `charge` or `payment_intent`: all that remains
    unrefunded, or `amount` of it, as asked by `actor` (recorded as its `requested_by`).

    Guarantees, under the charge's row lock: the charge's pending and succeeded refunds
    never exceed its captured amount; the refund (`pending`), the charge's
    `amount_refunded`/`refunded` and the events `refund.created` + `charge.refunded` commit
    together. The processor is then asked under the key `<re_id>:refund`; the settlement
    task finishes the refund. Above the merchant's approval threshold the refund is counted
    the same way but left `pending_approval`, and the processor is not asked.
    """
    processor_for(merchant=merchant, livemode=livemode)  # live mode without one: refused
    held = uncaptured_intent(merchant=merchant, livemode=livemode, charge=charge,
                             payment_intent=payment_intent)
    if held is not None:
        return refund_release_authorization(
            intent=held, merchant=merchant, livemode=livemode, actor=actor,
            param="payment_intent" if payment_intent else "charge", amount=amount,
            reason=reason, metadata=metadata)
    with transaction.atomic(durable=True):
        refund = refund_accept(merchant=merchant, livemode=livemode, actor=actor,
                               charge=charge, payment_intent=payment_intent, amount=amount,
                               reason=reason, metadata=metadata)
    processor = processor_for_charge(merchant=merchant, livemode=livemode, charge=refund.charge)
    return refund_run_or_recover(refund, processor, actor=actor)


def _charge_to_refund(*, merchant: Merchant, livemode: bool, charge: str | None,
                      payment_intent: str | None) -> Charge:
    """The charge a refund request names, locked: given as `charge`, or as the
    `payment_intent` whose latest charge it is (which must have succeeded)."""
    if payment_intent is None:
        locked = selectors.charge_get_locked(id=charge, merchant=merchant, livemode=livemode,
                                             param="charge")
        check_intent_refundable(locked.payment_intent, param="charge")
        return locked
    intent = payment_selectors.payment_intent_get(id=payment_intent, merchant=merchant,
                                                  livemode=livemode, param="payment_intent")
    check_intent_refundable(intent, param="payment_intent")
    return selectors.charge_get_locked(id=intent.latest_charge_id, merchant=merchant,
                                       livemode=livemode, param="payment_intent")


def _check_refundable(charge: Charge, *, amount: int | None) -> int:
    """The amount to refund (by default what remains), or the error Stripe gives. The
    caller holds the charge's lock, under which every dispute status change happens: a
    charge under an inquiry is refundable as any other, a charged-back one is not."""
    if charge.disputed and not _under_inquiry(charge):
        raise InvalidState(
            f"Charge {charge.id} has been charged back; cannot issue a refund.",
            code="charge_disputed", param="charge")
    if charge.amount_captured <= 0:
        raise InvalidState(
            f"Charge {charge.id} has not been captured, so there is nothing to refund.",
            code="charge_not_refundable", param="charge")
    window = timedelta(days=settings.TILL_REFUND_WINDOW_DAYS)
    if charge.created < clock.now() - window:
        raise InvalidState(
            f"Charge {charge.id} is older than {settings.TILL_REFUND_WINDOW_DAYS} days and "
            "can no longer be refunded.", code="charge_expired_for_refund", param="charge")
    remaining = selectors.charge_refundable_amount(charge=charge)
    if remaining <= 0:
        raise InvalidState(f"Charge {charge.id} has already been refunded.",
                           code="charge_already_refunded", param="charge")
    if amount is None:
        return remaining
    if amount > remaining:
        raise InvalidRequest(
            f"Refund amount ({format_money(amount, charge.currency)}) is greater than "
            f"unrefunded amount on charge ({format_money(remaining, charge.currency)})",
            param="amount")
    return amount


def _under_inquiry(charge: Charge) -> bool:
    """Whether the (locked) charge's dispute is an inquiry (`warning_*`). A charge marked
    disputed without its dispute row counts as charged back."""
    dispute = dispute_selectors.dispute_of_charge(charge_id=charge.id)
    return dispute is not None and dispute.is_inquiry


def refund_accept(*, merchant: Merchant, livemode: bool, actor: Actor,
                  charge: str | None = None, payment_intent: str | None = None,
                  amount: int | None = None, reason: str | None = None,
                  metadata: MetadataUpdate | None = None) -> Refund:
    """Phase 1, in the caller's transaction: the refund created `pending` and counted on
    its charge (locked here), with its events and the audit record of who asked for it."""
    locked = _charge_to_refund(merchant=merchant, livemode=livemode, charge=charge,
                               payment_intent=payment_intent)
    amount = _check_refundable(locked, amount=amount)
    # The processor that made the charge refunds it: refused here, changing nothing, when
    # it is no longer connected (charge_processor_disconnected).
    processor_for_charge(merchant=merchant, livemode=livemode, charge=locked)
    refund = Refund(merchant=merchant, livemode=livemode, charge=locked,
                    payment_intent_id=locked.payment_intent_id, amount=amount,
                    currency=locked.currency, reason=reason, requested_by=actor.id,
                    metadata=metadata_apply({}, metadata))
    refund.begin_refund(at=clock.now())
    if _needs_approval(merchant, Money(amount, locked.currency)):
        refund.hold_for_approval()
    else:
        refund_booking(refund)
    refund.save()
    status_change_record(obj=refund, source="created", actor=actor)
    charge_refunded_by(locked, amount)
    events_record(EventSpec("refund.created", refund), EventSpec("charge.refunded", locked))
    return refund


def _needs_approval(merchant: Merchant, amount: Money) -> bool:
    threshold = merchant.refund_approval_threshold(amount.currency)
    return threshold is not None and amount > threshold


def refund_settle(*, id: str) -> Refund:  # noqa: A002
    """Asks the processor where a pending refund stands and records the answer. Safe to run
    twice; a refund still pending is left for the next sweep."""
    refund = Refund.objects.select_related("merchant", "charge").get(pk=id)
    if refund.status != Refund.Status.PENDING or refund.operation is not None:
        return refund
    try:
        processor = processor_for_charge(merchant=refund.merchant, livemode=refund.livemode,
                                         charge=refund.charge)
        status = processor.refund_status(idempotency_key=f"{refund.id}:refund",
                                         reference=refund.processor_reference or "")
    except (DomainError, ProcessorUnavailable):
        return refund  # no processor to ask now: the next sweep asks again
    if status.outcome == Outcome.PENDING:
        return refund
    with transaction.atomic(durable=True):
        charge = selectors.charge_get_locked_by_id(id=refund.charge_id)
        refund = selectors.refund_get_locked_by_id(id=id)
        if refund.status != Refund.Status.PENDING or refund.operation is not None:
            return refund
        source = refund.status
        succeeded = status.outcome == Outcome.SUCCEEDED
        refund_settled(refund, charge, succeeded=succeeded,
                       failure_reason=None if succeeded else failure_reason(status.decline))
        status_change_record(obj=refund, source=source, actor=TILL)
    return refund


def refunds_settle_due() -> int:
    """The sweep behind the settle messages: finishes processor calls (and releases of
    uncaptured authorizations) interrupted between phases, then settles pending refunds.
    Returns how many refunds left `pending`."""
    before = clock.now() - timedelta(seconds=settings.TILL_PAYMENT_RECOVERY_SECONDS)
    for pk in selectors.refund_ids_in_flight_since(before=before):
        refund = Refund.objects.select_related("merchant", "charge__payment_method").get(pk=pk)
        try:
            if refund.operation == "release":
                release_finish(refund)
            else:
                refund_run(refund, processor_for_charge(
                    merchant=refund.merchant, livemode=refund.livemode, charge=refund.charge),
                    actor=TILL)
        except (DomainError, ProcessorUnavailable):
            continue
    return sum(refund_settle(id=pk).status != Refund.Status.PENDING
               for pk in selectors.refund_ids_pending())


def refund_update(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                  metadata: MetadataUpdate | None = None) -> Refund:
    """Updates a refund's metadata under its row lock; `refund.updated` carries the old
    values (none when nothing changed)."""
    with transaction.atomic(durable=True):
        refund = selectors.refund_get_locked(id=id, merchant=merchant, livemode=livemode)
        if metadata is None:
            return refund
        before = render(refund)
        refund.metadata = metadata_apply(refund.metadata, metadata)
        refund.save(update_fields=["metadata"])
        after = render(refund)
        changed = previous_attributes(before, after)
        if changed:
            events_record(EventSpec("refund.updated", refund, previous_attributes=changed,
                                    payload=after))
    return refund


def refund_cancel(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                  actor: Actor) -> Refund:
    """Cancels a refund that awaits an action (`requires_action`, the only status Stripe
    lets a refund be canceled from; card refunds never are): the amount goes back to the
    charge, with `refund.updated` and `charge.refund.updated`."""
    charge_id = selectors.refund_get(id=id, merchant=merchant, livemode=livemode).charge_id
    with transaction.atomic(durable=True):
        charge = selectors.charge_get_locked_by_id(id=charge_id)
        refund = selectors.refund_get_locked(id=id, merchant=merchant, livemode=livemode)
        if refund.status != Refund.Status.REQUIRES_ACTION or not can_proceed(refund.cancel):
            raise InvalidState(
                f"You cannot cancel this refund because it has a status of {refund.status}. "
                "Only a refund with a status of requires_action may be canceled.",
                code="refund_unexpected_state", param="id")
        source = refund.status
        before = render(refund)
        refund.cancel()
        refund.save()
        refund_given_back(refund, charge, before=before)
        status_change_record(obj=refund, source=source, actor=actor)
    return refund
