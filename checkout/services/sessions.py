"""Checkout Sessions: create, expire, and how a session follows its intent.

A session in payment mode is made with its PaymentIntent, in setup mode with its SetupIntent
(Stripe's behaviour before API version 2022-08-01, kept so that one intent, locked by
payments, decides what a session took, whatever the tabs, retries and back buttons). The
intent's success completes the session: in payments' recording transaction for a payment
(checkout.outcomes), on the page's return or beat's sweep for a setup, an authorization or a
payment still processing (checkout_session_reconcile). Expiring cancels the intent first, so
it can never succeed afterwards.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction

from billing import selectors as billing_selectors
from billing import services as billing_services
from billing.models import Invoice, Price, Subscription
from billing.pricing import PriceTerms, Recurring, price_line_amount, price_terms_check
from billing.pricing import TermNames as PriceTermNames
from billing.services import ProductData
from checkout import selectors
from checkout.models import CheckoutLineItem, CheckoutSession, PaymentLink
from core import clock
from core.actor import Actor
from core.exceptions import InvalidParameter
from core.metadata import MetadataUpdate, metadata_apply
from core.money import MAXIMUM_AMOUNT, format_money, minimum_amount
from core.wire import render
from merchants.models import Merchant
from payments import selectors as payment_selectors
from payments import services as payment_services
from payments.models import PaymentIntent, SetupIntent
from payments.processors import processor_for
from webhooks.services import EventSpec, events_record, previous_attributes

DEFAULT_LIFETIME = timedelta(hours=24)
SHORTEST_LIFETIME = timedelta(minutes=30)
MAX_LINE_ITEMS = {CheckoutSession.Mode.PAYMENT: 100, CheckoutSession.Mode.SUBSCRIPTION: 20}
MAX_QUANTITY = 999_999
DEFAULT_ADJUSTABLE_MAXIMUM = 99
MAX_TRIAL_DAYS = 730  # Stripe's longest trial

Mode = CheckoutSession.Mode
PaymentStatus = CheckoutSession.PaymentStatus

# An intent in one of these has done what the session asked of the customer: the session
# completes (paid, or unpaid while a payment is authorized or still processing).
PAYMENT_DONE = {PaymentIntent.Status.SUCCEEDED: PaymentStatus.PAID,
                PaymentIntent.Status.REQUIRES_CAPTURE: PaymentStatus.UNPAID,
                PaymentIntent.Status.PROCESSING: PaymentStatus.UNPAID}


STARTED = (Subscription.Status.ACTIVE, Subscription.Status.TRIALING)


@dataclass(frozen=True)
class SubscriptionData:
    """`subscription_data`: what the subscription a session starts is made with."""

    trial_period_days: int | None = None
    description: str | None = None
    metadata: MetadataUpdate | None = None


@dataclass(frozen=True)
class AdjustableQuantity:
    enabled: bool
    minimum: int = 0
    maximum: int = DEFAULT_ADJUSTABLE_MAXIMUM


@dataclass(frozen=True)
class PriceData:
    """A line item's price made for it (`price_data`): an inactive price, as Stripe's."""

    currency: str
    unit_amount: Decimal
    product: str | None = None
    product_data: ProductData | None = None
    recurring: Recurring | None = None
    tax_behavior: str = "unspecified"

    @property
    def terms(self) -> PriceTerms:
        return PriceTerms(currency=self.currency, unit_amount=self.unit_amount,
                          recurring=self.recurring, tax_behavior=self.tax_behavior)


@dataclass(frozen=True)
class LineItemSpec:
    price: str | None = None
    price_data: PriceData | None = None
    quantity: int = 1
    adjustable_quantity: AdjustableQuantity | None = None


@dataclass(frozen=True)
class _CheckedLine:
    spec: LineItemSpec
    param: str
    price: Price | None  # None: made from price_data once everything is checked
    description: str
    currency: str
    amount: int

    @property
    def recurring(self) -> bool:
        if self.price is not None:
            return self.price.type == Price.Type.RECURRING
        return self.spec.price_data.recurring is not None

    @property
    def interval(self) -> tuple[str, int] | None:
        if self.price is not None:
            return ((self.price.recurring_interval, self.price.recurring_interval_count)
                    if self.recurring else None)
        recurring = self.spec.price_data.recurring
        return (recurring.interval, recurring.interval_count) if recurring else None


def session_rendered(session: CheckoutSession) -> dict[str, Any]:
    return render(session)


def checkout_session_create(
        *, merchant: Merchant, livemode: bool, actor: Actor, mode: str,
        line_items: list[LineItemSpec] | None = None, success_url: str | None = None,
        cancel_url: str | None = None, customer: str | None = None,
        customer_email: str | None = None, customer_creation: str | None = None,
        client_reference_id: str | None = None, expires_at: datetime | None = None,
        metadata: MetadataUpdate | None = None, capture_method: str | None = None,
        setup_future_usage: str | None = None, payment_intent_data: dict[str, Any] | None = None,
        save_card_and_make_default: bool = False, locale: str | None = None,
        submit_type: str | None = None, payment_link: PaymentLink | None = None,
        subscription_data: SubscriptionData | None = None,
) -> CheckoutSession:
    """Creates an `open` session for `line_items` (payment mode; none in setup mode), with
    its one intent: a PaymentIntent for the total (purpose `checkout_session`, so its outcome
    completes the session) or a SetupIntent. In subscription mode (recurring prices of one
    interval) the subscription is made when the customer pays, as `subscription_data`
    says (a trial: nothing due now). Every parameter is checked before anything is
    made; a price made from `price_data` is inactive, as Stripe's.
    `save_card_and_make_default` (Till's extension): the card paid with (saved for
    off-session use, the customer created if there is none) becomes the customer's
    `invoice_settings.default_payment_method` when the session completes, so invoices are
    then paid with it off-session."""
    _mode_options_check(mode, line_items=line_items, customer=customer,
                        customer_email=customer_email, customer_creation=customer_creation,
                        capture_method=capture_method, setup_future_usage=setup_future_usage,
                        payment_intent_data=payment_intent_data,
                        subscription_data=subscription_data)
    processor_for(merchant=merchant, livemode=livemode)  # a mode without one makes nothing
    now = clock.now()
    expires_at = _expires_at_check(expires_at, now=now)
    owner = (payment_selectors.customer_get(id=customer, merchant=merchant, livemode=livemode,
                                            param="customer") if customer else None)
    lines = line_items_check(line_items or [], mode=mode, merchant=merchant,
                              livemode=livemode)
    currency = lines[0].currency if lines else None
    total = sum(line.amount for line in lines)
    trial = subscription_data is not None and bool(subscription_data.trial_period_days)
    # Due today: everything, but during a trial only the one-time items (billed on the
    # trial's invoice, as Stripe bills them).
    due = sum(line.amount for line in lines if not line.recurring) if trial else total
    if mode == Mode.PAYMENT or (mode == Mode.SUBSCRIPTION and due):
        _total_check(due, currency)
    if save_card_and_make_default and mode == Mode.PAYMENT and setup_future_usage is None:
        setup_future_usage = "off_session"
    prices = [line.price or _price_from_data(line.spec.price_data, merchant=merchant,
                                             livemode=livemode)
              for line in lines]

    session = CheckoutSession(
        merchant=merchant, livemode=livemode, mode=mode, customer=owner,
        customer_email=customer_email, currency=currency,
        customer_creation=(customer_creation or CheckoutSession.CustomerCreation.IF_REQUIRED
                           if mode == Mode.PAYMENT else None),
        payment_status=(PaymentStatus.NO_PAYMENT_REQUIRED if mode == Mode.SETUP
                        else PaymentStatus.UNPAID),
        amount_subtotal=total if lines else None,
        amount_total=due if lines else None,
        subscription_data=subscription_data_kept(subscription_data),
        client_reference_id=client_reference_id, success_url=success_url,
        cancel_url=cancel_url, expires_at=expires_at, created=now, locale=locale,
        submit_type=submit_type, capture_method=capture_method or "automatic",
        setup_future_usage=setup_future_usage, payment_intent_data=payment_intent_data or {},
        save_card_and_make_default=save_card_and_make_default, payment_link=payment_link,
        metadata=metadata_apply({}, metadata))
    if mode == Mode.PAYMENT:
        data = payment_intent_data or {}
        session.payment_intent = payment_services.payment_intent_create(
            merchant=merchant, livemode=livemode, actor=actor, amount=total, currency=currency,
            customer=owner.id if owner else None, capture_method=capture_method,
            setup_future_usage=setup_future_usage, description=data.get("description"),
            receipt_email=data.get("receipt_email"), metadata=data.get("metadata"),
            statement_descriptor=data.get("statement_descriptor"),
            statement_descriptor_suffix=data.get("statement_descriptor_suffix"),
            purpose="checkout_session")
    elif mode == Mode.SETUP:
        session.setup_intent = payment_services.setup_intent_create(
            merchant=merchant, livemode=livemode, actor=actor,
            customer=owner.id if owner else None, usage="off_session")
    with transaction.atomic(durable=True):
        session.save()
        CheckoutLineItem.objects.bulk_create([CheckoutLineItem(
            session=session, position=position, price=price, quantity=line.spec.quantity,
            description=line.description, currency=line.currency, amount_subtotal=line.amount,
            amount_total=line.amount, adjustable_quantity=adjustable_rendered(line.spec))
            for position, (line, price) in enumerate(zip(lines, prices, strict=True))])
    return session


def _mode_options_check(mode: str, *, line_items: list[LineItemSpec] | None,
                        customer: str | None, customer_email: str | None,
                        customer_creation: str | None, capture_method: str | None,
                        setup_future_usage: str | None,
                        payment_intent_data: dict[str, Any] | None,
                        subscription_data: SubscriptionData | None) -> None:
    if mode != Mode.SETUP and not line_items:
        raise InvalidParameter(f"`line_items` is required in `{mode}` mode.",
                               code="parameter_missing", param="line_items")
    if mode != Mode.SUBSCRIPTION and subscription_data is not None:
        raise InvalidParameter("`subscription_data` can only be used in `subscription` mode.",
                               param="subscription_data")
    if subscription_data is not None and subscription_data.trial_period_days is not None \
            and not 1 <= subscription_data.trial_period_days <= MAX_TRIAL_DAYS:
        raise InvalidParameter(f"`subscription_data[trial_period_days]` must be between 1 and "
                               f"{MAX_TRIAL_DAYS}.",
                               param="subscription_data[trial_period_days]")
    if mode == Mode.SETUP and line_items:
        raise InvalidParameter("`line_items` cannot be used in `setup` mode.",
                               param="line_items")
    if customer and customer_email:
        raise InvalidParameter("You may only specify one of these parameters: customer, "
                               "customer_email.", param="customer_email")
    if mode != Mode.PAYMENT:
        for param, value in (("customer_creation", customer_creation),
                             ("payment_intent_data", capture_method or setup_future_usage
                              or payment_intent_data)):
            if value:
                raise InvalidParameter(f"`{param}` can only be used in `payment` mode.",
                                       param=param)


def _expires_at_check(expires_at: datetime | None, *, now: datetime) -> datetime:
    if expires_at is None:
        return now + DEFAULT_LIFETIME
    if expires_at > now + DEFAULT_LIFETIME:
        raise InvalidParameter("The `expires_at` timestamp must be less than 24 hours from "
                               "Checkout Session creation.", param="expires_at")
    if expires_at < now + SHORTEST_LIFETIME:
        raise InvalidParameter("The `expires_at` timestamp must be at least 30 minutes from "
                               "Checkout Session creation.", param="expires_at")
    return expires_at


def line_items_check(specs: list[LineItemSpec], *, mode: str, merchant: Merchant,
                      livemode: bool) -> list[_CheckedLine]:
    """Each line item's price (existing and active, or terms to make one), its quantity and
    amount, as Stripe checks them: one currency, no recurring price in payment mode."""
    most = MAX_LINE_ITEMS.get(mode, 0)
    if len(specs) > most:
        raise InvalidParameter(f"You may only specify up to {most} line items in `{mode}` "
                               "mode.", param="line_items")
    lines = []
    for index, spec in enumerate(specs):
        param = f"line_items[{index}]"
        lines.append(_line_check(spec, param=param, merchant=merchant, livemode=livemode))
    for line in lines:
        if line.currency != lines[0].currency:
            raise InvalidParameter("All line items must have the same currency: Checkout "
                                   "charges in one currency.", param=f"{line.param}[price]")
        if mode == Mode.PAYMENT and line.recurring:
            raise InvalidParameter(
                "You specified `payment` mode but passed a recurring price. Either switch to "
                "`subscription` mode or use only one-time prices.", param=f"{line.param}[price]")
        if (mode == Mode.SUBSCRIPTION and line.recurring
                and line.interval != next(first for first in lines if first.recurring).interval):
            raise InvalidParameter(
                "All prices on a subscription must have the same `recurring.interval` and "
                "`recurring.interval_count`.", param=f"{line.param}[price]")
    if mode == Mode.SUBSCRIPTION and not any(line.recurring for line in lines):
        raise InvalidParameter("You must provide at least one recurring price in "
                               "`subscription` mode when using prices.", param="line_items")
    return lines


def _line_check(spec: LineItemSpec, *, param: str, merchant: Merchant,
                livemode: bool) -> _CheckedLine:
    if (spec.price is None) == (spec.price_data is None):
        raise InvalidParameter("You must specify exactly one of `price` or `price_data` for "
                               "each line item.", param=f"{param}[price]")
    if not 0 <= spec.quantity <= MAX_QUANTITY:
        raise InvalidParameter(f"Quantity must be between 0 and {MAX_QUANTITY}.",
                               param=f"{param}[quantity]")
    adjustable = spec.adjustable_quantity
    if adjustable is not None and adjustable.enabled:
        if not 0 <= adjustable.minimum <= adjustable.maximum <= MAX_QUANTITY:
            raise InvalidParameter("`adjustable_quantity[minimum]` must be at most "
                                   "`adjustable_quantity[maximum]`, both between 0 and "
                                   f"{MAX_QUANTITY}.",
                                   param=f"{param}[adjustable_quantity][minimum]")
        if not adjustable.minimum <= spec.quantity <= adjustable.maximum:
            raise InvalidParameter("The line item's quantity must be between its "
                                   "`adjustable_quantity[minimum]` and `[maximum]`.",
                                   param=f"{param}[quantity]")
    if spec.price is not None:
        price = billing_selectors.price_get(id=spec.price, merchant=merchant,
                                            livemode=livemode, param=f"{param}[price]")
        if not price.active:
            raise InvalidParameter(f"The price specified ({price.id}) is inactive. This field "
                                   "only accepts active prices.", param=f"{param}[price]")
        return _CheckedLine(spec=spec, param=param, price=price,
                            description=price.product.name, currency=price.currency,
                            amount=price_line_amount(price, spec.quantity))
    data = spec.price_data
    names = PriceTermNames().within(f"{param}[price_data]")
    price_terms_check(data.terms, names=names)
    if (data.product is None) == (data.product_data is None):
        raise InvalidParameter("You must specify exactly one of `product` or `product_data` "
                               "in `price_data`.", param=f"{param}[price_data][product]")
    if data.product is not None:
        product = billing_selectors.product_get(id=data.product, merchant=merchant,
                                                livemode=livemode,
                                                param=f"{param}[price_data][product]")
        name = product.name
    else:
        name = data.product_data.name
    return _CheckedLine(spec=spec, param=param, price=None, description=name,
                        currency=data.currency, amount=price_line_amount(data.terms,
                                                                         spec.quantity))


def line_quantity_apply(line: CheckoutLineItem, quantity: int) -> None:
    """A line's quantity changed by the customer, within its `adjustable_quantity`."""
    bounds = line.adjustable_quantity or {}
    if not bounds.get("enabled"):
        raise InvalidParameter("The quantity of this item cannot be changed.",
                               param=f"quantity[{line.id}]")
    if not bounds["minimum"] <= quantity <= bounds["maximum"]:
        raise InvalidParameter(f"Choose a quantity between {bounds['minimum']} and "
                               f"{bounds['maximum']}.", param=f"quantity[{line.id}]")
    line.quantity = quantity
    line.amount_subtotal = line.amount_total = price_line_amount(line.price, quantity)


