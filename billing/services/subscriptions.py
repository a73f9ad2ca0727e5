"""Subscriptions: create (the first invoice made, finalized and charged at once), update,
cancel, and how a subscription follows its invoices' payments.

Each change is one transaction with the subscription locked; charges happen after it
commits, through invoice_pay (payments' intents), never under a lock. The invoice's payment
outcome (billing.outcomes) moves the subscription in payments' recording transaction:
a paid invoice makes it `active`, a failed renewal `past_due`.
"""

import logging
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction

from billing import selectors
from billing.models import Invoice, InvoiceLineItem, Price, Subscription, SubscriptionItem
from billing.periods import period_end_after
from billing.pricing import price_amount_for
from billing.services.common import (
    NO_PAYMENT_METHOD,
    NO_PAYMENT_METHOD_CODE,
    TOTALS_FIELDS,
    invoice_rendered,
    invoice_totals_refresh,
    transition_record,
)
from billing.services.discounts import (
    DiscountSpec,
    subscription_discounts_set,
    subscription_invoice_discount_ids,
)
from billing.services.invoice_payments import invoice_pay
from billing.services.invoices import invoice_finalize_locked
from core import clock
from core.actor import TILL, Actor
from core.audit import status_change_record
from core.exceptions import DomainError, InvalidParameter, InvalidRequest, InvalidState
from core.hooks import PaymentOutcome
from core.metadata import MetadataUpdate, metadata_apply
from core.types import NOT_GIVEN, Maybe
from core.wire import render
from merchants.models import Merchant
from payments import selectors as payment_selectors
from payments import services as payment_services
from payments.clocks import customer_time
from payments.models import Customer, PaymentIntent, PaymentMethod
from payments.processors import processor_for
from payments.processors.base import ProcessorUnavailable
from webhooks.services import EventSpec, events_record, previous_attributes

logger = logging.getLogger("till.billing")

PAYMENT_BEHAVIORS = ("allow_incomplete", "default_incomplete", "error_if_incomplete")
# Stripe's most items on one subscription.
MAX_ITEMS = 20


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """One item of a new subscription: a recurring price, so many of it."""

    price: str
    quantity: int = 1


def subscription_rendered(subscription: Subscription) -> dict[str, Any]:
    """The wire form now (items read afresh: a prefetched list may be stale)."""
    getattr(subscription, "_prefetched_objects_cache", {}).pop("items", None)
    return render(subscription)


def subscription_updated_record(subscription: Subscription, before: dict[str, Any]) -> None:
    """`customer.subscription.updated` with the old values of what changed; nothing when
    nothing did."""
    after = subscription_rendered(subscription)
    changed = previous_attributes(before, after)
    if changed:
        events_record(EventSpec("customer.subscription.updated", subscription,
                                previous_attributes=changed, payload=after))


# -- create --------------------------------------------------------------------------------

def _prices_for(items: list[ItemSpec], *, merchant: Merchant, livemode: bool) -> list[Price]:
    """The items' prices, checked as Stripe checks them: recurring, active, licensed, one
    currency and one interval for all, no price twice."""
    if not items:
        raise InvalidParameter("Missing required param: items.", code="parameter_missing",
                               param="items")
    if len(items) > MAX_ITEMS:
        raise InvalidParameter(f"A subscription can have at most {MAX_ITEMS} items.",
                               param="items")
    prices = []
    for index, item in enumerate(items):
        param = f"items[{index}][price]"
        price = selectors.price_get(id=item.price, merchant=merchant, livemode=livemode,
                                    param=param)
        if price.type != Price.Type.RECURRING:
            raise InvalidRequest("The price specified is set to `type=one_time` but this "
                                 "field only accepts prices with `type=recurring`.",
                                 param=param)
        if not price.active:
            raise InvalidRequest(f"The price specified ({price.id}) is inactive. This field "
                                 "only accepts active prices.", param=param)
        if price.recurring_usage_type != Price.UsageType.LICENSED:
            raise InvalidRequest("Metered prices are not billed by Till yet.", param=param)
        if item.quantity < 0:
            raise InvalidParameter("Invalid integer: quantity must be at least 0.",
                                   param=f"items[{index}][quantity]")
        prices.append(price)
    first = prices[0]
    for index, price in enumerate(prices[1:], start=1):
        if price.currency != first.currency:
            raise InvalidRequest("All prices on a subscription must have the same currency.",
                                 param=f"items[{index}][price]")
        if (price.recurring_interval, price.recurring_interval_count) != (
                first.recurring_interval, first.recurring_interval_count):
            raise InvalidRequest("All prices on a subscription must have the same "
                                 "`recurring.interval` and `recurring.interval_count`.",
                                 param=f"items[{index}][price]")
    if len({price.id for price in prices}) != len(prices):
        raise InvalidRequest("Cannot add multiple subscription items with the same price.",
                             param="items")
    return prices


