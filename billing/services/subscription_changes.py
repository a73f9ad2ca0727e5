"""Changing what a subscription bills part-way through a period: `items[]` on an update
(a price or quantity changed, an item added or deleted), prorated as Stripe prorates.

`proration_behavior`:
- `create_prorations` (the default): the unused time of what changed is credited and the
  remaining time of what replaced it charged, to the second (billing.prorations), as pending
  invoice items (`proration: true`) that the subscription's next invoice takes;
- `always_invoice`: the same items, invoiced at once (`billing_reason: subscription_update`)
  and charged after the update commits;
- `none`: nothing now; the next period bills the new items.
A trialing subscription is not prorated (its period is free). Everything here runs in the
update's transaction, with the subscription locked, on its customer's time.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from billing import selectors
from billing.models import (
    Invoice,
    InvoiceItem,
    InvoiceLineItem,
    Price,
    Subscription,
    SubscriptionItem,
)
from billing.pricing import price_line_amount
from billing.prorations import Period, prorated, proration_description
from billing.services.inline_prices import PriceDataSpec, inline_price_plan, inline_prices_insert
from billing.services.subscription_invoices import subscription_invoice_make
from billing.services.subscription_terms import MAX_ITEMS
from core import clock
from core.actor import Actor
from core.exceptions import InvalidParameter, InvalidRequest
from core.ids import new_id
from core.metadata import MetadataUpdate, metadata_apply
from webhooks.services import EventSpec, events_record

PRORATION_BEHAVIORS = ("create_prorations", "always_invoice", "none")
# How long a pending update waits for its invoice at most (Stripe's 23 hours; sooner when
# the period ends first).
PENDING_UPDATE_EXPIRES_AFTER = timedelta(hours=23)
# How long an `error_if_incomplete` update may stay held (hidden) before the engine voids its
# invoice and drops it as a crash's leftover: far longer than any payment attempt takes.
HIDDEN_UPDATE_EXPIRES_AFTER = timedelta(hours=1)
# What a proration's invoice item's unit amount keeps of an amount split over a quantity.
_UNIT_PLACES = Decimal("1e-12")


@dataclass(frozen=True, slots=True)
class ItemChange:
    """One entry of an update's `items[]`: an item of the subscription (`id`) given a new
    price (or the `price_data` of one, made with the change) or quantity, or deleted;
    without an id, a new item."""

    id: str | None = None
    price: str | None = None
    quantity: int | None = None
    deleted: bool = False
    metadata: MetadataUpdate | None = None
    price_data: PriceDataSpec | None = None


@dataclass(slots=True)
class _Planned:
    """An item as the update leaves it (None `item`: new; None `price`: deleted)."""

    item: SubscriptionItem | None
    price: Price | None
    quantity: int
    was: tuple[Price, int] | None = None  # what an existing item was before the update
    metadata: MetadataUpdate | None = None
    new_id: str | None = None  # a new item's id, chosen before it is saved (pending updates)
    param: str | None = None  # the parameter that gave it its price, in this update


def subscription_items_change_locked(subscription: Subscription, changes: list[ItemChange],
                                     *, proration_behavior: str,
                                     proration_date: datetime | None,
                                     actor: Actor, pending: bool = False,
                                     hidden: bool = False,
                                     own_items: list[str] | None = None) -> Invoice | None:
    """Applies `changes` to the locked subscription's items, with their prorations (see the
    module). Returns the invoice `always_invoice` made (finalized; the caller charges it
    after the commit), else None. Bad input raises before anything changes.

    `pending` (`payment_behavior=pending_if_incomplete`): when the change makes an invoice
    that is not paid at once, the items stay as they are and the change is held on the
    subscription (`pending_update`) until that invoice is paid
    (subscription_items_pending_apply_locked); a change that invoices nothing applies now.
    `hidden` (`payment_behavior=error_if_incomplete`): the same hold, but only for an invoice
    left open to be charged, kept off the wire (not `pending_update`, `latest_invoice` as it
    was) while the caller charges it; that invoice takes only this update's items (its
    prorations and `own_items`), so voiding it after a failure takes nothing else away."""
    if proration_behavior not in PRORATION_BEHAVIORS:
        raise InvalidParameter(f"Invalid proration_behavior: must be one of "
                               f"{', '.join(PRORATION_BEHAVIORS)}.",
                               param="proration_behavior")
    current = selectors.subscription_items(subscription=subscription)
    plan = _planned(subscription, current, changes)
    prorate = (proration_behavior != "none"
               and subscription.status in (Subscription.Status.ACTIVE,
                                           Subscription.Status.PAST_DUE))
    at = _proration_moment(subscription, proration_date) if prorate else None
    # The prorations name the new prices, applied or not.
    inline_prices_insert([planned.price for planned in plan if planned.price is not None])
    held = (pending or hidden) and at is not None and proration_behavior == "always_invoice"
    if not held:
        _apply(subscription, plan)
    if at is None:
        return None
    items = _prorations(subscription, plan, at=at)
    previous = subscription.latest_invoice if hidden else None
    invoice = (_invoice_now(subscription, actor=actor,
                            only=[*(own_items or []), *(item.pk for item in items)]
                            if hidden else None)
               if proration_behavior == "always_invoice" and items else None)
    if held:
        if invoice is not None and (invoice.status == Invoice.Status.OPEN if hidden
                                    else invoice.status != Invoice.Status.PAID):
            _hold(subscription, plan, invoice, hidden=hidden)
            if hidden:
                subscription.latest_invoice = previous  # the invoice's success sets it
        else:  # nothing to collect after all: the change applies now
            _apply(subscription, plan)
            if invoice is not None:
                _prorations_link(invoice, plan)
    return invoice


def _hold(subscription: Subscription, plan: list[_Planned], invoice: Invoice, *,
          hidden: bool) -> None:
    """The planned change kept on the subscription (saved by the caller) for when `invoice`
    is paid: what each changed, added or deleted item becomes, new items with their ids."""
    held = []
    for planned in plan:
        if planned.item is None:
            planned.new_id = new_id("si")
            held.append({"id": planned.new_id, "new": True, "price": planned.price.id,
                         "quantity": planned.quantity})
        elif planned.price is None:
            held.append({"id": planned.item.id, "new": False, "price": None, "quantity": 0})
        elif (planned.price.id, planned.quantity) != (planned.item.price_id,
                                                      planned.item.quantity):
            held.append({"id": planned.item.id, "new": False, "price": planned.price.id,
                         "quantity": planned.quantity})
    subscription.pending_update_items = held
    subscription.pending_update_invoice = invoice
    subscription.pending_update_hidden = hidden
    subscription.pending_update_expires_at = min(
        clock.now() + (HIDDEN_UPDATE_EXPIRES_AFTER if hidden else PENDING_UPDATE_EXPIRES_AFTER),
        subscription.current_period_end)


def subscription_items_pending_apply_locked(subscription: Subscription) -> None:
    """A pending update's invoice was paid: its held item changes applied to the locked
    subscription (saved by the caller), without prorations (that invoice billed them), and
    the new items' proration lines linked to them. An item the change named that is gone
    meanwhile is skipped."""
    held = subscription.pending_update_items or []
    current = {item.id: item for item in selectors.subscription_items(subscription=subscription)}
    prices = {price.id: price for price in Price.objects.filter(
        pk__in=[entry["price"] for entry in held if entry["price"]]).select_related("product")}
    plan = []
    for entry in held:
        price = prices.get(entry["price"]) if entry["price"] else None
        if entry["new"]:
            if price is not None:
                plan.append(_Planned(None, price, entry["quantity"], new_id=entry["id"]))
        elif entry["id"] in current:
            plan.append(_Planned(current[entry["id"]], price, entry["quantity"]))
    _apply(subscription, plan)
    if subscription.pending_update_invoice_id is not None:
        _prorations_link(Invoice(pk=subscription.pending_update_invoice_id), plan)
    subscription_pending_update_clear(subscription)


def subscription_pending_update_clear(subscription: Subscription) -> None:
    subscription.pending_update_items = None
    subscription.pending_update_invoice = None
    subscription.pending_update_expires_at = None
    subscription.pending_update_hidden = False


def _prorations_link(invoice: Invoice, plan: list[_Planned]) -> None:
    """A held change's new items, once saved: their proration invoice items name them."""
    for planned in plan:
        if planned.new_id is not None and planned.item is not None:
            for model in (InvoiceItem, InvoiceLineItem):
                model.objects.filter(invoice_id=invoice.pk, price=planned.price,
                                     subscription_item__isnull=True).update(
                    subscription_item=planned.item)


