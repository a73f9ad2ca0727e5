"""What the invoice services share: the audit record, totals of a draft, the events of a
change, and the refusals Stripe words."""

from typing import Any

from django.db.models import Sum

from billing.discounting import DiscountTerms, LineBase, discount_amounts
from billing.models import Discount, Invoice, InvoiceLineItem
from core.actor import Actor
from core.audit import status_change_record
from core.exceptions import InvalidRequest, InvalidState
from core.wire import render
from payments import selectors as payment_selectors
from payments.models import Customer, PaymentMethod
from webhooks.services import EventSpec, events_record, previous_attributes

ALREADY_PAID = "Invoice is already paid"
# Stripe's answer to paying an invoice nobody gave a payment method (the seed calls it
# `no_default_payment_method`, which Till sends as the code: Stripe sends none).
NO_PAYMENT_METHOD = ("This customer has no attached payment source or default payment "
                     "method. Please consider adding a default payment method. For more "
                     "information, visit https://stripe.com/docs/billing/subscriptions/"
                     "payment-methods-setting#payment-method-priority.")
NO_PAYMENT_METHOD_CODE = "no_default_payment_method"


def default_payment_method_check(id: str | None, customer: Customer, *,  # noqa: A002
                                 of: str) -> PaymentMethod | None:
    """The `default_payment_method` of an invoice or a subscription (`of` names which, for
    the message): a payment method attached to its customer; None when none is given."""
    if id is None:
        return None
    method = payment_selectors.payment_method_get(id=id, merchant=customer.merchant,
                                                  livemode=customer.livemode,
                                                  param="default_payment_method")
    if method.customer_id != customer.id:
        raise InvalidRequest(
            f"The PaymentMethod {id} must be attached to the {of}'s customer "
            f"({customer.id}) to be its default.", param="default_payment_method")
    return method


def transition_record(invoice: Invoice, source: str, actor: Actor) -> None:
    status_change_record(obj=invoice, source=source, actor=actor)


# What invoice_totals_refresh changes on the invoice, for an `update_fields` save.
TOTALS_FIELDS = ["subtotal", "total", "amount_due", "amount_remaining",
                 "total_discount_amounts"]


def invoice_totals_refresh(invoice: Invoice) -> None:
    """A draft's amounts from its lines, in the caller's transaction (the invoice locked):
    the subtotal is the lines' sum, the total what the invoice's discounts leave of it
    (billing.discounting: each line's `discount_amounts` is written here, the invoice's
    `total_discount_amounts` set); no taxes yet. What is due is never negative (a credit
    larger than the charges goes to the customer's balance at finalization)."""
    if not invoice.discount_ids and not invoice.total_discount_amounts:
        subtotal = invoice.lines.aggregate(total=Sum("amount"))["total"] or 0
        total = subtotal
    else:
        subtotal, total = _discounted_totals(invoice)
    invoice.subtotal, invoice.total = subtotal, total
    invoice.amount_due = max(total, 0)
    invoice.amount_remaining = invoice.amount_due - invoice.amount_paid


def _discounted_totals(invoice: Invoice) -> tuple[int, int]:
    coupons = {discount.id: discount.coupon for discount in
               Discount.objects.filter(pk__in=invoice.discount_ids).select_related("coupon")}
    terms = [DiscountTerms(
        id=pk, percent_off=coupons[pk].percent_off, amount_off=coupons[pk].amount_off,
        products=(None if coupons[pk].applies_to_products is None
                  else frozenset(coupons[pk].applies_to_products)))
        for pk in invoice.discount_ids if pk in coupons]
    lines = list(invoice.lines.select_related("price").order_by("created", "id"))
    bases = [LineBase(amount=line.amount, discountable=line.discountable,
                      product=line.price.product_id if line.price_id else None)
             for line in lines]
    taken = discount_amounts(bases, terms)
    totals = dict.fromkeys((term.id for term in terms), 0)
    changed = []
    for line, amounts in zip(lines, taken, strict=True):
        shown = [{"amount": amount, "discount": pk} for pk, amount in amounts]
        for pk, amount in amounts:
            totals[pk] += amount
        if line.discount_amounts != shown:
            line.discount_amounts = shown
            changed.append(line)
    if changed:
        InvoiceLineItem.objects.bulk_update(changed, ["discount_amounts"])
    invoice.total_discount_amounts = [{"amount": amount, "discount": pk}
                                      for pk, amount in totals.items()]
    subtotal = sum(line.amount for line in lines)
    return subtotal, subtotal - sum(totals.values())


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
