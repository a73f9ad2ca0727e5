"""Invoices: the list, and an invoice's page with its lines and totals, where an owner or
admin finalizes, charges, voids or marks it uncollectible — through billing's services, as
the API's `finalize_invoice`, `pay`, `void_invoice` and `mark_uncollectible` do."""

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from billing.models import Invoice
from billing.pdf import invoice_has_pdf, invoice_pdf
from billing.selectors import invoice_get, invoice_lines, invoice_list
from billing.services import (
    invoice_finalize,
    invoice_mark_uncollectible,
    invoice_pay,
    invoice_void,
)
from core.exceptions import DomainError, NotFound
from core.money import format_money
from dashboard import access
from dashboard.access import Current, merchant_view
from dashboard.forms import InvoiceFilterForm
from dashboard.views.common import (
    OBJECT_EVENTS_SHOWN,
    page_of,
    render_filtered,
    render_page,
    timeline,
)
from webhooks.selectors import event_list_for_object


@require_GET
@merchant_view
def invoices(request: HttpRequest, current: Current) -> HttpResponse:
    form = InvoiceFilterForm(request.GET)
    status = (form.cleaned_data["status"] or None) if form.is_valid() else None
    queryset = invoice_list(merchant=current.merchant, livemode=current.livemode,
                            status=status)
    page = page_of(request, queryset)
    return render_filtered(request, current, full="dashboard/invoices/list.html",
                           partial="dashboard/invoices/_results.html",
                           context={"nav": "invoices", "form": form, "status": status,
                                    "page": page})


def _invoice(current: Current, invoice_id: str) -> Invoice:
    try:
        return invoice_get(id=invoice_id, merchant=current.merchant, livemode=current.livemode)
    except NotFound as exc:
        raise Http404("No such invoice") from exc


@require_GET
@merchant_view
def invoice_detail(request: HttpRequest, current: Current, invoice_id: str) -> HttpResponse:
    invoice = _invoice(current, invoice_id)
    events = list(event_list_for_object(merchant=current.merchant, livemode=current.livemode,
                                        object_id=invoice.id)[:OBJECT_EVENTS_SHOWN])
    status = invoice.status
    payable = status in (Invoice.Status.DRAFT, Invoice.Status.OPEN,
                         Invoice.Status.UNCOLLECTIBLE)
    return render_page(request, current, "dashboard/invoices/detail.html", {
        "nav": "invoices", "invoice": invoice, "lines": invoice_lines(invoice=invoice),
        "timeline": timeline(current, invoice.id),
        "events": events, "events_truncated": len(events) == OBJECT_EVENTS_SHOWN,
        "can_finalize": status == Invoice.Status.DRAFT,
        "can_pay": payable and (status != Invoice.Status.DRAFT or invoice.amount_due > 0),
        "can_void": status in (Invoice.Status.OPEN, Invoice.Status.UNCOLLECTIBLE),
        "can_mark_uncollectible": status == Invoice.Status.OPEN,
        "has_pdf": invoice_has_pdf(invoice),
    })


@require_GET
@merchant_view
def invoice_pdf_view(request: HttpRequest, current: Current, invoice_id: str) -> HttpResponse:
    """The finalized invoice as a PDF, shown in the browser (`inline`); a draft has none."""
    invoice = _invoice(current, invoice_id)
    if not invoice_has_pdf(invoice):
        return render_page(request, current, "dashboard/invoices/no_pdf.html",
                           {"nav": "invoices", "invoice": invoice}, status=404)
    response = HttpResponse(invoice_pdf(invoice, invoice_lines(invoice=invoice)),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="Invoice-{invoice.number}.pdf"'
    return response


def _act(request: HttpRequest, current: Current, invoice_id: str,
         service: Callable[..., Invoice], done: Callable[[Invoice], str]) -> HttpResponse:
    """Runs one of billing's invoice services as the logged-in user; its refusal (a
    decline, a status changed meanwhile) is shown, and nothing else changed."""
    invoice = _invoice(current, invoice_id)
    try:
        invoice = service(id=invoice.id, merchant=current.merchant, livemode=current.livemode,
                          actor=current.actor)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done(invoice))
    return redirect("dashboard:invoice", invoice.id)


@require_POST
@merchant_view(requires=access.INVOICE_MANAGE)
def invoice_finalize_view(request: HttpRequest, current: Current,
                          invoice_id: str) -> HttpResponse:
    return _act(request, current, invoice_id, invoice_finalize,
                lambda invoice: f"Finalized invoice {invoice.number}."
                + (" Nothing was due: it is paid." if invoice.status == Invoice.Status.PAID
                   else ""))


@require_POST
@merchant_view(requires=access.INVOICE_MANAGE)
def invoice_pay_view(request: HttpRequest, current: Current, invoice_id: str) -> HttpResponse:
    """Charges what remains due with the invoice's or the customer's default card,
    off-session (a draft is finalized first), as the API's `pay`."""
    return _act(request, current, invoice_id, invoice_pay,
                lambda invoice: f"Charged {format_money(invoice.amount_paid, invoice.currency)}"
                f": invoice {invoice.number} is paid." if invoice.status == Invoice.Status.PAID
                else f"Invoice {invoice.number} is {invoice.status}.")


@require_POST
@merchant_view(requires=access.INVOICE_MANAGE)
def invoice_void_view(request: HttpRequest, current: Current, invoice_id: str) -> HttpResponse:
    return _act(request, current, invoice_id, invoice_void,
                lambda invoice: f"Voided invoice {invoice.number}: nothing more is due.")


@require_POST
@merchant_view(requires=access.INVOICE_MANAGE)
def invoice_mark_uncollectible_view(request: HttpRequest, current: Current,
                                    invoice_id: str) -> HttpResponse:
    return _act(request, current, invoice_id, invoice_mark_uncollectible,
                lambda invoice: f"Marked invoice {invoice.number} uncollectible; it can still "
                "be paid or voided.")