def _planned(subscription: Subscription, current: list[SubscriptionItem],
             changes: list[ItemChange]) -> list[_Planned]:
    """The items as the changes leave them, checked as Stripe checks them."""
    by_id = {item.id: _Planned(item, item.price, item.quantity, (item.price, item.quantity))
             for item in current}
    added: list[_Planned] = []
    for index, change in enumerate(changes):
        param = f"items[{index}]"
        if change.quantity is not None and change.quantity < 0:
            raise InvalidParameter("Invalid integer: quantity must be at least 0.",
                                   param=f"{param}[quantity]")
        if change.price is not None and change.price_data is not None:
            raise InvalidParameter(f"You may only specify one of these parameters: "
                                   f"{param}[price], {param}[price_data].",
                                   param=f"{param}[price_data]")
        price = (_price_for(change.price, subscription, param=f"{param}[price]")
                 if change.price is not None else
                 _inline_price_for(change.price_data, subscription,
                                   param=f"{param}[price_data]")
                 if change.price_data is not None else None)
        price_param = (f"{param}[price]" if change.price is not None
                       else f"{param}[price_data][recurring][interval]")
        if change.id is None:
            if change.deleted:
                raise InvalidParameter("An item to delete needs its id.", param=f"{param}[id]")
            if price is None:
                raise InvalidParameter("Missing required param: items[][price] (a new item "
                                       "needs its price).", code="parameter_missing",
                                       param=f"{param}[price]")
            added.append(_Planned(None, price, 1 if change.quantity is None
                                  else change.quantity, metadata=change.metadata,
                                  param=price_param))
            continue
        planned = by_id.get(change.id)
        if planned is None:
            raise InvalidRequest(f"No such subscription item: '{change.id}'",
                                 code="resource_missing", param=f"{param}[id]")
        if change.deleted:
            planned.price = None
            continue
        if price is not None:
            planned.price, planned.param = price, price_param
        if change.quantity is not None:
            planned.quantity = change.quantity
        planned.metadata = change.metadata
    plan = [*by_id.values(), *added]
    kept = [planned for planned in plan if planned.price is not None]
    if not kept:
        raise InvalidRequest("A subscription needs at least one item: delete it instead.",
                             param="items")
    if len(kept) > MAX_ITEMS:
        raise InvalidParameter(f"A subscription can have at most {MAX_ITEMS} items.",
                               param="items")
    if len({planned.price.id for planned in kept}) != len(kept):
        raise InvalidRequest("Cannot add multiple subscription items with the same price.",
                             param="items")
    _check_one_interval(kept)
    _check_no_swap(current, kept)
    return plan


