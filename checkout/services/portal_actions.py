"""What a customer does on the portal: update the card, pay an open invoice, cancel,
renew or switch a subscription.

Each action first checks what the session's configuration allows and that the object is the
session's customer's (another customer's id is "no such" object, as if it did not exist),
then calls billing's or payments' own service, which locks, changes and records; nothing here
reimplements them. The actor is the portal session, so the audit trail names the customer's
visit.
"""

from django.db import transaction

from billing import selectors as billing_selectors
from billing import services as billing_services
from billing.models import Invoice, Price, Subscription
from checkout import selectors
from checkout.models import PortalSession
from core.actor import Actor
from core.exceptions import CardError, InvalidRequest, NotFound, NotPermitted
from payments import services as payment_services
from payments.models import PaymentIntent, SetupIntent

DISABLED = "This isn't available here: {what}. Contact {business} for help."


def _actor(session: PortalSession) -> Actor:
    return Actor(session.id)


def _allowed(session: PortalSession, feature: str, what: str) -> None:
    if not session.configuration.enabled(feature):
        raise NotPermitted(DISABLED.format(what=what, business=session.merchant.name),
                           code="billing_portal_feature_disabled")


def portal_subscription_of(session: PortalSession, id: str) -> Subscription:  # noqa: A002
    """One of the session's customer's subscriptions; any other is not found."""
    try:
        subscription = billing_selectors.subscription_get(
            id=id, merchant=session.merchant, livemode=session.livemode,
            param="subscription")
    except NotFound:
        subscription = None
    if subscription is None or subscription.customer_id != session.customer_id:
        raise NotFound(f"No such subscription: '{id}'", param="subscription")
    return subscription


def portal_invoice_of(session: PortalSession, id: str) -> Invoice:  # noqa: A002
    """One of the session's customer's finalized invoices; any other is not found."""
    try:
        invoice = billing_selectors.invoice_get(id=id, merchant=session.merchant,
                                                livemode=session.livemode, param="invoice")
    except NotFound:
        invoice = None
    if (invoice is None or invoice.customer_id != session.customer_id
            or invoice.status == Invoice.Status.DRAFT):
        raise NotFound(f"No such invoice: '{id}'", param="invoice")
    return invoice


# -- the card ------------------------------------------------------------------------------

def portal_card_save(*, session: PortalSession, payment_method: str,
                     return_url: str) -> SetupIntent:
    """Saves a new card for the customer through a SetupIntent confirmed with it (attached
    to the customer, ready for off-session use); once it succeeds the card becomes the
    customer's `invoice_settings.default_payment_method` (payments' customer_update, which
    also tells billing to retry a past-due invoice with it). A card that asks for 3-D Secure
    returns the intent in `requires_action`, its challenge coming back to `return_url`;
    portal_card_finish then makes it the default. A decline raises its card error."""
    _allowed(session, "payment_method_update", "updating your card")
    setup_intent = payment_services.setup_intent_create(
        merchant=session.merchant, livemode=session.livemode, actor=_actor(session),
        customer=session.customer_id, payment_method=payment_method, usage="off_session",
        return_url=return_url, description="Card saved on the customer portal")
    with transaction.atomic(durable=True):
        locked = selectors.portal_session_get_locked_by_id(id=session.id)
        locked.setup_intent = setup_intent
        locked.save(update_fields=["setup_intent"])
    setup_intent = payment_services.setup_intent_confirm(
        id=setup_intent.id, merchant=session.merchant, livemode=session.livemode,
        actor=_actor(session), return_url=return_url)
    return portal_card_finish(session=session, setup_intent=setup_intent)


def portal_card_finish(*, session: PortalSession,
                       setup_intent: SetupIntent | None = None) -> SetupIntent | None:
    """The session's card setup, once succeeded, made the customer's default card (done
    once: the same card again changes nothing). Read from the database, never from the
    3-D Secure return's query string."""
    if setup_intent is None:
        if session.setup_intent_id is None:
            return None
        setup_intent = SetupIntent.objects.get(pk=session.setup_intent_id)
    if (setup_intent.status == SetupIntent.Status.SUCCEEDED
            and setup_intent.customer_id == session.customer_id):
        payment_services.customer_update(
            id=session.customer_id, merchant=session.merchant, livemode=session.livemode,
            invoice_settings={"default_payment_method": setup_intent.payment_method_id})
    return setup_intent


# -- invoices ------------------------------------------------------------------------------

def portal_invoice_pay(*, session: PortalSession, invoice: str,
                       return_url: str) -> Invoice | PaymentIntent:
    """Pays an open invoice of the customer with its default card, on-session (billing's
    invoice_pay, `off_session=False`): the paid invoice, or the payment intent whose 3-D
    Secure challenge comes back to `return_url`. A decline raises its card error, the
    invoice staying open for another try."""
    _allowed(session, "invoice_history", "paying invoices")
    target = portal_invoice_of(session, invoice)
    if target.status not in Invoice.PAYABLE:
        raise InvalidRequest(f"Invoice {target.number or target.id} is {target.status}: there "
                             "is nothing to pay.", param="invoice")
    try:
        return billing_services.invoice_pay(
            id=target.id, merchant=session.merchant, livemode=session.livemode,
            actor=_actor(session), off_session=False, return_url=return_url)
    except CardError as exc:
        intent = exc.related.get("payment_intent")
        if exc.code == "invoice_payment_intent_requires_action" and intent is not None:
            return intent
        raise


# -- subscriptions -------------------------------------------------------------------------

