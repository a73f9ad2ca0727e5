"""Currencies: decimal places, and the smallest and largest amounts a payment may have.

Amounts are integers in the currency's smallest unit everywhere; these tables say what that
unit is worth (Stripe's tables of zero- and three-decimal currencies) and Stripe's limits.
"""

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
