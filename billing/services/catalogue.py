"""The catalogue's writes: products, prices and plans, each change with its events.

A plan is a recurring price: whichever API changes one, the change emits `price.*` and, for a
recurring price, `plan.*` after it, each carrying its own wire form. Ids are Till-wide (the
primary key), so a caller-chosen id that is taken anywhere is refused.
"""

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from billing import selectors
from billing.models import Plan, Price, Product
from billing.pricing import (
    MAX_TRIAL_PERIOD_DAYS,
    PLAN_TERM_NAMES,
    PRICE_TERM_NAMES,
    PriceTerms,
    price_terms_check,
)
from core import clock
from core.db import unique_insert
from core.exceptions import InvalidParameter, InvalidRequest
from core.metadata import MetadataUpdate, metadata_apply
from core.types import NOT_GIVEN, Maybe
from core.wire import render
from merchants.models import Merchant
from webhooks.services import EventSpec, events_record, previous_attributes


@dataclass(frozen=True)
class ProductData:
    """A product created with its price: a price's `product_data`, a plan's `product` hash."""

    name: str
    id: str | None = None
    active: bool = True
    metadata: MetadataUpdate | None = None
    statement_descriptor: str | None = None
    tax_code: str | None = None
    unit_label: str | None = None


@dataclass(frozen=True)
class DefaultPriceData:
    """A product's `default_price_data`: the price made with it, which becomes its default."""

    terms: PriceTerms
    metadata: MetadataUpdate | None = None


# -- products ----------------------------------------------------------------------------------

def product_create(*, merchant: Merchant, livemode: bool, name: str,
                   id: str | None = None,  # noqa: A002 - Stripe's parameter
                   active: bool = True, description: str | None = None,
                   images: list[str] | None = None,
                   marketing_features: list[dict[str, str]] | None = None,
                   metadata: MetadataUpdate | None = None,
                   package_dimensions: dict[str, float] | None = None,
                   shippable: bool | None = None, statement_descriptor: str | None = None,
                   tax_code: str | None = None, type: str = Product.Type.SERVICE,  # noqa: A002
                   unit_label: str | None = None, url: str | None = None,
                   default_price_data: DefaultPriceData | None = None) -> Product:
    """Creates a product (`product.created`) and, with `default_price_data`, its default price
    (`price.created`, and `plan.created` for a recurring one), all in one transaction."""
    if default_price_data is not None:
        price_terms_check(default_price_data.terms,
                          names=PRICE_TERM_NAMES.within("default_price_data"))
    now = clock.now()
    product = Product(merchant=merchant, livemode=livemode, name=name, active=active,
                      description=description, images=images or [],
                      marketing_features=marketing_features or [],
                      metadata=metadata_apply({}, metadata),
                      package_dimensions=package_dimensions, shippable=shippable,
                      statement_descriptor=statement_descriptor, tax_code=tax_code, type=type,
                      unit_label=unit_label, url=url, created=now, updated=now)
    if id is not None:
        product.id = id
    price = None
    if default_price_data is not None:
        price = Price(merchant=merchant, livemode=livemode, product=product, created=now,
                      metadata=metadata_apply({}, default_price_data.metadata))
        price.apply_terms(default_price_data.terms)
        # Each row names the other; foreign keys are checked at commit (Django declares them
        # deferred), so both are inserted once, without an UPDATE after.
        product.default_price_id = price.pk
    with transaction.atomic(durable=True):
        _product_insert(product, id_param="id", chosen=id is not None)
        specs = [EventSpec(type="product.created", obj=product)]
        if price is not None:
            _price_insert(price, id_param="default_price_data")
            specs += price_created_events(price)
        events_record(*specs)
    return product


