"""Proration, as Stripe computes it: a change of price or quantity part-way through a period
credits the unused time of what the subscription had and charges the remaining time of what
it has now, to the second. No I/O: the services decide when, this decides how much.

For a period from `start` to `end` and a change at `at`, the remaining share is
(end − at) / (end − start) in whole seconds; a line's amount is the period's amount times
that share, rounded half up (away from zero for a credit) to the currency's minor unit.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class Period:
    start: datetime
    end: datetime

    def remaining_share(self, at: datetime) -> Fraction:
        """The share of the period left after `at` (0 at its end, 1 at its start)."""
        whole = int((self.end - self.start).total_seconds())
        left = int((self.end - at).total_seconds())
        if whole <= 0:
            return Fraction(0)
        return Fraction(min(max(left, 0), whole), whole)


def prorated(amount: int, share: Fraction) -> int:
    """`amount` (a period's, minor units; negative for a credit) for `share` of the period,
    rounded half away from zero, so a credit and its charge of the same amount cancel."""
    exact = Decimal(abs(amount)) * share.numerator / share.denominator
    rounded = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    return -rounded if amount < 0 else rounded


def proration_description(*, credit: bool, quantity: int, product: str, at: datetime) -> str:
    """Stripe's wording: "Unused time on 2 × Pro after 02 Dec 2026" for the credit of what
    was had, "Remaining time on Pro after 02 Dec 2026" for the charge of what is had now."""
    what = f"{quantity} × {product}" if quantity != 1 else product
    kind = "Unused time on" if credit else "Remaining time on"
    return f"{kind} {what} after {at:%d %b %Y}"
