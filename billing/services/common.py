"""What the invoice services share: the audit record, totals of a draft, the events of a
change, and the refusals Stripe words."""

from typing import Any

from django.db.models import Sum

from billing.models import Invoice
from core.actor import Actor
from core.audit import status_change_record
from core.exceptions import InvalidState
from core.wire import render
from webhooks.services import EventSpec, events_record, previous_attributes

ALREADY_PAID = "Invoice is already paid"
# Stripe's answer to paying an invoice nobody gave a payment method (the seed calls it
# `no_default_payment_method`, which Till sends as the code: Stripe sends none).
NO_PAYMENT_METHOD = ("This customer has no attached payment source or default payment "
                     "method. Please consider adding a default payment method. For more "
                     "information, visit https://stripe.com/docs/billing/subscriptions/"
                     "payment-methods-setting#payment-method-priority.")
NO_PAYMENT_METHOD_CODE = "no_default_payment_method"


def transition_record(invoice: Invoice, source: str, actor: Actor) -> None:
    status_change_record(obj=invoice, source=source, actor=actor)


def invoice_totals_refresh(invoice: Invoice) -> None:
    """A draft's amounts from its lines, in the caller's transaction (the invoice locked):
    no discounts or taxes yet, so the subtotal is the total; what is due is never negative
    (a credit larger than the charges goes to the customer's balance at finalization)."""
    total = invoice.lines.aggregate(total=Sum("amount"))["total"] or 0
    invoice.subtotal = invoice.total = total
    invoice.amount_due = max(total, 0)
    invoice.amount_remaining = invoice.amount_due - invoice.amount_paid


def invoice_rendered(invoice: Invoice) -> dict[str, Any]:
    """The wire form now (lines read afresh: a prefetched list may be stale)."""
    getattr(invoice, "_prefetched_objects_cache", {}).pop("lines", None)
    return render(invoice)


def invoice_updated_record(invoice: Invoice, before: dict[str, Any]) -> None:
    """`invoice.updated` with the old values of what changed since `before`; nothing when
    nothing did, as Stripe does."""
    after = invoice_rendered(invoice)
    changed = previous_attributes(before, after)
    if changed:
        events_record(EventSpec("invoice.updated", invoice, previous_attributes=changed,
                                payload=after))


def unpayable(invoice: Invoice) -> InvalidState:
    """Why `invoice` cannot be paid (paid, void), in Stripe's words where Stripe has them."""
    if invoice.status == Invoice.Status.PAID:
        return InvalidState(ALREADY_PAID)
    return InvalidState(f"You can't pay an invoice with a status of {invoice.status}: only "
                        "a draft, open or uncollectible invoice can be paid.")
