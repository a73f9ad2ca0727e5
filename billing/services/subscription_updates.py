"""Changing a subscription after its creation: `POST /v1/subscriptions/{id}` (its terms, its
items with their prorations: billing.services.subscription_changes), its items' own routes,
and resuming a paused one. Each is one transaction with the subscription locked; an invoice
it makes is charged after the commit, never under a lock.
"""

from datetime import datetime
from typing import Literal

from django.db import transaction

from billing import selectors
from billing.models import Invoice, Subscription, SubscriptionItem
from billing.periods import period_end_after
from billing.services.common import NO_PAYMENT_METHOD, NO_PAYMENT_METHOD_CODE
from billing.services.discounts import DiscountSpec, subscription_discounts_set
from billing.services.dunning import subscription_retry_with_new_default
from billing.services.inline_prices import PriceDataSpec
from billing.services.subscription_changes import (
    ItemChange,
    subscription_items_change_locked,
    subscription_items_interval,
)
from billing.services.subscription_collection import subscription_collection_apply
from billing.services.subscription_cycles import (
    subscription_cycle_credit,
    subscription_cycle_move,
    subscription_cycle_plan,
)
from billing.services.subscription_invoice_items import (
    InvoiceItemSpec,
    add_invoice_items_check,
    add_invoice_items_create,
)
from billing.services.subscription_invoices import subscription_invoice_make
from billing.services.subscription_pauses import PauseCollectionSpec, pause_collection_apply
from billing.services.subscription_pending_updates import subscription_update_charge_or_undo
from billing.services.subscription_terms import (
    cancel_at_check,
    subscription_payment_method_check,
)
from billing.services.subscriptions import (
    subscription_invoice_charge,
    subscription_rendered,
    subscription_upcoming_notice_schedule,
    subscription_updated_record,
)
from core import clock
from core.actor import Actor
from core.audit import status_change_record
from core.exceptions import InvalidParameter, InvalidRequest, InvalidState
from core.metadata import MetadataUpdate, metadata_apply
from core.types import NOT_GIVEN, Maybe
from merchants.models import Merchant
from payments.clocks import customer_time
from payments.processors import processor_for
from webhooks.services import EventSpec, events_record


