"""Paying an invoice: through payments' intents, so declines, 3-D Secure, idempotency and the
processor are a plain payment's.

`invoice_pay` locks the invoice, refuses one that is paid or void, finalizes a draft (its
amount is fixed before it is charged) and commits; then it asks payments for the charge,
outside any lock: the invoice's one payment intent is created at the first attempt
(`payment_intent_create(invoice=…, purpose="invoice")`: the database takes one intent per
invoice), linked to the invoice under its lock while it is still payable, and confirmed —
again, with the new payment method, by every retry. Payments records
the outcome and, in that transaction, calls `invoice_payment_outcome_record` through the
outcome hook (billing/outcomes.py): the invoice becomes paid atomically with its payment,
never by polling. A concurrent second `pay` finds the invoice paid, or its intent's
confirmation in flight (busy: retry), or the intent succeeded: it never charges twice. A void
or an out-of-band payment cancels the intent before it closes the invoice, and refuses (busy)
while an intent it has not canceled exists, so no payment succeeds on a closed invoice.
"""

import logging

from django.db import IntegrityError, transaction

from billing import selectors
from billing.dunning import is_hard_decline, next_attempt_at
from billing.models import Invoice
from billing.services.common import (
    NO_PAYMENT_METHOD,
    NO_PAYMENT_METHOD_CODE,
    invoice_rendered,
    transition_record,
    unpayable,
)
from billing.services.invoices import invoice_finalize_locked
from core import clock
from core.actor import TILL, Actor
from core.exceptions import CardError, DomainError, InvalidRequest, InvalidState, ObjectBusy
from core.hooks import PaymentOutcome
from merchants.models import Merchant
from payments import selectors as payment_selectors
from payments import services as payment_services
from payments.models import PaymentIntent
from payments.processors import processor_for
from webhooks.services import EventSpec, events_record

logger = logging.getLogger("till.billing")

# Intents a retry may confirm again, and those a void or an out-of-band payment cancels.
CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "requires_action")
REQUIRES_ACTION = ("This payment requires additional user action before it can be completed "
                   "successfully. Payment can be completed using the PaymentIntent associated "
                   "with the invoice. For more details see: https://stripe.com/docs/billing/"
                   "subscriptions/overview#requires-action")


def _intent_of(invoice: Invoice) -> PaymentIntent | None:
    """The invoice's intent: the one it links, or one made for it whose outcome (which
    links it) is not recorded yet, say after a crash between the phases."""
    if invoice.payment_intent_id is not None:
        return invoice.payment_intent
    return payment_selectors.payment_intent_of_invoice(
        invoice_id=invoice.id, merchant=invoice.merchant, livemode=invoice.livemode)


def _payment_method_for(invoice: Invoice, given: str | None) -> str | None:
    """The one to charge: given to `pay`, else the invoice's default, else the customer's
    `invoice_settings.default_payment_method`."""
    return (given or invoice.default_payment_method_id
            or invoice.customer.invoice_settings.get("default_payment_method"))