def _interval_of(price: Price) -> tuple[str, int]:
    return price.recurring_interval, price.recurring_interval_count


def _check_one_interval(kept: list[_Planned]) -> None:
    """All the items an update leaves bill at one interval (another than the subscription's,
    when it moves them all: subscription_items_interval). The price refused is the first one
    this update gave that differs from the items it left as they were (else from the
    first)."""
    untouched = [planned for planned in kept if planned.param is None]
    reference = _interval_of((untouched or kept)[0].price)
    for planned in kept:
        if _interval_of(planned.price) != reference:
            raise InvalidRequest("All prices on a subscription must have the same "
                                 "`recurring.interval` and `recurring.interval_count`.",
                                 param=planned.param or "items")


def subscription_items_interval(subscription: Subscription,
                                changes: list[ItemChange]) -> tuple[str, int] | None:
    """The billing interval (and count) `changes` move the locked subscription's items to,
    when it is another one than the subscription's (Stripe then restarts its billing cycle:
    billing.services.subscription_cycles), else None. Checks the changes as applying them
    does, changing nothing."""
    if all(change.price is None and change.price_data is None for change in changes):
        return None  # quantities and deletions leave the items at the interval they share
    plan = _planned(subscription, selectors.subscription_items(subscription=subscription),
                    changes)
    interval = _interval_of(next(planned.price for planned in plan
                                 if planned.price is not None))
    return None if interval == (subscription.interval, subscription.interval_count) else interval