def session_totals_apply(session: CheckoutSession, lines: list[CheckoutLineItem]) -> None:
    """The session's totals from its lines: what is due today (a trial's: its one-time
    items), checked against the currency's minimum and maximum."""
    total = sum(line.amount_total for line in lines)
    trial = bool((session.subscription_data or {}).get("trial_period_days"))
    due = (sum(line.amount_total for line in lines if line.price.type != Price.Type.RECURRING)
           if trial else total)
    if session.mode == Mode.PAYMENT or due:
        _total_check(due, session.currency)
    session.amount_subtotal, session.amount_total = total, due


def _total_check(total: int, currency: str) -> None:
    least = minimum_amount(currency)
    if total < least:
        raise InvalidParameter("The Checkout Session's total amount due must add up to at "
                               f"least {format_money(least, currency)}.",
                               code="amount_too_small", param="line_items")
    if total > MAXIMUM_AMOUNT:
        raise InvalidParameter("The Checkout Session's total amount due must be no more than "
                               f"{format_money(MAXIMUM_AMOUNT, currency)}.",
                               code="amount_too_large", param="line_items")


def _price_from_data(data: PriceData, *, merchant: Merchant, livemode: bool) -> Price:
    return billing_services.price_create(merchant=merchant, livemode=livemode,
                                         terms=data.terms, product=data.product,
                                         product_data=data.product_data, active=False)


