"""The hosted invoice page and its PDF: `/i/<invoice>/<link>` (see billing/hosted.py).

The page shows the merchant, the invoice's number, dates, lines and totals; an open (or
uncollectible) invoice has a card form that pays it through `invoice_pay` as the API does
(declines, 3-D Secure back to this page, idempotency and the outcome hook the same), so the
invoice's lock and status decide, and a second submit or tab never charges twice. The card
parsing and wording are the payment page's (payments.pages). A card number and CVC pass from
the POST to payment_method_create and nowhere else.
"""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods

from billing import selectors
from billing.hosted import LinkExpired, link_check
from billing.models import Invoice
from billing.pdf import invoice_pdf
from billing.services import invoice_pay
from core.actor import TILL
from core.exceptions import CardError, DomainError
from payments import services as payment_services
from payments.pages import BRAND_NAMES, SENSITIVE_NAMES, card_params, field_for, page_status

Status = Invoice.Status


class _Expired(Exception):
    def __init__(self, invoice: Invoice) -> None:
        self.invoice = invoice


def _invoice(invoice_id: str, link: str) -> Invoice:
    invoice = selectors.invoice_for_page(id=invoice_id)
    try:
        if not link_check(invoice, link):
            raise Http404("No such invoice")
    except LinkExpired:
        raise _Expired(invoice) from None
    return invoice


def _expired(request: HttpRequest, invoice: Invoice) -> HttpResponse:
    return render(request, "pages/invoice_expired.html",
                  {"merchant": invoice.merchant, "livemode": invoice.livemode}, status=410)


def _receipt_card(invoice: Invoice) -> dict[str, str] | None:
    """The card that paid the invoice and the charge's receipt page (None: not paid so)."""
    charge = invoice.payment_intent.latest_charge if invoice.payment_intent_id else None
    if charge is None or charge.status != "succeeded":
        return None
    card = charge.payment_method_details.get("card", {})
    brand = card.get("brand", "")
    return {"brand": BRAND_NAMES.get(brand, brand.title()), "last4": card.get("last4", ""),
            "receipt_url": payment_services.receipt_url(charge) or ""}


def _render(request: HttpRequest, invoice: Invoice, link: str, *, errors: dict[str, str],
            values: dict[str, str], status: int = 200) -> HttpResponse:
    """Only the name and expiry are ever given back to the form, never number or CVC."""
    return render(request, "pages/invoice.html", {
        "invoice": invoice, "merchant": invoice.merchant, "livemode": invoice.livemode,
        "brand": invoice.merchant.brand_color[1:].lower(),
        "lines": selectors.invoice_lines(invoice=invoice), "errors": errors, "values": values,
        "payable": invoice.status in Invoice.PAYABLE and invoice.amount_remaining > 0,
        "paid_card": _receipt_card(invoice),
        "action": reverse("invoice-pages:invoice", args=[invoice.id, link]),
        "pdf_url": reverse("invoice-pages:pdf", args=[invoice.id, link])}, status=status)


def _last_error(invoice: Invoice) -> str | None:
    """The bank's answer to the last attempt on this page (a failed 3-D Secure)."""
    intent = invoice.payment_intent
    if intent is None or intent.status != "requires_payment_method":
        return None
    return (intent.last_payment_error or {}).get("message")


@sensitive_variables(*SENSITIVE_NAMES)
@sensitive_post_parameters("number", "cvc")
@never_cache
@require_http_methods(["GET", "POST"])
def invoice_page(request: HttpRequest, invoice_id: str, link: str) -> HttpResponse:
    """GET shows the invoice (paid: "Paid"; void or uncollectible: said so). A POST pays
    what remains due with the card: 3-D Secure redirects to the challenge, which comes back
    here; a decline shows the form again with the card's error, ready for another card."""
    try:
        invoice = _invoice(invoice_id, link)
    except _Expired as expired:
        return _expired(request, expired.invoice)
    if request.method == "GET" or invoice.status not in Invoice.PAYABLE:
        error = _last_error(invoice) if request.GET.get("redirect_status") else None
        return _render(request, invoice, link, errors={"form": error} if error else {},
                       values={}, status=402 if error else 200)

    values = {"name": request.POST.get("name", "")[:256],
              "expiry": request.POST.get("expiry", "")[:9]}
    params, errors = card_params(request.POST)
    if params is None:
        return _render(request, invoice, link, errors=errors, values=values, status=400)
    page = reverse("invoice-pages:invoice", args=[invoice.id, link])
    try:
        payment_method = payment_services.payment_method_create(
            merchant=invoice.merchant, livemode=invoice.livemode, **params)
        invoice_pay(id=invoice.id, merchant=invoice.merchant, livemode=invoice.livemode,
                    actor=TILL, payment_method=payment_method.id, off_session=False,
                    return_url=settings.TILL_PUBLIC_URL + page)
    except DomainError as exc:
        intent = exc.related.get("payment_intent")
        if (isinstance(exc, CardError) and intent is not None
                and exc.code == "invoice_payment_intent_requires_action"):
            return redirect(intent.next_action["redirect_to_url"]["url"])
        # A decline is committed before it is raised: the invoice stays open for another
        # card, unless a racing request (another tab) paid it meanwhile.
        invoice = _invoice(invoice_id, link)
        if invoice.status not in Invoice.PAYABLE:
            return redirect(page)
        field = field_for(exc) if isinstance(exc, CardError) else "form"
        return _render(request, invoice, link, errors={field: exc.message}, values=values,
                       status=page_status(exc))
    return redirect(page)


@never_cache
@require_GET
def invoice_pdf_page(request: HttpRequest, invoice_id: str, link: str) -> HttpResponse:
    """The invoice's PDF (`invoice_pdf` on the wire), downloaded under its number."""
    try:
        invoice = _invoice(invoice_id, link)
    except _Expired as expired:
        return _expired(request, expired.invoice)
    response = HttpResponse(invoice_pdf(invoice, list(selectors.invoice_lines(invoice=invoice))),
                            content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="Invoice-{invoice.number}.pdf"'
    return response
