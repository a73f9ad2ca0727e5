"""What discounts take off an invoice's lines, as Stripe computes it: pure arithmetic in
integer minor units, for the invoice services to use.

Discounts apply in order, each to what the ones before left of each line it applies to
(discountable, positive, of a product the coupon allows). A `percent_off` takes its share of
each line, rounded half up to the minor unit; an `amount_off` is spread over those lines in
proportion to what is left of them (largest remainders get the odd units), and never takes
more than is left: no line goes below zero, no money is invented or lost.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True, slots=True)
class LineBase:
    """One line as discounts see it."""

    amount: int
    discountable: bool = True
    product: str | None = None


@dataclass(frozen=True, slots=True)
class DiscountTerms:
    """One discount: its id, what it takes off (percent_off xor amount_off) and, when the
    coupon is restricted, the products it applies to."""

    id: str
    percent_off: Decimal | None = None
    amount_off: int | None = None
    products: frozenset[str] | None = None

    def applies_to(self, line: LineBase) -> bool:
        return line.discountable and (self.products is None or line.product in self.products)


def discount_amounts(lines: Sequence[LineBase], discounts: Sequence[DiscountTerms],
                     ) -> list[list[tuple[str, int]]]:
    """For each line, [(discount id, amount taken off)] of the discounts that apply to it,
    in the discounts' order."""
    left = [line.amount for line in lines]
    taken: list[list[tuple[str, int]]] = [[] for _ in lines]
    for discount in discounts:
        eligible = [index for index, line in enumerate(lines)
                    if discount.applies_to(line) and left[index] > 0]
        if discount.percent_off is not None:
            shares = {index: _percent_of(left[index], discount.percent_off)
                      for index in eligible}
        else:
            shares = _spread(discount.amount_off or 0, {index: left[index] for index in eligible})
        for index in eligible:
            share = min(shares[index], left[index])
            left[index] -= share
            taken[index].append((discount.id, share))
    return taken


def _percent_of(amount: int, percent: Decimal) -> int:
    return int((Decimal(amount) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _spread(amount: int, weights: dict[int, int]) -> dict[int, int]:
    """`amount` (at most the weights' sum) shared in proportion to the weights, by largest
    remainder: the shares sum to exactly min(amount, sum of weights)."""
    total = sum(weights.values())
    if total <= 0:
        return dict.fromkeys(weights, 0)
    amount = min(amount, total)
    shares, remainders = {}, []
    for index, weight in weights.items():
        share, remainder = divmod(amount * weight, total)
        shares[index] = share
        remainders.append((-remainder, index))
    for _, index in sorted(remainders)[:amount - sum(shares.values())]:
        shares[index] += 1
    return shares