def subscription_data_kept(data: SubscriptionData | None) -> dict[str, Any]:
    if data is None:
        return {}
    return {"trial_period_days": data.trial_period_days, "description": data.description,
            "metadata": metadata_apply({}, data.metadata)}


def adjustable_rendered(spec: LineItemSpec) -> dict[str, Any] | None:
    adjustable = spec.adjustable_quantity
    if adjustable is None:
        return None
    return {"enabled": adjustable.enabled, "maximum": adjustable.maximum,
            "minimum": adjustable.minimum}


# -- completion ------------------------------------------------------------------------------

def checkout_session_complete_locked(session: CheckoutSession, *, customer_id: str | None,
                                     payment_method_id: str | None,
                                     payment_status: str) -> None:
    """The caller's transaction, the session locked (its intent before it): `complete`, with
    what the customer gave, `checkout.session.completed`; with `save_card_and_make_default`,
    the card becomes the customer's default for invoices (the customer locked after)."""
    customer_id = customer_id or session.customer_id
    if session.customer_id is None:
        session.customer_id = customer_id
    session.complete(at=clock.now(), payment_status=payment_status,
                     customer_details=_customer_details(session, customer_id))
    session.save()
    events_record(EventSpec("checkout.session.completed", session,
                            payload=session_rendered(session)))
    if session.payment_link_id is not None:
        _payment_link_count_locked(session)
    if session.save_card_and_make_default and customer_id and payment_method_id:
        payment_services.customer_default_payment_method_record(
            customer_id=customer_id, payment_method_id=payment_method_id)