def product_update(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                   name: Maybe[str] = NOT_GIVEN, active: Maybe[bool] = NOT_GIVEN,
                   description: Maybe[str | None] = NOT_GIVEN,
                   images: Maybe[list[str] | None] = NOT_GIVEN,
                   marketing_features: Maybe[list[dict[str, str]] | None] = NOT_GIVEN,
                   package_dimensions: Maybe[dict[str, float] | None] = NOT_GIVEN,
                   shippable: Maybe[bool] = NOT_GIVEN,
                   statement_descriptor: Maybe[str | None] = NOT_GIVEN,
                   tax_code: Maybe[str | None] = NOT_GIVEN,
                   unit_label: Maybe[str | None] = NOT_GIVEN,
                   url: Maybe[str | None] = NOT_GIVEN,
                   default_price: Maybe[str] = NOT_GIVEN,
                   metadata: MetadataUpdate | None = None) -> Product:
    """Updates a product under its row lock. Only what is given changes (None clears; an
    empty list of images or features clears them); `updated` moves, and `product.updated`
    carries the old values, only when something changed. A default price must be an active
    price of this product."""
    changes = {"name": name, "active": active, "description": description,
               "images": [] if images is None else images,
               "marketing_features": [] if marketing_features is None else marketing_features,
               "package_dimensions": package_dimensions, "shippable": shippable,
               "statement_descriptor": statement_descriptor, "tax_code": tax_code,
               "unit_label": unit_label, "url": url}
    with transaction.atomic(durable=True):
        product = selectors.product_get_locked(id=id, merchant=merchant, livemode=livemode)
        before = render(product)
        for field, value in changes.items():
            if value is not NOT_GIVEN:
                setattr(product, field, value)
        product.metadata = metadata_apply(product.metadata, metadata)
        if default_price is not NOT_GIVEN:
            product.default_price = _default_price_for(product, default_price)
        if not previous_attributes(before, render(product)):
            return product
        product.updated = clock.now()
        product.save()
        after = render(product)
        events_record(EventSpec(type="product.updated", obj=product, payload=after,
                                previous_attributes=previous_attributes(before, after)))
    return product


def product_delete(*, id: str, merchant: Merchant, livemode: bool) -> Product:  # noqa: A002
    """Deletes a product no price names (`product.deleted`); its row stays, answering 404."""
    with transaction.atomic(durable=True):
        product = selectors.product_get_locked(id=id, merchant=merchant, livemode=livemode)
        if selectors.product_has_prices(product=product):
            raise InvalidRequest("This product cannot be deleted because it has one or more "
                                 "user-created prices.")
        payload = render(product)
        product.deleted_at = clock.now()
        product.save(update_fields=["deleted_at"])
        events_record(EventSpec(type="product.deleted", obj=product, payload=payload))
    return product


def _product_insert(product: Product, *, id_param: str, chosen: bool) -> None:
    """Inserts a new product; a chosen id that is taken is Stripe's `resource_already_exists`
    (a generated one cannot be: it needs no savepoint)."""
    if not chosen:
        product.save(force_insert=True)
        return
    try:
        with unique_insert():
            product.save(force_insert=True)
    except IntegrityError:
        raise InvalidRequest("Product already exists.", code="resource_already_exists",
                             param=id_param) from None


def _product_from_data(data: ProductData, *, merchant: Merchant, livemode: bool,
                       param: str) -> Product:
    now = clock.now()
    product = Product(merchant=merchant, livemode=livemode, name=data.name, active=data.active,
                      metadata=metadata_apply({}, data.metadata),
                      statement_descriptor=data.statement_descriptor, tax_code=data.tax_code,
                      unit_label=data.unit_label, created=now, updated=now)
    if data.id is not None:
        product.id = data.id
    _product_insert(product, id_param=f"{param}[id]", chosen=data.id is not None)
    return product


def _default_price_for(product: Product, price_id: str) -> Price:
    price = selectors.price_get(id=price_id, merchant=product.merchant,
                                livemode=product.livemode, param="default_price")
    if price.product_id != product.pk:
        raise InvalidParameter(f"The price `{price.pk}` belongs to another product: a "
                               "product's default price must be one of its own prices.",
                               param="default_price")
    if not price.active:
        raise InvalidParameter(f"The price `{price.pk}` is archived and cannot be the default "
                               "price; activate it first.", param="default_price")
    return price


# -- prices ------------------------------------------------------------------------------------

