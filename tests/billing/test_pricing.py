"""billing.pricing's arithmetic, by example and by property (hypothesis): what a quantity of a
price costs, which invoices and subscriptions will bill."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing.models import Price
from billing.pricing import (
    PLAN_TERM_NAMES,
    PRICE_TERM_NAMES,
    PriceTerms,
    Tier,
    TransformQuantity,
    price_amount_for,
    price_terms_check,
)
from core.exceptions import InvalidParameter

# -- examples ----------------------------------------------------------------------------------

GRADUATED = PriceTerms(currency="usd", billing_scheme="tiered", tiers_mode="graduated", tiers=(
    Tier(up_to=10, unit_amount=Decimal(500)),
    Tier(up_to=50, unit_amount=Decimal(400), flat_amount=Decimal(100)),
    Tier(up_to=None, unit_amount=Decimal("300.5"))))
VOLUME = PriceTerms(currency="usd", billing_scheme="tiered", tiers_mode="volume",
                    tiers=GRADUATED.tiers)


@pytest.mark.parametrize(("quantity", "amount"), [
    (0, 0), (1, 500), (10, 5000), (11, 5000 + 100 + 400), (50, 5000 + 100 + 40 * 400),
    (51, 5000 + 100 + 16000 + Decimal("300.5"))])
def test_graduated_bills_each_tiers_units_at_its_amount(quantity, amount):
    assert price_amount_for(GRADUATED, quantity) == amount


@pytest.mark.parametrize(("quantity", "amount"), [
    (0, 0), (10, 5000), (11, 11 * 400 + 100), (50, 50 * 400 + 100),
    (51, 51 * Decimal("300.5"))])
def test_volume_bills_the_whole_quantity_at_its_tier(quantity, amount):
    assert price_amount_for(VOLUME, quantity) == amount


def test_volume_can_cost_less_for_more_as_stripes_does():
    # Crossing into a cheaper tier reprices every unit: no monotony property holds here.
    assert price_amount_for(VOLUME, 11) < price_amount_for(VOLUME, 10)


def test_a_first_tiers_flat_amount_is_billed_for_no_units():
    base_fee = PriceTerms(currency="usd", billing_scheme="tiered", tiers_mode="graduated",
                          tiers=(Tier(up_to=100, flat_amount=Decimal(2000)),
                                 Tier(up_to=None, unit_amount=Decimal(5))))

    assert price_amount_for(base_fee, 0) == 2000
    assert price_amount_for(base_fee, 101) == 2005


@pytest.mark.parametrize(("round_", "quantity", "packages"), [
    ("up", 0, 0), ("up", 1, 1), ("up", 10, 1), ("up", 11, 2),
    ("down", 9, 0), ("down", 10, 1), ("down", 19, 1)])
def test_transform_quantity_bills_packages(round_, quantity, packages):
    terms = PriceTerms(currency="usd", unit_amount=Decimal(700),
                       transform_quantity=TransformQuantity(divide_by=10, round=round_))

    assert price_amount_for(terms, quantity) == 700 * packages


def test_a_price_row_is_priced_by_its_stored_terms():
    price = Price(currency="usd")
    price.apply_terms(GRADUATED)

    assert price.terms == GRADUATED
    assert price_amount_for(price, 51) == price_amount_for(GRADUATED, 51)


def test_a_decimal_unit_amount_stays_exact():
    terms = PriceTerms(currency="usd", unit_amount=Decimal("0.000000000001"))

    assert price_amount_for(terms, 3) == Decimal("0.000000000003")


@pytest.mark.parametrize("quantity", [-1, 1.5, True, "3"])
def test_a_quantity_is_a_whole_number_of_units(quantity):
    with pytest.raises(ValueError, match="quantity"):
        price_amount_for(VOLUME, quantity)


def test_the_checks_name_the_parameter_of_the_api_that_asked():
    no_amount = PriceTerms(currency="usd")

    with pytest.raises(InvalidParameter) as price_error:
        price_terms_check(no_amount)
    with pytest.raises(InvalidParameter) as plan_error:
        price_terms_check(no_amount, names=PLAN_TERM_NAMES)
    with pytest.raises(InvalidParameter) as product_error:
        price_terms_check(no_amount, names=PRICE_TERM_NAMES.within("default_price_data"))

    assert (price_error.value.param, plan_error.value.param, product_error.value.param) == (
        "unit_amount", "amount", "default_price_data[unit_amount]")


# -- properties --------------------------------------------------------------------------------

amounts = st.decimals(min_value=0, max_value=10_000, places=3, allow_nan=False,
                      allow_infinity=False)
optional_amounts = st.none() | amounts


@st.composite
def tier_lists(draw) -> tuple[Tier, ...]:
    """1 to 5 tiers with rising bounds, the last up to "inf", each with some amount."""
    bounds = sorted(draw(st.sets(st.integers(min_value=1, max_value=60), max_size=4)))
    tiers = []
    for up_to in [*bounds, None]:
        unit, flat = draw(optional_amounts), draw(optional_amounts)
        if unit is None and flat is None:
            unit = draw(amounts)
        tiers.append(Tier(up_to=up_to, unit_amount=unit, flat_amount=flat))
    return tuple(tiers)


def tiered(tiers: tuple[Tier, ...], mode: str) -> PriceTerms:
    terms = PriceTerms(currency="usd", billing_scheme="tiered", tiers_mode=mode, tiers=tiers)
    price_terms_check(terms)  # the strategy only makes prices Stripe would take
    return terms


def tier_of_unit(tiers: tuple[Tier, ...], unit: int) -> int:
    """The index of the tier that unit number `unit` (1-based) falls in."""
    return next(index for index, tier in enumerate(tiers)
                if tier.up_to is None or unit <= tier.up_to)


quantities = st.integers(min_value=0, max_value=150)


@given(tiers=tier_lists(), quantity=quantities)
def test_graduated_equals_the_sum_of_its_tiers(tiers, quantity):
    # Counted unit by unit: each unit at its own tier's unit amount, plus the flat amount of
    # every tier some unit reached (the first tier's always).
    reached = {0} | {tier_of_unit(tiers, unit) for unit in range(1, quantity + 1)}
    expected = sum((tiers[tier_of_unit(tiers, unit)].unit_amount or Decimal(0)
                    for unit in range(1, quantity + 1)), Decimal(0))
    expected += sum((tiers[index].flat_amount or Decimal(0) for index in reached), Decimal(0))

    assert price_amount_for(tiered(tiers, "graduated"), quantity) == expected


@given(tiers=tier_lists(), quantity=quantities)
def test_volume_prices_the_whole_quantity_at_one_tier(tiers, quantity):
    tier = tiers[tier_of_unit(tiers, max(quantity, 1))]
    expected = (tier.unit_amount or Decimal(0)) * quantity + (tier.flat_amount or Decimal(0))

    assert price_amount_for(tiered(tiers, "volume"), quantity) == expected


@given(tiers=tier_lists(), smaller=quantities, larger=quantities)
def test_graduated_never_costs_less_for_more(tiers, smaller, larger):
    smaller, larger = sorted((smaller, larger))
    terms = tiered(tiers, "graduated")

    assert price_amount_for(terms, smaller) <= price_amount_for(terms, larger)


@given(unit=amounts, divide_by=st.none() | st.integers(min_value=1, max_value=20),
       round_=st.sampled_from(["up", "down"]), smaller=quantities, larger=quantities)
def test_per_unit_never_costs_less_for_more(unit, divide_by, round_, smaller, larger):
    smaller, larger = sorted((smaller, larger))
    transform = None if divide_by is None else TransformQuantity(divide_by, round_)
    terms = PriceTerms(currency="usd", unit_amount=unit, transform_quantity=transform)

    assert price_amount_for(terms, smaller) <= price_amount_for(terms, larger)


@given(unit=amounts, first=quantities, second=quantities)
def test_per_unit_without_a_transform_is_linear(unit, first, second):
    terms = PriceTerms(currency="usd", unit_amount=unit)

    assert price_amount_for(terms, first + second) == (
        price_amount_for(terms, first) + price_amount_for(terms, second))


@given(tiers=tier_lists(), quantity=quantities)
def test_one_tier_prices_alike_in_both_modes(tiers, quantity):
    only = (Tier(up_to=None, unit_amount=tiers[0].unit_amount,
                 flat_amount=tiers[0].flat_amount),)

    assert price_amount_for(tiered(only, "graduated"), quantity) == price_amount_for(
        tiered(only, "volume"), quantity)
