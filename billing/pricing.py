"""What a price charges: its terms, checked as Stripe checks them, and the arithmetic that turns
a quantity into an amount, which invoices and subscriptions use. Pure: no database, no I/O.

Amounts are Decimals of the currency's minor unit (`unit_amount_decimal` may carry up to 12
decimal places, as Stripe's does); whoever bills an amount rounds it, once, at the end.
"""

from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, Protocol

from core.exceptions import InvalidParameter
from core.money import CURRENCIES, MAXIMUM_AMOUNT

DECIMAL_PLACES = 12
# Till's own bound (Stripe documents none): enough for any price list a person writes.
MAX_TIERS = 250
# Stripe's longest billing interval is three years, in whichever unit it is counted.
MAX_INTERVAL_COUNT = {"day": 1095, "week": 156, "month": 36, "year": 3}
MAX_TRIAL_PERIOD_DAYS = 730

Interval = Literal["day", "week", "month", "year"]


@dataclass(frozen=True)
class Tier:
    """One tier: the units up to `up_to` (None: Stripe's "inf"), what each costs and a flat
    amount charged once when the quantity reaches the tier."""

    up_to: int | None
    unit_amount: Decimal | None = None
    flat_amount: Decimal | None = None

    def to_json(self) -> dict[str, int | str | None]:
        return {"up_to": self.up_to, "unit_amount": amount_text(self.unit_amount),
                "flat_amount": amount_text(self.flat_amount)}

    @classmethod
    def from_json(cls, data: dict) -> "Tier":
        return cls(up_to=data["up_to"], unit_amount=_decimal_or_none(data.get("unit_amount")),
                   flat_amount=_decimal_or_none(data.get("flat_amount")))


@dataclass(frozen=True)
class TransformQuantity:
    """Bill per `divide_by` units (packages of ten), rounding the count up or down."""

    divide_by: int
    round: Literal["up", "down"]


@dataclass(frozen=True)
class Recurring:
    interval: Interval
    interval_count: int = 1
    usage_type: str = "licensed"
    trial_period_days: int | None = None


@dataclass(frozen=True)
class PriceTerms:
    """Everything that decides what a price charges: fixed once the price exists."""

    currency: str
    unit_amount: Decimal | None = None
    billing_scheme: Literal["per_unit", "tiered"] = "per_unit"
    tiers_mode: Literal["graduated", "volume"] | None = None
    tiers: tuple[Tier, ...] = ()
    transform_quantity: TransformQuantity | None = None
    recurring: Recurring | None = None
    tax_behavior: str = "unspecified"


# -- amounts as text ------------------------------------------------------------------------

