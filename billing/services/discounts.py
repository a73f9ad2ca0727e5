"""Coupons, promotion codes, and discounts applied to subscriptions, invoices and customers.

A coupon or a code is redeemed under its row lock (the customer's first, then promotion
codes, then coupons, each in id order), in the transaction that makes the discount:
`max_redemptions` holds however many requests redeem at once. A subscription's discounts
apply to every invoice it makes while they last (`once`: its next invoice only;
`repeating`: until `end`; `forever`); an invoice's own apply to it alone; a customer's to
its invoices that have none of their own.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from billing import selectors
from billing.models import Coupon, Discount, Invoice, PromotionCode, Subscription
from billing.periods import period_boundary
from billing.pricing import price_amount_for
from core import clock
from core.actor import Actor
from core.exceptions import InvalidParameter, InvalidRequest
from core.money import format_money
from core.wire import render
from payments import selectors as payment_selectors
from payments import services as payment_services
from payments.models import Customer
from webhooks.services import EventSpec, events_record

# Stripe's most discounts on one subscription or invoice.
MAX_DISCOUNTS = 20


@dataclass(frozen=True, slots=True)
class DiscountSpec:
    """One entry of `discounts[]`: a coupon, a promotion code, or a discount the object
    already has (kept). `param` names it on the wire (`discounts[0]`, or `coupon`)."""

    coupon: str | None = None
    promotion_code: str | None = None
    discount: str | None = None
    param: str = "discounts[0]"

    def param_of(self, name: str) -> str:
        return self.param if "[" not in self.param else f"{self.param}[{name}]"


# -- applying --------------------------------------------------------------------------------

@dataclass(slots=True)
class _Redemption:
    spec: DiscountSpec
    coupon: Coupon
    promotion: PromotionCode | None = None


def _redeemed(specs: list[DiscountSpec], *, customer: Customer, currency: str | None,
              amount: int | None, kept: set[str]) -> list[_Redemption]:
    """The new coupons and codes of `specs`, locked (codes, then coupons, in id order) and
    checked as Stripe checks them; `amount` is what the discounted object costs before any
    discount (a code's minimum), `currency` its currency (None, a customer's discount
    before the customer has one: any coupon applies)."""
    merchant, livemode = customer.merchant, customer.livemode
    if any(spec.coupon or spec.promotion_code for spec in specs):
        # The customer first (its first-time check, and a finalization taking it later
        # in this transaction), then codes, then coupons: one order for every redemption.
        payment_selectors.customer_get_locked(id=customer.pk, merchant=merchant,
                                              livemode=livemode)
    promotions = {}
    for spec in sorted((spec for spec in specs if spec.promotion_code),
                       key=lambda spec: spec.promotion_code):
        promotions[spec.promotion_code] = selectors.promotion_code_get_locked(
            id=spec.promotion_code, merchant=merchant, livemode=livemode,
            param=spec.param_of("promotion_code"))
    wanted = {}
    for spec in specs:
        if spec.coupon:
            wanted.setdefault(spec.coupon, spec.param_of("coupon"))
        elif spec.promotion_code:
            wanted.setdefault(promotions[spec.promotion_code].coupon_id,
                              spec.param_of("promotion_code"))
    coupons = {pk: selectors.coupon_get_locked(id=pk, merchant=merchant, livemode=livemode,
                                               param=wanted[pk])
               for pk in sorted(wanted)}
    now = clock.now()
    redemptions, seen = [], set()
    for spec in specs:
        if spec.discount:
            continue
        promotion = promotions.get(spec.promotion_code) if spec.promotion_code else None
        param = spec.param_of("promotion_code" if promotion else "coupon")
        if promotion is not None:
            _check_promotion(promotion, customer=customer, amount=amount, currency=currency,
                             param=param, now=now)
        coupon = coupons[promotion.coupon_id if promotion else spec.coupon]
        _check_coupon(coupon, currency=currency, param=param, now=now)
        if coupon.id in seen or coupon.id in kept:
            raise InvalidRequest(f"The coupon {coupon.id} is applied more than once: a coupon "
                                 "can be applied only once.", param=param)
        seen.add(coupon.id)
        redemptions.append(_Redemption(spec=spec, coupon=coupon, promotion=promotion))
    return redemptions


def _check_coupon(coupon: Coupon, *, currency: str | None, param: str, now: datetime) -> None:
    if not coupon.is_valid(now):
        raise InvalidRequest(f"Coupon expired: {coupon.id}", code="coupon_expired",
                             param=param)
    if coupon.amount_off is not None and currency is not None and coupon.currency != currency:
        raise InvalidRequest(
            f"The coupon {coupon.id} takes {coupon.currency} off, and cannot apply to an "
            f"amount in {currency}.", param=param)


def _check_promotion(promotion: PromotionCode, *, customer: Customer, amount: int | None,
                     currency: str | None, param: str, now: datetime) -> None:
    if not promotion.active:
        raise InvalidRequest(f"The promotion code {promotion.code} is inactive.", param=param)
    if promotion.expires_at is not None and promotion.expires_at <= now:
        raise InvalidRequest(f"The promotion code {promotion.code} has expired.",
                             code="coupon_expired", param=param)
    if (promotion.max_redemptions is not None
            and promotion.times_redeemed >= promotion.max_redemptions):
        raise InvalidRequest(f"The promotion code {promotion.code} has been redeemed its "
                             f"maximum number of times ({promotion.max_redemptions}).",
                             code="coupon_expired", param=param)
    if promotion.customer_id is not None and promotion.customer_id != customer.id:
        raise InvalidRequest(f"The promotion code {promotion.code} can only be redeemed by "
                             "another customer.", param=param)
    if promotion.first_time_transaction and selectors.customer_has_transactions(
            customer_id=customer.id):
        raise InvalidRequest(f"The promotion code {promotion.code} can only be redeemed by "
                             "a customer without prior transactions.", param=param)
    if promotion.minimum_amount is not None:
        if amount is None:
            raise InvalidRequest(f"The promotion code {promotion.code} requires a minimum "
                                 "amount: it can be redeemed on a subscription or an invoice "
                                 "only.", param=param)
        if promotion.minimum_amount_currency != currency:
            raise InvalidRequest(
                f"The promotion code {promotion.code} requires a minimum amount in "
                f"{promotion.minimum_amount_currency}, and this is in {currency}.",
                param=param)
        if amount < promotion.minimum_amount:
            minimum = format_money(promotion.minimum_amount, currency)
            raise InvalidRequest(f"The promotion code {promotion.code} requires a minimum "
                                 f"amount of {minimum}.", param=param)


def _discounts_make(redemptions: list[_Redemption], *, customer: Customer,
                    subscription: Subscription | None = None,
                    invoice: Invoice | None = None) -> list[Discount]:
    """The discounts of the checked redemptions, each counted on its coupon and code. They
    start at the whole second (as the wire shows them): a subscription's first period,
    which starts within that second, is then inside a repeating one's months, and the
    period `duration_in_months` later is not."""
    now = clock.now().replace(microsecond=0)
    made = []
    for redemption in redemptions:
        coupon, promotion = redemption.coupon, redemption.promotion
        end = None
        if coupon.duration == Coupon.Duration.REPEATING:
            end = period_boundary(now, interval="month",
                                  interval_count=coupon.duration_in_months, periods=1)
        discount = Discount(merchant=customer.merchant, livemode=customer.livemode,
                            coupon=coupon, promotion_code=promotion, customer=customer,
                            subscription=subscription, invoice=invoice, start=now, end=end,
                            created=now)
        discount.save(force_insert=True)
        coupon.times_redeemed += 1
        coupon.save(update_fields=["times_redeemed"])
        if promotion is not None:
            promotion.times_redeemed += 1
            promotion.save(update_fields=["times_redeemed"])
        made.append(discount)
    return made


def _check_specs(specs: list[DiscountSpec]) -> None:
    if len(specs) > MAX_DISCOUNTS:
        raise InvalidParameter(f"At most {MAX_DISCOUNTS} discounts can be applied.",
                               param="discounts")


def subscription_discounts_set(subscription: Subscription, *, specs: list[DiscountSpec],
                               actor: Actor) -> None:
    """In the caller's transaction (the subscription locked): the subscription's discounts
    become `specs` (`{discount}` keeps one it has; the others it has are taken off,
    `customer.discount.deleted`), the new ones redeemed (`customer.discount.created`). They
    apply to the invoices it makes from now on."""
    _check_specs(specs)
    current = {discount.id: discount for discount in
               selectors.subscription_discounts(subscription=subscription)}
    kept = _kept(specs, current)
    redemptions = _redeemed(specs, customer=subscription.customer,
                            currency=subscription.currency,
                            amount=_subscription_amount(subscription),
                            kept={current[pk].coupon_id for pk in kept})
    now = clock.now()
    specs_of_events = []
    for pk, discount in current.items():
        if pk not in kept:
            discount.removed_at = now
            discount.save(update_fields=["removed_at"])
            specs_of_events.append(EventSpec("customer.discount.deleted", discount))
    made = _discounts_make(redemptions, customer=subscription.customer,
                           subscription=subscription)
    specs_of_events += [EventSpec("customer.discount.created", discount) for discount in made]
    if specs_of_events:
        events_record(*specs_of_events)


def _kept(specs: list[DiscountSpec], current: dict[str, Discount]) -> set[str]:
    kept = set()
    for spec in specs:
        if spec.discount is None:
            continue
        if spec.discount not in current:
            raise InvalidRequest(f"The discount {spec.discount} is not one of this object's "
                                 "discounts.", param=spec.param_of("discount"))
        kept.add(spec.discount)
    return kept


def _subscription_amount(subscription: Subscription) -> int:
    """What a period of the subscription costs before discounts (a code's minimum)."""
    return sum(int(price_amount_for(item.price, item.quantity).quantize(
        Decimal(1), rounding=ROUND_HALF_UP))
        for item in selectors.subscription_items(subscription=subscription))


def invoice_discounts_set(invoice: Invoice, *, specs: list[DiscountSpec]) -> None:
    """In the caller's transaction (the draft locked): the invoice's discounts become
    `specs` (`{discount}` keeps one it has), the new ones redeemed; the caller refreshes
    its totals."""
    _check_specs(specs)
    current = {discount.id: discount
               for discount in selectors.discounts_by_ids(ids=invoice.discount_ids)}
    kept = _kept(specs, current)
    amount = sum(line.amount for line in invoice.lines.all())
    redemptions = _redeemed(specs, customer=invoice.customer, currency=invoice.currency,
                            amount=amount, kept={current[pk].coupon_id for pk in kept})
    now = clock.now()
    for pk, discount in current.items():
        if pk not in kept and discount.invoice_id == invoice.id:
            discount.removed_at = now
            discount.save(update_fields=["removed_at"])
    made = iter(_discounts_make(redemptions, customer=invoice.customer, invoice=invoice))
    invoice.discount_ids = [spec.discount if spec.discount else next(made).id
                            for spec in specs]


def subscription_invoice_discount_ids(subscription: Subscription) -> list[str]:
    """In the caller's transaction (the subscription locked), for the invoice it is making
    of its current period: the ids of its discounts that apply to that period (a repeating
    one while the period starts before its `end`). A `once` discount is used up by this
    invoice: taken off the subscription (`customer.discount.deleted`)."""
    applying = [discount for discount in
                selectors.subscription_discounts(subscription=subscription)
                if discount.applies_at(subscription.current_period_start)]
    if not applying:
        return _customer_discount_inherited(subscription.customer,
                                            currency=subscription.currency,
                                            at=subscription.current_period_start)
    used = [discount for discount in applying
            if discount.coupon.duration == Coupon.Duration.ONCE]
    now = clock.now()
    for discount in used:
        discount.removed_at = now
        discount.save(update_fields=["removed_at"])
    if used:
        events_record(*(EventSpec("customer.discount.deleted", discount) for discount in used))
    return [discount.id for discount in applying]


def _customer_discount_inherited(customer: Customer, *, currency: str, at: datetime,
                                 ) -> list[str]:
    """In the caller's transaction: the customer's discount, for an invoice of `currency`
    (a subscription's without discounts of its own, or a one-off invoice given none) whose
    period starts `at`. A `once` discount is used up by it: taken off the customer (locked
    here, `customer.discount.deleted`)."""
    if customer.discount_id is None:
        return []
    discount = selectors.discount_get_by_id(id=customer.discount_id)
    if (discount is None or not discount.applies_at(at) or (
            discount.coupon.amount_off is not None and discount.coupon.currency != currency)):
        return []
    if discount.coupon.duration == Coupon.Duration.ONCE:
        _customer_discount_remove(customer, discount)
    return [discount.id]


def _customer_discount_remove(customer: Customer, discount: Discount) -> None:
    locked = payment_selectors.customer_get_locked(id=customer.pk, merchant=customer.merchant,
                                                   livemode=customer.livemode)
    discount.removed_at = clock.now()
    discount.save(update_fields=["removed_at"])
    payment_services.customer_discount_record(customer=locked, discount_id=None)
    customer.discount_id = None
    events_record(EventSpec("customer.discount.deleted", discount))


def invoice_customer_discount_ids(invoice: Invoice) -> list[str]:
    """For a one-off invoice created without `discounts`: its customer's discount, as
    Stripe's invoices inherit it."""
    return _customer_discount_inherited(invoice.customer, currency=invoice.currency,
                                        at=invoice.period_start)


def customer_discount_apply(*, customer: Customer, coupon: str | None,
                            promotion_code: str | None) -> None:
    """Payments' customer takes `coupon` or `promotion_code` (core.hooks), in its
    transaction with the customer locked or just made: its discount is replaced (the old one
    taken off, `customer.discount.deleted`), the new one redeemed
    (`customer.discount.created`); both None: it has none from now on. It applies to the
    customer's invoices that have no discount of their own (a subscription's without one)."""
    if coupon and promotion_code:
        raise InvalidParameter("You may only specify one of these parameters: coupon, "
                               "promotion_code.", code="parameters_exclusive",
                               param="promotion_code")
    specs = ([DiscountSpec(coupon=coupon, param="coupon")] if coupon else
             [DiscountSpec(promotion_code=promotion_code, param="promotion_code")]
             if promotion_code else [])
    redemptions = _redeemed(specs, customer=customer, currency=customer.currency, amount=None,
                            kept=set())
    if customer.discount_id is not None:
        current = selectors.discount_get_by_id(id=customer.discount_id)
        if current is not None:
            _customer_discount_remove(customer, current)
    made = _discounts_make(redemptions, customer=customer)
    if made:
        payment_services.customer_discount_record(customer=customer, discount_id=made[0].id)
        events_record(EventSpec("customer.discount.created", made[0]))


def customer_discount_render(customer: Customer) -> dict | None:
    """The customer's discount as the wire shows it (core.hooks), or None."""
    if customer.discount_id is None:
        return None
    discount = selectors.discount_get_by_id(id=customer.discount_id)
    return None if discount is None else render(discount)