def invoice_pay(*, id: str, merchant: Merchant, livemode: bool, actor: Actor,  # noqa: A002
                payment_method: str | None = None, off_session: bool = True,
                paid_out_of_band: bool = False, return_url: str | None = None) -> Invoice:
    """Charges what remains due on the invoice (Stripe's `pay` takes no amount), finalizing
    a draft first. The card error of a decline is raised once recorded (the invoice stays
    open, `invoice.payment_failed`); a payment that needs 3-D Secure is a card error too
    (`invoice_payment_intent_requires_action`, with the intent whose client secret completes
    it). Nothing to charge with: Stripe's 400, and a draft stays a draft.
    `paid_out_of_band`: marked paid without a charge (see invoice_mark_paid_out_of_band).
    `return_url`: where 3-D Secure sends the cardholder back (the hosted invoice page, a
    Checkout Session's)."""
    if paid_out_of_band:
        return invoice_mark_paid_out_of_band(id=id, merchant=merchant, livemode=livemode,
                                             actor=actor)
    # A mode without a processor (live mode until the merchant connects one) is refused
    # before anything is looked up or finalized, as payments refuses its own requests.
    processor_for(merchant=merchant, livemode=livemode)
    with transaction.atomic(durable=True):
        invoice = selectors.invoice_get_locked(id=id, merchant=merchant, livemode=livemode)
        if invoice.status not in (Invoice.Status.DRAFT, *Invoice.PAYABLE):
            raise unpayable(invoice)
        if invoice.is_draft:
            invoice_finalize_locked(invoice, actor=actor)
        if invoice.status == Invoice.Status.PAID:  # nothing was due
            return invoice
        intent = _intent_of(invoice)
        method = _payment_method_for(invoice, payment_method)
        if method is None and (intent is None or intent.payment_method_id is None):
            raise InvalidRequest(NO_PAYMENT_METHOD, code=NO_PAYMENT_METHOD_CODE)
        if intent is not None and invoice.payment_intent_id is None:
            invoice.payment_intent = intent
            invoice.save(update_fields=["payment_intent"])
    intent = _charge(invoice, intent, payment_method=method, off_session=off_session,
                     actor=actor, return_url=return_url)
    if intent.status == PaymentIntent.Status.REQUIRES_ACTION:
        raise CardError(REQUIRES_ACTION, code="invoice_payment_intent_requires_action",
                        payment_intent=intent)
    return selectors.invoice_get(id=id, merchant=merchant, livemode=livemode)


def _charge(invoice: Invoice, intent: PaymentIntent | None, *, payment_method: str | None,
            off_session: bool, actor: Actor, return_url: str | None = None) -> PaymentIntent:
    """The payment, outside any lock: the invoice's intent confirmed (made first, and linked
    while the invoice is still payable, at the first attempt). A decline raises its card
    error from here."""
    if intent is None:
        intent = _intent_create(invoice, payment_method=payment_method, actor=actor)
        payment_method = None  # the new intent has it
    elif intent.status not in CONFIRMABLE:
        raise _settled(invoice, intent)
    elif payment_method == intent.payment_method_id:
        payment_method = None
    try:
        return payment_services.payment_intent_confirm(
            id=intent.id, merchant=invoice.merchant, livemode=invoice.livemode, actor=actor,
            payment_method=payment_method, off_session=off_session, return_url=return_url)
    except InvalidState as exc:
        if exc.code != "payment_intent_unexpected_state":
            raise
        # The intent moved on meanwhile (a concurrent pay succeeded, a void canceled it).
        raise _settled(invoice, intent) from exc


def _intent_create(invoice: Invoice, *, payment_method: str | None,
                   actor: Actor) -> PaymentIntent:
    """The invoice's one intent, for what remains due, not yet confirmed: made in payments'
    own transaction (the database refuses a second for the invoice), then linked under the
    invoice's lock if the invoice is still payable. A void or an out-of-band payment that
    won the race leaves it unlinked: it is canceled, and never confirmed."""
    try:
        intent = payment_services.payment_intent_create(
            merchant=invoice.merchant, livemode=invoice.livemode, actor=actor,
            amount=invoice.amount_remaining, currency=invoice.currency,
            customer=invoice.customer_id, payment_method=payment_method,
            purpose="invoice", invoice=invoice.id)
    except IntegrityError:
        # Another `pay` made the invoice's intent first: its payment is under way or done,
        # and this one charges nothing.
        raise _settled(invoice, None) from None
    with transaction.atomic(durable=True):
        current = selectors.invoice_get_locked(id=invoice.id, merchant=invoice.merchant,
                                               livemode=invoice.livemode)
        payable = current.status in Invoice.PAYABLE
        if payable:
            current.payment_intent = intent
            current.save(update_fields=["payment_intent"])
    if not payable:
        payment_services.payment_intent_cancel(
            id=intent.id, merchant=invoice.merchant, livemode=invoice.livemode, actor=actor,
            cancellation_reason="void_invoice" if current.status == Invoice.Status.VOID
            else None)
        raise unpayable(current)
    return intent


