"""Billing's reads and row locks.

Lock order (DESIGN.md): payment intent → invoice → invoice item → subscription → customer.
The outcome hook runs with the intent locked and takes the invoice (then its subscription);
finalization takes the customer after the invoice; an invoice item is locked after the
invoice it is on; a renewal locks the subscription, then makes and finalizes its invoice.
A redemption (a discount made) locks the customer, then the promotion codes, then the
coupons (each in id order), after the invoice or subscription it discounts.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, Prefetch, Q, QuerySet, Value, When

from billing.models import (
    Coupon,
    Discount,
    Invoice,
    InvoiceItem,
    InvoiceLineItem,
    Plan,
    Price,
    Product,
    PromotionCode,
    Subscription,
    SubscriptionItem,
)
from billing.pricing import price_amount_for
from core.exceptions import NotFound
from core.search import SearchField
from merchants.models import Merchant
from payments.models import PaymentIntent

# ============================================================================================
# Catalogue: products, prices and plans
# ============================================================================================

# What `GET /v1/products/search` and `GET /v1/prices/search` may name (metadata keys
# besides), as Stripe's search fields for each. Booleans are compared as the text a query
# gives ('true' / 'false'), through the `*_text` annotations of the search querysets.
PRODUCT_SEARCH_FIELDS = {
    "active": SearchField("active_text", "token"),
    "created": SearchField("created", "timestamp"),
    "description": SearchField("description", "string", substring=True),
    "name": SearchField("name", "string", substring=True),
    "shippable": SearchField("shippable_text", "token"),
    "url": SearchField("url", "string", substring=True),
}
PRICE_SEARCH_FIELDS = {
    "active": SearchField("active_text", "token"),
    "created": SearchField("created", "timestamp"),
    "currency": SearchField("currency", "token"),
    "lookup_key": SearchField("lookup_key", "string"),
    "product": SearchField("product_id", "token"),
    "type": SearchField("type", "token"),
}

# Stripe's search fields of subscriptions and invoices (metadata keys besides).
SUBSCRIPTION_SEARCH_FIELDS = {
    "created": SearchField("created", "timestamp"),
    "status": SearchField("status", "token"),
}
INVOICE_SEARCH_FIELDS = {
    "created": SearchField("created", "timestamp"),
    "currency": SearchField("currency", "token"),
    "customer": SearchField("customer_id", "token"),
    "number": SearchField("number", "string"),
    "status": SearchField("status", "token"),
    "subscription": SearchField("subscription_id", "token"),
    "total": SearchField("total", "number"),
}


def _as_text(field: str) -> Case:
    return Case(When(**{field: True}, then=Value("true")),
                When(**{field: False}, then=Value("false")), default=None)


# -- products ----------------------------------------------------------------------------------

def _product_missing(id: str, param: str) -> NotFound:  # noqa: A002
    return NotFound(f"No such product: '{id}'", param=param)


def product_get(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                param: str = "id") -> Product:
    """A product of this merchant and mode; a deleted one, another merchant's or the other
    mode's is a 404 naming `param`."""
    product = Product.objects.filter(pk=id, merchant=merchant, livemode=livemode,
                                     deleted_at__isnull=True).first()
    if product is None:
        raise _product_missing(id, param)
    return product


def product_get_locked(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                       param: str = "id") -> Product:
    product = (Product.objects.select_for_update(of=("self",))
               .filter(pk=id, merchant=merchant, livemode=livemode, deleted_at__isnull=True)
               .first())
    if product is None:
        raise _product_missing(id, param)
    return product


def product_list(*, merchant: Merchant, livemode: bool, active: bool | None = None,
                 ids: Sequence[str] | None = None, shippable: bool | None = None,
                 url: str | None = None, type: str | None = None,  # noqa: A002
                 ) -> QuerySet[Product]:
    products = Product.objects.filter(merchant=merchant, livemode=livemode,
                                      deleted_at__isnull=True)
    if active is not None:
        products = products.filter(active=active)
    if ids is not None:
        products = products.filter(pk__in=ids)
    if shippable is not None:
        products = products.filter(shippable=shippable)
    if url is not None:
        products = products.filter(url=url)
    if type is not None:
        products = products.filter(type=type)
    return products


def product_search(*, merchant: Merchant, livemode: bool, condition: Q) -> QuerySet[Product]:
    """Products matching a parsed search query over PRODUCT_SEARCH_FIELDS."""
    return (product_list(merchant=merchant, livemode=livemode)
            .annotate(active_text=_as_text("active"), shippable_text=_as_text("shippable"))
            .filter(condition))


def product_has_prices(*, product: Product) -> bool:
    """Whether any price (a deleted plan aside) names the product: Stripe then refuses to
    delete it."""
    return Price.objects.filter(product=product, deleted_at__isnull=True).exists()


# -- prices ------------------------------------------------------------------------------------

def _price_missing(id: str, param: str) -> NotFound:  # noqa: A002
    return NotFound(f"No such price: '{id}'", param=param)


def _prices(*, merchant: Merchant, livemode: bool) -> QuerySet[Price]:
    return Price.objects.filter(merchant=merchant, livemode=livemode, deleted_at__isnull=True)


