"""A subscription-mode session's submission: the subscription made once, its first invoice
paid with the customer's card.

The first submission claims the session (under its lock) and makes the subscription through
billing's subscription_create (`default_incomplete`: nothing charged in its transaction), then
pays its first invoice with the card through invoice_pay, 3-D Secure returning to the
session's page. A decline leaves the subscription `incomplete` and its invoice open: the
next submission pays the same invoice with another card. Another tab's submission while the
subscription is being made is refused as busy; a session that expires first never keeps a
subscription (it is canceled, its invoice voided).
"""

import logging
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from billing import services as billing_services
from billing.models import Invoice, Price, Subscription
from billing.pricing import Recurring
from billing.services import InvoiceItemSpec, ItemSpec, PriceDataSpec
from checkout import selectors
from checkout.models import CheckoutSession
from core import clock
from core.actor import TILL
from core.exceptions import CardError, InvalidState, ObjectBusy
from payments import services as payment_services

logger = logging.getLogger(__name__)

# A claim older than this was left by a crash: the next submission makes the subscription.
CLAIM_FOR = timedelta(minutes=2)
REQUIRES_ACTION_CODE = "invoice_payment_intent_requires_action"


def session_subscription_pay(session: CheckoutSession, *, customer_id: str,
                             payment_method: str, return_url: str) -> None:
    """Starts the session's subscription for `customer_id` with the card (attached to the
    customer first: a card the bank refuses fails here) and pays its first invoice if
    anything is due on it (a trial's is due only its one-time items), or, after a decline,
    pays that invoice with this card. Raises the card error of a decline; returns with the
    invoice's payment waiting for 3-D Secure, or done."""
    merchant, livemode = session.merchant, session.livemode
    payment_services.payment_method_attach(id=payment_method, merchant=merchant,
                                           livemode=livemode, customer_id=customer_id)
    subscription = _subscription_of(session, customer_id=customer_id,
                                    payment_method=payment_method)
    first = subscription.latest_invoice
    if first is None or first.status != Invoice.Status.OPEN:
        return  # nothing due now (a trial), or paid already
    try:
        billing_services.invoice_pay(id=subscription.latest_invoice_id, merchant=merchant,
                                     livemode=livemode, actor=TILL,
                                     payment_method=payment_method, off_session=False,
                                     return_url=return_url)
    except CardError as exc:
        if exc.code != REQUIRES_ACTION_CODE:
            raise
        return  # the page sends the customer to the bank's challenge
    if subscription.default_payment_method_id != payment_method:
        # The card that paid is the one its renewals are charged to, as Stripe's Checkout.
        billing_services.subscription_update(
            id=subscription.id, merchant=merchant, livemode=livemode, actor=TILL,
            default_payment_method=payment_method)


def _subscription_of(session: CheckoutSession, *, customer_id: str,
                     payment_method: str) -> Subscription:
    """The session's subscription: made now by the submission that claims the session, or
    the one an earlier submission made."""
    with transaction.atomic(durable=True):
        current = selectors.checkout_session_get_locked_by_id(id=session.id)
        if current.subscription is not None:
            return current.subscription
        now = clock.wall_now()
        if current.subscription_claimed_at and current.subscription_claimed_at > now - CLAIM_FOR:
            raise ObjectBusy("This Checkout Session is being paid in another tab.")
        current.subscription_claimed_at = now
        current.save(update_fields=["subscription_claimed_at"])
    data = session.subscription_data or {}
    lines = list(selectors.checkout_session_line_items(session=session))
    # Recurring prices are the subscription's items; one-time ones go on its first invoice.
    items = [ItemSpec(quantity=line.quantity, **_price_of(line.price)) for line in lines
             if line.price.type == Price.Type.RECURRING]
    once = [InvoiceItemSpec(quantity=line.quantity, **_price_of(line.price)) for line in lines
            if line.price.type != Price.Type.RECURRING]
    try:
        subscription = billing_services.subscription_create(
            merchant=session.merchant, livemode=session.livemode, actor=TILL,
            customer=customer_id, items=items, default_payment_method=payment_method,
            payment_behavior="default_incomplete",
            trial_period_days=data.get("trial_period_days"),
            description=data.get("description"), metadata=data.get("metadata") or None,
            add_invoice_items=once or None)
    except Exception:
        with transaction.atomic(durable=True):
            current = selectors.checkout_session_get_locked_by_id(id=session.id)
            current.subscription_claimed_at = None
            current.save(update_fields=["subscription_claimed_at"])
        raise
    with transaction.atomic(durable=True):
        current = selectors.checkout_session_get_locked_by_id(id=session.id)
        linked = current.status == CheckoutSession.Status.OPEN
        if linked:
            current.subscription = subscription
            current.invoice_id = subscription.latest_invoice_id
            current.subscription_claimed_at = None
            current.save(update_fields=["subscription", "invoice", "subscription_claimed_at"])
    if not linked:
        # Expired while the subscription was being made: nothing of it is kept.
        session_subscription_drop(subscription)
        raise InvalidState("This Checkout Session is no longer active.",
                           code="checkout_session_unexpected_state")
    return subscription


def _price_of(price: Price) -> dict[str, Any]:
    """A line's price as billing takes it: by id, or, for the inactive price the session made
    from `price_data` (which billing takes only as `price_data`), the same terms again."""
    if price.active:
        return {"price": price.id}
    recurring = (Recurring(interval=price.recurring_interval,
                           interval_count=price.recurring_interval_count)
                 if price.type == Price.Type.RECURRING else None)
    return {"price_data": PriceDataSpec(
        currency=price.currency, product=price.product_id,
        unit_amount=Decimal(price.unit_amount_decimal), recurring=recurring,
        tax_behavior=price.tax_behavior)}


def session_subscription_drop(subscription: Subscription) -> None:
    """An expired session's subscription whose first invoice was never paid (incomplete, or a
    trial whose one-time items were due): that invoice voided (its payment canceled first,
    so it can never succeed afterwards), then the subscription canceled. A first invoice
    paid meanwhile keeps them both: it started."""
    first = subscription.latest_invoice
    if subscription.status == Subscription.Status.CANCELED or (
            first is not None and first.status == Invoice.Status.PAID):
        return
    if first is not None and first.status == Invoice.Status.OPEN:
        try:
            billing_services.invoice_void(id=subscription.latest_invoice_id,
                                          merchant=subscription.merchant,
                                          livemode=subscription.livemode, actor=TILL)
        except InvalidState:
            logger.info("subscription %s kept: its first invoice is no longer open",
                        subscription.id)
            return
    billing_services.subscription_cancel(id=subscription.id, merchant=subscription.merchant,
                                         livemode=subscription.livemode, actor=TILL,
                                         reason="cancellation_requested")
