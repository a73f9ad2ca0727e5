"""Checkout's reads and row locks.

Lock order: payment intent → checkout session → customer. The outcome hook runs with the
intent locked and takes the session, then (saving the card as the default) its customer.
"""

from datetime import datetime

from django.db.models import QuerySet

from billing.models import Invoice, Subscription
from checkout.models import (
    CheckoutLineItem,
    CheckoutSession,
    PaymentLink,
    PaymentLinkLineItem,
    PortalConfiguration,
    PortalSession,
)
from core.exceptions import NotFound
from merchants.models import Merchant
from payments.models import PaymentIntent, PaymentMethod, SetupIntent


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


# -- customer portal -------------------------------------------------------------------------

def _configuration_missing(id: str, param: str) -> NotFound:  # noqa: A002
    return NotFound(f"No such configuration: '{id}'", param=param)


def portal_configuration_get(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                             param: str = "id") -> PortalConfiguration:
    configuration = PortalConfiguration.objects.filter(pk=id, merchant=merchant,
                                                       livemode=livemode).first()
    if configuration is None:
        raise _configuration_missing(id, param)
    return configuration


def portal_configuration_get_locked(*, id: str, merchant: Merchant,  # noqa: A002
                                    livemode: bool) -> PortalConfiguration:
    configuration = (PortalConfiguration.objects.select_for_update(of=("self",))
                     .filter(pk=id, merchant=merchant, livemode=livemode).first())
    if configuration is None:
        raise _configuration_missing(id, "id")
    return configuration


def portal_configuration_default(*, merchant: Merchant, livemode: bool
                                 ) -> PortalConfiguration | None:
    return PortalConfiguration.objects.filter(merchant=merchant, livemode=livemode,
                                              is_default=True).first()


def portal_configuration_list(*, merchant: Merchant, livemode: bool,
                              active: bool | None = None, is_default: bool | None = None
                              ) -> QuerySet[PortalConfiguration]:
    configurations = PortalConfiguration.objects.filter(merchant=merchant, livemode=livemode)
    if active is not None:
        configurations = configurations.filter(active=active)
    if is_default is not None:
        configurations = configurations.filter(is_default=is_default)
    return configurations


def portal_session_for_page_locked(*, url_token: str) -> PortalSession | None:
    return (PortalSession.objects.select_for_update(of=("self",))
            .select_related("merchant", "customer", "configuration")
            .filter(url_token=url_token).first())


def portal_session_get_locked_by_id(*, id: str) -> PortalSession:  # noqa: A002
    return (PortalSession.objects.select_for_update(of=("self",))
            .select_related("merchant", "customer", "configuration").get(pk=id))


def portal_subscriptions(*, session: PortalSession) -> QuerySet[Subscription]:
    """The session's customer's subscriptions still running, newest first."""
    return (Subscription.objects.select_related("default_payment_method")
            .prefetch_related("items__price__product")
            .filter(customer_id=session.customer_id, merchant_id=session.merchant_id,
                    livemode=session.livemode, provisional_until__isnull=True)
            .exclude(status__in=Subscription.ENDED).order_by("-created", "-id"))


def portal_invoices(*, session: PortalSession, limit: int = 24) -> list[Invoice]:
    """The session's customer's finalized invoices (a draft is the merchant's still), newest
    first."""
    return list(Invoice.objects.filter(
        customer_id=session.customer_id, merchant_id=session.merchant_id,
        livemode=session.livemode, provisional=False)
        .exclude(status=Invoice.Status.DRAFT).order_by("-created", "-id")[:limit])


def portal_default_card(*, session: PortalSession) -> PaymentMethod | None:
    """The customer's `invoice_settings.default_payment_method`, if it is still theirs."""
    method_id = (session.customer.invoice_settings or {}).get("default_payment_method")
    if not method_id:
        return None
    return PaymentMethod.objects.filter(pk=method_id,
                                        customer_id=session.customer_id).first()

