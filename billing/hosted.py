"""The hosted invoice page's links: `/i/<invoice>/<token>_<expires>_<signature>`.

The token is the invoice's secret (minted at finalization); the expiry and its signature
follow Stripe's rule for invoice URLs: 30 days after the due date, or after finalization for
an invoice without one, never more than 120 days after finalization, and a link read from the
API (or the dashboard) now works for at least 10 days more. An expired link says so; a fresh
one comes from retrieving the invoice. Every comparison is constant-time.
"""

import hmac
from datetime import datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

from billing.models import Invoice
from core import clock

LINK_LIFETIME = timedelta(days=30)
LINK_LIFETIME_MAX = timedelta(days=120)
LINK_FRESH_FOR = timedelta(days=10)
_SALT = "till.billing.hosted_invoice"


def _signature(invoice_id: str, token: str, expires: str) -> str:
    return salted_hmac(_SALT, f"{invoice_id}.{token}.{expires}").hexdigest()[:32]


def link_expires_at(invoice: Invoice, *, now: datetime) -> datetime:
    finalized = invoice.finalized_at or now
    expires = min((invoice.due_date or finalized) + LINK_LIFETIME, finalized + LINK_LIFETIME_MAX)
    return max(expires, now + LINK_FRESH_FOR)


def hosted_link(invoice: Invoice, *, now: datetime | None = None) -> str | None:
    """The `<token>_<expires>_<signature>` part of the invoice's URLs (None: a draft)."""
    if invoice.hosted_token is None or invoice.is_draft:
        return None
    expires = f"{int(link_expires_at(invoice, now=now or clock.now()).timestamp()):x}"
    token = invoice.hosted_token
    return f"{token}_{expires}_{_signature(invoice.id, token, expires)}"


def hosted_invoice_url(invoice: Invoice) -> str | None:
    link = hosted_link(invoice)
    return link and settings.TILL_PUBLIC_URL + reverse("invoice-pages:invoice",
                                                       args=[invoice.id, link])


def invoice_pdf_url(invoice: Invoice) -> str | None:
    link = hosted_link(invoice)
    return link and settings.TILL_PUBLIC_URL + reverse("invoice-pages:pdf",
                                                       args=[invoice.id, link])


class LinkExpired(Exception):
    pass


def link_check(invoice: Invoice | None, link: str) -> bool:
    """Whether `link` opens `invoice`: its token and a genuine signature (False: nothing to
    show, a 404). Raises LinkExpired for a genuine link past its expiry."""
    token, _, rest = link.partition("_")
    expires, _, signature = rest.partition("_")
    if invoice is None or not invoice.hosted_token or invoice.is_draft:
        return False
    if not (hmac.compare_digest(token.encode(), invoice.hosted_token.encode())
            and hmac.compare_digest(signature.encode(),
                                    _signature(invoice.id, token, expires).encode())):
        return False
    try:
        expires_at = int(expires, 16)
    except ValueError:
        return False
    if expires_at < clock.now().timestamp():
        raise LinkExpired
    return True
