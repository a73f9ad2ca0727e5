"""Capturing and canceling a payment intent: an authorization captured (all of it or part,
the rest released), or the intent canceled, its authorization voided with the processor
first. Phased like a confirmation (core.phases; payments.services.payment_intents)."""

from django.utils import timezone
from django_fsm import can_proceed

from core import clock
from core.actor import Actor
from core.audit import status_change_record
from core.exceptions import InvalidRequest
from core.hooks import PaymentOutcome, payment_outcome_dispatch
from core.metadata import MetadataUpdate, metadata_apply
from core.phases import phase_one, phased
from core.request_writes import result_here
from merchants.models import Merchant
from payments import selectors
from payments.models import PaymentIntent
from payments.processors import processor_for, processor_for_charge
from payments.processors.base import Outcome, Settlement
from payments.services.charge_funds import charge_captured, charge_hold_released
from payments.services.common import (
    CANCELABLE,
    CAPTURABLE,
    already_recorded,
    attempt_in_flight,
    refuse_if_busy,
    unexpected_state,
)
from payments.services.payment_outcomes import outcome_record
from webhooks.services import EventSpec, event_record, events_record


def payment_intent_capture(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                           actor: Actor, amount_to_capture: int | None = None,
                           metadata: MetadataUpdate | None = None) -> PaymentIntent:
    """Captures an authorization, all of it or `amount_to_capture` (the rest is released):
    `charge.captured` and `payment_intent.succeeded`. Phased like a confirmation, under the
    key `<id>:capture`; racing a cancel, exactly one of them applies. The processor that
    made the authorization captures it (refused, changing nothing, if it is gone)."""
    processor_for(merchant=merchant, livemode=livemode)  # live mode without one: refused
    with phase_one():
        intent = selectors.payment_intent_get_locked(id=id, merchant=merchant,
                                                     livemode=livemode)
        refuse_if_busy(intent)
        if not can_proceed(intent.begin_capture):
            raise unexpected_state(intent, "capture", CAPTURABLE)
        processor = processor_for_charge(merchant=merchant, livemode=livemode,
                                         charge=intent.latest_charge)
        amount = amount_to_capture or intent.amount_capturable
        if amount > intent.amount_capturable:
            raise InvalidRequest(
                f"The amount_to_capture ({amount}) is greater than the amount capturable on "
                f"this PaymentIntent ({intent.amount_capturable}).",
                code="amount_too_large", param="amount_to_capture")
        intent.metadata = metadata_apply(intent.metadata, metadata)
        intent.begin_capture(at=timezone.now(), amount=amount)  # a real-time lease
        intent.save()
    return capture_run(intent, processor, actor=actor)


def capture_run(intent: PaymentIntent, processor, *, actor: Actor) -> PaymentIntent:
    amount = intent.operation_options["amount"]
    reference = intent.latest_charge.processor_reference
    intent, _ = phased(
        call=lambda: processor.capture(idempotency_key=f"{intent.id}:capture",
                                       reference=reference, amount=amount),
        lock=lambda: selectors.payment_intent_get_locked_by_id(id=intent.id),
        in_flight=attempt_in_flight("capture", intent.attempt),
        record=lambda current, answer: _capture_record(current, answer, actor=actor),
        recorded=already_recorded)
    return intent


def _capture_record(intent: PaymentIntent, settlement: Settlement, *, actor: Actor
                    ) -> tuple[PaymentIntent, None]:
    amount = intent.operation_options["amount"]
    charge = selectors.charge_get_locked_by_id(id=intent.latest_charge_id)
    source = intent.status
    intent.end_operation()
    charge_captured(charge, merchant=intent.merchant, amount=amount, processor_fee=settlement.fee)
    outcome_record(intent, outcome=Outcome.SUCCEEDED, charge=charge, amount_received=amount,
                   charge_event="charge.captured")
    status_change_record(obj=intent, source=source, actor=actor)
    result_here(intent)
    return intent, None


def payment_intent_cancel(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                          actor: Actor, cancellation_reason: str | None = None,
                          expired: bool = False) -> PaymentIntent:
    """Cancels an intent (`payment_intent.canceled`); an authorization is voided with the
    processor first (phased, key `<id>:cancel`), and its charge shows the hold released."""
    with phase_one():
        intent = selectors.payment_intent_get_locked(id=id, merchant=merchant,
                                                     livemode=livemode)
        refuse_if_busy(intent)
        if not can_proceed(intent.begin_cancel):
            raise unexpected_state(intent, "cancel", CANCELABLE)
        source = intent.status
        if intent.status != PaymentIntent.Status.REQUIRES_CAPTURE:
            intent.mark_canceled(reason=cancellation_reason, at=clock.now())
            intent.save()
            event_record(type="payment_intent.canceled", obj=intent)
            payment_outcome_dispatch(intent=intent, outcome=PaymentOutcome.CANCELED)
            status_change_record(obj=intent, source=source, actor=actor)
            result_here(intent)
            return intent
        # The processor that made the authorization voids it (refused here if it is gone).
        processor = processor_for_charge(merchant=merchant, livemode=livemode,
                                         charge=intent.latest_charge)
        intent.begin_cancel(at=timezone.now(), reason=cancellation_reason)  # a real-time lease
        intent.operation_options["expired"] = expired
        intent.save()
    return cancel_run(intent, processor, actor=actor)


def cancel_run(intent: PaymentIntent, processor, *, actor: Actor) -> PaymentIntent:
    reference = intent.latest_charge.processor_reference
    intent, _ = phased(
        call=lambda: processor.void(idempotency_key=f"{intent.id}:cancel",
                                    reference=reference),
        lock=lambda: selectors.payment_intent_get_locked_by_id(id=intent.id),
        in_flight=attempt_in_flight("cancel", intent.attempt),
        record=lambda current, _: _cancel_record(current, actor=actor),
        recorded=already_recorded)
    return intent


def _cancel_record(intent: PaymentIntent, *, actor: Actor) -> tuple[PaymentIntent, None]:
    options = intent.operation_options
    charge = selectors.charge_get_locked_by_id(id=intent.latest_charge_id)
    source = intent.status
    intent.end_operation()
    intent.mark_canceled(reason=options.get("reason"), at=clock.now())
    intent.save()
    charge_hold_released(charge)
    events_record(*([EventSpec("charge.expired", charge)] if options.get("expired")
                    else []), EventSpec("payment_intent.canceled", intent))
    payment_outcome_dispatch(intent=intent, outcome=PaymentOutcome.CANCELED, charge=charge)
    status_change_record(obj=intent, source=source, actor=actor)
    result_here(intent)
    return intent, None
