"""What the hosted page does with a session: the customer's card paid or saved through the
session's one intent, and what the intent's outcome makes of the session.

The page tokenizes the card (payments' payment_method_create), then checkout_session_pay
confirms the session's intent with it, outside any lock: payments' own phases decide what is
charged, once. Completion follows the intent (checkout_session_payment_outcome_record in
payments' transaction, checkout_session_reconcile after a setup, an authorization or a
3-D Secure return).
"""

import logging

from django.db import transaction

from checkout import selectors
from checkout.models import CheckoutLineItem, CheckoutSession
from checkout.services.session_subscriptions import session_subscription_pay
from checkout.services.sessions import (
    PAYMENT_DONE,
    checkout_session_complete_locked,
    checkout_session_reconcile,
    line_quantity_apply,
    session_rendered,
    session_totals_apply,
)
from core import clock
from core.actor import TILL
from core.exceptions import InvalidState
from core.hooks import PaymentOutcome
from payments import selectors as payment_selectors
from payments import services as payment_services
from payments.models import PaymentIntent
from webhooks.services import EventSpec, events_record

logger = logging.getLogger(__name__)

Mode = CheckoutSession.Mode
PaymentStatus = CheckoutSession.PaymentStatus


def checkout_session_payable(session: CheckoutSession) -> None:
    """Refuses a session the customer can no longer pay: complete, expired, or past its
    `expires_at` (beat's sweep expires it shortly)."""
    if session.status != CheckoutSession.Status.OPEN or session.expires_at <= clock.now():
        raise InvalidState("This Checkout Session is no longer active.",
                           code="checkout_session_unexpected_state", checkout_session=session)


def checkout_session_pay(*, id: str, payment_method: str, email: str | None,  # noqa: A002
                         name: str | None, return_url: str) -> CheckoutSession:
    """Pays (payment mode) or saves the card for (setup mode) an open session with the
    card the page tokenized. The customer is created first when the session needs one
    (`customer_creation=always`, or a card to save for a customer) and has none; what the
    customer gave is kept for `customer_details`. The intent is confirmed with Till's return
    page as `return_url` (3-D Secure comes back there); a decline is raised once recorded,
    the session still open for another card. Concurrent submissions make one processor call
    (payments refuses the others as busy), and an intent that succeeded is never confirmed
    again."""
    session = selectors.checkout_session_get_by_id(id=id)
    checkout_session_payable(session)
    customer_id = _customer_for(session, email=email, name=name)
    merchant, livemode = session.merchant, session.livemode
    if session.mode == Mode.PAYMENT:
        intent = session.payment_intent
        if customer_id is not None and intent.customer_id is None:
            payment_services.payment_intent_update(
                id=intent.id, merchant=merchant, livemode=livemode, actor=TILL,
                customer=customer_id)
        payment_services.payment_intent_confirm(
            id=intent.id, merchant=merchant, livemode=livemode, actor=TILL,
            payment_method=payment_method, return_url=return_url)
    elif session.mode == Mode.SUBSCRIPTION:
        session_subscription_pay(session, customer_id=customer_id,
                                 payment_method=payment_method, return_url=return_url)
    else:
        setup_intent = session.setup_intent
        if customer_id is not None and setup_intent.customer_id is None:
            payment_services.setup_intent_update(
                id=setup_intent.id, merchant=merchant, livemode=livemode, actor=TILL,
                customer=customer_id)
        payment_services.setup_intent_confirm(
            id=setup_intent.id, merchant=merchant, livemode=livemode, actor=TILL,
            payment_method=payment_method, return_url=return_url)
    return checkout_session_reconcile(id=session.id)


