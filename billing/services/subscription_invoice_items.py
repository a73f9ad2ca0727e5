"""`add_invoice_items[]` on a subscription's creation or update: one-time prices (or their
`price_data`), so many of each, as invoice items of the subscription (`invoiceitem.created`)
that the next invoice it makes takes — the first invoice on creation; on an update, the
invoice that update makes (`always_invoice`), else the next one. Each is billed once.
"""

from dataclasses import dataclass
from decimal import Decimal

from billing import selectors
from billing.models import InvoiceItem, Price, Subscription
from billing.pricing import price_line_amount
from billing.services.inline_prices import PriceDataSpec, inline_price_plan, inline_prices_insert
from core import clock
from core.exceptions import InvalidParameter, InvalidRequest
from merchants.models import Merchant
from webhooks.services import EventSpec, events_record

# Stripe's most one-time items added with one request.
MAX_ADD_INVOICE_ITEMS = 20
_UNIT_PLACES = Decimal("1e-12")


@dataclass(frozen=True, slots=True)
class InvoiceItemSpec:
    """One entry of `add_invoice_items[]`: a one-time price or its `price_data`."""

    price: str | None = None
    price_data: PriceDataSpec | None = None
    quantity: int = 1


@dataclass(frozen=True, slots=True)
class PlannedInvoiceItem:
    price: Price  # unsaved when made from price_data
    quantity: int


def add_invoice_items_check(specs: list[InvoiceItemSpec], *, merchant: Merchant,
                            livemode: bool, currency: str) -> list[PlannedInvoiceItem]:
    """The entries checked as Stripe checks them (one of price and price_data, a one-time,
    active price in the subscription's `currency`), before anything is written."""
    if len(specs) > MAX_ADD_INVOICE_ITEMS:
        raise InvalidParameter(f"You can add at most {MAX_ADD_INVOICE_ITEMS} invoice items "
                               "at once.", param="add_invoice_items")
    planned = []
    for index, spec in enumerate(specs):
        param = f"add_invoice_items[{index}]"
        if (spec.price is None) == (spec.price_data is None):
            raise InvalidParameter(f"You must specify exactly one of {param}[price] and "
                                   f"{param}[price_data].", param=f"{param}[price]")
        if spec.quantity < 0:
            raise InvalidParameter("Invalid integer: quantity must be at least 0.",
                                   param=f"{param}[quantity]")
        if spec.price_data is not None:
            price = inline_price_plan(spec.price_data, merchant=merchant, livemode=livemode,
                                      param=f"{param}[price_data]", recurring=False)
            price_param = f"{param}[price_data][currency]"
        else:
            price_param = f"{param}[price]"
            price = selectors.price_get(id=spec.price, merchant=merchant, livemode=livemode,
                                        param=price_param)
            if price.type != Price.Type.ONE_TIME:
                raise InvalidRequest("The price specified is set to `type=recurring` but this "
                                     "field only accepts prices with `type=one_time`.",
                                     param=price_param)
            if not price.active:
                raise InvalidRequest(f"The price specified ({price.id}) is inactive. This "
                                     "field only accepts active prices.", param=price_param)
        if price.currency != currency:
            raise InvalidRequest(f"The price's currency ({price.currency}) must match the "
                                 f"subscription's ({currency}).", param=price_param)
        planned.append(PlannedInvoiceItem(price=price, quantity=spec.quantity))
    return planned


def add_invoice_items_create(subscription: Subscription,
                             planned: list[PlannedInvoiceItem]) -> list[InvoiceItem]:
    """In the caller's transaction (the subscription saved and locked): the planned items
    as pending invoice items of the subscription (their inline prices inserted first), for
    the next invoice it makes (`invoiceitem.created`)."""
    if not planned:
        return []
    inline_prices_insert([entry.price for entry in planned])
    now = clock.now()
    items = []
    for entry in planned:
        amount = price_line_amount(entry.price, entry.quantity)
        items.append(InvoiceItem(
            merchant=subscription.merchant, livemode=subscription.livemode,
            customer=subscription.customer, currency=subscription.currency, amount=amount,
            description=entry.price.product.name, quantity=entry.quantity,
            unit_amount_decimal=_unit_amount(entry.price, amount, entry.quantity),
            period_start=now, period_end=now, subscription=subscription, price=entry.price,
            metadata={}, created=now))
    InvoiceItem.objects.bulk_create(items)
    events_record(*[EventSpec("invoiceitem.created", item) for item in items])
    return items


def _unit_amount(price: Price, amount: int, quantity: int) -> Decimal:
    """The price's unit amount; a tiered price's, the amount spread over the quantity."""
    if price.amount_per_unit is not None:
        return price.amount_per_unit
    return (Decimal(amount) / quantity).quantize(_UNIT_PLACES) if quantity else Decimal(0)
