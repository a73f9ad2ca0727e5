"""The Balance page: available and pending per currency, every balance transaction with its
gross, fee and net linked to what moved the money, filtered and paged; a transaction's
ledger entries; and the payment page's own balance transactions."""

import pytest

from ledger.models import BalanceTransaction
from payments.models import Charge
from tests.dashboard.helpers import switch_mode
from tests.payments.factories import ok, paid_intent

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(response.content.decode().split())


def results(response) -> str:
    """The transactions list of the Balance page, without the balance above it."""
    return text(response).split('id="results"')[1]


def test_an_empty_balance_says_what_makes_money_appear(support):
    # given a merchant with no payments yet
    response = support.get("/balance/")

    # then every member sees the page, and what would fill it
    assert response.status_code == 200
    page = text(response)
    assert 'aria-current="page">Balance' in page
    assert "No test balance transactions yet" in page
    assert "when a payment is captured" in page
    assert "pm_card_visa" in page


def test_a_captured_payment_shows_as_pending_with_its_gross_fee_and_net(owner, account):
    # given a $20.00 payment captured (2.9% + 30¢: $0.88 fee), and a $5.00 refund of it
    paid = paid_intent(account.api(), amount=2000, currency="usd")
    ok(account.api().post("/v1/refunds", {"payment_intent": paid["id"], "amount": 500}))
    charge = Charge.objects.get(pk=paid["latest_charge"])

    # when the owner opens the Balance page
    page = text(owner.get("/balance/"))

    # then the charge's net is pending (two days' delay), the refund's debit available
    assert "USD" in page
    assert "$19.12" in page and "$0.88" in page and "$20.00" in page
    assert "-$5.00" in page
    assert "Pending" in page
    # and both link to their payment
    assert page.count(f'href="/payments/{paid["id"]}/"') == 2
    assert charge.id in page


def test_the_balance_shows_available_and_pending_per_currency(owner, account):
    paid_intent(account.api(), amount=2000, currency="usd")
    paid_intent(account.api(), amount=1000, currency="eur")
    # the euro charge's money became available already
    BalanceTransaction.objects.filter(currency="eur").update(available_on="2000-01-01T00:00Z")

    html = owner.get("/balance/").content.decode()
    balances = html.split('class="table balances"')[1].split("</table>")[0]

    rows = {row.split("</td>")[0].strip(): row for row in
            (" ".join(tr.split()).removeprefix("<td>") for tr in balances.split("<tr>")[2:])}
    assert set(rows) == {"EUR", "USD"}
    # EUR: 10.00 less 2.9% + 25 cents available (Stripe's standard fixed fee for euros)
    available, pending = rows["EUR"].split("</td>")[1:3]
    assert "0.00" not in available and "0.00" in pending
    available, pending = rows["USD"].split("</td>")[1:3]
    assert "0.00" in available and "19.12" in pending  # the dollars are still pending


def test_filters_by_type_and_currency_and_says_when_nothing_matches(owner, account):
    paid = paid_intent(account.api(), amount=2000, currency="usd")
    ok(account.api().post("/v1/refunds", {"payment_intent": paid["id"], "amount": 500}))
    paid_intent(account.api(), amount=1000, currency="eur")

    refunds = results(owner.get("/balance/", {"type": "refund"}))
    euros = results(owner.get("/balance/", {"currency": "EUR"}))
    nothing = results(owner.get("/balance/", {"type": "payout"}))

    assert "-$5.00" in refunds and "$19.12" not in refunds and "€" not in refunds
    assert "€10.00" in euros and "$" not in euros
    assert "No test balance transaction matches the filters" in nothing


def test_the_list_is_keyset_paginated(owner, account):
    for n in range(26):
        paid_intent(account.api(), amount=1000 + n, currency="usd")
    newest = BalanceTransaction.objects.order_by("-created", "-id")

    first = owner.get("/balance/").content.decode()
    older = owner.get("/balance/", {"after": newest[24].id}).content.decode()

    assert newest[0].id in first and newest[25].id not in first
    assert 'rel="next"' in first
    assert newest[25].id in older and newest[0].id not in older
    # a later page shows the transactions only, not the balance again
    assert 'class="table balances"' not in older