def _price_for(id: str, subscription: Subscription, *, param: str) -> Price:  # noqa: A002
    """A price the subscription may bill: recurring, active, licensed, in its currency (its
    interval is checked against the other items': _check_one_interval)."""
    price = selectors.price_get(id=id, merchant=subscription.merchant,
                                livemode=subscription.livemode, param=param)
    if price.type != Price.Type.RECURRING:
        raise InvalidRequest("The price specified is set to `type=one_time` but this field "
                             "only accepts prices with `type=recurring`.", param=param)
    if not price.active:
        raise InvalidRequest(f"The price specified ({price.id}) is inactive. This field only "
                             "accepts active prices.", param=param)
    if price.recurring_usage_type != Price.UsageType.LICENSED:
        raise InvalidRequest("Metered prices are not billed by Till yet.", param=param)
    return _price_fits(price, subscription, currency_param=param)


def _inline_price_for(spec: PriceDataSpec, subscription: Subscription, *,
                      param: str) -> Price:
    """An item's `price_data`: the inactive price it makes (unsaved until applied), checked
    as a price the subscription may bill."""
    price = inline_price_plan(spec, merchant=subscription.merchant,
                              livemode=subscription.livemode, param=param, recurring=True)
    return _price_fits(price, subscription, currency_param=f"{param}[currency]")


def _price_fits(price: Price, subscription: Subscription, *, currency_param: str) -> Price:
    if price.currency != subscription.currency:
        raise InvalidRequest("All prices on a subscription must have the same currency: "
                             f"this one is {price.currency}, the subscription "
                             f"{subscription.currency}.", param=currency_param)
    return price


def _check_no_swap(current: list[SubscriptionItem], kept: list[_Planned]) -> None:
    """One item's new price being another kept item's old one would break the one-price-
    per-subscription rule half-way through saving: refused, rather than half-applied."""
    old = {item.price_id: item.id for item in current}
    for planned in kept:
        holder = old.get(planned.price.id)
        if planned.item is not None and holder not in (None, planned.item.id) and any(
                other.item is not None and other.item.id == holder for other in kept):
            raise InvalidRequest("Till cannot swap prices between a subscription's items in "
                                 "one update: change one item, then the other.", param="items")


def _proration_moment(subscription: Subscription, given: datetime | None) -> datetime:
    at = given or clock.now()
    if not subscription.current_period_start <= at <= subscription.current_period_end:
        raise InvalidRequest("proration_date must be within the subscription's current "
                             "period.", param="proration_date")
    return at


