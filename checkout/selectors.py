"""Checkout's reads and row locks.

Lock order: payment intent → checkout session → customer. The outcome hook runs with the
intent locked and takes the session, then (saving the card as the default) its customer.
"""

from datetime import datetime

from django.db.models import QuerySet

from billing.models import Invoice
from checkout.models import CheckoutLineItem, CheckoutSession, PaymentLink, PaymentLinkLineItem
from core.exceptions import NotFound
from merchants.models import Merchant
from payments.models import PaymentIntent, SetupIntent


def _session_missing(id: str, param: str) -> NotFound:  # noqa: A002
    return NotFound(f"No such checkout.session: '{id}'", param=param)


def checkout_session_get(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                         param: str = "id") -> CheckoutSession:
    session = CheckoutSession.objects.filter(pk=id, merchant=merchant,
                                             livemode=livemode).first()
    if session is None:
        raise _session_missing(id, param)
    return session


def checkout_session_get_locked(*, id: str, merchant: Merchant,  # noqa: A002
                                livemode: bool) -> CheckoutSession:
    session = (CheckoutSession.objects.select_for_update(of=("self",))
               .filter(pk=id, merchant=merchant, livemode=livemode).first())
    if session is None:
        raise _session_missing(id, "id")
    return session


def checkout_session_get_by_id(*, id: str) -> CheckoutSession:  # noqa: A002
    return (CheckoutSession.objects.select_related("merchant", "payment_intent", "setup_intent")
            .get(pk=id))


def checkout_session_get_locked_by_id(*, id: str) -> CheckoutSession:  # noqa: A002
    """The session locked, with its intents read as they stand (not locked: their own
    services lock them, before the session, in payments' order)."""
    return (CheckoutSession.objects.select_for_update(of=("self",))
            .select_related("merchant", "payment_intent", "setup_intent").get(pk=id))


def checkout_session_of_payment_intent_locked(*, payment_intent_id: str
                                              ) -> CheckoutSession | None:
    return (CheckoutSession.objects.select_for_update(of=("self",))
            .filter(payment_intent_id=payment_intent_id).first())


def checkout_session_for_page(*, url_token: str) -> CheckoutSession | None:
    """The session whose hosted URL carries `url_token` (None: no such page)."""
    return (CheckoutSession.objects.select_related("merchant", "customer", "payment_intent",
                                                   "setup_intent")
            .filter(url_token=url_token).first())


def checkout_session_list(*, merchant: Merchant, livemode: bool,
                          payment_intent: str | None = None, customer: str | None = None,
                          customer_email: str | None = None, status: str | None = None,
                          subscription: str | None = None, payment_link: str | None = None
                          ) -> QuerySet[CheckoutSession]:
    sessions = CheckoutSession.objects.filter(merchant=merchant, livemode=livemode)
    for field, value in (("payment_intent_id", payment_intent), ("customer_id", customer),
                         ("status", status), ("subscription_id", subscription),
                         ("payment_link_id", payment_link)):
        if value is not None:
            sessions = sessions.filter(**{field: value})
    if customer_email is not None:
        sessions = sessions.filter(customer_details__email=customer_email)
    return sessions


def checkout_session_line_items(*, session: CheckoutSession) -> QuerySet[CheckoutLineItem]:
    return session.line_items.select_related("price", "price__product").order_by("position")


def checkout_session_ids_expiring(*, now: datetime, limit: int) -> list[str]:
    """Open sessions whose `expires_at` has passed, oldest first."""
    return list(CheckoutSession.objects.filter(status=CheckoutSession.Status.OPEN,
                                               expires_at__lte=now)
                .order_by("expires_at").values_list("pk", flat=True)[:limit])


# -- payment links ---------------------------------------------------------------------------

def _link_missing(id: str, param: str) -> NotFound:  # noqa: A002
    return NotFound(f"No such payment_link: '{id}'", param=param)


def payment_link_get(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                     param: str = "id") -> PaymentLink:
    link = PaymentLink.objects.filter(pk=id, merchant=merchant, livemode=livemode).first()
    if link is None:
        raise _link_missing(id, param)
    return link


def payment_link_get_locked(*, id: str, merchant: Merchant,  # noqa: A002
                            livemode: bool) -> PaymentLink:
    link = (PaymentLink.objects.select_for_update(of=("self",))
            .filter(pk=id, merchant=merchant, livemode=livemode).first())
    if link is None:
        raise _link_missing(id, "id")
    return link


def payment_link_get_locked_by_id(*, id: str) -> PaymentLink:  # noqa: A002
    return PaymentLink.objects.select_for_update(of=("self",)).get(pk=id)


def payment_link_for_page(*, url_token: str) -> PaymentLink | None:
    return PaymentLink.objects.select_related("merchant").filter(url_token=url_token).first()


def payment_link_list(*, merchant: Merchant, livemode: bool,
                      active: bool | None = None) -> QuerySet[PaymentLink]:
    links = PaymentLink.objects.filter(merchant=merchant, livemode=livemode)
    if active is not None:
        links = links.filter(active=active)
    return links


def payment_link_line_items(*, link: PaymentLink) -> QuerySet[PaymentLinkLineItem]:
    return link.line_items.select_related("price", "price__product").order_by("position")


def checkout_session_intent(*, session: CheckoutSession) -> PaymentIntent | SetupIntent | None:
    """The intent the customer is paying or saving a card with: the session's own, or in
    subscription mode its first invoice's (None until it is made)."""
    if session.payment_intent_id is not None:
        return PaymentIntent.objects.get(pk=session.payment_intent_id)
    if session.setup_intent_id is not None:
        return SetupIntent.objects.get(pk=session.setup_intent_id)
    if session.invoice_id is not None:
        invoice = Invoice.objects.select_related("payment_intent").get(pk=session.invoice_id)
        return invoice.payment_intent
    return None
