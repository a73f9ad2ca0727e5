"""Refunds: every write. Money never goes back twice.

A refund moves in atomic phases (DESIGN.md). Phase 1 locks the charge, checks what remains
unrefunded (the charge's pending and succeeded refunds), creates the refund `pending`, counts
its amount on the charge and records `refund.created` + `charge.refunded`, all in one
transaction: concurrent refunds of one charge queue on its row lock, so together they never
exceed the captured amount. Phase 2 asks the processor, outside any transaction, under the
key `<re_id>:refund`. Phase 3 records the processor's reference and enqueues the settlement,
which later moves the refund to `succeeded`, or to `failed` giving the amount back.
"""

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from api.errors import InvalidRequestError
from api.objects import render
from api.params import metadata_apply
from merchants.models import Merchant
from merchants.services import status_change_record
from payments import selectors as payment_selectors
from payments.models import Charge, PaymentIntent
from payments.money import format_money
from payments.processors import processor_for
from payments.processors.base import Outcome, ProcessorUnavailable
from refunds import selectors
from refunds.models import Refund
from webhooks.services import EventSpec, events_record, previous_attributes

logger = logging.getLogger("till.refunds")


def _transition(refund: Refund, source: str) -> None:
    status_change_record(obj=refund, source=source, target=refund.status)


def _charge_to_refund(*, merchant: Merchant, livemode: bool, params: dict[str, Any]
                      ) -> Charge:
    """The charge a refund request names, locked: given as `charge`, or as the
    `payment_intent` whose latest charge it is (which must have succeeded)."""
    intent_id = params.get("payment_intent")
    if intent_id is None:
        charge = selectors.charge_get_locked(id=params["charge"], merchant=merchant,
                                             livemode=livemode, param="charge")
        _check_intent_refundable(charge.payment_intent, param="charge")
        return charge
    intent = payment_selectors.payment_intent_get(id=intent_id, merchant=merchant,
                                                  livemode=livemode, param="payment_intent")
    _check_intent_refundable(intent, param="payment_intent")
    return selectors.charge_get_locked(id=intent.latest_charge_id, merchant=merchant,
                                       livemode=livemode, param="payment_intent")


def _check_intent_refundable(intent: PaymentIntent, *, param: str) -> None:
    status = intent.status
    if status == PaymentIntent.Status.SUCCEEDED:
        return
    if status == PaymentIntent.Status.REQUIRES_CAPTURE:
        advice = "Cancel the PaymentIntent instead to release the uncaptured funds."
    else:
        advice = "Only a PaymentIntent with a status of succeeded can be refunded."
    raise InvalidRequestError(
        f"This PaymentIntent ({intent.id}) cannot be refunded because it has a status of "
        f"{status}. {advice}", code="payment_intent_unexpected_state", param=param)


def _check_refundable(charge: Charge, *, amount: int | None) -> int:
    """The amount to refund (by default what remains), or the error Stripe gives."""
    if charge.disputed:
        raise InvalidRequestError(
            f"Charge {charge.id} has been charged back; cannot issue a refund.",
            code="charge_disputed", param="charge")
    if charge.amount_captured <= 0:
        raise InvalidRequestError(
            f"Charge {charge.id} has not been captured, so there is nothing to refund.",
            code="charge_not_refundable", param="charge")
    window = timedelta(days=settings.TILL_REFUND_WINDOW_DAYS)
    if charge.created < timezone.now() - window:
        raise InvalidRequestError(
            f"Charge {charge.id} is older than {settings.TILL_REFUND_WINDOW_DAYS} days and "
            "can no longer be refunded.", code="charge_expired_for_refund", param="charge")
    remaining = charge.amount_captured - selectors.refund_amount_held(charge=charge)
    if remaining <= 0:
        raise InvalidRequestError(f"Charge {charge.id} has already been refunded.",
                                  code="charge_already_refunded", param="charge")
    if amount is None:
        return remaining
    if amount > remaining:
        raise InvalidRequestError(
            f"Refund amount ({format_money(amount, charge.currency)}) is greater than "
            f"unrefunded amount on charge ({format_money(remaining, charge.currency)})",
            param="amount")
    return amount