def _subscription_payment_status(subscription: Subscription,
                                 first: Invoice | None) -> str | None:
    """A subscription-mode session is done once its subscription started (active, or
    trialing) with its first invoice paid: `paid` if it took money, else nothing was due
    (a trial's)."""
    if subscription.status not in STARTED or (first is not None
                                              and first.status != Invoice.Status.PAID):
        return None
    return PaymentStatus.PAID if first is not None and first.amount_paid else \
        PaymentStatus.NO_PAYMENT_REQUIRED


def payment_link_limit_reached(link: PaymentLink) -> bool:
    return (link.completed_sessions_limit is not None
            and link.completed_sessions_count >= link.completed_sessions_limit)


def _payment_link_count_locked(session: CheckoutSession) -> None:
    """The session's payment link counts its completion (the link locked after the session);
    the completion that reaches the link's limit deactivates it (`payment_link.updated`)."""
    link = selectors.payment_link_get_locked_by_id(id=session.payment_link_id)
    before = render(link)
    link.completed_sessions_count += 1
    reached = link.active and payment_link_limit_reached(link)
    if reached:
        link.active = False
    link.save(update_fields=["completed_sessions_count", "active"])
    if reached:
        after = render(link)
        events_record(EventSpec("payment_link.updated", link, payload=after,
                                previous_attributes=previous_attributes(before, after)))


