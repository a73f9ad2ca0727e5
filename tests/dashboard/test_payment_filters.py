"""The payments list's filters: created dates (whole days of the active time zone), an
amount range in a currency, the currency, a customer by id or email, a card's last4; each
narrows the list, all combine with each other and with the search and status, and bad input
is a form error beside its filter on a 200 page, never a 500."""

import html as html_lib
from datetime import UTC, datetime

import pytest

from dashboard.views import common
from payments.models import PaymentIntent
from tests.dashboard.helpers import new_customer
from tests.dashboard.test_payments import authorize, listed, pay


def created_at(intent_id: str, moment: datetime) -> str:
    """The payment as if made at `moment`."""
    PaymentIntent.objects.filter(pk=intent_id).update(created=moment)
    return intent_id


def payments(client, **filters) -> list[str]:
    response = client.get("/payments/", filters)
    assert response.status_code == 200
    return listed(response.content.decode())


def test_the_date_range_takes_whole_days_both_included(owner, account):
    # given payments just before, on the first and last day, and just after the range (UTC)
    before = created_at(pay(account), datetime(2026, 3, 31, 23, 59, 59, tzinfo=UTC))
    first = created_at(pay(account), datetime(2026, 4, 1, 0, 0, tzinfo=UTC))
    last = created_at(pay(account), datetime(2026, 4, 30, 23, 59, 59, tzinfo=UTC))
    after = created_at(pay(account), datetime(2026, 5, 1, 0, 0, tzinfo=UTC))

    assert payments(owner, created_from="2026-04-01", created_to="2026-04-30") == [last, first]
    assert payments(owner, created_from="2026-04-30") == [after, last]
    assert payments(owner, created_to="2026-04-01") == [first, before]
    assert payments(owner, created_from="2026-04-01", created_to="2026-04-01") == [first]


def test_the_days_are_those_of_the_merchants_time_zone(owner, account):
    # given a payment at 23:30 UTC on April 1st: April 2nd already in Tokyo (UTC+9), the
    # merchant's time zone
    late = created_at(pay(account), datetime(2026, 4, 1, 23, 30, tzinfo=UTC))
    account.merchant.time_zone = "Asia/Tokyo"
    account.merchant.save(update_fields=["time_zone"])

    assert payments(owner, created_from="2026-04-02", created_to="2026-04-02") == [late]
    assert payments(owner, created_from="2026-04-01", created_to="2026-04-01") == []


def test_an_amount_range_is_in_the_currencys_major_unit(owner, account):
    small = pay(account, 999)
    ten = pay(account, 1000)
    fifty = pay(account, 5000)
    pay(account, 5001)
    yen = pay(account, 1000, currency="jpy")

    assert payments(owner, currency="usd", amount_min="10.00", amount_max="50") == [fifty, ten]
    assert payments(owner, currency="usd", amount_max="9.99") == [small]
    # 1000 yen is 1000 of them, not ten
    assert payments(owner, currency="jpy", amount_min="1000") == [yen]
    assert payments(owner, currency="jpy", amount_min="1001") == []


def test_the_currency_narrows_the_list_whatever_its_case(owner, account):
    pay(account, 2000)
    euros = pay(account, 2000, currency="eur")

    assert payments(owner, currency="EUR") == [euros]


def test_a_customer_is_found_by_id_or_by_email(owner, account, other_account):
    # given Jenny's payments, another customer's with a similar email, and another
    # merchant's customer with Jenny's email
    jenny = new_customer(account, email="jenny@example.test")
    jenny_again = new_customer(account, email="jenny@example.test")
    first = pay(account, customer=jenny.id)
    second = pay(account, customer=jenny_again.id)
    pay(account, customer=new_customer(account, email="jenny@example.test.org").id)
    pay(account)
    theirs = new_customer(other_account, email="jenny@example.test")
    pay(other_account, customer=theirs.id)

    assert payments(owner, customer=jenny.id) == [first]
    assert payments(owner, customer="jenny@example.test") == [second, first]
    assert payments(owner, customer="Jenny@Example.test") == [second, first]
    assert payments(owner, customer=theirs.id) == []


def test_a_cards_last4_finds_the_payments_made_with_it(owner, account):
    visa = pay(account, payment_method="pm_card_visa")
    mastercard = pay(account, payment_method="pm_card_mastercard")
    declined = pay(account, payment_method="pm_card_chargeDeclined")  # 0002

    assert payments(owner, last4="4444") == [mastercard]
    assert payments(owner, last4="4242") == [visa]
    assert payments(owner, last4="0002") == [declined]
    assert payments(owner, last4="1234") == []