def checkout_session_quantities_set(*, id: str,  # noqa: A002
                                    quantities: dict[str, int]) -> bool:
    """The customer's new quantities for the session's adjustable line items (by line item
    id), within each one's `adjustable_quantity` bounds: the lines, the session's totals and
    its intent's amount change together, in one transaction (the intent locked, then the
    session), so what is charged is always what the session shows. Refused once a payment is
    in flight or done, or (subscription mode) once the subscription is made. Returns whether
    anything changed."""
    session = selectors.checkout_session_get_by_id(id=id)
    checkout_session_payable(session)
    with transaction.atomic(durable=True):
        intent = (payment_selectors.payment_intent_get_locked_by_id(
            id=session.payment_intent_id) if session.payment_intent_id else None)
        session = selectors.checkout_session_get_locked_by_id(id=id)
        checkout_session_payable(session)
        lines = list(selectors.checkout_session_line_items(session=session))
        changed = [line for line in lines
                   if line.id in quantities and quantities[line.id] != line.quantity]
        if not changed:
            return False
        if session.subscription_id is not None or session.subscription_claimed_at:
            raise InvalidState("The subscription is already being made: its quantities can no "
                               "longer change.", code="checkout_session_unexpected_state")
        for line in changed:
            line_quantity_apply(line, quantities[line.id])
        CheckoutLineItem.objects.bulk_update(changed, ["quantity", "amount_subtotal",
                                                       "amount_total"])
        session_totals_apply(session, lines)
        session.save(update_fields=["amount_subtotal", "amount_total"])
        if intent is not None:
            payment_services.payment_intent_amount_set_locked(
                intent, amount=session.amount_total, actor=TILL)
    return True


def _customer_for(session: CheckoutSession, *, email: str | None,
                  name: str | None) -> str | None:
    """The session's customer, made now if the session needs one, and the details the
    customer gave, recorded on the session (under its lock; a customer another tab made
    meanwhile wins)."""
    customer_id = session.customer_id
    needs_customer = (session.mode == Mode.SUBSCRIPTION
                      or session.customer_creation == CheckoutSession.CustomerCreation.ALWAYS
                      or session.setup_future_usage is not None
                      or session.save_card_and_make_default)
    made = None
    if customer_id is None and needs_customer:
        made = payment_services.customer_create(
            merchant=session.merchant, livemode=session.livemode,
            email=email or session.customer_email, name=name or None)
    with transaction.atomic(durable=True):
        current = selectors.checkout_session_get_locked_by_id(id=session.id)
        if current.customer_id is None and made is not None:
            current.customer_id = made.id
        current.customer_details = {**(current.customer_details or {}),
                                    "email": email or current.customer_email,
                                    "name": name or None}
        current.save(update_fields=["customer", "customer_details"])
    return current.customer_id


def checkout_session_payment_outcome_record(*, intent: PaymentIntent,
                                            outcome: PaymentOutcome) -> None:
    """In payments' recording transaction (the intent locked; the session locked here): a
    payment that succeeded completes its open session (`paid`); for a session completed
    while its payment was processing, success pays it
    (`checkout.session.async_payment_succeeded`) and failure is told
    (`checkout.session.async_payment_failed`). A decline leaves an open session for
    another card."""
    session = selectors.checkout_session_of_payment_intent_locked(payment_intent_id=intent.id)
    if session is None:
        # Never raise here: it would roll back the payment's own record.
        logger.error("payment %s is for a checkout session, but none names it", intent.id)
        return
    if session.status == CheckoutSession.Status.OPEN:
        if outcome == PaymentOutcome.SUCCEEDED:
            checkout_session_complete_locked(
                session, customer_id=intent.customer_id,
                payment_method_id=intent.payment_method_id,
                payment_status=PAYMENT_DONE[intent.status])
        return
    awaiting = (session.status == CheckoutSession.Status.COMPLETE
                and session.payment_status == PaymentStatus.UNPAID
                and intent.capture_method != PaymentIntent.CaptureMethod.MANUAL)
    if not awaiting:
        return
    if outcome == PaymentOutcome.SUCCEEDED:
        session.payment_status = PaymentStatus.PAID
        session.save(update_fields=["payment_status"])
        events_record(EventSpec("checkout.session.async_payment_succeeded", session,
                                payload=session_rendered(session)))
    elif outcome in (PaymentOutcome.FAILED, PaymentOutcome.CANCELED):
        events_record(EventSpec("checkout.session.async_payment_failed", session,
                                payload=session_rendered(session)))