def test_a_transactions_page_shows_its_ledger_entries(support, account):
    paid = paid_intent(account.api(), amount=2000, currency="usd")
    txn = BalanceTransaction.objects.get(source=paid["latest_charge"])

    page = text(support.get(f"/balance/transactions/{txn.id}/"))

    assert "$19.12" in page and "$0.88" in page and "Processing fees" in page
    entries = page.split('class="table ledger-entries"')[1].split("</table>")[0]
    assert "Balance" in entries and "$19.12" in entries
    assert "Customer" in entries and "-$20.00" in entries
    assert "Fees" in entries and "$0.88" in entries
    assert f'href="/payments/{paid["id"]}/"' in page
    assert "Pending" in page


def test_another_merchants_or_modes_transactions_are_404s_and_unlisted(owner, account,
                                                                      other_account):
    theirs = paid_intent(other_account.api(), amount=2000)
    their_txn = BalanceTransaction.objects.get(source=theirs["latest_charge"])
    mine = paid_intent(account.api(), amount=3000)
    my_txn = BalanceTransaction.objects.get(source=mine["latest_charge"])

    assert owner.get(f"/balance/transactions/{their_txn.id}/").status_code == 404
    assert their_txn.id not in owner.get("/balance/").content.decode()
    assert owner.get("/balance/", {"after": their_txn.id}).status_code == 404

    switch_mode(owner, "live")
    assert owner.get(f"/balance/transactions/{my_txn.id}/").status_code == 404
    assert my_txn.id not in owner.get("/balance/").content.decode()


def test_the_payment_page_shows_the_charges_and_refunds_gross_fee_and_net(owner, account):
    # given a $20.00 payment with a $5.00 refund
    paid = paid_intent(account.api(), amount=2000, currency="usd")
    ok(account.api().post("/v1/refunds", {"payment_intent": paid["id"], "amount": 500}))

    # when its page is opened
    page = text(owner.get(f"/payments/{paid['id']}/"))

    # then the charge's gross, fee and net, the refund's debit, and what is left
    money = page.split('id="money"')[1].split("</section>")[0]
    assert "Gross</dt><dd class=\"nowrap\">$20.00" in money
    assert "Fee</dt><dd class=\"nowrap\">$0.88" in money
    assert "Net</dt><dd class=\"nowrap\"><strong>$19.12" in money
    assert "-$5.00" in money and "Refund" in money
    assert "Net after refunds and disputes</dt><dd class=\"nowrap\"><strong>$14.12" in money


def test_an_uncaptured_payment_shows_no_balance_transactions(owner, account):
    held = ok(account.api().post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "payment_method": "pm_card_visa", "confirm": True,
        "capture_method": "manual"}))

    assert 'id="money"' not in owner.get(f"/payments/{held['id']}/").content.decode()


def test_a_disputed_payments_page_shows_the_chargeback_linked_to_its_dispute(
        owner, account, django_capture_on_commit_callbacks):
    # given a payment its customer's bank disputes at once
    with django_capture_on_commit_callbacks(execute=True):
        paid = paid_intent(account.api(), payment_method="pm_card_createDispute", amount=2000)
    withdrawal = BalanceTransaction.objects.get(type="adjustment", livemode=False,
                                                merchant=account.merchant)

    # when its page is opened
    money = text(owner.get(f"/payments/{paid['id']}/")).split('id="money"')[1].split(
        "</section>")[0]

    # then the withdrawal and its dispute fee show, linked to the dispute
    assert "Dispute adjustment" in money and withdrawal.id in money
    assert f'href="/disputes/{withdrawal.source}/"' in money
    assert "-$20.00" in money