def refund_create(*, merchant: Merchant, livemode: bool, params: dict[str, Any]) -> Refund:
    """Refunds a captured charge, given as `charge` or `payment_intent`: all that remains
    unrefunded, or `amount` of it.

    Guarantees, under the charge's row lock: the charge's pending and succeeded refunds
    never exceed its captured amount; the refund (`pending`), the charge's
    `amount_refunded`/`refunded` and the events `refund.created` + `charge.refunded` commit
    together. The processor is then asked under the key `<re_id>:refund`; the settlement
    task finishes the refund.
    """
    processor = processor_for(merchant=merchant, livemode=livemode)
    with transaction.atomic(durable=True):
        charge = _charge_to_refund(merchant=merchant, livemode=livemode, params=params)
        amount = _check_refundable(charge, amount=params.get("amount"))
        refund = Refund(merchant=merchant, livemode=livemode, charge=charge,
                        payment_intent_id=charge.payment_intent_id, amount=amount,
                        currency=charge.currency, reason=params.get("reason"),
                        metadata=metadata_apply({}, params.get("metadata") or {}))
        refund.begin_refund(at=timezone.now())
        refund.save()
        _charge_refunded_by(charge, amount)
        events_record(EventSpec("refund.created", refund), EventSpec("charge.refunded", charge))
    try:
        return _refund_run(refund, processor)
    except ProcessorUnavailable:
        # Accepted and counted: the recovery sweep asks again under the same key.
        logger.warning("processor unavailable for refund %s; left for recovery", refund.id)
        return refund


def _charge_refunded_by(charge: Charge, amount: int) -> None:
    """Counts `amount` on the charge (negative: gives it back); the caller holds its lock."""
    charge.amount_refunded = max(charge.amount_refunded + amount, 0)
    charge.refunded = charge.amount_refunded >= charge.amount_captured > 0
    charge.save(update_fields=["amount_refunded", "refunded"])


def _refund_run(refund: Refund, processor) -> Refund:
    """Phases 2 and 3: the processor call, then its answer recorded once."""
    charge = refund.charge
    result = processor.refund(idempotency_key=f"{refund.id}:refund",
                              reference=charge.processor_reference or "", amount=refund.amount,
                              currency=refund.currency,
                              card_token=charge.payment_method.processor_token)
    with transaction.atomic(durable=True):
        charge = selectors.charge_get_locked_by_id(id=refund.charge_id)
        refund = selectors.refund_get_locked_by_id(id=refund.id)
        if refund.operation != "refund":
            return refund
        source = refund.status
        refund.mark_accepted(reference=result.reference)
        if result.outcome == Outcome.SUCCEEDED:
            _refund_settled(refund, charge, succeeded=True)
        elif result.outcome == Outcome.DECLINED:
            _refund_settled(refund, charge, succeeded=False,
                            failure_reason=_failure_reason(result.decline))
        else:
            refund.save()
            _settle_on_commit(refund)
        _transition(refund, source)
    return refund


def _failure_reason(decline) -> str:
    known = {"declined", "expired_or_canceled_card", "insufficient_funds",
             "lost_or_stolen_card", "merchant_request", "charge_for_pending_refund_disputed"}
    code = decline.code if decline is not None else None
    return code if code in known else "unknown"


def _refund_settled(refund: Refund, charge: Charge, *, succeeded: bool,
                    failure_reason: str | None = None) -> None:
    """Records a refund's final answer under the charge's lock: `refund.updated` and
    `charge.refund.updated`; a failure also gives the amount back to the charge and sends
    `refund.failed` first."""
    before = render(refund)
    if succeeded:
        refund.mark_succeeded()
    else:
        refund.mark_failed(failure_reason=failure_reason)
        _charge_refunded_by(charge, -refund.amount)
    refund.save()
    after = render(refund)
    changed = previous_attributes(before, after)
    events_record(*([] if succeeded else [EventSpec("refund.failed", refund, payload=after)]),
                  EventSpec("refund.updated", refund, previous_attributes=changed,
                            payload=after),
                  EventSpec("charge.refund.updated", refund, previous_attributes=changed,
                            payload=after))


