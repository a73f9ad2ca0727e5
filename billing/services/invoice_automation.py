"""What Till does with invoices by itself: beat's sweep advances invoices with auto_advance
(a draft is finalized when its draft period ends; an open one charged automatically is
charged), and the invoice email a `send_invoice` (or an automatic one) owes."""

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from billing import selectors
from billing.hosted import hosted_invoice_url
from billing.models import Invoice
from billing.services.invoice_payments import invoice_pay
from billing.services.invoices import invoice_finalize_locked
from core import clock
from core.actor import TILL
from core.exceptions import DomainError
from core.money import format_money
from payments.processors.base import ProcessorUnavailable

logger = logging.getLogger("till.billing")


def invoices_advance_due(*, now: datetime | None = None) -> int:
    """Finalizes the drafts whose auto_advance time has come, then attempts the payment of
    open invoices charged automatically whose attempt is due, each in its own transaction;
    an invoice another process holds is left for the next sweep. Returns how many invoices
    moved."""
    now = now or clock.now()
    moved = 0
    for pk in selectors.invoice_ids_to_finalize(now=now):
        with transaction.atomic(durable=True):
            invoice = selectors.invoice_get_locked_unless_busy(id=pk)
            if (invoice is None or not invoice.is_draft or not invoice.auto_advance
                    or invoice.automatically_finalizes_at is None
                    or invoice.automatically_finalizes_at > now):
                continue
            invoice_finalize_locked(invoice, actor=TILL)
            moved += 1
    for pk in selectors.invoice_ids_payment_due(now=now):
        moved += _attempt_payment(pk, now=now)
    return moved


def _attempt_payment(pk: str, *, now: datetime) -> int:
    """One automatic attempt (at most once: the due time is cleared before the charge; the
    dunning schedule comes with subscriptions)."""
    with transaction.atomic(durable=True):
        invoice = selectors.invoice_get_locked_unless_busy(id=pk)
        if (invoice is None or invoice.status != Invoice.Status.OPEN
                or invoice.next_payment_attempt is None or invoice.next_payment_attempt > now):
            return 0
        invoice.next_payment_attempt = None
        invoice.save(update_fields=["next_payment_attempt"])
    try:
        invoice_pay(id=pk, merchant=invoice.merchant, livemode=invoice.livemode, actor=TILL)
    except (DomainError, ProcessorUnavailable) as exc:
        # The outcome (a decline's events) is recorded on the invoice; nothing to raise to.
        logger.info("automatic payment of invoice %s did not succeed: %s", pk, exc)
    return 1


def invoice_email_deliver(*, id: str) -> bool:  # noqa: A002
    """Sends the invoice to its customer through Django's email backend (the console unless
    EMAIL_URL names a server). Returns whether an email went; at least once, not exactly:
    a worker lost after sending sends it again."""
    invoice = selectors.invoice_get_by_id(id=id)
    recipient = invoice.customer_email or invoice.customer.email
    if recipient is None or invoice.status in (Invoice.Status.DRAFT, Invoice.Status.VOID):
        return False
    send_mail(subject=f"Invoice {invoice.number} from {invoice.merchant.name}",
              message=_email_text(invoice), from_email=settings.DEFAULT_FROM_EMAIL,
              recipient_list=[recipient])
    return True


def _email_text(invoice: Invoice) -> str:
    currency = invoice.currency
    lines = [f"{line.description or 'Item'} × {line.quantity}: "
             f"{format_money(line.amount, currency)}"
             for line in selectors.invoice_lines(invoice=invoice)]
    due_date = invoice.due_date
    due = (f"Due {due_date:%B} {due_date.day}, {due_date.year}." if due_date
           else "Paid, thank you." if invoice.status == Invoice.Status.PAID else "")
    return "\n".join([
        f"Invoice {invoice.number} from {invoice.merchant.name}",
        "",
        *lines,
        "",
        f"Total: {format_money(invoice.total, currency)}",
        f"Amount due: {format_money(invoice.amount_remaining, currency)}",
        due,
        *([f"View and pay online: {url}"] if (url := hosted_invoice_url(invoice)) else []),
        *([invoice.footer] if invoice.footer else []),
    ]).strip() + "\n"