def price_create(*, merchant: Merchant, livemode: bool, terms: PriceTerms,
                 product: str | None = None, product_data: ProductData | None = None,
                 active: bool = True, lookup_key: str | None = None,
                 transfer_lookup_key: bool = False, nickname: str | None = None,
                 metadata: MetadataUpdate | None = None) -> Price:
    """Creates a price of an existing product (locked, so it cannot be deleted meanwhile) or
    of one made with it (`product.created` first), then `price.created` (and `plan.created`
    for a recurring price). With `transfer_lookup_key`, the active price that held the lookup
    key loses it in the same transaction (`price.updated`); transfers of one merchant's keys
    run one at a time (the merchant's row lock, taken first)."""
    price_terms_check(terms)
    return _price_new(merchant=merchant, livemode=livemode, terms=terms, product=product,
                      product_data=product_data, product_param="product_data",
                      active=active, lookup_key=lookup_key,
                      transfer_lookup_key=transfer_lookup_key, nickname=nickname,
                      metadata=metadata)


def price_update(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                 active: Maybe[bool] = NOT_GIVEN, nickname: Maybe[str | None] = NOT_GIVEN,
                 lookup_key: Maybe[str | None] = NOT_GIVEN, transfer_lookup_key: bool = False,
                 tax_behavior: Maybe[str] = NOT_GIVEN,
                 metadata: MetadataUpdate | None = None) -> Price:
    """Updates what a price may change (never its amounts or interval) under its row lock;
    `price.updated` (and `plan.updated`) carry the old values, only when something changed.
    A product's default price cannot be archived; `tax_behavior` is set once."""
    with transaction.atomic(durable=True):
        if transfer_lookup_key:
            selectors.lookup_keys_lock(merchant=merchant)
        price = selectors.price_get_locked(id=id, merchant=merchant, livemode=livemode)
        specs = _price_change(price, active=active, nickname=nickname, lookup_key=lookup_key,
                              transfer_lookup_key=transfer_lookup_key,
                              tax_behavior=tax_behavior, metadata=metadata)
        if specs:
            events_record(*specs)
    return price


def _price_new(*, merchant: Merchant, livemode: bool, terms: PriceTerms, product: str | None,
               product_data: ProductData | None, product_param: str, active: bool,
               lookup_key: str | None, transfer_lookup_key: bool, nickname: str | None,
               metadata: MetadataUpdate | None, id: str | None = None,  # noqa: A002
               ) -> Price:
    if product is None and product_data is None:
        raise InvalidParameter("You must specify either `product` or `product_data` when "
                               "creating a price.", code="parameter_missing", param="product")
    if product is not None and product_data is not None:
        raise InvalidParameter("You may only specify one of these parameters: product, "
                               "product_data.", param=product_param)
    price = Price(merchant=merchant, livemode=livemode, active=active, lookup_key=lookup_key,
                  nickname=nickname, metadata=metadata_apply({}, metadata),
                  created=clock.now())
    price.apply_terms(terms)
    if id is not None:
        price.id = id
    transfer = transfer_lookup_key and lookup_key is not None and active
    with transaction.atomic(durable=True):
        if transfer:
            selectors.lookup_keys_lock(merchant=merchant)
        specs: list[EventSpec] = []
        if product_data is not None:
            price.product = _product_from_data(product_data, merchant=merchant,
                                               livemode=livemode, param=product_param)
            specs.append(EventSpec(type="product.created", obj=price.product))
        else:
            price.product = selectors.product_get_locked(
                id=product, merchant=merchant, livemode=livemode, param="product")
        if transfer:
            specs += _lookup_key_release(merchant=merchant, livemode=livemode,
                                         lookup_key=lookup_key, keeper=price)
        _price_insert(price, id_param="id", chosen=id is not None)
        events_record(*specs, *price_created_events(price))
    return price