def amount_text(value: Decimal | None) -> str | None:
    """`Decimal("12.50")` → `"12.5"`, `Decimal("1000")` → `"1000"` (never `1E+3`)."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def amount_integer(value: Decimal | None) -> int | None:
    """The amount as whole minor units when it is one (Stripe's `unit_amount`), else None."""
    if value is None or value != value.to_integral_value():
        return None
    return int(value)


def _decimal_or_none(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


# -- the rules a price's terms follow ----------------------------------------------------------

@dataclass(frozen=True)
class TermNames:
    """The wire's name of each term, for refusals: /v1/prices, /v1/plans and a product's
    `default_price_data` call the same terms differently."""

    unit_amount: str = "unit_amount"
    tiers: str = "tiers"
    tiers_mode: str = "tiers_mode"
    transform: str = "transform_quantity"
    interval: str = "recurring[interval]"
    interval_count: str = "recurring[interval_count]"
    usage_type: str = "recurring[usage_type]"
    trial_period_days: str = "recurring[trial_period_days]"

    def within(self, prefix: str) -> "TermNames":
        """The names inside a hash: `unit_amount` → `default_price_data[unit_amount]`."""
        def nested(name: str) -> str:
            head, bracket, rest = name.partition("[")
            return f"{prefix}[{head}]{bracket}{rest}"
        return replace(self, **{field: nested(getattr(self, field))
                                for field in self.__dataclass_fields__})


PRICE_TERM_NAMES = TermNames()
PLAN_TERM_NAMES = TermNames(unit_amount="amount", transform="transform_usage",
                            interval="interval", interval_count="interval_count",
                            usage_type="usage_type", trial_period_days="trial_period_days")


def price_terms_check(terms: PriceTerms, *, names: TermNames = PRICE_TERM_NAMES) -> None:
    """Refuses terms Stripe refuses (InvalidParameter naming the wire's parameter): a
    per-unit price has a unit amount and no tiers; a tiered one has a mode and tiers whose
    bounds rise to a last "inf" tier, each with an amount; Till bills licensed usage only."""
    if terms.currency not in CURRENCIES:
        raise InvalidParameter(f"Invalid currency: {terms.currency}. Use a lowercase ISO 4217 "
                               "code that Stripe supports, such as usd, eur or gbp.",
                               param="currency")
    if terms.billing_scheme == "tiered":
        _tiered_check(terms, names)
    else:
        _per_unit_check(terms, names)
    if terms.recurring is not None:
        _recurring_check(terms.recurring, names)


def _per_unit_check(terms: PriceTerms, names: TermNames) -> None:
    if terms.tiers:
        raise InvalidParameter(f"You may only specify `{names.tiers}` when `billing_scheme` "
                               "is `tiered`.", param=names.tiers)
    if terms.tiers_mode is not None:
        raise InvalidParameter(f"You may only specify `{names.tiers_mode}` when "
                               "`billing_scheme` is `tiered`.", param=names.tiers_mode)
    if terms.unit_amount is None:
        raise InvalidParameter(f"Missing required param: {names.unit_amount}.",
                               code="parameter_missing", param=names.unit_amount)
    _amount_check(terms.unit_amount, names.unit_amount)
    transform = terms.transform_quantity
    if transform is not None and (transform.divide_by < 1 or transform.round not in
                                  ("up", "down")):
        raise InvalidParameter(f"Invalid {names.transform}: divide_by must be a positive "
                               "integer and round up or down.", param=names.transform)


def _tiered_check(terms: PriceTerms, names: TermNames) -> None:
    if terms.unit_amount is not None:
        raise InvalidParameter(f"You may not specify `{names.unit_amount}` when "
                               "`billing_scheme` is `tiered`: each tier has its amounts.",
                               param=names.unit_amount)
    if terms.transform_quantity is not None:
        raise InvalidParameter(f"`{names.transform}` cannot be combined with tiered pricing.",
                               param=names.transform)
    if terms.tiers_mode not in ("graduated", "volume"):
        raise InvalidParameter(f"Missing required param: {names.tiers_mode}.",
                               code="parameter_missing", param=names.tiers_mode)
    if not terms.tiers:
        raise InvalidParameter(f"Missing required param: {names.tiers}.",
                               code="parameter_missing", param=names.tiers)
    if len(terms.tiers) > MAX_TIERS:
        raise InvalidParameter(f"Invalid {names.tiers}: a price can have at most {MAX_TIERS} "
                               "tiers.", param=names.tiers)
    _tiers_check(terms.tiers, names.tiers)


def _tiers_check(tiers: tuple[Tier, ...], param: str) -> None:
    previous = 0
    for index, tier in enumerate(tiers):
        last = index == len(tiers) - 1
        up_to = f"{param}[{index}][up_to]"
        if tier.up_to is None and not last:
            raise InvalidParameter("Only the last tier may have `up_to` set to `inf`.",
                                   param=up_to)
        if tier.up_to is not None and last:
            raise InvalidParameter("The last tier must have `up_to` set to `inf`, so that "
                                   "every quantity falls in a tier.", param=up_to)
        if tier.up_to is not None:
            if tier.up_to <= previous:
                raise InvalidParameter("Each tier's `up_to` must be greater than the previous "
                                       f"tier's ({previous}).", param=up_to)
            previous = tier.up_to
        if tier.unit_amount is None and tier.flat_amount is None:
            raise InvalidParameter("An entry in the tiers array is missing an amount: give "
                                   "unit_amount, flat_amount or both.",
                                   param=f"{param}[{index}]")
        for name, value in (("unit_amount", tier.unit_amount),
                            ("flat_amount", tier.flat_amount)):
            if value is not None:
                _amount_check(value, f"{param}[{index}][{name}]")


def _amount_check(value: Decimal, param: str) -> None:
    if not value.is_finite() or value < 0 or value > MAXIMUM_AMOUNT:
        raise InvalidParameter(f"Invalid {param}: must be between 0 and {MAXIMUM_AMOUNT}.",
                               param=param)
    if -value.as_tuple().exponent > DECIMAL_PLACES:  # type: ignore[operator]
        raise InvalidParameter(f"Invalid {param}: at most {DECIMAL_PLACES} decimal places.",
                               param=param)


def _recurring_check(recurring: Recurring, names: TermNames) -> None:
    if recurring.usage_type != "licensed":
        raise InvalidParameter(METERED_REFUSAL, param=names.usage_type)
    longest = MAX_INTERVAL_COUNT.get(recurring.interval)
    if longest is None:
        raise InvalidParameter(f"Invalid interval: {recurring.interval}. Use day, week, month "
                               "or year.", param=names.interval)
    if not 1 <= recurring.interval_count <= longest:
        raise InvalidParameter(
            f"Invalid {names.interval_count}: the maximum billing interval is three years (3 "
            "years, 36 months, 156 weeks or 1095 days), and the count is at least 1.",
            param=names.interval_count)
    days = recurring.trial_period_days
    if days is not None and not 0 <= days <= MAX_TRIAL_PERIOD_DAYS:
        raise InvalidParameter(f"Invalid {names.trial_period_days}: must be between 0 and "
                               f"{MAX_TRIAL_PERIOD_DAYS} days.", param=names.trial_period_days)


METERED_REFUSAL = ("Till does not support metered prices yet (usage_type=metered, meters and "
                   "aggregate_usage): recurring prices bill a licensed quantity.")


# -- the arithmetic ----------------------------------------------------------------------------

class HasTerms(Protocol):
    @property
    def terms(self) -> PriceTerms: ...


def price_amount_for(price: HasTerms | PriceTerms, quantity: int) -> Decimal:
    """What `quantity` units of `price` cost, in the currency's minor units (unrounded).

    per_unit: the unit amount times the quantity, after `transform_quantity` (packages of
    `divide_by`, rounded up or down). volume: the whole quantity at the one tier it falls in.
    graduated: each tier's units at that tier's amount. A tier's flat amount is charged once
    when the quantity reaches it; a quantity of 0 falls in the first tier, as Stripe bills it.
    """
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
        raise ValueError(f"A quantity is a whole number of units, not {quantity!r}.")
    terms = price if isinstance(price, PriceTerms) else price.terms
    if terms.billing_scheme == "tiered":
        if terms.tiers_mode == "volume":
            return _volume_amount(terms.tiers, quantity)
        return _graduated_amount(terms.tiers, quantity)
    if terms.unit_amount is None:
        raise ValueError("A per-unit price has a unit amount.")
    return terms.unit_amount * _units_billed(quantity, terms.transform_quantity)


def _units_billed(quantity: int, transform: TransformQuantity | None) -> int:
    if transform is None:
        return quantity
    packages, rest = divmod(quantity, transform.divide_by)
    return packages + (1 if rest and transform.round == "up" else 0)


def _tier_charge(tier: Tier, units: int) -> Decimal:
    return (tier.unit_amount or Decimal(0)) * units + (tier.flat_amount or Decimal(0))


def _volume_amount(tiers: tuple[Tier, ...], quantity: int) -> Decimal:
    tier = next(tier for tier in tiers if tier.up_to is None or quantity <= tier.up_to)
    return _tier_charge(tier, quantity)


def _graduated_amount(tiers: tuple[Tier, ...], quantity: int) -> Decimal:
    total = Decimal(0)
    floor = 0  # the units the tiers before this one took
    for index, tier in enumerate(tiers):
        if index and quantity <= floor:
            break
        ceiling = quantity if tier.up_to is None else min(quantity, tier.up_to)
        total += _tier_charge(tier, ceiling - floor)
        if tier.up_to is None:
            break
        floor = tier.up_to
    return total


def price_line_amount(price: HasTerms | PriceTerms, quantity: int) -> int:
    """What `quantity` units of `price` cost a period, rounded half up to the currency's
    minor unit: a subscription line's amount."""
    return int(price_amount_for(price, quantity).quantize(Decimal(1), rounding=ROUND_HALF_UP))
