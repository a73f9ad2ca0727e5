"""The hosted receipt page of a succeeded charge: `/receipts/<charge>/<token>` (`receipt_url`).

The token is the charge's secret, compared in constant time; another charge's token shows
nothing of this one. The page shows the amount, the merchant, the card, the date, the
receipt's number (given now if no receipt was sent yet) and the refunds, kept up to date.
"""

import hmac

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from merchants.selectors import merchant_logo_png
from payments import selectors, services
from payments.models import Charge
from payments.pages import BRAND_NAMES


@require_GET
def brand_css(request: HttpRequest, color: str) -> HttpResponse:
    """The merchant's colour for the hosted invoice and receipt pages, as a stylesheet of
    Till's own origin (the pages' CSP allows no inline style). `color`: 6 hex digits, by the
    URL's pattern."""
    css = (f".hosted .pay-merchant, .hosted .receipt-number {{ color: #{color}; }}\n"
           f".hosted .pay-button {{ background: #{color}; border-color: #{color}; }}\n"
           f".hosted .pay-card {{ border-top: 4px solid #{color}; }}\n")
    response = HttpResponse(css, content_type="text/css")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@require_GET
def merchant_logo(request: HttpRequest, digest: str) -> HttpResponse:
    """A merchant's logo for its hosted pages (the PNG Till re-encoded from the upload),
    named by its digest: a new logo is a new URL, so any copy may be kept for good."""
    png = merchant_logo_png(digest=digest)
    if png is None:
        raise Http404("No such logo")
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@never_cache
@require_GET
def receipt(request: HttpRequest, charge_id: str, token: str) -> HttpResponse:
    charge = selectors.charge_for_receipt(id=charge_id)
    if (charge is None or not charge.receipt_token or charge.status != Charge.Status.SUCCEEDED
            or not hmac.compare_digest(token.encode(), charge.receipt_token.encode())):
        raise Http404("No such receipt")
    if not charge.receipt_number:
        charge = services.charge_receipt_number_assign(charge_id=charge.id)
        charge = selectors.charge_for_receipt(id=charge_id)
    card = charge.payment_method_details.get("card", {})
    brand = card.get("brand", "")
    return render(request, "pages/receipt.html", {
        "charge": charge, "merchant": charge.merchant, "livemode": charge.livemode,
        "brand": charge.merchant.brand_color[1:].lower(),
        "card": {"brand": BRAND_NAMES.get(brand, brand.title()), "last4": card.get("last4")},
        "amount_paid": charge.amount_captured or charge.amount,
        "refunds": selectors.charge_refunds_for_receipt(charge=charge)})
