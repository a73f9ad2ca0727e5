"""The one place a payment intent's outcome is recorded: the charge of an attempt, the
transition, the events in Stripe's order, and the outcome hooks (core.hooks), all in the
caller's transaction with the intent (and its charge) locked."""

from datetime import timedelta
from typing import Any

from django.conf import settings

from core import clock
from core.db import insert
from core.exceptions import PaymentDeclined
from core.hooks import PaymentOutcome, payment_outcome_dispatch
from core.wire import render
from payments.models import Charge, PaymentIntent
from payments.processors import processor_answer_on_commit
from payments.processors.base import Authorization, Decline, Outcome, Processor
from payments.services.charge_funds import charge_booking
from payments.services.common import decline_error, next_action
from payments.services.receipts import receipt_send_on_commit
from webhooks.services import EventSpec, event_record, events_record


def outcome_record(intent: PaymentIntent, *, outcome: Outcome, charge: Charge | None = None,
                   decline: Decline | None = None, amount_received: int | None = None,
                   charge_event: str = "charge.succeeded",
                   processor_action: dict | None = None) -> PaymentDeclined | None:
    """Records what the processor (or the cardholder) answered for `intent`: succeeded,
    authorized, pending, requires_action or declined. Returns the card error owed to the
    caller for a decline (raised by the caller once the transaction commits).
    `processor_action`: the next action of a processor that runs 3-D Secure itself
    (Stripe's), shown instead of Till's challenge page."""
    if outcome == Outcome.REQUIRES_ACTION:
        intent.require_action(next_action=processor_action
                              or next_action(intent, page="pages:authenticate"))
        intent.save()
        event_record(type="payment_intent.requires_action", obj=intent)
        payment_outcome_dispatch(intent=intent, outcome=PaymentOutcome.REQUIRES_ACTION)
        return None
    if outcome == Outcome.DECLINED:
        return _payment_failed(intent, charge, decline)
    if outcome == Outcome.SUCCEEDED:
        intent.mark_succeeded(amount_received=amount_received if amount_received is not None
                              else intent.amount)
        intent.save()
        events_record(EventSpec(charge_event, charge),
                      EventSpec("payment_intent.succeeded", intent))
        payment_outcome_dispatch(intent=intent, outcome=PaymentOutcome.SUCCEEDED, charge=charge)
        if charge is not None:
            receipt_send_on_commit(charge)
    elif outcome == Outcome.AUTHORIZED:
        intent.mark_authorized(amount_capturable=intent.amount,
                               capture_before=intent.capture_before)
        intent.save()
        events_record(EventSpec("charge.succeeded", charge),
                      EventSpec("payment_intent.amount_capturable_updated", intent))
    else:
        intent.mark_processing()
        intent.save()
        events_record(EventSpec("charge.pending", charge),
                      EventSpec("payment_intent.processing", intent))
        _settle_on_commit(intent)
    return None


def _payment_failed(intent: PaymentIntent, charge: Charge | None,
                    decline: Decline) -> PaymentDeclined:
    error_object = {"type": "card_error", "code": decline.code,
                    "decline_code": decline.decline_code, "message": decline.message,
                    "param": decline.param, "charge": charge.id if charge else None,
                    "payment_method": render(intent.payment_method),
                    "doc_url": f"https://stripe.com/docs/error-codes/{decline.code}"}
    intent.mark_failed(error={k: v for k, v in error_object.items() if v is not None})
    intent.save()
    events_record(*([EventSpec("charge.failed", charge)] if charge is not None else []),
                  EventSpec("payment_intent.payment_failed", intent))
    payment_outcome_dispatch(intent=intent, outcome=PaymentOutcome.FAILED, charge=charge)
    return decline_error(decline, charge=charge.id if charge else None,
                         payment_intent=intent, payment_method=intent.payment_method,
                         doc_url=error_object["doc_url"])


def _settle_on_commit(intent: PaymentIntent) -> None:
    from payments.tasks import payment_intent_settle  # tasks import services

    processor_answer_on_commit(payment_intent_settle, intent.id)