def portal_subscription_cancel(*, session: PortalSession, subscription: str) -> Subscription:
    """Cancels as the configuration says: at the period's end (billing's
    subscription_update with `cancel_at_period_end`, the customer keeping what they paid
    for) or now (billing's subscription_cancel, crediting the unused time when the
    configuration's `proration_behavior` is `create_prorations`)."""
    _allowed(session, "subscription_cancel", "canceling a subscription")
    target = portal_subscription_of(session, subscription)
    feature = session.configuration.feature("subscription_cancel")
    if target.status not in Subscription.CANCELABLE:
        raise InvalidRequest("This subscription has already ended.", param="subscription")
    if feature["mode"] == "immediately":
        return billing_services.subscription_cancel(
            id=target.id, merchant=session.merchant, livemode=session.livemode,
            actor=_actor(session),
            prorate=feature["proration_behavior"] == "create_prorations")
    if target.cancel_at_period_end:
        return target
    return billing_services.subscription_update(
        id=target.id, merchant=session.merchant, livemode=session.livemode,
        actor=_actor(session), cancel_at_period_end=True)


def portal_subscription_renew(*, session: PortalSession, subscription: str) -> Subscription:
    """Takes back a cancellation at the period's end (Stripe's portal "Renew"), while the
    configuration lets the customer cancel."""
    _allowed(session, "subscription_cancel", "changing a cancellation")
    target = portal_subscription_of(session, subscription)
    if not target.cancel_at_period_end:
        return target
    return billing_services.subscription_update(
        id=target.id, merchant=session.merchant, livemode=session.livemode,
        actor=_actor(session), cancel_at_period_end=False)


def portal_prices_listed(session: PortalSession) -> list[Price]:
    """The active prices the configuration's `subscription_update` lists, in its order
    (one query, for the whole page)."""
    feature = session.configuration.feature("subscription_update")
    if not feature.get("enabled"):
        return []
    listed = [price for entry in feature["products"] for price in entry["prices"]]
    prices = billing_selectors.price_list(merchant=session.merchant,
                                          livemode=session.livemode, active=True
                                          ).select_related("product").filter(pk__in=listed)
    return sorted(prices, key=lambda price: listed.index(price.id))


def portal_prices_offered(session: PortalSession, subscription: Subscription,
                          listed: list[Price] | None = None) -> list[Price]:
    """The prices the configuration lets this subscription switch to: the listed prices in
    its currency and not its own, if its own product is one the configuration lists (as
    Stripe's portal offers updates only to the subscriptions of listed products). A
    subscription of several items is not switched here."""
    feature = session.configuration.feature("subscription_update")
    items = list(subscription.items.all())
    if not feature.get("enabled") or len(items) != 1:
        return []
    current = items[0].price
    if current.product_id not in {entry["product"] for entry in feature["products"]}:
        return []
    listed = portal_prices_listed(session) if listed is None else listed
    return [price for price in listed
            if price.currency == subscription.currency and price.id != current.id]


def portal_subscription_changeable(session: PortalSession, subscription: Subscription,
                                   listed: list[Price] | None = None) -> bool:
    """Whether "Change plan" has anything to offer: another price, or the quantity."""
    feature = session.configuration.feature("subscription_update")
    allowed = feature.get("default_allowed_updates") or []
    if not feature.get("enabled") or subscription.is_ended:
        return False
    items = list(subscription.items.all())
    listed_product = len(items) == 1 and items[0].price.product_id in {
        entry["product"] for entry in feature["products"]}
    return listed_product and (
        "quantity" in allowed
        or ("price" in allowed and bool(portal_prices_offered(session, subscription, listed))))


def portal_subscription_change(*, session: PortalSession, subscription: str,
                               price: str | None, quantity: int | None) -> Subscription:
    """Switches the subscription's one item to another price the configuration lists and/or
    a new quantity, as `default_allowed_updates` allows, with the configuration's
    `proration_behavior` (billing's subscription_update; an `always_invoice` change's
    invoice is charged on-session)."""
    _allowed(session, "subscription_update", "changing a plan")
    target = portal_subscription_of(session, subscription)
    feature = session.configuration.feature("subscription_update")
    allowed = feature["default_allowed_updates"]
    if target.is_ended:
        raise InvalidRequest("This subscription has already ended.", param="subscription")
    items = list(target.items.all())
    if len(items) != 1:
        raise InvalidRequest("A subscription of several items can't be changed here.",
                             param="subscription")
    if not portal_subscription_changeable(session, target):
        raise InvalidRequest("This subscription's plan can't be changed here.",
                             param="subscription")
    item = items[0]
    if price == item.price_id:
        price = None
    if quantity == item.quantity:
        quantity = None
    offered = {offer.id for offer in portal_prices_offered(session, target)}
    if price is not None and ("price" not in allowed or price not in offered):
        raise InvalidRequest("This plan isn't one you can switch to.", param="price")
    if quantity is not None:
        if "quantity" not in allowed:
            raise InvalidRequest("The quantity can't be changed here.", param="quantity")
        if quantity < 1:
            raise InvalidRequest("The quantity must be at least 1.", param="quantity")
    if price is None and quantity is None:
        return target
    return billing_services.subscription_update(
        id=target.id, merchant=session.merchant, livemode=session.livemode,
        actor=_actor(session), off_session=False,
        items=[billing_services.ItemChange(id=item.id, price=price, quantity=quantity)],
        proration_behavior=feature["proration_behavior"])