def price_get(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
              param: str = "id") -> Price:
    price = _prices(merchant=merchant, livemode=livemode).filter(pk=id).first()
    if price is None:
        raise _price_missing(id, param)
    return price


def price_get_locked(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                     param: str = "id") -> Price:
    price = (_prices(merchant=merchant, livemode=livemode).select_for_update(of=("self",))
             .filter(pk=id).first())
    if price is None:
        raise _price_missing(id, param)
    return price


def price_id_taken(*, id: str) -> bool:  # noqa: A002
    """Whether any price, of any merchant or mode, has this id (ids are Till-wide)."""
    return Price.objects.filter(pk=id).exists()


def lookup_keys_lock(*, merchant: Merchant) -> None:
    """Serializes the merchant's lookup-key transfers: each then finds the holder the last
    one left (taken first, before any product or price lock)."""
    Merchant.objects.select_for_update().filter(pk=merchant.pk).values_list("pk").get()


def price_holding_lookup_key_locked(*, merchant: Merchant, livemode: bool,
                                    lookup_key: str) -> Price | None:
    """The active price that holds `lookup_key`, locked (for transfer_lookup_key)."""
    return (Price.objects.select_for_update(of=("self",))
            .filter(merchant=merchant, livemode=livemode, lookup_key=lookup_key, active=True)
            .first())


def price_holding_lookup_key(*, merchant: Merchant, livemode: bool,
                             lookup_key: str) -> Price | None:
    return (Price.objects.filter(merchant=merchant, livemode=livemode, lookup_key=lookup_key,
                                 active=True).first())


def price_is_default(*, price: Price) -> bool:
    """Whether the price is its product's default price."""
    return Product.objects.filter(pk=price.product_id, default_price_id=price.pk).exists()


def price_list(*, merchant: Merchant, livemode: bool, product: str | None = None,
               active: bool | None = None, type: str | None = None,  # noqa: A002
               currency: str | None = None, lookup_keys: Sequence[str] | None = None,
               interval: str | None = None, usage_type: str | None = None
               ) -> QuerySet[Price]:
    prices = _prices(merchant=merchant, livemode=livemode)
    if product is not None:
        prices = prices.filter(product_id=product)
    if active is not None:
        prices = prices.filter(active=active)
    if type is not None:
        prices = prices.filter(type=type)
    if currency is not None:
        prices = prices.filter(currency=currency)
    if lookup_keys is not None:
        prices = prices.filter(lookup_key__in=lookup_keys)
    if interval is not None:
        prices = prices.filter(recurring_interval=interval)
    if usage_type is not None:
        prices = prices.filter(recurring_usage_type=usage_type)
    return prices


def price_search(*, merchant: Merchant, livemode: bool, condition: Q) -> QuerySet[Price]:
    """Prices matching a parsed search query over PRICE_SEARCH_FIELDS."""
    return (_prices(merchant=merchant, livemode=livemode)
            .annotate(active_text=_as_text("active")).filter(condition))


# -- plans (recurring prices) ------------------------------------------------------------------

def _plan_missing(id: str, param: str) -> NotFound:  # noqa: A002
    return NotFound(f"No such plan: '{id}'", param=param)


def _plans(*, merchant: Merchant, livemode: bool) -> QuerySet[Plan]:
    return Plan.objects.filter(merchant=merchant, livemode=livemode, deleted_at__isnull=True,
                               type=Price.Type.RECURRING)


def plan_get(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
             param: str = "id") -> Plan:
    """A recurring price of this merchant and mode, as a plan; a one-time price is no plan."""
    plan = _plans(merchant=merchant, livemode=livemode).filter(pk=id).first()
    if plan is None:
        raise _plan_missing(id, param)
    return plan


def plan_get_locked(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                    param: str = "id") -> Plan:
    plan = (_plans(merchant=merchant, livemode=livemode).select_for_update(of=("self",))
            .filter(pk=id).first())
    if plan is None:
        raise _plan_missing(id, param)
    return plan


def plan_list(*, merchant: Merchant, livemode: bool, product: str | None = None,
              active: bool | None = None) -> QuerySet[Plan]:
    plans = _plans(merchant=merchant, livemode=livemode)
    if product is not None:
        plans = plans.filter(product_id=product)
    if active is not None:
        plans = plans.filter(active=active)
    return plans


# ============================================================================================
# Invoices: invoices, their lines and invoice items
# ============================================================================================

# What rendering an invoice reads besides its row: its customer (a draft shows the customer's
# live details and balance), its merchant (account_name), its payment intent (the latest
# charge) and its lines.
_INVOICE_JOINS = ("customer", "merchant", "payment_intent")
# What an invoice's deprecated single `discount` is found among, for a page in a query or two:
# its own discounts and those of its subscription.
_INVOICE_DISCOUNTS = ("discounts__coupon", "subscription__discounts__coupon")


def _invoice_missing(id: str, param: str = "id") -> NotFound:  # noqa: A002
    return NotFound(f"No such invoice: '{id}'", param=param)