def _settled(invoice: Invoice, intent: PaymentIntent | None) -> DomainError:
    """Why an intent that cannot be confirmed again ends this payment: the invoice was paid
    (or voided) meanwhile, or the success that pays it is being recorded right now."""
    current = selectors.invoice_get(id=invoice.id, merchant=invoice.merchant,
                                    livemode=invoice.livemode)
    if current.status not in Invoice.PAYABLE:
        return unpayable(current)
    if intent is None or intent.status == PaymentIntent.Status.SUCCEEDED:
        return ObjectBusy()
    return InvalidState("This invoice's payment can no longer be confirmed: the invoice is "
                        "being voided or marked paid out of band.")


def invoice_check_no_live_intent(invoice: Invoice) -> None:
    """Under the invoice's lock, before it is closed without a charge (void, out of band):
    an intent made for it that is not canceled — a `pay` made it since the cancel, or is
    confirming it — must be canceled first: busy, retry."""
    intent = _intent_of(invoice)
    if intent is not None and intent.status != PaymentIntent.Status.CANCELED:
        raise ObjectBusy


def invoice_intent_cancel(invoice: Invoice, *, reason: str | None, actor: Actor) -> None:
    """Before a void or an out-of-band payment: the invoice's intent canceled, so no payment
    can succeed once the invoice is closed. A confirmation in flight is busy (retry); an
    intent that succeeded leaves the invoice paid, which the caller then refuses."""
    intent = _intent_of(invoice)
    if intent is None or intent.status not in CONFIRMABLE:
        return
    try:
        payment_services.payment_intent_cancel(id=intent.id, merchant=invoice.merchant,
                                               livemode=invoice.livemode, actor=actor,
                                               cancellation_reason=reason)
    except InvalidState as exc:
        if exc.code != "payment_intent_unexpected_state":
            raise
        # It succeeded meanwhile: the invoice is paid, and the caller's check says so.


def invoice_mark_paid_out_of_band(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                                  actor: Actor) -> Invoice:
    """Marks the invoice paid outside Till (`paid_out_of_band`, `invoice.paid`; no charge, no
    `invoice.payment_succeeded`), finalizing a draft first. Its payment intent, if any, is
    canceled first, so it can no longer charge the customer. A subscription's latest invoice
    so paid makes it `active` again, as a charge would."""
    invoice = selectors.invoice_get(id=id, merchant=merchant, livemode=livemode)
    if invoice.status not in (Invoice.Status.DRAFT, *Invoice.PAYABLE):
        raise unpayable(invoice)
    invoice_intent_cancel(invoice, reason=None, actor=actor)
    with transaction.atomic(durable=True):
        invoice = selectors.invoice_get_locked(id=id, merchant=merchant, livemode=livemode)
        if invoice.status not in (Invoice.Status.DRAFT, *Invoice.PAYABLE):
            raise unpayable(invoice)
        if invoice.is_draft:
            invoice_finalize_locked(invoice, actor=actor)
            if invoice.status == Invoice.Status.PAID:
                return invoice
        invoice_check_no_live_intent(invoice)
        source = invoice.status
        invoice.mark_paid(at=clock.now(), amount_paid=invoice.amount_due, out_of_band=True)
        invoice.save()
        transition_record(invoice, source, actor)
        events_record(EventSpec("invoice.paid", invoice, payload=invoice_rendered(invoice)))
        # Paid all the same: its subscription takes the outcome, as a charge's would (a
        # `send_invoice` subscription's invoices are mostly paid so). Invoice, then
        # subscription: the lock order payments' outcomes keep.
        from billing.services.subscriptions import subscription_invoice_outcome_record

        subscription_invoice_outcome_record(invoice=invoice, outcome=PaymentOutcome.SUCCEEDED)
    return invoice