def _settle_on_commit(refund: Refund) -> None:
    from refunds.tasks import refund_settle

    refund_id = refund.id

    def enqueue_settlement() -> None:
        refund_settle.apply_async(args=[refund_id],
                                  countdown=settings.TILL_SIMULATED_SETTLEMENT_SECONDS)

    transaction.on_commit(enqueue_settlement, robust=True)


def refund_settle(*, id: str) -> Refund:  # noqa: A002
    """Asks the processor where a pending refund stands and records the answer. Safe to run
    twice; a refund still pending is left for the next sweep."""
    refund = Refund.objects.select_related("merchant").get(pk=id)
    if refund.status != Refund.Status.PENDING or refund.operation is not None:
        return refund
    try:
        processor = processor_for(merchant=refund.merchant, livemode=refund.livemode)
        status = processor.refund_status(idempotency_key=f"{refund.id}:refund",
                                         reference=refund.processor_reference or "")
    except (InvalidRequestError, ProcessorUnavailable):
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
        _refund_settled(refund, charge, succeeded=succeeded,
                        failure_reason=None if succeeded else _failure_reason(status.decline))
        _transition(refund, source)
    return refund


def refunds_settle_due() -> int:
    """The sweep behind the settle messages: finishes processor calls interrupted between
    phases, then settles pending refunds. Returns how many refunds left `pending`."""
    before = timezone.now() - timedelta(seconds=settings.TILL_PAYMENT_RECOVERY_SECONDS)
    for pk in selectors.refund_ids_in_flight_since(before=before):
        refund = Refund.objects.select_related("merchant", "charge__payment_method").get(pk=pk)
        try:
            _refund_run(refund, processor_for(merchant=refund.merchant,
                                              livemode=refund.livemode))
        except (InvalidRequestError, ProcessorUnavailable):
            continue
    return sum(refund_settle(id=pk).status != Refund.Status.PENDING
               for pk in selectors.refund_ids_pending())


def refund_update(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                  params: dict[str, Any]) -> Refund:
    """Updates a refund's metadata under its row lock; `refund.updated` carries the old
    values (none when nothing changed)."""
    with transaction.atomic(durable=True):
        refund = selectors.refund_get_locked(id=id, merchant=merchant, livemode=livemode)
        if "metadata" not in params:
            return refund
        before = render(refund)
        refund.metadata = metadata_apply(refund.metadata, params["metadata"])
        refund.save(update_fields=["metadata"])
        after = render(refund)
        changed = previous_attributes(before, after)
        if changed:
            events_record(EventSpec("refund.updated", refund, previous_attributes=changed,
                                    payload=after))
    return refund


def refund_cancel(*, id: str, merchant: Merchant, livemode: bool) -> Refund:  # noqa: A002
    """Cancels a refund that awaits an action (`requires_action`, the only status Stripe
    lets a refund be canceled from; card refunds never are): the amount goes back to the
    charge, with `refund.updated` and `charge.refund.updated`."""
    charge_id = selectors.refund_get(id=id, merchant=merchant, livemode=livemode).charge_id
    with transaction.atomic(durable=True):
        charge = selectors.charge_get_locked_by_id(id=charge_id)
        refund = selectors.refund_get_locked(id=id, merchant=merchant, livemode=livemode)
        if refund.status != Refund.Status.REQUIRES_ACTION or not can_proceed(refund.cancel):
            raise InvalidRequestError(
                f"You cannot cancel this refund because it has a status of {refund.status}. "
                "Only a refund with a status of requires_action may be canceled.",
                code="refund_unexpected_state", param="id")
        source = refund.status
        before = render(refund)
        refund.cancel()
        refund.save()
        _charge_refunded_by(charge, -refund.amount)
        after = render(refund)
        changed = previous_attributes(before, after)
        events_record(EventSpec("refund.updated", refund, previous_attributes=changed,
                                payload=after),
                      EventSpec("charge.refund.updated", refund, previous_attributes=changed,
                                payload=after))
        _transition(refund, source)
    return refund