def invoice_get(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                param: str = "id", discounts: bool = False) -> Invoice:
    """An invoice of this merchant and mode, ready to render (with `discounts`, its wire
    form's discounts too); another's is a 404."""
    invoices = Invoice.objects.select_related(*_INVOICE_JOINS).prefetch_related("lines")
    if discounts:
        invoices = invoices.prefetch_related(*_INVOICE_DISCOUNTS)
    invoice = invoices.filter(pk=id, merchant=merchant, livemode=livemode,
                              provisional=False).first()
    if invoice is None:
        raise _invoice_missing(id, param)
    return invoice


def invoice_get_locked(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                       param: str = "id") -> Invoice:
    invoice = (Invoice.objects.select_for_update(of=("self",))
               .select_related(*_INVOICE_JOINS)
               .filter(pk=id, merchant=merchant, livemode=livemode, provisional=False).first())
    if invoice is None:
        raise _invoice_missing(id, param)
    return invoice


def invoice_get_locked_by_id(*, id: str) -> Invoice | None:  # noqa: A002
    """For the outcome hook and Till's own tasks (already scoped); None: no such invoice."""
    return (Invoice.objects.select_for_update(of=("self",)).select_related(*_INVOICE_JOINS)
            .filter(pk=id).first())


def invoice_get_by_id(*, id: str) -> Invoice:  # noqa: A002
    """For Till's own tasks (already scoped): the invoice ready to render."""
    return (Invoice.objects.select_related(*_INVOICE_JOINS).prefetch_related("lines")
            .get(pk=id))


def invoice_get_locked_unless_busy(*, id: str) -> Invoice | None:  # noqa: A002
    """For beat's sweeps: the invoice locked, or None when another process holds it (SKIP
    LOCKED: the next sweep takes it)."""
    return (Invoice.objects.select_for_update(of=("self",), skip_locked=True)
            .select_related(*_INVOICE_JOINS).filter(pk=id).first())


def invoice_list(*, merchant: Merchant, livemode: bool, customer: str | None = None,
                 status: str | None = None, collection_method: str | None = None,
                 subscription: str | None = None, discounts: bool = False,
                 test_clock: str | None = None) -> QuerySet[Invoice]:
    """Invoices with their lines; with `discounts`, what their wire form shows of their
    discounts too (the API's, not the dashboard's list)."""
    invoices = (Invoice.objects.select_related(*_INVOICE_JOINS).prefetch_related("lines")
                .filter(merchant=merchant, livemode=livemode, provisional=False))
    if discounts:
        invoices = invoices.prefetch_related(*_INVOICE_DISCOUNTS)
    if customer is not None:
        invoices = invoices.filter(customer_id=customer)
    if test_clock is not None:
        invoices = invoices.filter(customer__test_clock_id=test_clock)
    if status is not None:
        invoices = invoices.filter(status=status)
    if collection_method is not None:
        invoices = invoices.filter(collection_method=collection_method)
    if subscription is not None:
        invoices = invoices.filter(subscription_id=subscription)
    return invoices


def invoice_search(*, merchant: Merchant, livemode: bool, condition: Q) -> QuerySet[Invoice]:
    """Invoices matching a parsed search query over INVOICE_SEARCH_FIELDS."""
    return invoice_list(merchant=merchant, livemode=livemode).filter(condition)


def invoice_lines(*, invoice: Invoice) -> list[InvoiceLineItem]:
    """The invoice's lines in the order they were added (prefetched when the invoice was
    read for rendering)."""
    return sorted(invoice.lines.all(), key=lambda line: (line.created, line.pk))


def invoice_line_list(*, invoice: Invoice) -> QuerySet[InvoiceLineItem]:
    return InvoiceLineItem.objects.filter(invoice=invoice)


def invoice_ids_to_finalize(*, now: datetime, limit: int = 100) -> list[str]:
    """Drafts with auto_advance whose finalization time has come, oldest first."""
    return list(Invoice.objects
                .filter(status=Invoice.Status.DRAFT, auto_advance=True,
                        automatically_finalizes_at__lte=now)
                .order_by("automatically_finalizes_at").values_list("pk", flat=True)[:limit])


def invoice_ids_payment_due(*, now: datetime, limit: int = 100) -> list[str]:
    """Open invoices (not a subscription's: dunning retries those) whose automatic payment
    attempt is due, oldest first."""
    return list(Invoice.objects
                .filter(status=Invoice.Status.OPEN, next_payment_attempt__lte=now,
                        subscription__isnull=True)
                .order_by("next_payment_attempt").values_list("pk", flat=True)[:limit])


def invoice_ids_retry_due(*, now: datetime, limit: int = 100) -> list[str]:
    """Dunning's batch on Till's clock: subscriptions' open invoices whose retry is due,
    oldest first. Customers on a test clock are left to their clock's advance."""
    return list(Invoice.objects
                .filter(status=Invoice.Status.OPEN, next_payment_attempt__lte=now,
                        subscription__isnull=False, customer__test_clock__isnull=True)
                .order_by("next_payment_attempt", "pk").values_list("pk", flat=True)[:limit])


# -- invoice items ---------------------------------------------------------------------------

def _invoice_item_missing(id: str) -> NotFound:  # noqa: A002
    return NotFound(f"No such invoiceitem: '{id}'", param="id")


def invoice_item_get(*, id: str, merchant: Merchant, livemode: bool  # noqa: A002
                     ) -> InvoiceItem:
    item = InvoiceItem.objects.filter(pk=id, merchant=merchant, livemode=livemode).first()
    if item is None:
        raise _invoice_item_missing(id)
    return item


