"""Billing's reads and row locks."""

from collections.abc import Sequence

from django.db.models import Case, Q, QuerySet, Value, When

from billing.models import Plan, Price, Product
from core.exceptions import NotFound
from core.search import SearchField
from merchants.models import Merchant

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