def subscription_update(
        *, id: str, merchant: Merchant, livemode: bool, actor: Actor,  # noqa: A002
        default_payment_method: Maybe[str | None] = NOT_GIVEN,
        cancel_at_period_end: Maybe[bool] = NOT_GIVEN,
        cancel_at: Maybe[datetime | None] = NOT_GIVEN,
        description: Maybe[str | None] = NOT_GIVEN,
        metadata: MetadataUpdate | None = None,
        discounts: Maybe[list[DiscountSpec]] = NOT_GIVEN,
        items: list[ItemChange] | None = None,
        proration_behavior: str = "create_prorations",
        proration_date: datetime | None = None, off_session: bool = True,
        pause_collection: Maybe[PauseCollectionSpec | None] = NOT_GIVEN,
        collection_method: Maybe[str] = NOT_GIVEN,
        days_until_due: Maybe[int | None] = NOT_GIVEN,
        add_invoice_items: list[InvoiceItemSpec] | None = None,
        payment_behavior: str = "allow_incomplete",
        billing_cycle_anchor: str | None = None,
        trial_end: datetime | Literal["now"] | None = None) -> Subscription:
    """Updates the subscription under its lock (`customer.subscription.updated` with the
    old values). `items` change its prices and quantities with Stripe's prorations
    (billing.services.subscription_changes); an `always_invoice` change's invoice is charged
    after the commit (a decline makes it `past_due`). `discounts` replaces its discounts, for
    the invoices it makes from now on; so do `collection_method` and `days_until_due` (a
    `send_invoice` invoice is sent, not charged). `cancel_at` (a future moment; None clears
    it) and `cancel_at_period_end=true` each clear the other, as Stripe's do; the engine
    cancels at `cancel_at` even mid-period (billing.services.subscription_cancel_at).
    `add_invoice_items` (one-time prices or their `price_data`) become the subscription's
    pending invoice items, taken by the invoice this update makes (`always_invoice`), else
    by its next one. An ended subscription is refused, as Stripe refuses it.

    `payment_behavior=pending_if_incomplete` (items, prorations and `add_invoice_items`
    only, as Stripe's pending updates): an `always_invoice` change whose invoice is not paid
    leaves the items as they were, held as the subscription's `pending_update` until that
    invoice is paid (then applied) or voided, by the merchant or when its time runs out (23
    hours, or the period's end if sooner). While one is held, the items cannot change.

    `payment_behavior=error_if_incomplete`: an `always_invoice` change of the items is held
    the same way, hidden (billing.services.subscription_changes), and its invoice charged
    after the commit (billing.services.subscription_pending_updates): paid, the change
    applies; otherwise the invoice is voided, the change dropped, and the card error raised
    (Stripe's 402), the subscription as it was. It holds only what a pending update holds.
    With nothing to charge now (other proration behaviours, a `send_invoice` subscription),
    it is `allow_incomplete`.

    `billing_cycle_anchor=now` (or `trial_end=now`, ending a trial) restarts the cycle now,
    invoiced and charged at once; a future `trial_end` makes it trialing until then
    (billing.services.subscription_cycles), as does a change of the items to another billing
    interval. With any of them, the items change without prorations of their own: the
    credit for the unused time of the period cut short is the move's."""
    if payment_behavior not in UPDATE_PAYMENT_BEHAVIORS:
        raise InvalidParameter(f"Invalid payment_behavior: must be one of "
                               f"{', '.join(UPDATE_PAYMENT_BEHAVIORS)}.",
                               param="payment_behavior")
    pending = payment_behavior == "pending_if_incomplete"
    strict = (payment_behavior == "error_if_incomplete" and bool(items)
              and proration_behavior == "always_invoice")
    if pending or strict:
        _pending_update_check(
            payment_behavior, items=items, given={
                "default_payment_method": default_payment_method is not NOT_GIVEN,
                "cancel_at_period_end": cancel_at_period_end is not NOT_GIVEN,
                "cancel_at": cancel_at is not NOT_GIVEN,
                "description": description is not NOT_GIVEN,
                "metadata": metadata is not None, "discounts": discounts is not NOT_GIVEN,
                "pause_collection": pause_collection is not NOT_GIVEN,
                "collection_method": collection_method is not NOT_GIVEN,
                "days_until_due": days_until_due is not NOT_GIVEN})
    invoice, own_items = None, []
    with transaction.atomic(durable=True):
        subscription = selectors.subscription_get_locked(id=id, merchant=merchant,
                                                         livemode=livemode)
        if subscription.pending_update_invoice_id is not None and (items or add_invoice_items):
            raise InvalidRequest(
                f"This subscription has a pending update waiting for its invoice "
                f"{subscription.pending_update_invoice_id} to be paid: pay or void that "
                f"invoice before changing its items.", param="items")
        if (pending and subscription.collection_method
                == Subscription.CollectionMethod.SEND_INVOICE):
            raise InvalidRequest("Pending updates are not supported on subscriptions with "
                                 "`collection_method=send_invoice`.",
                                 param="payment_behavior")
        if subscription.is_ended and (default_payment_method is not NOT_GIVEN
                                      or cancel_at_period_end is not NOT_GIVEN or items
                                      or cancel_at is not NOT_GIVEN
                                      or pause_collection is not NOT_GIVEN
                                      or discounts is not NOT_GIVEN or add_invoice_items
                                      or billing_cycle_anchor == "now"
                                      or trial_end is not None):
            raise _ended(subscription)
        hidden = strict and (subscription.collection_method
                             == Subscription.CollectionMethod.CHARGE_AUTOMATICALLY)
        with customer_time(subscription.customer):
            before = subscription_rendered(subscription)
            move = subscription_cycle_plan(
                subscription, billing_cycle_anchor=billing_cycle_anchor, trial_end=trial_end,
                payment_behavior=payment_behavior, proration_behavior=proration_behavior,
                proration_date=proration_date,
                interval=subscription_items_interval(subscription, items) if items else None)
            if move is not None:
                subscription_cycle_credit(subscription, move,
                                          proration_behavior=proration_behavior)
            if add_invoice_items:
                own_items = add_invoice_items_create(subscription, add_invoice_items_check(
                    add_invoice_items, merchant=merchant, livemode=livemode,
                    currency=subscription.currency))
            if pause_collection is not NOT_GIVEN:
                pause_collection_apply(subscription, pause_collection)
            if collection_method is not NOT_GIVEN or days_until_due is not NOT_GIVEN:
                subscription_collection_apply(subscription,
                                              collection_method=collection_method,
                                              days_until_due=days_until_due)
            if items:
                invoice = subscription_items_change_locked(
                    subscription, items,
                    proration_behavior="none" if move is not None else proration_behavior,
                    proration_date=proration_date, actor=actor, pending=pending,
                    hidden=hidden, own_items=[item.pk for item in own_items])
            if default_payment_method is not NOT_GIVEN:
                subscription.default_payment_method = subscription_payment_method_check(
                    default_payment_method, subscription.customer)
            if cancel_at_period_end is not NOT_GIVEN:
                subscription.cancel_at_period_end = cancel_at_period_end
                subscription.canceled_at = clock.now() if cancel_at_period_end else None
                if cancel_at_period_end:
                    subscription.cancel_at = None
            if cancel_at is not NOT_GIVEN:
                subscription.cancel_at = cancel_at_check(
                    cancel_at, now=clock.now(), cancel_at_period_end=(
                        cancel_at_period_end if cancel_at_period_end is not NOT_GIVEN
                        else None))
                if cancel_at is not None:
                    subscription.cancel_at_period_end = False
                subscription.canceled_at = (clock.now() if cancel_at is not None
                                            or subscription.cancel_at_period_end else None)
            if description is not NOT_GIVEN:
                subscription.description = description
            if discounts is not NOT_GIVEN:
                subscription_discounts_set(subscription, specs=discounts, actor=actor)
            subscription.metadata = metadata_apply(subscription.metadata, metadata)
            if move is not None:
                invoice = subscription_cycle_move(subscription, move,
                                                  proration_behavior=proration_behavior,
                                                  actor=actor)
            subscription.save()
            subscription_updated_record(subscription, before)
    if (invoice is not None and invoice.status == Invoice.Status.OPEN
            and invoice.collection_method == Invoice.CollectionMethod.CHARGE_AUTOMATICALLY):
        with customer_time(subscription.customer):
            if subscription.pending_update_invoice_id == invoice.id and hidden:
                subscription_update_charge_or_undo(invoice, actor=actor,
                                                   off_session=off_session)
            else:
                subscription_invoice_charge(invoice, actor=actor, off_session=off_session)
    if default_payment_method is not NOT_GIVEN and default_payment_method is not None:
        # Committed, no lock held: a past-due subscription's open invoice is retried at
        # once with its new default.
        subscription_retry_with_new_default(subscription_id=id)
    return selectors.subscription_get(id=id, merchant=merchant, livemode=livemode)


