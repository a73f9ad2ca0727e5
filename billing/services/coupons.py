"""Coupons and promotion codes: created, updated and deleted, with their events. Applying
them (redemptions, discounts) is billing.services.discounts."""

from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction

from billing import selectors
from billing.models import Coupon, PromotionCode
from core import clock
from core.actor import Actor
from core.db import unique_insert
from core.exceptions import InvalidParameter, InvalidRequest
from core.ids import random_token
from core.metadata import MetadataUpdate, metadata_apply
from core.types import NOT_GIVEN, Maybe
from core.wire import render
from merchants.models import Merchant
from payments import selectors as payment_selectors
from webhooks.services import EventSpec, events_record, previous_attributes

# -- coupons ---------------------------------------------------------------------------------

def coupon_create(*, merchant: Merchant, livemode: bool, actor: Actor,
                  id: str | None = None,  # noqa: A002 - Stripe's parameter
                  name: str | None = None, percent_off: Decimal | None = None,
                  amount_off: int | None = None, currency: str | None = None,
                  duration: str = Coupon.Duration.ONCE, duration_in_months: int | None = None,
                  max_redemptions: int | None = None, redeem_by: datetime | None = None,
                  applies_to_products: list[str] | None = None,
                  metadata: MetadataUpdate | None = None) -> Coupon:
    """Creates a coupon (`coupon.created`): a percentage or an amount of one currency off,
    once, for `duration_in_months` or forever, until `redeem_by` or `max_redemptions`, for
    every product or those of `applies_to_products`. A chosen id already taken is refused."""
    if (percent_off is None) == (amount_off is None):
        if percent_off is None:
            raise InvalidParameter("You must pass either `percent_off` or `amount_off`.",
                                   code="parameter_missing", param="percent_off")
        raise InvalidParameter("You may only specify one of these parameters: amount_off, "
                               "percent_off.", code="parameters_exclusive", param="amount_off")
    if percent_off is not None:
        if not Decimal(0) < percent_off <= Decimal(100):
            raise InvalidParameter("Invalid percent_off: must be greater than 0 and at most "
                                   "100.", param="percent_off")
        if currency is not None:
            raise InvalidParameter("`currency` can only be set with `amount_off`.",
                                   param="currency")
    else:
        if currency is None:
            raise InvalidParameter("You must pass `currency` when passing `amount_off`.",
                                   code="parameter_missing", param="currency")
        if amount_off < 1:
            raise InvalidParameter("Invalid amount_off: must be at least 1.",
                                   param="amount_off")
    if duration == Coupon.Duration.REPEATING and duration_in_months is None:
        raise InvalidParameter("You must pass `duration_in_months` when `duration` is "
                               "`repeating`.", code="parameter_missing",
                               param="duration_in_months")
    if duration != Coupon.Duration.REPEATING and duration_in_months is not None:
        raise InvalidParameter("`duration_in_months` can only be set when `duration` is "
                               "`repeating`.", param="duration_in_months")
    now = clock.now()
    if redeem_by is not None and redeem_by <= now:
        raise InvalidParameter("Invalid redeem_by: must be in the future.", param="redeem_by")
    products = None
    if applies_to_products is not None:
        products = []
        for index, product_id in enumerate(applies_to_products):
            selectors.product_get(id=product_id, merchant=merchant, livemode=livemode,
                                  param=f"applies_to[products][{index}]")
            if product_id not in products:
                products.append(product_id)
    coupon = Coupon(merchant=merchant, livemode=livemode, name=name, percent_off=percent_off,
                    amount_off=amount_off, currency=currency, duration=duration,
                    duration_in_months=duration_in_months, max_redemptions=max_redemptions,
                    redeem_by=redeem_by, applies_to_products=products,
                    metadata=metadata_apply({}, metadata), created=now)
    if id is not None:
        coupon.id = id
    with transaction.atomic(durable=True):
        try:
            with unique_insert():
                coupon.save(force_insert=True)
        except IntegrityError:
            raise InvalidRequest("Coupon already exists.", code="resource_already_exists",
                                 param="id") from None
        events_record(EventSpec("coupon.created", coupon))
    return coupon