def charge_for_attempt(intent: PaymentIntent, result: Authorization, outcome: Outcome,
                       decline: Decline | None, *, authenticated: bool,
                       processor: Processor) -> Charge:
    """The Charge of one confirmation's answer from `processor` (inserted, with which
    processor and account made it); an authorization also sets the intent's
    `capture_before`."""
    method = intent.payment_method
    card = method.card
    status = {Outcome.DECLINED: Charge.Status.FAILED,
              Outcome.PENDING: Charge.Status.PENDING}.get(outcome, Charge.Status.SUCCEEDED)
    captured = outcome == Outcome.SUCCEEDED
    capture_before = None
    if outcome == Outcome.AUTHORIZED:
        capture_before = clock.now() + timedelta(days=settings.TILL_AUTHORIZATION_VALID_DAYS)
    charge = Charge(
        merchant_id=intent.merchant_id, livemode=intent.livemode, payment_intent=intent,
        customer_id=intent.customer_id, payment_method=method, amount=intent.amount,
        amount_captured=intent.amount if captured else 0, currency=intent.currency,
        status=status, captured=captured, description=intent.description,
        receipt_email=intent.receipt_email, statement_descriptor=intent.statement_descriptor,
        metadata=intent.metadata,
        failure_code=decline.code if decline else None,
        failure_message=decline.message if decline else None,
        processor_reference=result.reference, processor=processor.name,
        processor_account=processor.account_id,
        outcome=_charge_outcome(result, decline),
        payment_method_details={"type": "card", "card": {
            "amount_authorized": None if decline else intent.amount,
            "brand": card["brand"], "capture_before": int(capture_before.timestamp())
            if capture_before else None,
            "checks": card["checks"], "country": card["country"],
            "exp_month": card["exp_month"], "exp_year": card["exp_year"],
            "fingerprint": card["fingerprint"], "funding": card["funding"],
            "last4": card["last4"], "network": card["brand"],
            "three_d_secure": {"authentication_flow": "challenge", "result": "authenticated",
                               "version": "2.2.0"}
            if authenticated else None,
            "wallet": None,
            # Kept: a merchant-initiated payment on the card later cites the network's id.
            "authorization_code": result.authorization_code,
            "network_transaction_id": result.network_transaction_id}})
    if captured:
        charge_booking(charge, merchant=intent.merchant, processor_fee=result.fee)
    insert(charge)
    if capture_before is not None:
        intent.capture_before = capture_before
    return charge


def _charge_outcome(result: Authorization, decline: Decline | None) -> dict[str, Any]:
    """Stripe's `charge.outcome`: authorized, declined by the bank, or blocked as too risky
    before reaching it."""
    if result.blocked:
        reason, kind = "highest_risk_level", "blocked"
        message = "Till blocked this payment as too risky."
    elif decline:
        reason, kind = decline.decline_code, "issuer_declined"
        message = "The bank did not return any further details with this decline."
    else:
        reason, kind, message = None, "authorized", "Payment complete."
    advice_code, network_decline_code = None, None
    if decline and result.network_status != "not_sent_to_network":
        advice_code, network_decline_code = _NETWORK_DECLINES.get(
            decline.decline_code or "", ("try_again_later", "05"))
        advice_code = decline.advice_code or advice_code
    return {"advice_code": advice_code, "network_advice_code": None,
            "network_decline_code": network_decline_code,
            "network_status": result.network_status, "reason": reason,
            "risk_level": result.risk_level, "risk_score": result.risk_score,
            "seller_message": message, "type": kind}


# What a bank's decline tells a retry (Stripe's `outcome.advice_code`) and the network's raw
# response code (ISO 8583 field 39, as Visa sends it) for each of Stripe's decline codes.
_NETWORK_DECLINES: dict[str, tuple[str, str]] = {
    "generic_decline": ("try_again_later", "05"),
    "insufficient_funds": ("try_again_later", "51"),
    "card_velocity_exceeded": ("try_again_later", "61"),
    "processing_error": ("try_again_later", "96"),
    "lost_card": ("do_not_try_again", "41"),
    "stolen_card": ("do_not_try_again", "43"),
    "fraudulent": ("do_not_try_again", "59"),
    "expired_card": ("confirm_card_data", "54"),
    "incorrect_cvc": ("confirm_card_data", "N7"),
}


def payment_method_after_use(intent: PaymentIntent) -> None:
    """`setup_future_usage` saves the card to the customer for later (authenticated now, so
    ready for off-session use); a card used without a customer cannot be used again."""
    method = intent.payment_method
    if intent.setup_future_usage and intent.customer_id:
        changed = ["off_session_ready"]
        method.off_session_ready = True
        if method.customer_id is None:
            method.customer_id = intent.customer_id
            changed.append("customer")
        method.save(update_fields=changed)
        if "customer" in changed:
            event_record(type="payment_method.attached", obj=method)
    elif method.customer_id is None and method.consumed_at is None:
        method.consumed_at = clock.now()
        method.save(update_fields=["consumed_at"])