def _price_change(price: Price, *, active: Maybe[bool], nickname: Maybe[str | None],
                  lookup_key: Maybe[str | None], transfer_lookup_key: bool,
                  tax_behavior: Maybe[str], metadata: MetadataUpdate | None,
                  trial_period_days: Maybe[int | None] = NOT_GIVEN,
                  product: Maybe[Product] = NOT_GIVEN) -> list[EventSpec]:
    """Applies an update to a locked price and saves it; the events it calls for."""
    before = _renders(price)
    if active is False and price.active and selectors.price_is_default(price=price):
        raise InvalidRequest("This price cannot be archived because it is the default price "
                             "of its product; set another default price first.",
                             param="active")
    if tax_behavior is not NOT_GIVEN and tax_behavior != price.tax_behavior:
        if price.tax_behavior != Price.TaxBehavior.UNSPECIFIED:
            raise InvalidParameter("tax_behavior cannot be changed once it is inclusive or "
                                   "exclusive.", param="tax_behavior")
        price.tax_behavior = tax_behavior
    for field, value in (("active", active), ("nickname", nickname),
                         ("lookup_key", lookup_key), ("trial_period_days", trial_period_days),
                         ("product", product)):
        if value is not NOT_GIVEN:
            setattr(price, field, value)
    price.metadata = metadata_apply(price.metadata, metadata)
    specs: list[EventSpec] = []
    if transfer_lookup_key and price.lookup_key is not None and price.active:
        specs += _lookup_key_release(merchant=price.merchant, livemode=price.livemode,
                                     lookup_key=price.lookup_key, keeper=price)
    if price.lookup_key is None or not price.active:
        price.save()  # the only constraint an update can break is an active lookup key's
    else:
        try:
            with unique_insert():
                price.save()
        except IntegrityError:
            raise _lookup_key_taken(price) from None
    return specs + _updated_events(price, before)


def _price_insert(price: Price, *, id_param: str, chosen: bool = False) -> None:
    """Inserts a new price; a chosen id that is taken, or a lookup key an active price holds,
    is refused (only these can collide, so only they need a savepoint)."""
    if not chosen and (price.lookup_key is None or not price.active):
        price.save(force_insert=True)
        return
    try:
        with unique_insert():
            price.save(force_insert=True)
    except IntegrityError:
        if selectors.price_id_taken(id=price.pk):
            raise InvalidRequest("Price already exists.", code="resource_already_exists",
                                 param=id_param) from None
        raise _lookup_key_taken(price) from None


def _lookup_key_taken(price: Price) -> InvalidRequest:
    holder = selectors.price_holding_lookup_key(merchant=price.merchant,
                                                livemode=price.livemode,
                                                lookup_key=price.lookup_key or "")
    holder_id = f" (`{holder.pk}`)" if holder is not None else ""
    return InvalidRequest(f"A price{holder_id} already uses the lookup key `{price.lookup_key}`. "
                          "Pass transfer_lookup_key=true to move it to this price.",
                          param="lookup_key")


def _lookup_key_release(*, merchant: Merchant, livemode: bool, lookup_key: str,
                        keeper: Price) -> list[EventSpec]:
    """transfer_lookup_key: the active price holding the key (another than `keeper`) loses
    it, in the transaction that gives it to `keeper`."""
    holder = selectors.price_holding_lookup_key_locked(merchant=merchant, livemode=livemode,
                                                       lookup_key=lookup_key)
    if holder is None or holder.pk == keeper.pk:
        return []
    before = _renders(holder)
    holder.lookup_key = None
    holder.save(update_fields=["lookup_key"])
    return _updated_events(holder, before)


# -- plans: recurring prices the legacy way ----------------------------------------------------

def plan_create(*, merchant: Merchant, livemode: bool, terms: PriceTerms,
                product: str | None = None, product_data: ProductData | None = None,
                id: str | None = None,  # noqa: A002 - Stripe's parameter
                active: bool = True, nickname: str | None = None,
                metadata: MetadataUpdate | None = None) -> Plan:
    """Creates a recurring price through the Plans API, with the id the caller chose (a
    price id too) or a `price_…` one; its events are `price.created` then `plan.created`."""
    if terms.recurring is None:
        raise InvalidParameter("Missing required param: interval.", code="parameter_missing",
                               param="interval")
    price_terms_check(terms, names=PLAN_TERM_NAMES)
    price = _price_new(merchant=merchant, livemode=livemode, terms=terms, product=product,
                       product_data=product_data, product_param="product", active=active,
                       lookup_key=None, transfer_lookup_key=False, nickname=nickname,
                       metadata=metadata, id=id)
    return price.as_plan()