def _payment_method_for(id: str | None, customer: Customer) -> PaymentMethod | None:  # noqa: A002
    """The subscription's own default: a payment method attached to its customer."""
    if id is None:
        return None
    method = payment_selectors.payment_method_get(id=id, merchant=customer.merchant,
                                                  livemode=customer.livemode,
                                                  param="default_payment_method")
    if method.customer_id != customer.id:
        raise InvalidRequest(
            f"The PaymentMethod {id} must be attached to the subscription's customer "
            f"({customer.id}) to be its default.", param="default_payment_method")
    return method


def _line_amount(price: Price, quantity: int) -> int:
    """What the item costs a period, rounded half up to the currency's minor unit."""
    return int(price_amount_for(price, quantity).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def subscription_invoice_make(subscription: Subscription, *, reason: str, actor: Actor,
                              ) -> Invoice:
    """In the caller's transaction (the subscription locked): the invoice of the
    subscription's current period (`invoice.created`), one line per item, finalized
    (`invoice.finalized`; paid at once when nothing is due). The database refuses a second
    invoice for the same period (IntegrityError, for the caller)."""
    customer = subscription.customer
    now = clock.now()
    invoice = Invoice(
        merchant=subscription.merchant, livemode=subscription.livemode, customer=customer,
        currency=subscription.currency, subscription=subscription,
        collection_method=Invoice.CollectionMethod.CHARGE_AUTOMATICALLY, auto_advance=True,
        billing_reason=reason, footer=customer.invoice_settings.get("footer"),
        custom_fields=customer.invoice_settings.get("custom_fields"),
        default_payment_method=subscription.default_payment_method, created=now,
        discount_ids=subscription_invoice_discount_ids(subscription),
        period_start=subscription.current_period_start,
        period_end=subscription.current_period_end)
    invoice.save()
    lines = [InvoiceLineItem(
        merchant=subscription.merchant, livemode=subscription.livemode, invoice=invoice,
        type=InvoiceLineItem.Type.SUBSCRIPTION, subscription_item=item, price=item.price,
        amount=_line_amount(item.price, item.quantity), currency=subscription.currency,
        description=f"{item.quantity} × {item.price.product.name}", quantity=item.quantity,
        unit_amount_decimal=item.price.amount_per_unit or Decimal(0), created=now,
        period_start=subscription.current_period_start,
        period_end=subscription.current_period_end)
        for item in selectors.subscription_items(subscription=subscription)]
    InvoiceLineItem.objects.bulk_create(lines)
    invoice_totals_refresh(invoice)
    invoice.save(update_fields=TOTALS_FIELDS)
    transition_record(invoice, "created", actor)
    events_record(EventSpec("invoice.created", invoice, payload=invoice_rendered(invoice)))
    invoice_finalize_locked(invoice, actor=actor)
    if invoice.next_payment_attempt is not None:
        # The engine charges it itself, right after this commits: the invoices' sweep must
        # not attempt it too. Dunning's retries (a later slice) will set it again.
        invoice.next_payment_attempt = None
        invoice.save(update_fields=["next_payment_attempt"])
    subscription.latest_invoice = invoice
    return invoice


def subscription_create(
        *, merchant: Merchant, livemode: bool, actor: Actor, customer: str,
        items: list[ItemSpec], default_payment_method: str | None = None,
        payment_behavior: str = "allow_incomplete", off_session: bool = False,
        collection_method: str | None = None, description: str | None = None,
        metadata: MetadataUpdate | None = None,
        discounts: list[DiscountSpec] | None = None) -> Subscription:
    """Creates a subscription (`customer.subscription.created`, `incomplete`) and its first
    invoice, for the first period from now, finalized and charged at once (after the
    subscription's transaction commits). Paid: `active` (by the payment's outcome, in the
    transaction that records it). Declined: it stays `incomplete`, its invoice open, for 23
    hours. `default_incomplete`: nothing is charged now. `error_if_incomplete`: the payment
    comes first, and a decline is raised with nothing of the subscription created.
    `discounts` (billing.services.discounts) are redeemed with it and apply to its invoices,
    the first one included."""
    if payment_behavior not in PAYMENT_BEHAVIORS:
        raise InvalidParameter(f"Invalid payment_behavior: must be one of "
                               f"{', '.join(PAYMENT_BEHAVIORS)}.", param="payment_behavior")
    if collection_method not in (None, Subscription.CollectionMethod.CHARGE_AUTOMATICALLY):
        raise InvalidRequest("Till's subscriptions are charged automatically for now: "
                             "`collection_method=send_invoice` is not supported yet.",
                             param="collection_method")
    if payment_behavior != "default_incomplete":
        # A mode without a processor is refused before anything is made, as `pay` refuses.
        processor_for(merchant=merchant, livemode=livemode)
    owner = payment_selectors.customer_get(id=customer, merchant=merchant, livemode=livemode,
                                           param="customer")
    prices = _prices_for(items, merchant=merchant, livemode=livemode)
    method = _payment_method_for(default_payment_method, owner)
    method_id = (method.id if method else
                 owner.invoice_settings.get("default_payment_method"))
    if method_id is None and payment_behavior != "default_incomplete":
        raise InvalidRequest(NO_PAYMENT_METHOD, code=NO_PAYMENT_METHOD_CODE)
    with customer_time(owner):
        if payment_behavior == "error_if_incomplete":
            if discounts or owner.discount_id:
                # Its first charge is taken before any invoice (or discount) exists.
                raise InvalidRequest("Discounts (the subscription's or its customer's) with "
                                     "`payment_behavior=error_if_incomplete` are not "
                                     "supported by Till yet.", param="discounts")
            return _create_paid_first(owner, items, prices, method=method, method_id=method_id,
                                      actor=actor, description=description, metadata=metadata)
        with transaction.atomic(durable=True):
            subscription = _subscription_make(owner, items, prices, method=method,
                                              description=description, metadata=metadata,
                                              actor=actor)
            if discounts:
                subscription_discounts_set(subscription, specs=discounts, actor=actor)
            invoice = subscription_invoice_make(
                subscription, reason=Invoice.BillingReason.SUBSCRIPTION_CREATE, actor=actor)
            _activate_if_paid(subscription, invoice)
            subscription.save()
        if payment_behavior == "allow_incomplete" and invoice.status == Invoice.Status.OPEN:
            subscription_invoice_charge(invoice, actor=actor, off_session=off_session)
    return selectors.subscription_get(id=subscription.id, merchant=merchant, livemode=livemode)


def _subscription_make(owner: Customer, items: list[ItemSpec], prices: list[Price], *,
                       method: PaymentMethod | None, description: str | None,
                       metadata: MetadataUpdate | None, actor: Actor) -> Subscription:
    """The subscription and its items, saved, in the caller's transaction (its first period
    from now, anchored now), with `customer.subscription.created`."""
    now = clock.now()
    first = prices[0]
    end = period_end_after(now, interval=first.recurring_interval,
                           interval_count=first.recurring_interval_count, after=now)
    subscription = Subscription(
        merchant=owner.merchant, livemode=owner.livemode, customer=owner,
        currency=first.currency, default_payment_method=method, description=description,
        interval=first.recurring_interval, interval_count=first.recurring_interval_count,
        billing_cycle_anchor=now, current_period_start=now, current_period_end=end,
        start_date=now, created=now, metadata=metadata_apply({}, metadata))
    subscription.save()
    SubscriptionItem.objects.bulk_create([SubscriptionItem(
        merchant=owner.merchant, livemode=owner.livemode, subscription=subscription,
        price=price, quantity=item.quantity, current_period_start=now,
        current_period_end=end, created=now) for item, price in zip(items, prices,
                                                                    strict=True)])
    status_change_record(obj=subscription, source="created", actor=actor)
    events_record(EventSpec("customer.subscription.created", subscription,
                            payload=subscription_rendered(subscription)))
    return subscription


def _activate_if_paid(subscription: Subscription, invoice: Invoice) -> None:
    """A first invoice with nothing due is paid at finalization: the subscription starts
    `active` (its `.updated` follows the `.created`, as for a charged one)."""
    if invoice.status != Invoice.Status.PAID:
        return
    before = subscription_rendered(subscription)
    source = subscription.status
    subscription.activate()
    subscription.save()
    status_change_record(obj=subscription, source=source, actor=TILL)
    subscription_updated_record(subscription, before)


def _create_paid_first(owner: Customer, items: list[ItemSpec], prices: list[Price], *,
                       method: PaymentMethod | None, method_id: str, actor: Actor,
                       description: str | None, metadata: MetadataUpdate | None,
                       ) -> Subscription:
    """`error_if_incomplete`: the first period's amount is charged before anything of the
    subscription exists, so a decline (raised, Stripe's 402) leaves no subscription and no
    invoice; paid, the subscription is made `active` with its invoice paid by that charge."""
    amount = sum(_line_amount(price, item.quantity)
                 for item, price in zip(items, prices, strict=True))
    intent: PaymentIntent | None = None
    if amount > 0:
        intent = payment_services.payment_intent_create(
            merchant=owner.merchant, livemode=owner.livemode, actor=actor, amount=amount,
            currency=prices[0].currency, customer=owner.id, payment_method=method_id,
            purpose="subscription_create")
        try:
            intent = payment_services.payment_intent_confirm(
                id=intent.id, merchant=owner.merchant, livemode=owner.livemode, actor=actor,
                off_session=True)
        except DomainError:
            _abandon(intent, actor=actor)
            raise
        if intent.status != PaymentIntent.Status.SUCCEEDED:
            _abandon(intent, actor=actor)
            raise InvalidRequest("The subscription's first payment was not completed, and "
                                 "`payment_behavior=error_if_incomplete` creates nothing "
                                 "then.", code="subscription_payment_intent_requires_action",
                                 payment_intent=intent)
    with transaction.atomic(durable=True):
        subscription = _subscription_make(owner, items, prices, method=method,
                                          description=description, metadata=metadata,
                                          actor=actor)
        invoice = subscription_invoice_make(
            subscription, reason=Invoice.BillingReason.SUBSCRIPTION_CREATE, actor=actor)
        if intent is not None and invoice.status == Invoice.Status.OPEN:
            _paid_by(invoice, intent)
        _activate_if_paid(subscription, invoice)
        subscription.save()
    return subscription


def _abandon(intent: PaymentIntent, *, actor: Actor) -> None:
    """error_if_incomplete's payment that did not succeed: nothing will ever pay it (no
    invoice exists to finish it through), so it is canceled rather than left open."""
    try:
        payment_services.payment_intent_cancel(
            id=intent.id, merchant=intent.merchant, livemode=intent.livemode, actor=actor,
            cancellation_reason=PaymentIntent.CancellationReason.ABANDONED)
    except DomainError as exc:  # busy or settled meanwhile: the decline is still the answer
        logger.warning("could not cancel payment %s: %s", intent.id, exc)


def _paid_by(invoice: Invoice, intent: PaymentIntent) -> None:
    source = invoice.status
    invoice.payment_intent = intent
    invoice.attempted, invoice.attempt_count = True, 1
    invoice.mark_paid(at=clock.now(), amount_paid=intent.amount_received)
    invoice.save()
    transition_record(invoice, source, TILL)
    paid = invoice_rendered(invoice)
    events_record(EventSpec("invoice.paid", invoice, payload=paid),
                  EventSpec("invoice.payment_succeeded", invoice, payload=paid))


def subscription_invoice_charge(invoice: Invoice, *, actor: Actor,
                                off_session: bool = True) -> bool:
    """Charges a subscription's open invoice (no lock held); the outcome moves the
    subscription. A decline is recorded on the invoice, not raised. Returns whether paid."""
    try:
        paid = invoice_pay(id=invoice.id, merchant=invoice.merchant, livemode=invoice.livemode,
                           actor=actor, off_session=off_session)
    except (DomainError, ProcessorUnavailable) as exc:
        logger.info("payment of subscription invoice %s did not succeed: %s", invoice.id, exc)
        return False
    return paid.status == Invoice.Status.PAID


# -- the invoices' outcomes ----------------------------------------------------------------

def subscription_invoice_outcome_record(*, invoice: Invoice, outcome: PaymentOutcome) -> None:
    """In payments' recording transaction, after the invoice took its outcome (the invoice
    locked, then the subscription here): the subscription's latest invoice paid makes it
    `active` (from `incomplete` or `past_due`); a renewal's payment failing makes an active
    one `past_due` (dunning's retries come later: `next_payment_attempt` stays null).
    `customer.subscription.updated` when the status moved."""
    if invoice.subscription_id is None:
        return
    subscription = selectors.subscription_get_locked_by_id(id=invoice.subscription_id)
    if subscription is None or subscription.latest_invoice_id != invoice.id:
        return
    before = subscription_rendered(subscription)
    source = subscription.status
    if outcome == PaymentOutcome.SUCCEEDED and invoice.status == Invoice.Status.PAID:
        if source not in (Subscription.Status.INCOMPLETE, Subscription.Status.PAST_DUE,
                          Subscription.Status.UNPAID):
            return
        subscription.activate()
    elif (outcome in (PaymentOutcome.FAILED, PaymentOutcome.REQUIRES_ACTION)
          and invoice.billing_reason == Invoice.BillingReason.SUBSCRIPTION_CYCLE
          and source == Subscription.Status.ACTIVE):
        subscription.mark_past_due()
    else:
        return
    subscription.save()
    status_change_record(obj=subscription, source=source, actor=TILL)
    subscription_updated_record(subscription, before)


# -- update and cancel ---------------------------------------------------------------------

def subscription_update(
        *, id: str, merchant: Merchant, livemode: bool, actor: Actor,  # noqa: A002
        default_payment_method: Maybe[str | None] = NOT_GIVEN,
        cancel_at_period_end: Maybe[bool] = NOT_GIVEN,
        description: Maybe[str | None] = NOT_GIVEN,
        metadata: MetadataUpdate | None = None,
        discounts: Maybe[list[DiscountSpec]] = NOT_GIVEN) -> Subscription:
    """Updates what this slice lets change, under the subscription's lock
    (`customer.subscription.updated` with the old values). Items, quantities and proration
    come later. `discounts` replaces its discounts, for the invoices it makes from now on.
    An ended subscription is refused, as Stripe refuses it."""
    with transaction.atomic(durable=True):
        subscription = selectors.subscription_get_locked(id=id, merchant=merchant,
                                                         livemode=livemode)
        if subscription.is_ended and (default_payment_method is not NOT_GIVEN
                                      or cancel_at_period_end is not NOT_GIVEN
                                      or discounts is not NOT_GIVEN):
            raise _ended(subscription)
        with customer_time(subscription.customer):
            before = subscription_rendered(subscription)
            if default_payment_method is not NOT_GIVEN:
                subscription.default_payment_method = _payment_method_for(
                    default_payment_method, subscription.customer)
            if cancel_at_period_end is not NOT_GIVEN:
                subscription.cancel_at_period_end = cancel_at_period_end
                subscription.canceled_at = clock.now() if cancel_at_period_end else None
            if description is not NOT_GIVEN:
                subscription.description = description
            if discounts is not NOT_GIVEN:
                subscription_discounts_set(subscription, specs=discounts, actor=actor)
            subscription.metadata = metadata_apply(subscription.metadata, metadata)
            subscription.save()
            subscription_updated_record(subscription, before)
    return selectors.subscription_get(id=id, merchant=merchant, livemode=livemode)


def _ended(subscription: Subscription) -> InvalidState:
    return InvalidState(f"A canceled subscription can only update its cancellation_details "
                        f"and metadata: {subscription.id} is {subscription.status}.",
                        param="cancel_at_period_end")


def subscription_cancel(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                        actor: Actor, reason: str = "cancellation_requested") -> Subscription:
    """Cancels now (`customer.subscription.deleted`): nothing more is billed; its invoices
    stay as they are (proration and `invoice_now` come later). An ended subscription is
    refused."""
    with transaction.atomic(durable=True):
        subscription = selectors.subscription_get_locked(id=id, merchant=merchant,
                                                         livemode=livemode)
        subscription_cancel_locked(subscription, reason=reason, actor=actor)
    return selectors.subscription_get(id=id, merchant=merchant, livemode=livemode)


def subscription_cancel_locked(subscription: Subscription, *, reason: str,
                               actor: Actor) -> None:
    if subscription.status not in Subscription.CANCELABLE:
        raise InvalidState(f"No such subscription to cancel: {subscription.id} is already "
                           f"{subscription.status}.", code="resource_missing")
    with customer_time(subscription.customer):
        source = subscription.status
        subscription.cancel(at=clock.now(), reason=reason)
        subscription.save()
        status_change_record(obj=subscription, source=source, actor=actor)
        events_record(EventSpec("customer.subscription.deleted", subscription,
                                payload=subscription_rendered(subscription)))
