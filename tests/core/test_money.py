"""The `money` template filter: minor units shown with the currency's exponent."""

import pytest
from django.template import Context, Template

from core.money import currency_exponent
from dashboard.templatetags.money import money


@pytest.mark.parametrize(("amount", "currency", "shown"), [
    (1234, "usd", "$12.34 USD"),
    (5, "usd", "$0.05 USD"),
    (0, "usd", "$0.00 USD"),
    (123456789, "usd", "$1,234,567.89 USD"),
    (-1250, "usd", "-$12.50 USD"),
    (1234, "jpy", "¥1,234 JPY"),
    (500, "JPY", "¥500 JPY"),
    (1234, "krw", "₩1,234 KRW"),
    (1234, "kwd", "1.234 KWD"),
    (5, "kwd", "0.005 KWD"),
    (-1001, "bhd", "-1.001 BHD"),
    (1999, "eur", "€19.99 EUR"),
    (1999, "chf", "19.99 CHF"),
])
def test_formats_minor_units(amount, currency, shown):
    assert money(amount, currency) == shown


def test_exponents():
    assert [currency_exponent(c) for c in ("usd", "jpy", "krw", "kwd", "bhd")] == [2, 0, 0, 3, 3]


@pytest.mark.parametrize(("amount", "currency", "shown"), [
    (None, "usd", "—"),
    ("", "usd", "—"),
    ("abc", "usd", "—"),
    (1234, None, "1,234"),
    ("1234", "usd", "$12.34 USD"),
])
def test_odd_inputs(amount, currency, shown):
    assert money(amount, currency) == shown


def test_in_a_template():
    template = Template("{% load money %}{{ amount|money:currency }}")

    assert template.render(Context({"amount": 1234, "currency": "jpy"})) == "¥1,234 JPY"
