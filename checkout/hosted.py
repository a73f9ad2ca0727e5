"""The hosted pages' public URLs (TILL_PUBLIC_URL + path), as the API and the dashboard show
them."""

from django.conf import settings
from django.urls import reverse

from checkout.models import CheckoutSession, PaymentLink


def session_url(session: CheckoutSession) -> str | None:
    """The session's page while it is open (Stripe's `url`; null after)."""
    if session.status != CheckoutSession.Status.OPEN:
        return None
    return settings.TILL_PUBLIC_URL + reverse("checkout:session", args=[session.url_token])


def payment_link_url(link: PaymentLink) -> str:
    return settings.TILL_PUBLIC_URL + reverse("checkout:payment-link", args=[link.url_token])