def invoice_item_get_locked(*, id: str, merchant: Merchant,  # noqa: A002
                            livemode: bool) -> InvoiceItem:
    item = (InvoiceItem.objects.select_for_update(of=("self",))
            .filter(pk=id, merchant=merchant, livemode=livemode).first())
    if item is None:
        raise _invoice_item_missing(id)
    return item


def invoice_item_list(*, merchant: Merchant, livemode: bool, customer: str | None = None,
                      invoice: str | None = None, pending: bool | None = None
                      ) -> QuerySet[InvoiceItem]:
    items = InvoiceItem.objects.filter(merchant=merchant, livemode=livemode)
    if customer is not None:
        items = items.filter(customer_id=customer)
    if invoice is not None:
        items = items.filter(invoice_id=invoice)
    if pending is not None:
        items = items.filter(invoice__isnull=pending)
    return items


def invoice_items_pending_locked(*, customer_id: str, currency: str,
                                 only: list[str] | None = None) -> list[InvoiceItem]:
    """The customer's pending items in `currency` (of those `only` names, when given),
    oldest first, locked (by pk) for the invoice that takes them."""
    pending = InvoiceItem.objects.select_for_update(of=("self",)).filter(
        customer_id=customer_id, currency=currency, invoice__isnull=True)
    if only is not None:
        pending = pending.filter(pk__in=only)
    locked = list(pending.order_by("pk"))
    return sorted(locked, key=lambda item: (item.created, item.pk))


def invoice_items_of(*, invoice: Invoice) -> QuerySet[InvoiceItem]:
    return InvoiceItem.objects.filter(invoice=invoice)



# ============================================================================================
# Subscriptions
# ============================================================================================

_SUBSCRIPTION_JOINS = ("customer", "merchant")


def _subscription_missing(id: str, param: str = "id") -> NotFound:  # noqa: A002
    return NotFound(f"No such subscription: '{id}'", param=param)


def _subscriptions() -> QuerySet[Subscription]:
    return (Subscription.objects.select_related(*_SUBSCRIPTION_JOINS)
            .prefetch_related("items__price", Prefetch(
                "discounts", queryset=_subscription_discounts(), to_attr="active_discounts")))


def _subscription_discounts() -> QuerySet[Discount]:
    """A subscription's discounts not taken off, oldest first (the order they apply)."""
    return (Discount.objects.select_related("coupon")
            .filter(invoice__isnull=True, removed_at__isnull=True).order_by("created", "id"))


def subscription_get(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                     param: str = "id") -> Subscription:
    """A subscription of this merchant and mode, ready to render; another's is a 404."""
    subscription = _subscriptions().filter(pk=id, merchant=merchant, livemode=livemode,
                                           provisional_until__isnull=True).first()
    if subscription is None:
        raise _subscription_missing(id, param)
    return subscription


def subscription_get_locked(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                            ) -> Subscription:
    subscription = (Subscription.objects.select_for_update(of=("self",))
                    .select_related(*_SUBSCRIPTION_JOINS)
                    .filter(pk=id, merchant=merchant, livemode=livemode,
                            provisional_until__isnull=True).first())
    if subscription is None:
        raise _subscription_missing(id)
    return subscription


def subscription_get_locked_by_id(*, id: str, skip_locked: bool = False,  # noqa: A002
                                  ) -> Subscription | None:
    """For the outcome hook and the engine (already scoped). `skip_locked`: None when
    another process holds it (the engine's batches: the next run takes it)."""
    return (Subscription.objects.select_for_update(of=("self",), skip_locked=skip_locked)
            .select_related(*_SUBSCRIPTION_JOINS).filter(pk=id).first())


def subscription_provisional_get(*, id: str) -> Subscription | None:  # noqa: A002
    """A provisional subscription (error_if_incomplete's, being paid for), for its creator and
    beat's sweep; None once it is revealed or dropped."""
    return (Subscription.objects.select_related(*_SUBSCRIPTION_JOINS)
            .filter(pk=id, provisional_until__isnull=False).first())


# A subscription whose latest invoice a new default payment method retries at once.
PAST_DUE = (Subscription.Status.PAST_DUE, Subscription.Status.UNPAID)


def subscription_with_open_past_due_invoice(*, id: str) -> Subscription | None:  # noqa: A002
    """The subscription, past due (or unpaid) with its latest invoice open, with that
    invoice and its customer; None otherwise."""
    return (Subscription.objects.select_related("latest_invoice__customer",
                                                "latest_invoice__merchant")
            .filter(pk=id, status__in=PAST_DUE, latest_invoice__status=Invoice.Status.OPEN)
            .first())


def subscription_ids_past_due_of_customer(*, customer_id: str,
                                          without_default_payment_method: bool = False
                                          ) -> list[str]:
    """A customer's past-due (or unpaid) subscriptions whose latest invoice is open."""
    subscriptions = Subscription.objects.filter(
        customer_id=customer_id, status__in=PAST_DUE,
        latest_invoice__status=Invoice.Status.OPEN)
    if without_default_payment_method:
        subscriptions = subscriptions.filter(default_payment_method__isnull=True)
    return list(subscriptions.order_by("created", "pk").values_list("pk", flat=True))