def coupon_update(*, id: str, merchant: Merchant, livemode: bool, actor: Actor,  # noqa: A002
                  name: Maybe[str | None] = NOT_GIVEN,
                  metadata: MetadataUpdate | None = None) -> Coupon:
    """Updates what a coupon lets change, its name and metadata, under its lock
    (`coupon.updated` with the old values, when something changed): never what it takes
    off."""
    with transaction.atomic(durable=True):
        coupon = selectors.coupon_get_locked(id=id, merchant=merchant, livemode=livemode)
        before = render(coupon)
        if name is not NOT_GIVEN:
            coupon.name = name
        coupon.metadata = metadata_apply(coupon.metadata, metadata)
        after = render(coupon)
        changed = previous_attributes(before, after)
        if changed:
            coupon.save(update_fields=["name", "metadata"])
            events_record(EventSpec("coupon.updated", coupon, previous_attributes=changed,
                                    payload=after))
    return coupon


def coupon_delete(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                  actor: Actor) -> Coupon:
    """Deletes a coupon (`coupon.deleted`): it can no longer be redeemed; the discounts
    already made of it go on, as Stripe's do. Its row stays (a 404 from now on)."""
    with transaction.atomic(durable=True):
        coupon = selectors.coupon_get_locked(id=id, merchant=merchant, livemode=livemode)
        payload = render(coupon)
        coupon.deleted_at = clock.now()
        coupon.save(update_fields=["deleted_at"])
        events_record(EventSpec("coupon.deleted", coupon, payload=payload))
    return coupon


# -- promotion codes -----------------------------------------------------------------------

def promotion_code_create(
        *, merchant: Merchant, livemode: bool, actor: Actor, coupon: str,
        code: str | None = None, active: bool = True, customer: str | None = None,
        expires_at: datetime | None = None, max_redemptions: int | None = None,
        first_time_transaction: bool = False, minimum_amount: int | None = None,
        minimum_amount_currency: str | None = None,
        metadata: MetadataUpdate | None = None) -> PromotionCode:
    """Creates a promotion code for a coupon (`promotion_code.created`); without `code`, a
    random one. An active code is unique whatever its case: another active one is refused."""
    target = selectors.coupon_get(id=coupon, merchant=merchant, livemode=livemode,
                                  param="coupon")
    owner = None if customer is None else payment_selectors.customer_get(
        id=customer, merchant=merchant, livemode=livemode, param="customer")
    if (minimum_amount is None) != (minimum_amount_currency is None):
        param = ("restrictions[minimum_amount_currency]" if minimum_amount is not None
                 else "restrictions[minimum_amount]")
        raise InvalidParameter("`minimum_amount` and `minimum_amount_currency` must be given "
                               "together.", code="parameter_missing", param=param)
    now = clock.now()
    if expires_at is not None and expires_at <= now:
        raise InvalidParameter("Invalid expires_at: must be in the future.",
                               param="expires_at")
    promotion = PromotionCode(
        merchant=merchant, livemode=livemode, coupon=target,
        code=code or random_token(8).upper(), active=active, customer=owner,
        expires_at=expires_at, max_redemptions=max_redemptions,
        first_time_transaction=first_time_transaction, minimum_amount=minimum_amount,
        minimum_amount_currency=minimum_amount_currency,
        metadata=metadata_apply({}, metadata), created=now)
    with transaction.atomic(durable=True):
        _promotion_code_save(promotion, force_insert=True)
        events_record(EventSpec("promotion_code.created", promotion))
    return promotion


def _promotion_code_save(promotion: PromotionCode, **kwargs) -> None:
    try:
        with unique_insert():
            promotion.save(**kwargs)
    except IntegrityError:
        raise InvalidRequest(f"An active promotion code with `code: {promotion.code}` already "
                             "exists.", code="resource_already_exists", param="code") from None


def promotion_code_update(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                          actor: Actor, active: Maybe[bool] = NOT_GIVEN,
                          metadata: MetadataUpdate | None = None) -> PromotionCode:
    """Updates a promotion code's `active` and metadata under its lock
    (`promotion_code.updated` with the old values, when something changed). Reactivating
    a code another active one now holds is refused."""
    with transaction.atomic(durable=True):
        promotion = selectors.promotion_code_get_locked(id=id, merchant=merchant,
                                                        livemode=livemode)
        before = render(promotion)
        if active is not NOT_GIVEN:
            promotion.active = active
        promotion.metadata = metadata_apply(promotion.metadata, metadata)
        after = render(promotion)
        changed = previous_attributes(before, after)
        if changed:
            _promotion_code_save(promotion, update_fields=["active", "metadata"])
            events_record(EventSpec("promotion_code.updated", promotion,
                                    previous_attributes=changed, payload=after))
    return promotion
