"""What discounts take off an invoice's lines (billing.discounting): Stripe's arithmetic in
minor units, where no money is invented or lost."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from billing.discounting import DiscountTerms, LineBase, discount_amounts


def test_a_percentage_comes_off_each_line_rounded_half_up():
    # given two lines and 15% off
    lines = [LineBase(amount=1001), LineBase(amount=999)]

    # when the discount applies
    taken = discount_amounts(lines, [DiscountTerms(id="di_1", percent_off=Decimal(15))])

    # then each line gives its own share, rounded half up (150.15 → 150, 149.85 → 150)
    assert taken == [[("di_1", 150)], [("di_1", 150)]]


def test_an_amount_is_spread_in_proportion_and_never_below_zero():
    # given lines of $30 and $10, and $10.00 off; then $50 off the same
    lines = [LineBase(amount=3000), LineBase(amount=1000)]

    spread = discount_amounts(lines, [DiscountTerms(id="di_1", amount_off=1000)])
    capped = discount_amounts(lines, [DiscountTerms(id="di_1", amount_off=5000)])

    # then $7.50 and $2.50; and a larger amount takes the lines to zero, no further
    assert spread == [[("di_1", 750)], [("di_1", 250)]]
    assert capped == [[("di_1", 3000)], [("di_1", 1000)]]


def test_odd_units_go_to_the_largest_remainders():
    # given three equal lines and 100 units off
    lines = [LineBase(amount=1000)] * 3

    taken = discount_amounts(lines, [DiscountTerms(id="di_1", amount_off=100)])

    # then 34, 33, 33: the whole 100, not 99
    assert [amounts[0][1] for amounts in taken] == [34, 33, 33]


def test_restricted_coupons_and_undiscountable_lines_are_left_alone():
    # given a line of product A, one of product B, one not discountable, and a credit
    lines = [LineBase(amount=1000, product="prod_A"), LineBase(amount=1000, product="prod_B"),
             LineBase(amount=1000, product="prod_A", discountable=False),
             LineBase(amount=-500, product="prod_A")]

    # when 50% off product A applies
    taken = discount_amounts(lines, [DiscountTerms(id="di_1", percent_off=Decimal(50),
                                                   products=frozenset({"prod_A"}))])

    # then only the first line gives anything
    assert taken == [[("di_1", 500)], [], [], []]


def test_discounts_apply_in_order_to_what_the_ones_before_left():
    # given $100, then 10% off and $5 off
    taken = discount_amounts([LineBase(amount=10_000)], [
        DiscountTerms(id="di_1", percent_off=Decimal(10)),
        DiscountTerms(id="di_2", amount_off=500)])

    # then $10, then $5 of the $90 left
    assert taken == [[("di_1", 1000), ("di_2", 500)]]


_lines = st.lists(st.builds(LineBase, amount=st.integers(-5000, 10**8),
                            discountable=st.booleans(),
                            product=st.sampled_from(["prod_A", "prod_B", None])),
                  max_size=12)
_discount = st.one_of(
    st.builds(DiscountTerms, id=st.just("p"),
              percent_off=st.decimals(min_value="0.01", max_value=100, places=2)),
    st.builds(DiscountTerms, id=st.just("a"), amount_off=st.integers(1, 10**9),
              products=st.one_of(st.none(), st.just(frozenset({"prod_A"})))))


# No deadline: four agents share two cores, and a slow example is not a wrong one.
@settings(deadline=None, max_examples=300)
@given(lines=_lines, discounts=st.lists(_discount, max_size=4))
def test_no_money_is_invented_or_lost(lines, discounts):
    discounts = [DiscountTerms(id=f"di_{index}", percent_off=d.percent_off,
                               amount_off=d.amount_off, products=d.products)
                 for index, d in enumerate(discounts)]
    taken = discount_amounts(lines, discounts)

    # every share is a whole, non-negative number of units; no line goes below zero
    for line, amounts in zip(lines, taken, strict=True):
        assert all(isinstance(amount, int) and amount >= 0 for _, amount in amounts)
        if amounts:
            assert sum(amount for _, amount in amounts) <= max(line.amount, 0)
    # an amount_off takes exactly itself, or everything its lines had left when less
    left = [max(line.amount, 0) for line in lines]
    for discount in discounts:
        given_by_lines = [dict(amounts).get(discount.id, 0) for amounts in taken]
        eligible = sum(left[index] for index, line in enumerate(lines)
                       if discount.applies_to(line))
        if discount.amount_off is not None:
            assert sum(given_by_lines) == min(discount.amount_off, eligible)
        else:
            assert sum(given_by_lines) <= eligible
        left = [remaining - given_by_lines[index] for index, remaining in enumerate(left)]
    # the total discounted never exceeds the charges (the subtotal, without credits)
    total_off = sum(amount for amounts in taken for _, amount in amounts)
    assert total_off <= sum(max(line.amount, 0) for line in lines)
    if all(line.amount >= 0 for line in lines):
        assert sum(line.amount for line in lines) - total_off >= 0
