"""Prices given inline (`price_data`) where a subscription or an invoice item takes a price:
Stripe makes one price for them, of an existing product, archived (`active: false`), usable
like any price but never offered on its own.

Checked before anything is written (inline_price_plan: an unsaved price); inserted in the
caller's transaction (inline_prices_insert), so an error later leaves none behind.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from billing import selectors
from billing.models import Price
from billing.pricing import PRICE_TERM_NAMES, PriceTerms, Recurring, price_terms_check
from billing.services.catalogue import price_created_events
from core import clock
from core.exceptions import InvalidParameter
from core.ids import IdFactory
from merchants.models import Merchant
from webhooks.services import events_record

_price_id = IdFactory("price")


@dataclass(frozen=True, slots=True)
class PriceDataSpec:
    """`price_data`: a per-unit price of `product`, recurring for a subscription's item,
    one-time for an invoice item. `id` is the price it will make (chosen now, so a caller can
    find what it made)."""

    currency: str
    product: str
    unit_amount: Decimal | None = None
    recurring: Recurring | None = None
    tax_behavior: str = Price.TaxBehavior.UNSPECIFIED
    id: str = field(default_factory=_price_id)


def inline_price_plan(spec: PriceDataSpec, *, merchant: Merchant, livemode: bool, param: str,
                      recurring: bool) -> Price:
    """The price `spec` makes, checked (its product this merchant's, in this mode) and
    unsaved. `param` names the hash (`items[0][price_data]`) in refusals."""
    if recurring and spec.recurring is None:
        raise InvalidParameter(f"Missing required param: {param}[recurring].",
                               code="parameter_missing", param=f"{param}[recurring]")
    if not recurring and spec.recurring is not None:
        raise InvalidParameter(f"Received unknown parameter: {param}[recurring] (this field "
                               "takes one-time prices).", param=f"{param}[recurring]")
    terms = PriceTerms(currency=spec.currency, unit_amount=spec.unit_amount,
                       recurring=spec.recurring, tax_behavior=spec.tax_behavior)
    price_terms_check(terms, names=PRICE_TERM_NAMES.within(param))
    product = selectors.product_get(id=spec.product, merchant=merchant, livemode=livemode,
                                    param=f"{param}[product]")
    price = Price(id=spec.id, merchant=merchant, livemode=livemode, product=product,
                  active=False, metadata={}, created=clock.now())
    price.apply_terms(terms)
    return price


def inline_prices_insert(prices: list[Price]) -> None:
    """In the caller's transaction: the planned inline prices among `prices` (the unsaved
    ones) inserted, their products locked first so none is deleted meanwhile, with
    `price.created` (and `plan.created`)."""
    new = [price for price in prices if price._state.adding]
    for price in sorted(new, key=lambda price: price.product_id):
        selectors.product_get_locked(id=price.product_id, merchant=price.merchant,
                                     livemode=price.livemode, param="product")
    for price in new:
        price.save(force_insert=True)
    events_record(*[spec for price in new for spec in price_created_events(price)])