# `pending_if_incomplete`: Stripe's pending updates; `error_if_incomplete`: the change
# applies only if its invoice is paid at once (billing.services.subscription_pending_updates).
UPDATE_PAYMENT_BEHAVIORS = ("allow_incomplete", "pending_if_incomplete", "error_if_incomplete")


def _pending_update_check(payment_behavior: str, *, items: list[ItemChange] | None,
                          given: dict[str, bool]) -> None:
    """Only what a pending update can hold may come with `pending_if_incomplete`, as Stripe
    allows: items' prices and quantities, prorations, `add_invoice_items`. Till holds an
    `error_if_incomplete` change invoiced at once the same way, so the same goes for it:
    what is held can be dropped whole when its payment fails."""
    for name, present in given.items():
        if present:
            raise InvalidRequest(f"`{name}` cannot be used with "
                                 f"`payment_behavior={payment_behavior}`"
                                 + (" and `proration_behavior=always_invoice`"
                                    if payment_behavior == "error_if_incomplete" else "")
                                 + ": the update is held until its invoice is paid, and holds "
                                 "only items (price, quantity), proration_behavior, "
                                 "proration_date and add_invoice_items.", param=name)
    for index, change in enumerate(items or []):
        for name, value in (("price_data", change.price_data), ("metadata", change.metadata)):
            if value is not None:
                raise InvalidRequest(f"`items[][{name}]` cannot be used with "
                                     f"`payment_behavior={payment_behavior}`.",
                                     param=f"items[{index}][{name}]")


def subscription_item_create(
        *, merchant: Merchant, livemode: bool, actor: Actor, subscription: str,
        price: str | None = None, quantity: int = 1,
        proration_behavior: str = "create_prorations", proration_date: datetime | None = None,
        metadata: MetadataUpdate | None = None,
        price_data: PriceDataSpec | None = None, payment_behavior: str = "allow_incomplete",
        off_session: bool = True) -> SubscriptionItem:
    """Adds an item to a subscription (`/v1/subscription_items`): the update of its items,
    prorated as subscription_update prorates them, with its `payment_behavior` (a decline
    under `error_if_incomplete` raised, nothing added). `price_data` makes its price
    (inactive). Held as a pending update (`pending_if_incomplete`, its invoice unpaid): the
    item as the pending update shows it, with the id it will have."""
    if price is None and price_data is None:
        raise InvalidParameter("Missing required param: price.", code="parameter_missing",
                               param="price")
    selectors.subscription_get(id=subscription, merchant=merchant, livemode=livemode,
                               param="subscription")
    updated = subscription_update(
        id=subscription, merchant=merchant, livemode=livemode, actor=actor,
        items=[ItemChange(price=price, quantity=quantity, metadata=metadata,
                          price_data=price_data)],
        proration_behavior=proration_behavior, proration_date=proration_date,
        payment_behavior=payment_behavior, off_session=off_session)
    price_id = price if price is not None else price_data.id
    if updated.pending_update_items:
        for held in selectors.subscription_pending_items(subscription=updated):
            if held.price_id == price_id:  # the pending update's new item: not saved yet
                return held
    return selectors.subscription_item_of_price(subscription_id=subscription,
                                                price_id=price_id)


