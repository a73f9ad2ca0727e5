"""`{{ amount|money:currency }}`: integer minor units as a readable amount.

Amounts are integers in the currency's smallest unit, as on the wire; how many of those make
one major unit depends on the currency (Stripe's tables of zero- and three-decimal ones).
"""

from django import template

register = template.Library()

# https://docs.stripe.com/currencies#zero-decimal
ZERO_DECIMAL_CURRENCIES = frozenset({
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
    "xaf", "xof", "xpf",
})
# https://docs.stripe.com/currencies#three-decimal
THREE_DECIMAL_CURRENCIES = frozenset({"bhd", "jod", "kwd", "omr", "tnd"})

# Only symbols nobody mistakes for another currency's; the code always follows anyway.
SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥", "krw": "₩", "inr": "₹"}

EMPTY = "—"


def currency_exponent(currency: str) -> int:
    """How many decimal places the currency's minor unit has (0, 2 or 3)."""
    code = currency.lower()
    if code in ZERO_DECIMAL_CURRENCIES:
        return 0
    if code in THREE_DECIMAL_CURRENCIES:
        return 3
    return 2


def format_money(amount: int, currency: str) -> str:
    """`1234, "usd"` → `$12.34 USD`; `500, "jpy"` → `¥500 JPY`; `1234, "kwd"` → `1.234 KWD`."""
    exponent = currency_exponent(currency)
    major, minor = divmod(abs(amount), 10**exponent)
    number = f"{major:,}" + (f".{minor:0{exponent}d}" if exponent else "")
    sign = "-" if amount < 0 else ""
    return f"{sign}{SYMBOLS.get(currency.lower(), '')}{number} {currency.upper()}"


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