def plan_update(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                active: Maybe[bool] = NOT_GIVEN, nickname: Maybe[str | None] = NOT_GIVEN,
                product: Maybe[str] = NOT_GIVEN,
                trial_period_days: Maybe[int | None] = NOT_GIVEN,
                metadata: MetadataUpdate | None = None) -> Plan:
    """Updates a plan as Stripe's Plans API allows (its product and trial days too; never
    its amount, currency or interval); the events are those of the price it is."""
    with transaction.atomic(durable=True):
        plan = selectors.plan_get_locked(id=id, merchant=merchant, livemode=livemode)
        new_product: Maybe[Product] = NOT_GIVEN
        if product is not NOT_GIVEN and product != plan.product_id:
            new_product = _plan_product_for(plan, product)
        if trial_period_days is not NOT_GIVEN and trial_period_days is not None and not (
                0 <= trial_period_days <= MAX_TRIAL_PERIOD_DAYS):
            raise InvalidParameter(f"Invalid trial_period_days: must be between 0 and "
                                   f"{MAX_TRIAL_PERIOD_DAYS} days.", param="trial_period_days")
        specs = _price_change(plan, active=active, nickname=nickname, lookup_key=NOT_GIVEN,
                              transfer_lookup_key=False, tax_behavior=NOT_GIVEN,
                              metadata=metadata, trial_period_days=trial_period_days,
                              product=new_product)
        if specs:
            events_record(*specs)
    return plan


def plan_delete(*, id: str, merchant: Merchant, livemode: bool) -> Plan:  # noqa: A002
    """Deletes a plan: the recurring price is archived and gone from both APIs (404), its
    lookup key freed; `plan.deleted` then `price.deleted`. A product's default price is
    refused, as archiving it is."""
    with transaction.atomic(durable=True):
        plan = selectors.plan_get_locked(id=id, merchant=merchant, livemode=livemode)
        if selectors.price_is_default(price=plan):
            raise InvalidRequest("This plan cannot be deleted because it is the default price "
                                 "of its product; set another default price first.")
        price = plan.as_price()
        specs = [EventSpec(type="plan.deleted", obj=plan, payload=render(plan)),
                 EventSpec(type="price.deleted", obj=price, payload=render(price))]
        plan.deleted_at, plan.active = clock.now(), False
        plan.save(update_fields=["deleted_at", "active"])
        events_record(*specs)
    return plan


def _plan_product_for(plan: Plan, product_id: str) -> Product:
    if selectors.price_is_default(price=plan):
        raise InvalidParameter("This plan is the default price of its product and cannot move "
                               "to another product; set another default price first.",
                               param="product")
    return selectors.product_get_locked(id=product_id, merchant=plan.merchant,
                                        livemode=plan.livemode, param="product")


# -- events ------------------------------------------------------------------------------------

def _renders(price: Price) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The price's wire forms now: as a price, and as a plan when it is recurring."""
    plan = price.as_plan() if price.type == Price.Type.RECURRING else None
    return render(price.as_price()), None if plan is None else render(plan)


def price_created_events(price: Price) -> list[EventSpec]:
    """`price.created`, and `plan.created` for a recurring price (an inline price too)."""
    specs = [EventSpec(type="price.created", obj=price.as_price())]
    if price.type == Price.Type.RECURRING:
        specs.append(EventSpec(type="plan.created", obj=price.as_plan()))
    return specs


def _updated_events(price: Price, before: tuple[dict[str, Any], dict[str, Any] | None]
                    ) -> list[EventSpec]:
    (price_before, plan_before), (price_after, plan_after) = before, _renders(price)
    specs: list[EventSpec] = []
    changed = previous_attributes(price_before, price_after)
    if changed:
        specs.append(EventSpec(type="price.updated", obj=price.as_price(), payload=price_after,
                               previous_attributes=changed))
    if plan_before is not None and plan_after is not None:
        changed = previous_attributes(plan_before, plan_after)
        if changed:
            specs.append(EventSpec(type="plan.updated", obj=price.as_plan(),
                                   payload=plan_after, previous_attributes=changed))
    return specs