def _subscription_item_missing(id: str) -> NotFound:  # noqa: A002
    return NotFound(f"No such subscription item: '{id}'", param="id")


def subscription_intervals_on_test_clock(*, clock_id: str) -> set[tuple[str, int]]:
    """The (interval, interval_count) of the subscriptions still running on a test clock."""
    return set(Subscription.objects.filter(customer__test_clock_id=clock_id)
               .exclude(status__in=Subscription.ENDED)
               .values_list("interval", "interval_count").distinct())


def subscription_ids_of_customer_cancelable(*, customer_id: str) -> list[str]:
    """A customer's subscriptions that a cancellation may end (provisional ones are their
    creator's to drop)."""
    return list(Subscription.objects.filter(
        customer_id=customer_id, status__in=Subscription.CANCELABLE,
        provisional_until__isnull=True).order_by("pk").values_list("pk", flat=True))


def subscription_item_get(*, id: str, merchant: Merchant,  # noqa: A002
                          livemode: bool) -> SubscriptionItem:
    """An item of a (visible) subscription of this merchant and mode; another's is a 404."""
    item = (SubscriptionItem.objects.select_related("price__product")
            .filter(pk=id, merchant=merchant, livemode=livemode,
                    subscription__provisional_until__isnull=True).first())
    if item is None:
        raise _subscription_item_missing(id)
    return item


def subscription_item_of_price(*, subscription_id: str, price_id: str) -> SubscriptionItem:
    """The subscription's item of `price` (a subscription has one per price)."""
    return (SubscriptionItem.objects.select_related("price__product")
            .get(subscription_id=subscription_id, price_id=price_id))


def subscription_item_list(*, merchant: Merchant, livemode: bool,
                           subscription: str) -> QuerySet[SubscriptionItem]:
    """A subscription's items, for `/v1/subscription_items?subscription=` (404 for an
    unknown subscription, as Stripe answers)."""
    owner = subscription_get(id=subscription, merchant=merchant, livemode=livemode,
                             param="subscription")
    return SubscriptionItem.objects.select_related("price__product").filter(subscription=owner)


def subscription_items(*, subscription: Subscription) -> list[SubscriptionItem]:
    return list(SubscriptionItem.objects.select_related("price__product")
                .filter(subscription=subscription).order_by("created", "id"))


def subscription_pending_items(*, subscription: Subscription) -> list[SubscriptionItem]:
    """The items a pending update would set (changed and added ones; deleted ones are not
    shown), as unsaved items: Stripe's `pending_update.subscription_items`."""
    held = subscription.pending_update_items or []
    current = {item.id: item for item in subscription.items.all()}
    prices = {price.id: price for price in Price.objects.select_related("product").filter(
        pk__in=[entry["price"] for entry in held if entry["price"]])}
    shown = []
    for entry in held:
        price = prices.get(entry["price"]) if entry["price"] else None
        if price is None:
            continue
        base = current.get(entry["id"])
        shown.append(SubscriptionItem(
            id=entry["id"], merchant_id=subscription.merchant_id,
            livemode=subscription.livemode, subscription=subscription, price=price,
            quantity=entry["quantity"],
            metadata=base.metadata if base is not None else {},
            created=base.created if base is not None else subscription.pending_update_expires_at,
            current_period_start=subscription.current_period_start,
            current_period_end=subscription.current_period_end))
    return shown


def subscription_list(*, merchant: Merchant, livemode: bool, customer: str | None = None,
                      price: str | None = None, status: str | None = None,
                      test_clock: str | None = None) -> QuerySet[Subscription]:
    """Stripe's list: without a status, every subscription not canceled; `all` every one;
    `ended` the canceled and expired ones. `test_clock`: those of the clock's customers."""
    subscriptions = _subscriptions().filter(merchant=merchant, livemode=livemode,
                                            provisional_until__isnull=True)
    if customer is not None:
        subscriptions = subscriptions.filter(customer_id=customer)
    if test_clock is not None:
        subscriptions = subscriptions.filter(customer__test_clock_id=test_clock)
    if price is not None:
        subscriptions = subscriptions.filter(items__price_id=price).distinct()
    if status is None:
        subscriptions = subscriptions.exclude(status=Subscription.Status.CANCELED)
    elif status == "ended":
        subscriptions = subscriptions.filter(status__in=Subscription.ENDED)
    elif status != "all":
        subscriptions = subscriptions.filter(status=status)
    return subscriptions


def subscription_search(*, merchant: Merchant, livemode: bool,
                        condition: Q) -> QuerySet[Subscription]:
    """Subscriptions (whatever their status) matching a parsed search query over
    SUBSCRIPTION_SEARCH_FIELDS."""
    return subscription_list(merchant=merchant, livemode=livemode,
                             status="all").filter(condition)


def subscription_ids_renewal_due(*, now: datetime, limit: int | None = 100) -> list[str]:
    """The engine's batch on Till's clock: subscriptions renewed automatically whose period
    has ended, oldest first (all of them with `limit` None: the fan-out's). Customers on a
    test clock are left to their clock's advance."""
    return list(Subscription.objects.filter(
        status__in=Subscription.RENEWABLE, current_period_end__lte=now,
        customer__test_clock__isnull=True).order_by("current_period_end", "pk")
        .values_list("pk", flat=True)[:limit])


