"""What becomes of an update held until its invoice is paid: Stripe's pending updates
(`payment_behavior=pending_if_incomplete`), and the hidden hold behind an update's
`payment_behavior=error_if_incomplete` (billing.services.subscription_changes holds both).

Paid, the held change applies in the transaction that records the payment, so no crash can
leave money taken for a change that was not made; voided (by the merchant, the engine when
its time runs out, or a failed `error_if_incomplete` charge), it is dropped and the items
stay as they are.
"""

import logging

from billing import selectors
from billing.models import Invoice, Subscription
from billing.services.invoice_payments import invoice_pay
from billing.services.invoices import invoice_void
from billing.services.subscription_changes import (
    subscription_items_pending_apply_locked,
    subscription_pending_update_clear,
)
from billing.services.subscriptions import subscription_rendered, subscription_updated_record
from core import clock
from core.actor import Actor
from core.exceptions import CardError, DomainError
from core.hooks import PaymentOutcome
from payments.processors.base import ProcessorUnavailable
from webhooks.services import EventSpec, events_record

logger = logging.getLogger("till.billing")

REQUIRES_ACTION = ("The subscription update's payment requires additional user action, and "
                   "`payment_behavior=error_if_incomplete` makes no update then: the update "
                   "was not applied and its invoice was voided.")


def subscription_pending_update_outcome(subscription: Subscription, invoice: Invoice,
                                        outcome: PaymentOutcome) -> None:
    """In payments' recording transaction (the invoice locked, then the subscription): a
    held update's invoice took its outcome. Paid, the held change applies
    (`customer.subscription.pending_update_applied` for a pending update, then `.updated`;
    a hidden one also makes the invoice its `latest_invoice` now, and only `.updated` tells
    it, as Stripe tells an update applied at once). Anything else leaves the subscription
    as it was, its status too (it cycles as if no update was asked), and the change held
    until the invoice is paid, voided or its time runs out."""
    if outcome != PaymentOutcome.SUCCEEDED or invoice.status != Invoice.Status.PAID:
        return
    before = subscription_rendered(subscription)
    hidden = subscription.pending_update_hidden
    if subscription.is_ended:
        subscription_pending_update_clear(subscription)
    else:
        subscription_items_pending_apply_locked(subscription)
        if hidden:
            subscription.latest_invoice = invoice
    subscription.save()
    if not subscription.is_ended and not hidden:
        events_record(EventSpec("customer.subscription.pending_update_applied", subscription,
                                payload=subscription_rendered(subscription)))
    subscription_updated_record(subscription, before)


def subscription_pending_update_discard(*, invoice: Invoice) -> None:
    """In the void's transaction (the invoice locked, then its subscription here): an update
    waiting for this invoice is discarded, the items left as they are.
    `customer.subscription.pending_update_expired` when a pending update's time has come
    (the engine voids the invoice then), and `.updated` either way (a merchant voiding the
    invoice sooner is how a pending update is canceled). A hidden one was never shown: its
    discarding changes nothing on the wire, and tells nothing."""
    subscription = selectors.subscription_get_locked_by_id(id=invoice.subscription_id)
    if subscription is None or subscription.pending_update_invoice_id != invoice.id:
        return
    before = subscription_rendered(subscription)
    expired = (subscription.pending_update_expires_at <= clock.now()
               and not subscription.pending_update_hidden)
    subscription_pending_update_clear(subscription)
    subscription.save()
    if expired:
        events_record(EventSpec("customer.subscription.pending_update_expired", subscription,
                                payload=subscription_rendered(subscription)))
    subscription_updated_record(subscription, before)


def subscription_update_charge_or_undo(invoice: Invoice, *, actor: Actor,
                                       off_session: bool) -> None:
    """`error_if_incomplete`, after the update committed (no lock held): its invoice charged,
    the hidden held change waiting on it. Paid, the change applied with the payment
    (subscription_pending_update_outcome). A decline, 3-D Secure wanted, or no way to pay:
    the invoice is voided (its payment canceled first; `invoice.voided`), which drops the
    change, and the card error is raised (Stripe's 402), the subscription as it was. A void
    that cannot happen (the invoice paid meanwhile: the change applied) answers with the
    subscription as it is; one that is busy leaves the hold to its expiry, and raises."""
    try:
        paid = invoice_pay(id=invoice.id, merchant=invoice.merchant, livemode=invoice.livemode,
                           actor=actor, off_session=off_session)
    except (DomainError, ProcessorUnavailable) as exc:
        failure: Exception = exc
        if isinstance(exc, CardError) and exc.code == "invoice_payment_intent_requires_action":
            failure = CardError(REQUIRES_ACTION,
                                code="subscription_payment_intent_requires_action")
    else:
        if paid.status == Invoice.Status.PAID:
            return
        # Still being processed (not declined): its outcome applies or keeps the change.
        logger.info("error_if_incomplete update's invoice %s is %s", invoice.id, paid.status)
        return
    try:
        invoice_void(id=invoice.id, merchant=invoice.merchant, livemode=invoice.livemode,
                     actor=actor)
    except DomainError as exc:
        current = selectors.invoice_get_by_id(id=invoice.id)
        if current is not None and current.status == Invoice.Status.PAID:
            return
        logger.warning("error_if_incomplete update's invoice %s not voided (%s): the engine "
                       "drops it when its time runs out", invoice.id, exc)
    raise failure