def test_every_filter_combines_with_the_others_and_the_search(owner, account):
    # given payments that each miss exactly one of the filters
    jenny = new_customer(account, email="jenny@example.test")
    april = datetime(2026, 4, 10, 12, tzinfo=UTC)

    def jennys(amount: int = 3000, when: datetime = april, **params) -> str:
        params = {"customer": jenny.id, "payment_method": "pm_card_mastercard",
                  "metadata": {"order_id": "42"}, **params}
        if params.pop("manual", False):
            return created_at(authorize(account, amount, **params), when)
        return created_at(pay(account, amount, **params), when)

    match = jennys()
    jennys(when=datetime(2026, 5, 10, tzinfo=UTC))  # another month
    jennys(amount=9000)  # too much
    jennys(currency="eur")  # euros
    jennys(customer=new_customer(account, email="sam@example.test").id)  # Sam's
    jennys(payment_method="pm_card_visa")  # another card
    jennys(metadata={"order_id": "43"})  # another order
    jennys(manual=True)  # not captured

    # when the merchant sets all of them
    found = payments(owner, q="42", status="succeeded", created_from="2026-04-01",
                     created_to="2026-04-30", currency="usd", amount_min="20",
                     amount_max="40.00", customer="jenny@example.test", last4="4444")

    # then only the payment that meets every one is listed
    assert found == [match]


def test_the_filtered_list_stays_keyset_paginated(owner, account, monkeypatch):
    monkeypatch.setattr(common, "PAGE_SIZE", 2)
    euros = [pay(account, 1000 + n, currency="eur") for n in range(5)]
    pay(account, 1000)

    first = owner.get("/payments/", {"currency": "eur"}).content.decode()
    assert listed(first) == euros[:-3:-1]
    older = owner.get("/payments/", {"currency": "eur", "after": euros[3]}).content.decode()

    assert listed(older) == [euros[2], euros[1]]
    # the pager's links keep the filter
    assert "currency=eur" in html_lib.unescape(older)


@pytest.mark.parametrize(("filters", "field", "message"), [
    ({"created_from": "2026-13-01"}, "created_from", "Enter a valid date."),
    ({"created_from": "0001-01-01"}, "created_from", "Enter a date between 1970 and 9998."),
    ({"created_to": "9999-12-31"}, "created_to", "Enter a date between 1970 and 9998."),
    ({"created_from": "2026-04-02", "created_to": "2026-04-01"}, "created_to",
     "Pick a day on or after the first."),
    ({"amount_min": "10.00"}, "currency", "Enter the currency of the amounts"),
    ({"amount_max": "ten", "currency": "usd"}, "amount_max", "Enter a number."),
    ({"amount_min": "-1", "currency": "usd"}, "amount_min", "greater than or equal to 0"),
    ({"amount_min": "10.5", "currency": "jpy"}, "amount_min", "JPY amounts have no decimal"),
    ({"amount_min": "10.001", "currency": "usd"}, "amount_min", "USD amounts have 2 decimal"),
    ({"amount_min": "20", "amount_max": "10", "currency": "usd"}, "amount_max",
     "Enter an amount no less than the first."),
    ({"currency": "xyz"}, "currency", "Enter a currency&#x27;s 3-letter code"),
    ({"currency": "dollars"}, "currency", "Enter a currency&#x27;s 3-letter code"),
    ({"customer": "jenny"}, "customer", "Enter a customer id (cus_…) or an email."),
    ({"customer": "cus_x'; DROP"}, "customer", "Enter a customer id (cus_…) or an email."),
    ({"last4": "42a2"}, "last4", "Enter the card number&#x27;s last 4 digits."),
    ({"last4": "42424"}, "last4", "Enter the card number&#x27;s last 4 digits."),
])
def test_bad_input_is_an_error_beside_its_filter(owner, account, filters, field, message):
    pay(account)

    response = owner.get("/payments/", filters)

    html = response.content.decode()
    assert response.status_code == 200
    slot = html.index(f'id="id_{field}_errors"')
    assert message in html[slot:html.index("</span>", slot)]
    assert listed(html) == []


def test_an_htmx_filter_swaps_the_errors_beside_the_filters_too(owner, account):
    pay(account)

    response = owner.get("/payments/", {"amount_min": "10"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert "<form" not in html
    assert ('id="id_currency_errors" hx-swap-oob="true">Enter the currency of the amounts'
            in html)
    # and the slots of the filters without errors are emptied
    assert 'id="id_last4_errors" hx-swap-oob="true"></span>' in html


def test_the_filters_keep_what_was_typed(owner):
    html = owner.get("/payments/", {"created_from": "2026-04-01", "amount_min": "10.50",
                                    "currency": "usd", "customer": "a@b.test",
                                    "last4": "4242"}).content.decode()

    for value in ('value="2026-04-01"', 'value="10.50"', 'value="usd"', 'value="a@b.test"',
                  'value="4242"'):
        assert value in html
