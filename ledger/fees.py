"""What a captured card payment costs the merchant: their pricing on the simulated processor
(Stripe's standard card pricing unless they set their own), or what a real processor
reported for the charge."""

from decimal import ROUND_HALF_UP, Decimal

from merchants.models import Merchant

# Stripe's standard fixed fee per successful card charge, in each currency's minor units (with
# 2.9 % in the United States). A currency not listed pays the percentage alone.
STANDARD_FIXED_FEES = {"usd": 30, "cad": 30, "aud": 30, "nzd": 30, "eur": 25, "gbp": 20,
                       "chf": 30, "sgd": 50, "hkd": 235, "sek": 180, "nok": 200, "dkk": 180,
                       "pln": 100, "czk": 500, "mxn": 300, "brl": 39, "inr": 300, "jpy": 0}

FEE_DESCRIPTION = "Processing fees"


def card_fee(*, merchant: Merchant, amount: int, currency: str) -> int:
    """The processing fee of capturing `amount` minor units of `currency`: the merchant's
    percentage of it, rounded half up to a minor unit, plus their fixed fee for the currency
    — never more than the amount itself (a charge never nets negative)."""
    percent = Decimal(merchant.card_fee_percent)
    variable = (Decimal(amount) * percent / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    fixed = merchant.card_fee_fixed.get(currency, STANDARD_FIXED_FEES.get(currency, 0))
    return min(int(variable) + fixed, amount)


def fee_details(*, fee: int, currency: str, description: str = FEE_DESCRIPTION
                ) -> list[dict]:
    """Stripe's `fee_details` of a transaction whose whole fee is one kind."""
    if not fee:
        return []
    return [{"amount": fee, "application": None, "currency": currency,
             "description": description, "type": "stripe_fee"}]