def subscription_ids_cancel_at_due(*, now: datetime, limit: int = 100) -> list[str]:
    """Subscriptions not yet ended whose `cancel_at` has come (customers on a test clock wait
    for their clock), soonest first."""
    return list(Subscription.objects.filter(
        status__in=Subscription.CANCELABLE, cancel_at__lte=now,
        customer__test_clock__isnull=True).order_by("cancel_at", "pk")
        .values_list("pk", flat=True)[:limit])


def subscription_ids_incomplete_expired(*, now: datetime, before: datetime,
                                        limit: int = 100) -> list[str]:
    """Incomplete subscriptions created before `before` (23 hours ago): they expire."""
    return list(Subscription.objects.filter(
        status=Subscription.Status.INCOMPLETE, created__lte=before,
        customer__test_clock__isnull=True, provisional_until__isnull=True)
        .order_by("created", "pk").values_list("pk", flat=True)[:limit])


def subscription_ids_pending_update_expired(*, now: datetime, limit: int = 100) -> list[str]:
    """Subscriptions whose pending update's time ran out (customers on a test clock wait for
    their clock)."""
    return list(Subscription.objects.filter(
        pending_update_expires_at__lte=now, customer__test_clock__isnull=True)
        .order_by("pending_update_expires_at", "pk").values_list("pk", flat=True)[:limit])


def subscription_ids_trial_will_end_due(*, now: datetime, limit: int = 100) -> list[str]:
    """Trials whose `customer.subscription.trial_will_end` is due (customers on a test clock
    wait for their clock)."""
    return list(Subscription.objects.filter(
        status=Subscription.Status.TRIALING, trial_will_end_at__lte=now,
        customer__test_clock__isnull=True).order_by("trial_will_end_at", "pk")
        .values_list("pk", flat=True)[:limit])


def subscription_ids_upcoming_notice_due(*, now: datetime, limit: int = 100) -> list[str]:
    """Subscriptions whose `invoice.upcoming` is due (customers on a test clock wait for
    their clock)."""
    return list(Subscription.objects.filter(
        upcoming_notice_at__lte=now, customer__test_clock__isnull=True)
        .order_by("upcoming_notice_at", "pk").values_list("pk", flat=True)[:limit])


def subscription_get_by_id(*, id: str) -> Subscription | None:  # noqa: A002
    """For Till's own tasks (already scoped)."""
    return _subscriptions().filter(pk=id).first()


def subscription_ids_provisional_expired(*, now: datetime, limit: int = 100) -> list[str]:
    """Provisional subscriptions (error_if_incomplete's) past their time: a crash left them
    between their creation and their first payment's end, and they are dropped."""
    return list(Subscription.objects.filter(provisional_until__lte=now)
                .order_by("provisional_until", "pk").values_list("pk", flat=True)[:limit])


def subscriptions_due_on_test_clock(*, clock_id: str, until: datetime,
                                    incomplete_after: timedelta) -> list[tuple[datetime, str, str]]:
    """What of a test clock's customers' subscriptions falls due by `until`, as
    (due time, "renew" | "expire" | "retry" | "trial_will_end" | "upcoming" | "cancel_at" |
    "pending_update", id), in time
    order: the next step of its advance (a retry's id is its invoice's; a trial's notice and
    an upcoming invoice's sort before the period's end they announce)."""
    on_clock = Subscription.objects.filter(customer__test_clock_id=clock_id)
    retries = [(at, "retry", pk) for pk, at in Invoice.objects.filter(
        customer__test_clock_id=clock_id, status=Invoice.Status.OPEN,
        subscription__isnull=False, next_payment_attempt__lte=until)
        .values_list("pk", "next_payment_attempt")]
    renewals = [(end, "renew", pk) for pk, end in on_clock.filter(
        status__in=Subscription.RENEWABLE, current_period_end__lte=until)
        .values_list("pk", "current_period_end")]
    expiries = [(created + incomplete_after, "expire", pk) for pk, created in on_clock.filter(
        status=Subscription.Status.INCOMPLETE, created__lte=until - incomplete_after,
        provisional_until__isnull=True)
        .values_list("pk", "created")]
    notices = [(at, "trial_will_end", pk) for pk, at in on_clock.filter(
        status=Subscription.Status.TRIALING, trial_will_end_at__lte=until)
        .values_list("pk", "trial_will_end_at")]
    upcoming = [(at, "upcoming", pk) for pk, at in on_clock.filter(
        upcoming_notice_at__lte=until).values_list("pk", "upcoming_notice_at")]
    overdue = [(at, "overdue", pk) for pk, at in _overdue(on_clock, until)
               .values_list("pk", "latest_invoice__due_date")]
    cancels = [(at, "cancel_at", pk) for pk, at in on_clock.filter(
        status__in=Subscription.CANCELABLE, cancel_at__lte=until)
        .values_list("pk", "cancel_at")]
    # Sorted before a renewal at the same moment: the period ends with the update lapsed.
    lapsed = [(at, "pending_update", pk) for pk, at in on_clock.filter(
        pending_update_expires_at__lte=until).values_list("pk", "pending_update_expires_at")]
    return sorted(renewals + expiries + retries + notices + upcoming + overdue + cancels
                  + lapsed)


