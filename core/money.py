"""Money: integer minor units of one currency, and what each currency's unit is worth.

Amounts are integers in the currency's smallest unit everywhere; these tables say what that
unit is worth (Stripe's tables of zero- and three-decimal currencies) and Stripe's limits.
`Money` pairs an amount with its currency and refuses arithmetic across currencies.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# https://docs.stripe.com/currencies#zero-decimal
ZERO_DECIMAL_CURRENCIES = frozenset({
    "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv",
    "xaf", "xof", "xpf",
})
# https://docs.stripe.com/currencies#three-decimal (amounts must end in 0)
THREE_DECIMAL_CURRENCIES = frozenset({"bhd", "jod", "kwd", "omr", "tnd"})

# ISO 4217 codes Till accepts for payments: Stripe's presentment currencies.
CURRENCIES = frozenset({
    "usd", "aed", "afn", "all", "amd", "ang", "aoa", "ars", "aud", "awg", "azn", "bam", "bbd",
    "bdt", "bgn", "bhd", "bif", "bmd", "bnd", "bob", "brl", "bsd", "bwp", "byn", "bzd", "cad",
    "cdf", "chf", "clp", "cny", "cop", "crc", "cve", "czk", "djf", "dkk", "dop", "dzd", "egp",
    "etb", "eur", "fjd", "fkp", "gbp", "gel", "gip", "gmd", "gnf", "gtq", "gyd", "hkd", "hnl",
    "htg", "huf", "idr", "ils", "inr", "isk", "jmd", "jod", "jpy", "kes", "kgs", "khr", "kmf",
    "krw", "kwd", "kyd", "kzt", "lak", "lbp", "lkr", "lrd", "lsl", "mad", "mdl", "mga", "mkd",
    "mmk", "mnt", "mop", "mur", "mvr", "mwk", "mxn", "myr", "mzn", "nad", "ngn", "nio", "nok",
    "npr", "nzd", "omr", "pab", "pen", "pgk", "php", "pkr", "pln", "pyg", "qar", "ron", "rsd",
    "rub", "rwf", "sar", "sbd", "scr", "sek", "sgd", "shp", "sle", "sos", "srd", "std", "szl",
    "thb", "tjs", "tnd", "top", "try", "ttd", "twd", "tzs", "uah", "ugx", "uyu", "uzs", "vnd",
    "vuv", "wst", "xaf", "xcd", "xof", "xpf", "yer", "zar", "zmw",
})

# https://docs.stripe.com/currencies#minimum-and-maximum-charge-amounts, in minor units.
# Elsewhere the minimum is about US$0.50: 50 minor units of a two-decimal currency, and the
# smallest unit's worth for the others (their exchange rates are not Till's to guess).
MINIMUM_AMOUNTS = {
    "usd": 50, "aed": 200, "aud": 50, "bgn": 100, "brl": 50, "cad": 50, "chf": 50,
    "czk": 1500, "dkk": 250, "eur": 50, "gbp": 30, "hkd": 400, "huf": 17500, "inr": 50,
    "jpy": 50, "mxn": 1000, "myr": 200, "nok": 300, "nzd": 50, "pln": 200, "ron": 200,
    "sek": 300, "sgd": 50, "thb": 1000,
}
# Eight digits in the currency's minor unit.
MAXIMUM_AMOUNT = 99_999_999


def currency_exponent(currency: str) -> int:
    """How many decimal places the currency's minor unit has (0, 2 or 3)."""
    code = currency.lower()
    if code in ZERO_DECIMAL_CURRENCIES:
        return 0
    if code in THREE_DECIMAL_CURRENCIES:
        return 3
    return 2


def minimum_amount(currency: str) -> int:
    code = currency.lower()
    if code in MINIMUM_AMOUNTS:
        return MINIMUM_AMOUNTS[code]
    return 50 if currency_exponent(code) == 2 else 1


def format_money(amount: int, currency: str) -> str:
    """`1234, "usd"` → `$12.34 USD`; `500, "jpy"` → `¥500 JPY`; `1234, "kwd"` → `1.234 KWD`."""
    exponent = currency_exponent(currency)
    major, minor = divmod(abs(amount), 10**exponent)
    number = f"{major:,}" + (f".{minor:0{exponent}d}" if exponent else "")
    sign = "-" if amount < 0 else ""
    return f"{sign}{SYMBOLS.get(currency.lower(), '')}{number} {currency.upper()}"


# Only symbols nobody mistakes for another currency's; the code always follows anyway.
SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£", "jpy": "¥", "krw": "₩", "inr": "₹"}


class CurrencyMismatch(ValueError):
    """Two amounts in different currencies were added, subtracted or compared."""


@dataclass(frozen=True, slots=True)
class Money:
    """`amount` minor units of `currency` (lowercase ISO 4217). Never a float."""

    amount: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TypeError(f"Money amounts are integers of minor units, not {self.amount!r}.")
        if self.currency != self.currency.lower() or len(self.currency) != 3:
            raise ValueError(f"Currency codes are three lowercase letters: {self.currency!r}.")

    @classmethod
    def zero(cls, currency: str) -> "Money":
        return cls(0, currency)

    @classmethod
    def from_major(cls, text: str, currency: str) -> "Money":
        """`"12.34", "usd"` → 1234 cents; more decimals than the currency has is refused."""
        exponent = currency_exponent(currency)
        try:
            value = Decimal(text.replace(",", "").strip())
        except InvalidOperation:
            raise ValueError(f"{text!r} is not an amount.") from None
        minor = value.scaleb(exponent)
        if not value.is_finite() or minor != minor.to_integral_value():
            raise ValueError(f"{currency.upper()} amounts have {exponent} decimal places.")
        return cls(int(minor), currency)

    @property
    def exponent(self) -> int:
        return currency_exponent(self.currency)

    def _check(self, other: "Money") -> None:
        if not isinstance(other, Money):
            raise TypeError(f"Money cannot be combined with {other!r}.")
        if other.currency != self.currency:
            raise CurrencyMismatch(
                f"{self.currency.upper()} and {other.currency.upper()} amounts cannot be "
                "combined.")

    def __add__(self, other: "Money") -> "Money":
        self._check(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: "Money") -> "Money":
        self._check(other)
        return Money(self.amount - other.amount, self.currency)

    def __neg__(self) -> "Money":
        return Money(-self.amount, self.currency)

    def __lt__(self, other: "Money") -> bool:
        self._check(other)
        return self.amount < other.amount

    def __le__(self, other: "Money") -> bool:
        self._check(other)
        return self.amount <= other.amount

    def __gt__(self, other: "Money") -> bool:
        self._check(other)
        return self.amount > other.amount

    def __ge__(self, other: "Money") -> bool:
        self._check(other)
        return self.amount >= other.amount

    def __str__(self) -> str:
        return format_money(self.amount, self.currency)


# What a chargeback costs the merchant, per currency: Stripe's published dispute fees where it
# publishes one for the currency; elsewhere fifteen of the currency's major units (so a fee
# is always in the disputed charge's own currency, never a number of another's minor units).
DISPUTE_FEES = {"usd": 1500, "cad": 1500, "eur": 2000, "gbp": 2000, "aud": 2500, "jpy": 2000,
                "nzd": 2500, "sgd": 2000, "hkd": 15000, "chf": 2000}


def dispute_fee(currency: str) -> Money:
    code = currency.lower()
    return Money(DISPUTE_FEES.get(code, 15 * 10 ** currency_exponent(code)), code)