def _apply(subscription: Subscription, plan: list[_Planned]) -> None:
    """The planned items saved (their inline prices already are): deletions, then changes,
    new items."""
    for planned in plan:
        if planned.item is not None and planned.price is None:
            planned.item.delete()
    now = clock.now()
    for planned in plan:
        if planned.price is None:
            continue
        if planned.item is None:
            planned.item = SubscriptionItem.objects.create(
                **({"id": planned.new_id} if planned.new_id else {}),
                merchant=subscription.merchant, livemode=subscription.livemode,
                subscription=subscription, price=planned.price, quantity=planned.quantity,
                current_period_start=subscription.current_period_start,
                current_period_end=subscription.current_period_end, created=now,
                metadata=metadata_apply({}, planned.metadata))
            continue
        item = planned.item
        metadata = metadata_apply(item.metadata, planned.metadata)
        if (item.price_id, item.quantity, item.metadata) != (planned.price.id,
                                                             planned.quantity, metadata):
            item.price, item.quantity, item.metadata = planned.price, planned.quantity, metadata
            item.save(update_fields=["price", "quantity", "metadata"])


def _prorations(subscription: Subscription, plan: list[_Planned], *,
                at: datetime) -> list[InvoiceItem]:
    """For every item whose price or quantity changed: a credit for the unused time of what
    it was and a charge for the remaining time of what it is, from `at` to the period's
    end, as pending invoice items (`invoiceitem.created`). Nothing for a zero amount."""
    share = Period(subscription.current_period_start,
                   subscription.current_period_end).remaining_share(at)
    now = clock.now()
    items = []

    def proration(planned: _Planned, price: Price, quantity: int, *, credit: bool) -> None:
        amount = prorated(price_line_amount(price, quantity), share)
        if amount == 0:
            return
        amount = -amount if credit else amount
        items.append(InvoiceItem(
            merchant=subscription.merchant, livemode=subscription.livemode,
            customer=subscription.customer, currency=subscription.currency, amount=amount,
            description=proration_description(credit=credit, quantity=quantity,
                                              product=price.product.name, at=at),
            quantity=max(quantity, 1),
            unit_amount_decimal=(Decimal(amount) / max(quantity, 1)).quantize(_UNIT_PLACES),
            period_start=at, period_end=subscription.current_period_end, proration=True,
            subscription=subscription,
            subscription_item=planned.item if planned.price is not None else None,
            price=price, metadata={}, created=now))

    for planned in plan:
        was = planned.was
        now_is = (planned.price, planned.quantity) if planned.price is not None else None
        if was is not None and now_is is not None and (was[0].id, was[1]) == (
                now_is[0].id, now_is[1]):
            continue
        if was is not None:
            proration(planned, *was, credit=True)
        if now_is is not None:
            proration(planned, *now_is, credit=False)
    InvoiceItem.objects.bulk_create(items)
    events_record(*[EventSpec("invoiceitem.created", item) for item in items])
    return items


def subscription_unused_time_credit(subscription: Subscription, *,
                                    at: datetime) -> list[InvoiceItem]:
    """A cancellation's `prorate` (the subscription locked, on its customer's time): the
    unused time of every item, from `at` to the period's end, credited as pending proration
    items ("Unused time on …", `invoiceitem.created`), as deleting every item prorates."""
    plan = [_Planned(item=item, price=None, quantity=0, was=(item.price, item.quantity))
            for item in selectors.subscription_items(subscription=subscription)]
    return _prorations(subscription, plan, at=at)


def _invoice_now(subscription: Subscription, *, actor: Actor,
                 only: list[str] | None = None) -> Invoice:
    """`always_invoice`: the customer's pending items (the prorations with them; only the
    ones `only` names, when given) invoiced now (`invoice.created`), with the subscription's
    discounts, and finalized (`invoice.finalized`; a credit larger than the charge is paid
    at once and goes to the customer's balance)."""
    return subscription_invoice_make(subscription,
                                     reason=Invoice.BillingReason.SUBSCRIPTION_UPDATE,
                                     actor=actor, item_lines=False, only_items=only)