def _overdue(subscriptions: QuerySet[Subscription], now: datetime) -> QuerySet[Subscription]:
    """Active `send_invoice` subscriptions whose latest invoice is open past its due date."""
    return subscriptions.filter(
        status=Subscription.Status.ACTIVE,
        collection_method=Subscription.CollectionMethod.SEND_INVOICE,
        latest_invoice__status=Invoice.Status.OPEN, latest_invoice__due_date__lte=now)


def subscription_ids_overdue_exists(*, id: str, now: datetime) -> bool:  # noqa: A002
    return _overdue(Subscription.objects.filter(pk=id), now).exists()


def subscription_ids_overdue(*, now: datetime) -> list[str]:
    """On Till's clock (customers on a test clock wait for their clock)."""
    return list(_overdue(Subscription.objects.filter(customer__test_clock__isnull=True), now)
                .values_list("pk", flat=True))


# ============================================================================================
# Discounts: coupons, promotion codes and the discounts applied
# ============================================================================================

def _coupon_missing(id: str, param: str) -> NotFound:  # noqa: A002
    return NotFound(f"No such coupon: '{id}'", param=param)


def coupon_get(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
               param: str = "id") -> Coupon:
    """A coupon of this merchant and mode; a deleted one is a 404 naming `param`."""
    coupon = Coupon.objects.filter(pk=id, merchant=merchant, livemode=livemode,
                                   deleted_at__isnull=True).first()
    if coupon is None:
        raise _coupon_missing(id, param)
    return coupon


def coupon_get_locked(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                      param: str = "id") -> Coupon:
    """Locked: its redemptions are counted under this lock."""
    coupon = (Coupon.objects.select_for_update(of=("self",))
              .filter(pk=id, merchant=merchant, livemode=livemode, deleted_at__isnull=True)
              .first())
    if coupon is None:
        raise _coupon_missing(id, param)
    return coupon


def coupon_list(*, merchant: Merchant, livemode: bool) -> QuerySet[Coupon]:
    return Coupon.objects.filter(merchant=merchant, livemode=livemode,
                                 deleted_at__isnull=True)


def _promotion_code_missing(id: str, param: str) -> NotFound:  # noqa: A002
    return NotFound(f"No such promotion code: '{id}'", param=param)


def promotion_code_get(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                       param: str = "id") -> PromotionCode:
    code = (PromotionCode.objects.select_related("coupon")
            .filter(pk=id, merchant=merchant, livemode=livemode).first())
    if code is None:
        raise _promotion_code_missing(id, param)
    return code


def promotion_code_get_locked(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                              param: str = "id") -> PromotionCode:
    """Locked (before its coupon): its redemptions are counted under this lock."""
    code = (PromotionCode.objects.select_for_update(of=("self",))
            .filter(pk=id, merchant=merchant, livemode=livemode).first())
    if code is None:
        raise _promotion_code_missing(id, param)
    return code


def promotion_code_list(*, merchant: Merchant, livemode: bool, code: str | None = None,
                        coupon: str | None = None, customer: str | None = None,
                        active: bool | None = None) -> QuerySet[PromotionCode]:
    codes = PromotionCode.objects.select_related("coupon").filter(merchant=merchant,
                                                                  livemode=livemode)
    if code is not None:
        codes = codes.filter(code__iexact=code)
    if coupon is not None:
        codes = codes.filter(coupon_id=coupon)
    if customer is not None:
        codes = codes.filter(customer_id=customer)
    if active is not None:
        codes = codes.filter(active=active)
    return codes


def discount_get(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                 param: str = "id") -> Discount:
    discount = (Discount.objects.select_related("coupon")
                .filter(pk=id, merchant=merchant, livemode=livemode).first())
    if discount is None:
        raise NotFound(f"No such discount: '{id}'", param=param)
    return discount


def discount_get_by_id(*, id: str) -> Discount | None:  # noqa: A002
    """For Till's own reads (already scoped: a customer's discount)."""
    return Discount.objects.select_related("coupon").filter(pk=id).first()


def discounts_by_ids(*, ids: Sequence[str]) -> list[Discount]:
    """The discounts named, in the order named (an invoice's or a subscription's)."""
    found = {discount.id: discount for discount in
             Discount.objects.select_related("coupon").filter(pk__in=list(ids))}
    return [found[pk] for pk in ids if pk in found]


def subscription_discounts(*, subscription: Subscription) -> list[Discount]:
    """A subscription's discounts not taken off, oldest first (the order they apply): the
    prefetched ones of a subscription read to render, else read now."""
    prefetched = getattr(subscription, "active_discounts", None)
    if prefetched is not None:
        return prefetched
    return list(_subscription_discounts().filter(subscription_id=subscription.pk))


