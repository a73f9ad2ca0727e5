"""Reads of billing, and the row locks billing takes.

Lock order (DESIGN.md): payment intent → invoice → invoice item → customer. The outcome hook
runs with the intent locked and takes the invoice; finalization takes the customer after the
invoice; an invoice item is locked after the invoice it is on.
"""

from datetime import datetime

from django.db.models import QuerySet

from billing.models import Invoice, InvoiceItem, InvoiceLineItem
from core.exceptions import NotFound
from merchants.models import Merchant

# == invoices: invoices, their lines and invoice items ======================================

# What rendering an invoice reads besides its row: its customer (a draft shows the customer's
# live details and balance), its merchant (account_name), its payment intent (the latest
# charge) and its lines.
_INVOICE_JOINS = ("customer", "merchant", "payment_intent")


def _invoice_missing(id: str, param: str = "id") -> NotFound:  # noqa: A002
    return NotFound(f"No such invoice: '{id}'", param=param)


def invoice_get(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                param: str = "id") -> Invoice:
    """An invoice of this merchant and mode, ready to render; another's is a 404."""
    invoice = (Invoice.objects.select_related(*_INVOICE_JOINS).prefetch_related("lines")
               .filter(pk=id, merchant=merchant, livemode=livemode).first())
    if invoice is None:
        raise _invoice_missing(id, param)
    return invoice


def invoice_get_locked(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                       param: str = "id") -> Invoice:
    invoice = (Invoice.objects.select_for_update(of=("self",))
               .select_related(*_INVOICE_JOINS)
               .filter(pk=id, merchant=merchant, livemode=livemode).first())
    if invoice is None:
        raise _invoice_missing(id, param)
    return invoice


def invoice_get_locked_by_id(*, id: str) -> Invoice | None:  # noqa: A002
    """For the outcome hook and Till's own tasks (already scoped); None: no such invoice."""
    return (Invoice.objects.select_for_update(of=("self",)).select_related(*_INVOICE_JOINS)
            .filter(pk=id).first())


def invoice_get_by_id(*, id: str) -> Invoice:  # noqa: A002
    """For Till's own tasks (already scoped): the invoice ready to render."""
    return (Invoice.objects.select_related(*_INVOICE_JOINS).prefetch_related("lines")
            .get(pk=id))


def invoice_get_locked_unless_busy(*, id: str) -> Invoice | None:  # noqa: A002
    """For beat's sweeps: the invoice locked, or None when another process holds it (SKIP
    LOCKED: the next sweep takes it)."""
    return (Invoice.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related(*_INVOICE_JOINS).filter(pk=id).first())


def invoice_list(*, merchant: Merchant, livemode: bool, customer: str | None = None,
                 status: str | None = None, collection_method: str | None = None
                 ) -> QuerySet[Invoice]:
    invoices = (Invoice.objects.select_related(*_INVOICE_JOINS).prefetch_related("lines")
                .filter(merchant=merchant, livemode=livemode))
    if customer is not None:
        invoices = invoices.filter(customer_id=customer)
    if status is not None:
        invoices = invoices.filter(status=status)
    if collection_method is not None:
        invoices = invoices.filter(collection_method=collection_method)
    return invoices


def invoice_lines(*, invoice: Invoice) -> list[InvoiceLineItem]:
    """The invoice's lines in the order they were added (prefetched when the invoice was
    read for rendering)."""
    return sorted(invoice.lines.all(), key=lambda line: (line.created, line.pk))


def invoice_line_list(*, invoice: Invoice) -> QuerySet[InvoiceLineItem]:
    return InvoiceLineItem.objects.filter(invoice=invoice)


def invoice_ids_to_finalize(*, now: datetime, limit: int = 100) -> list[str]:
    """Drafts with auto_advance whose finalization time has come, oldest first."""
    return list(Invoice.objects
                .filter(status=Invoice.Status.DRAFT, auto_advance=True,
                        automatically_finalizes_at__lte=now)
                .order_by("automatically_finalizes_at").values_list("pk", flat=True)[:limit])


def invoice_ids_payment_due(*, now: datetime, limit: int = 100) -> list[str]:
    """Open invoices whose automatic payment attempt is due, oldest first."""
    return list(Invoice.objects
                .filter(status=Invoice.Status.OPEN, next_payment_attempt__lte=now)
                .order_by("next_payment_attempt").values_list("pk", flat=True)[:limit])


# -- invoice items ---------------------------------------------------------------------------

def _invoice_item_missing(id: str) -> NotFound:  # noqa: A002
    return NotFound(f"No such invoiceitem: '{id}'", param="id")


def invoice_item_get(*, id: str, merchant: Merchant, livemode: bool  # noqa: A002
                     ) -> InvoiceItem:
    item = InvoiceItem.objects.filter(pk=id, merchant=merchant, livemode=livemode).first()
    if item is None:
        raise _invoice_item_missing(id)
    return item


def invoice_item_get_locked(*, id: str, merchant: Merchant,  # noqa: A002
                            livemode: bool) -> InvoiceItem:
    item = (InvoiceItem.objects.select_for_update(of=("self",))
            .filter(pk=id, merchant=merchant, livemode=livemode).first())
    if item is None:
        raise _invoice_item_missing(id)
    return item


def invoice_item_list(*, merchant: Merchant, livemode: bool, customer: str | None = None,
                      invoice: str | None = None, pending: bool | None = None
                      ) -> QuerySet[InvoiceItem]:
    items = InvoiceItem.objects.filter(merchant=merchant, livemode=livemode)
    if customer is not None:
        items = items.filter(customer_id=customer)
    if invoice is not None:
        items = items.filter(invoice_id=invoice)
    if pending is not None:
        items = items.filter(invoice__isnull=pending)
    return items


def invoice_items_pending_locked(*, customer_id: str, currency: str) -> list[InvoiceItem]:
    """The customer's pending items in `currency`, oldest first, locked (by pk) for the
    invoice that takes them."""
    locked = list(InvoiceItem.objects.select_for_update(of=("self",))
                  .filter(customer_id=customer_id, currency=currency, invoice__isnull=True)
                  .order_by("pk"))
    return sorted(locked, key=lambda item: (item.created, item.pk))


def invoice_items_of(*, invoice: Invoice) -> QuerySet[InvoiceItem]:
    return InvoiceItem.objects.filter(invoice=invoice)

# == end of invoices =========================================================================