def invoice_payment_outcome_record(*, intent: PaymentIntent,
                                   outcome: PaymentOutcome) -> Invoice | None:
    """What a payment of the invoice came to, in the transaction payments records it in
    (the intent locked; the invoice locked here). The intent is linked at its first outcome;
    any outcome counts the invoice attempted (Stripe counts the first attempt, then only
    automatic retries). Succeeded: `paid` for what the intent received (`invoice.paid`,
    `invoice.payment_succeeded`). Declined: `invoice.payment_failed` (a renewal's with its
    dunning retry as `next_payment_attempt`), and `invoice.payment_action_required` too when
    the bank wants the cardholder (3-D Secure).
    Returns the invoice as it now stands (None: no such invoice), for its subscription."""
    invoice = (selectors.invoice_get_locked_by_id(id=intent.invoice_id)
               if intent.invoice_id else None)
    if invoice is None:
        # Never raise here: it would roll back the payment's own record.
        logger.error("payment %s is for an invoice, but names none that exists", intent.id)
        return None
    changed = ["payment_intent"] if invoice.payment_intent_id is None else []
    invoice.payment_intent = intent
    if outcome == PaymentOutcome.CANCELED:
        invoice.save(update_fields=changed)
        return invoice
    invoice.attempted = True
    invoice.attempt_count = max(invoice.attempt_count, 1)
    if outcome != PaymentOutcome.SUCCEEDED:
        _dunning_schedule(invoice, intent, outcome)
    specs = _outcome_events(invoice, intent, outcome)
    invoice.save()
    events_record(*specs)
    return invoice


def _dunning_schedule(invoice: Invoice, intent: PaymentIntent, outcome: PaymentOutcome) -> None:
    """A renewal's failed payment: its next automatic retry on the merchant's schedule (days
    after the first attempt, made at finalization), shown as `next_payment_attempt` in
    `invoice.payment_failed`; none after a hard decline, a payment that needs the cardholder,
    or the schedule's last retry (then the final actions apply: billing.services.dunning)."""
    if (invoice.status != Invoice.Status.OPEN or invoice.subscription_id is None
            or invoice.billing_reason != Invoice.BillingReason.SUBSCRIPTION_CYCLE):
        return
    retried = (outcome == PaymentOutcome.FAILED
               and not is_hard_decline(intent.last_payment_error))
    invoice.next_payment_attempt = next_attempt_at(
        first_attempt_at=invoice.finalized_at or clock.now(),
        attempt_count=invoice.attempt_count,
        retry_days=invoice.merchant.dunning_retry_days) if retried else None


def _outcome_events(invoice: Invoice, intent: PaymentIntent,
                    outcome: PaymentOutcome) -> list[EventSpec]:
    """The outcome applied to the locked invoice (saved by the caller) and its events."""
    if outcome == PaymentOutcome.SUCCEEDED:
        if invoice.status not in Invoice.PAYABLE:
            # A void or out-of-band payment cancels the intent first, so this cannot happen;
            # if it does, the money is recorded on the intent, and someone must look.
            logger.error("payment %s succeeded for invoice %s, which is %s", intent.id,
                         invoice.id, invoice.status)
            return []
        source = invoice.status
        invoice.mark_paid(at=clock.now(),
                          amount_paid=invoice.amount_paid + intent.amount_received)
        transition_record(invoice, source, TILL)
        paid = invoice_rendered(invoice)
        return [EventSpec("invoice.paid", invoice, payload=paid),
                EventSpec("invoice.payment_succeeded", invoice, payload=paid)]
    shown = invoice_rendered(invoice)
    specs = [EventSpec("invoice.payment_failed", invoice, payload=shown)]
    declined_for_authentication = (intent.last_payment_error or {}).get(
        "code") == "authentication_required"
    if outcome == PaymentOutcome.REQUIRES_ACTION or declined_for_authentication:
        specs.append(EventSpec("invoice.payment_action_required", invoice, payload=shown))
    return specs