def invoice_discount_single(*, invoice: Invoice) -> Discount | None:
    """The invoice's one discount (its deprecated `discount`), when it has exactly one:
    among its own and its subscription's (prefetched when the invoice was read to render),
    else its customer's."""
    if len(invoice.discount_ids) != 1:
        return None
    candidates = list(invoice.discounts.all())
    if invoice.subscription_id is not None:
        candidates += list(invoice.subscription.discounts.all())
    found = next((discount for discount in candidates
                  if discount.id == invoice.discount_ids[0]), None)
    # Else it is its customer's (read alone: a customer's discounts are not prefetched).
    return found or discount_get_by_id(id=invoice.discount_ids[0])


def customer_has_transactions(*, customer_id: str) -> bool:
    """Whether the customer ever paid something (a paid invoice with an amount, or a
    succeeded payment): a first-time promotion code is then refused."""
    return (Invoice.objects.filter(customer_id=customer_id, status=Invoice.Status.PAID,
                                   amount_paid__gt=0).exists()
            or PaymentIntent.objects.filter(customer_id=customer_id,
                                            status="succeeded").exists())


def invoice_for_page(*, id: str) -> Invoice | None:  # noqa: A002
    """A finalized invoice for its hosted page (the caller checks the link's token)."""
    return (Invoice.objects.select_related("merchant", "customer", "payment_intent",
                                           "payment_intent__latest_charge")
            .exclude(status=Invoice.Status.DRAFT).filter(pk=id).first())


# ============================================================================================
# Figures (the dashboard's Home): MRR, subscriptions running, churn
# ============================================================================================

# A month of each interval, as Stripe normalizes recurring revenue to a month.
MONTHS_PER_INTERVAL = {"day": Decimal(12) / 365, "week": Decimal(12) / 52, "month": Decimal(1),
                       "year": Decimal(12)}
# What counts in MRR, as in Stripe's billing analytics: subscriptions billed now (a trial
# bills nothing yet; an unpaid or paused one stopped paying).
MRR_STATUSES = (Subscription.Status.ACTIVE, Subscription.Status.PAST_DUE)


@dataclass(frozen=True)
class SubscriptionFigures:
    """A period's subscription figures in one currency: MRR in minor units (before
    discounts) now and at the period's start, the subscriptions billing now, at the
    period's start and at the previous period's start, and of those, the ones that ended in
    the period (and in the previous one): churn."""

    mrr: int
    mrr_at_start: int
    billing: int
    billing_at_start: int
    billing_at_previous_start: int
    ended: int
    ended_before: int


def _billing_at(at: datetime) -> Q:
    """Subscriptions that were billing at `at`: started, out of trial, not yet ended, and
    not left incomplete."""
    return (Q(start_date__lte=at) & (Q(trial_end__isnull=True) | Q(trial_end__lte=at))
            & (Q(ended_at__isnull=True) | Q(ended_at__gt=at))
            & ~Q(status__in=(Subscription.Status.INCOMPLETE,
                             Subscription.Status.INCOMPLETE_EXPIRED,
                             Subscription.Status.TRIALING)))


def subscription_figures(*, merchant_id: str, livemode: bool, currency: str, start: datetime,
                         previous_start: datetime) -> SubscriptionFigures:
    """The subscription figures of the period from `start` (the previous one from
    `previous_start`). MRR now counts the subscriptions active or past due; MRR at `start`
    those billing then, at the items and prices they have now (Till keeps no history of
    quantities).

    Three queries whatever the number of subscriptions: the items counted per price and
    quantity (each such pair is then priced once, tiers and all, as an invoice would be),
    the prices, and the subscriptions counted."""
    subscriptions = Subscription.objects.filter(merchant_id=merchant_id, livemode=livemode,
                                                currency=currency)
    now_q = Q(status__in=MRR_STATUSES)
    pairs = list(SubscriptionItem.objects
                 .filter(subscription__in=subscriptions.filter(now_q | _billing_at(start)))
                 .values("price_id", "quantity")
                 .annotate(now=Count("id", filter=_prefixed(now_q)),
                           then=Count("id", filter=_prefixed(_billing_at(start))))
                 .order_by())
    prices = Price.objects.in_bulk({pair["price_id"] for pair in pairs})
    monthly = {"now": Decimal(0), "then": Decimal(0)}
    for pair in pairs:
        price = prices[pair["price_id"]]
        per_month = (price_amount_for(price, pair["quantity"])
                     / MONTHS_PER_INTERVAL[price.recurring_interval]
                     / price.recurring_interval_count)
        for when in monthly:
            monthly[when] += per_month * pair[when]
    counts = subscriptions.aggregate(
        billing=Count("id", filter=now_q),
        billing_at_start=Count("id", filter=_billing_at(start)),
        billing_at_previous_start=Count("id", filter=_billing_at(previous_start)),
        ended=Count("id", filter=_billing_at(start) & Q(ended_at__isnull=False)),
        ended_before=Count("id", filter=_billing_at(previous_start)
                           & Q(ended_at__lte=start)))
    return SubscriptionFigures(
        mrr=_whole(monthly["now"]), mrr_at_start=_whole(monthly["then"]), **counts)


def _prefixed(condition: Q) -> Q:
    """A condition on subscriptions, as one on their items."""
    children = [_prefixed(child) if isinstance(child, Q) else (f"subscription__{child[0]}",
                                                               child[1])
                for child in condition.children]
    prefixed = Q(*children, _connector=condition.connector, _negated=condition.negated)
    return prefixed


def _whole(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))
