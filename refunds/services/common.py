"""What the refund services share: whether an intent can be refunded, the processor's phases
of a refund (core.phases), the settlement's record, and a refund given back to its charge
(counted through payments' charge_funds, the one writer of a charge's money)."""

import logging

from core.actor import Actor
from core.audit import status_change_record
from core.exceptions import InvalidState
from core.phases import phased
from core.wire import render
from disputes.funds import chargeback_withdraw_released
from ledger.services.bookings import refund_booked, refund_failure_booked
from payments.models import Charge, PaymentIntent
from payments.processors import processor_answer_on_commit
from payments.processors.base import Outcome, ProcessorUnavailable
from payments.services.charge_funds import charge_refunded_by
from refunds import selectors
from refunds.models import Refund
from webhooks.services import EventSpec, events_record, previous_attributes

logger = logging.getLogger("till.refunds")


def check_intent_refundable(intent: PaymentIntent, *, param: str) -> None:
    status = intent.status
    if status == PaymentIntent.Status.SUCCEEDED:
        return
    if status == PaymentIntent.Status.REQUIRES_CAPTURE:
        advice = "Cancel the PaymentIntent instead to release the uncaptured funds."
    else:
        advice = "Only a PaymentIntent with a status of succeeded can be refunded."
    raise InvalidState(
        f"This PaymentIntent ({intent.id}) cannot be refunded because it has a status of "
        f"{status}. {advice}", code="payment_intent_unexpected_state", param=param)


def refund_run(refund: Refund, processor, *, actor: Actor) -> Refund:
    """Phases 2 and 3: the processor call, then its answer recorded once (under the charge
    and refund locks, in that order), as `actor`'s."""
    charge = refund.charge
    request = {"idempotency_key": f"{refund.id}:refund",
               "reference": charge.processor_reference or "", "amount": refund.amount,
               "currency": refund.currency, "card_token": charge.payment_method.processor_token}
    locked: dict[str, Charge] = {}

    def lock() -> Refund:
        locked["charge"] = selectors.charge_get_locked_by_id(id=refund.charge_id)
        return selectors.refund_get_locked_by_id(id=refund.id)

    return phased(call=lambda: processor.refund(**request), lock=lock,
                  in_flight=lambda current: current.operation == "refund",
                  record=lambda current, result: _refund_record(current, locked["charge"],
                                                                result, actor=actor),
                  recorded=lambda current: current)


def _refund_record(refund: Refund, charge: Charge, result, *, actor: Actor) -> Refund:
    source = refund.status
    refund.mark_accepted(reference=result.reference)
    if result.outcome == Outcome.SUCCEEDED:
        refund_settled(refund, charge, succeeded=True)
    elif result.outcome == Outcome.DECLINED:
        refund_settled(refund, charge, succeeded=False,
                       failure_reason=failure_reason(result.decline))
    else:
        refund.save()
        settle_on_commit(refund)
    status_change_record(obj=refund, source=source, actor=actor)
    return refund


def refund_run_or_recover(refund: Refund, processor, *, actor: Actor) -> Refund:
    if refund.operation != "refund":
        return refund  # waiting for approval: nothing to ask the processor yet
    try:
        return refund_run(refund, processor, actor=actor)
    except ProcessorUnavailable:
        # Accepted and counted: the recovery sweep asks again under the same key.
        logger.warning("processor unavailable for refund %s; left for recovery", refund.id)
        return refund


def failure_reason(decline) -> str:
    known = {"declined", "expired_or_canceled_card", "insufficient_funds",
             "lost_or_stolen_card", "merchant_request", "charge_for_pending_refund_disputed"}
    code = decline.code if decline is not None else None
    return code if code in known else "unknown"


def refund_booking(refund: Refund) -> None:
    """The refund's money is being sent to the card (accepted without approval, or
    approved): debited from the balance, in the caller's transaction; the caller saves."""
    refund.balance_transaction = refund_booked(
        merchant_id=refund.merchant_id, livemode=refund.livemode, refund_id=refund.id,
        charge_id=refund.charge_id, amount=refund.amount, currency=refund.currency)


def _refund_unbooking(refund: Refund) -> bool:
    """A refund that will not reach the card after all: what its booking debited goes back
    to the balance (nothing when it was never booked). The caller saves."""
    if refund.balance_transaction_id is None or refund.failure_balance_transaction_id:
        return False
    refund.failure_balance_transaction = refund_failure_booked(
        merchant_id=refund.merchant_id, livemode=refund.livemode, refund_id=refund.id,
        charge_id=refund.charge_id, amount=refund.amount, currency=refund.currency)
    return True


def refund_settled(refund: Refund, charge: Charge, *, succeeded: bool,
                    failure_reason: str | None = None) -> None:
    """Records a refund's final answer under the charge's lock: `refund.updated` and
    `charge.refund.updated`; a failure also gives the amount back to the charge and sends
    `refund.failed` first."""
    before = render(refund)
    if succeeded:
        refund.mark_succeeded()
    else:
        refund.mark_failed(failure_reason=failure_reason)
        charge_refunded_by(charge, -refund.amount)
        _refund_unbooking(refund)
    refund.save()
    after = render(refund)
    changed = previous_attributes(before, after)
    events_record(*([] if succeeded else [EventSpec("refund.failed", refund, payload=after)]),
                  EventSpec("refund.updated", refund, previous_attributes=changed,
                            payload=after),
                  EventSpec("charge.refund.updated", refund, previous_attributes=changed,
                            payload=after))
    if not succeeded:
        chargeback_withdraw_released(charge=charge, amount=refund.amount)


def refund_given_back(refund: Refund, charge: Charge, *, before: dict) -> None:
    """A refund that will not move money after all (canceled, rejected; saved by the caller
    under the charge's lock): its amount back to the charge, `refund.updated` and
    `charge.refund.updated` with the values of `before`, and a chargeback topped up with
    what it no longer leaves refunded."""
    charge_refunded_by(charge, -refund.amount)
    if _refund_unbooking(refund):
        refund.save(update_fields=["failure_balance_transaction"])
    after = render(refund)
    changed = previous_attributes(before, after)
    events_record(EventSpec("refund.updated", refund, previous_attributes=changed,
                            payload=after),
                  EventSpec("charge.refund.updated", refund, previous_attributes=changed,
                            payload=after))
    chargeback_withdraw_released(charge=charge, amount=refund.amount)


def settle_on_commit(refund: Refund) -> None:
    from refunds.tasks import refund_settle  # tasks import services

    processor_answer_on_commit(refund_settle, refund.id)