def subscription_item_update(
        *, id: str, merchant: Merchant, livemode: bool, actor: Actor,  # noqa: A002
        price: str | None = None, quantity: int | None = None,
        proration_behavior: str = "create_prorations", proration_date: datetime | None = None,
        metadata: MetadataUpdate | None = None,
        price_data: PriceDataSpec | None = None, payment_behavior: str = "allow_incomplete",
        off_session: bool = True) -> SubscriptionItem:
    """Changes one item's price (or gives it one made from `price_data`), quantity or
    metadata, prorated as subscription_update prorates it, with its `payment_behavior`.
    Returns the item as it is (unchanged while a pending update holds the change)."""
    item = selectors.subscription_item_get(id=id, merchant=merchant, livemode=livemode)
    subscription_update(id=item.subscription_id, merchant=merchant, livemode=livemode,
                        actor=actor, items=[ItemChange(id=id, price=price, quantity=quantity,
                                                       metadata=metadata,
                                                       price_data=price_data)],
                        proration_behavior=proration_behavior, proration_date=proration_date,
                        payment_behavior=payment_behavior, off_session=off_session)
    return selectors.subscription_item_get(id=id, merchant=merchant, livemode=livemode)


def subscription_item_delete(
        *, id: str, merchant: Merchant, livemode: bool, actor: Actor,  # noqa: A002
        proration_behavior: str = "create_prorations",
        proration_date: datetime | None = None, payment_behavior: str = "allow_incomplete",
        off_session: bool = True) -> SubscriptionItem:
    """Deletes one item (its unused time credited, as subscription_update prorates it, with
    its `payment_behavior`: a pending update deletes it once its invoice is paid); returns
    it as it was. A subscription's last item cannot be deleted."""
    item = selectors.subscription_item_get(id=id, merchant=merchant, livemode=livemode)
    subscription_update(id=item.subscription_id, merchant=merchant, livemode=livemode,
                        actor=actor, items=[ItemChange(id=id, deleted=True)],
                        proration_behavior=proration_behavior, proration_date=proration_date,
                        payment_behavior=payment_behavior, off_session=off_session)
    return item


def subscription_resume(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                        actor: Actor, off_session: bool = True) -> Subscription:
    """Resumes a paused subscription (a trial that ended with no payment method), as
    Stripe's `billing_cycle_anchor=now`: a new period from now, anchored now, `active`
    (`customer.subscription.resumed`, `.updated`), its invoice made and finalized, then
    charged after the commit (paid, or `past_due` by the payment's outcome). Only a paused
    subscription can be resumed. A mode without a processor is refused first, as creation
    refuses it: the resumption's invoice is charged."""
    processor_for(merchant=merchant, livemode=livemode)
    with transaction.atomic(durable=True):
        subscription = selectors.subscription_get_locked(id=id, merchant=merchant,
                                                         livemode=livemode)
        if subscription.status != Subscription.Status.PAUSED:
            raise InvalidState(f"Only a paused subscription can be resumed: {subscription.id} "
                               f"is {subscription.status}.")
        if (subscription.default_payment_method_id is None
                and subscription.customer.invoice_settings.get("default_payment_method") is None):
            # Its resumption is charged at once: with nothing to charge it stays paused.
            raise InvalidRequest(NO_PAYMENT_METHOD, code=NO_PAYMENT_METHOD_CODE)
        with customer_time(subscription.customer):
            now = clock.now()
            before = subscription_rendered(subscription)
            end = period_end_after(now, interval=subscription.interval,
                                   interval_count=subscription.interval_count, after=now)
            subscription.resume()
            subscription.billing_cycle_anchor = now
            subscription.move_period(start=now, end=end)
            subscription_upcoming_notice_schedule(subscription)
            SubscriptionItem.objects.filter(subscription=subscription).update(
                current_period_start=now, current_period_end=end)
            subscription.save()
            status_change_record(obj=subscription, source=Subscription.Status.PAUSED,
                                 actor=actor)
            events_record(EventSpec("customer.subscription.resumed", subscription,
                                    payload=subscription_rendered(subscription)))
            subscription_updated_record(subscription, before)
            invoice = subscription_invoice_make(
                subscription, reason=Invoice.BillingReason.SUBSCRIPTION_UPDATE, actor=actor)
            subscription.save(update_fields=["latest_invoice"])
    if invoice.status == Invoice.Status.OPEN:
        with customer_time(subscription.customer):
            subscription_invoice_charge(invoice, actor=actor, off_session=off_session)
    return selectors.subscription_get(id=id, merchant=merchant, livemode=livemode)


def _ended(subscription: Subscription) -> InvalidState:
    return InvalidState(f"A canceled subscription can only update its cancellation_details "
                        f"and metadata: {subscription.id} is {subscription.status}.",
                        param="cancel_at_period_end")
