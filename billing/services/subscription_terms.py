"""What a new subscription is checked against, as Stripe checks it: its items' prices, its
default payment method, its trial. Reads only: the creation uses them before it writes."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from billing import selectors
from billing.models import Price, Subscription
from billing.pricing import MAX_TRIAL_PERIOD_DAYS
from billing.services.common import default_payment_method_check
from billing.services.inline_prices import PriceDataSpec, inline_price_plan
from core.exceptions import InvalidParameter, InvalidRequest
from merchants.models import Merchant
from payments.models import Customer, PaymentMethod

# Stripe's longest trial (as a price's `recurring.trial_period_days`).
MAX_TRIAL = timedelta(days=MAX_TRIAL_PERIOD_DAYS)
# Stripe's most items on one subscription.
MAX_ITEMS = 20


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """One item of a new subscription: a recurring price (or the `price_data` of one, made
    with the subscription), so many of it."""

    price: str | None = None
    quantity: int = 1
    price_data: PriceDataSpec | None = None


def subscription_prices_check(items: list[ItemSpec], *, merchant: Merchant,
                              livemode: bool) -> list[Price]:
    """The items' prices, checked as Stripe checks them: recurring, active, licensed, one
    currency and one interval for all, no price twice. A `price_data` item's price is
    planned, unsaved (billing.services.inline_prices: the creation inserts it)."""
    if not items:
        raise InvalidParameter("Missing required param: items.", code="parameter_missing",
                               param="items")
    if len(items) > MAX_ITEMS:
        raise InvalidParameter(f"A subscription can have at most {MAX_ITEMS} items.",
                               param="items")
    prices = []
    for index, item in enumerate(items):
        param = f"items[{index}][price]"
        if (item.price is None) == (item.price_data is None):
            raise InvalidParameter(f"You must specify exactly one of items[{index}][price] "
                                   f"and items[{index}][price_data].",
                                   code="parameter_missing" if item.price is None else None,
                                   param=param)
        if item.price_data is not None:
            price = inline_price_plan(item.price_data, merchant=merchant, livemode=livemode,
                                      param=f"items[{index}][price_data]", recurring=True)
            if item.quantity < 0:
                raise InvalidParameter("Invalid integer: quantity must be at least 0.",
                                       param=f"items[{index}][quantity]")
            prices.append(price)
            continue
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


def subscription_payment_method_check(id: str | None,  # noqa: A002
                                      customer: Customer) -> PaymentMethod | None:
    """The subscription's own default: a payment method attached to its customer."""
    return default_payment_method_check(id, customer, of="subscription")


def trial_missing_payment_method_check(given: str | None) -> str:
    if given is None:
        return Subscription.MissingPaymentMethod.CREATE_INVOICE
    if given not in Subscription.MissingPaymentMethod.values:
        raise InvalidParameter(
            "Invalid trial_settings[end_behavior][missing_payment_method]: must be one of "
            f"{', '.join(Subscription.MissingPaymentMethod.values)}.",
            param="trial_settings[end_behavior][missing_payment_method]")
    return given


def trial_end_check(days: int | None, end: datetime | Literal["now"] | None, *,
                   now: datetime) -> datetime | None:
    """When the trial asked for ends (None: no trial), checked as Stripe checks it: one of
    the two parameters, in the future, at most 730 days ahead. `trial_end=now` and
    `trial_period_days=0` ask for none."""
    if days is not None and end is not None:
        raise InvalidRequest("You may only specify one of these parameters: trial_end, "
                             "trial_period_days.", param="trial_end")
    if days is not None:
        if not 0 <= days <= MAX_TRIAL.days:
            raise InvalidParameter(f"Invalid integer: trial_period_days must be between 0 "
                                   f"and {MAX_TRIAL.days}.", param="trial_period_days")
        return now + timedelta(days=days) if days else None
    if end is None or end == "now":
        return None
    if end <= now:
        raise InvalidRequest("Invalid timestamp: must be an integer Unix timestamp in the "
                             "future.", param="trial_end")
    if end > now + MAX_TRIAL:
        raise InvalidRequest(f"Invalid timestamp: can be no more than {MAX_TRIAL.days} days "
                             "in the future.", param="trial_end")
    return end


def cancel_at_check(cancel_at: datetime | None, *, cancel_at_period_end: bool | None,
                    now: datetime) -> datetime | None:
    """When the subscription is to be canceled, checked as Stripe checks it: in the future,
    and not together with `cancel_at_period_end=true` (one or the other)."""
    if cancel_at is None:
        return None
    if cancel_at_period_end:
        raise InvalidRequest("You may only specify one of these parameters: cancel_at, "
                             "cancel_at_period_end.", param="cancel_at")
    if cancel_at <= now:
        raise InvalidRequest("Invalid timestamp: must be an integer Unix timestamp in the "
                             "future.", param="cancel_at")
    return cancel_at