def _customer_details(session: CheckoutSession, customer_id: str | None) -> dict[str, Any]:
    given = session.customer_details or {}
    email = given.get("email") or session.customer_email
    name = given.get("name")
    if customer_id is not None and (email is None or name is None):
        customer = payment_selectors.customer_get(id=customer_id, merchant=session.merchant,
                                                  livemode=session.livemode,
                                                  include_deleted=True)
        email = email or customer.email
        name = name or customer.name
    return {"address": None, "email": email, "name": name, "phone": None,
            "tax_exempt": "none", "tax_ids": []}


def checkout_session_reconcile(*, id: str) -> CheckoutSession:  # noqa: A002
    """An open session whose intent has done what it asked (a card saved, a payment
    authorized, processing or succeeded) completes now; anything else leaves it as it is.
    Safe to call any number of times, from the page's return or beat's sweep."""
    with transaction.atomic(durable=True):
        session = selectors.checkout_session_get_locked_by_id(id=id)
        if session.status != CheckoutSession.Status.OPEN:
            return session
        if session.payment_intent is not None:
            intent = session.payment_intent
            payment_status = PAYMENT_DONE.get(intent.status)
            if payment_status is not None:
                checkout_session_complete_locked(
                    session, customer_id=intent.customer_id,
                    payment_method_id=intent.payment_method_id, payment_status=payment_status)
        elif session.setup_intent is not None:
            setup_intent = session.setup_intent
            if setup_intent.status == SetupIntent.Status.SUCCEEDED:
                checkout_session_complete_locked(
                    session, customer_id=setup_intent.customer_id,
                    payment_method_id=setup_intent.payment_method_id,
                    payment_status=PaymentStatus.NO_PAYMENT_REQUIRED)
        elif session.subscription is not None:
            subscription = session.subscription
            payment_status = _subscription_payment_status(subscription, session.invoice)
            if payment_status is not None:
                checkout_session_complete_locked(
                    session, customer_id=subscription.customer_id,
                    payment_method_id=subscription.default_payment_method_id,
                    payment_status=payment_status)
    return session
