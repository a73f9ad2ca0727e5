"""`{{ amount|money:currency }}`: integer minor units as a readable amount.

Amounts are integers in the currency's smallest unit, as on the wire; how many of those make
one major unit depends on the currency (Stripe's tables of zero- and three-decimal ones).
"""

from django import template

from core.money import format_money

register = template.Library()

EMPTY = "—"


@register.filter
def money(amount: int | str | None, currency: str | None = None) -> str:
    """Without a currency the exponent is unknown: the minor units are shown as they are."""
    if amount is None or amount == "":
        return EMPTY
    try:
        amount = int(amount)
    except (TypeError, ValueError):
        return EMPTY
    if not currency:
        return f"{amount:,}"
    return format_money(amount, currency)
