"""The Payouts pages: each payout's status, amount, arrival and bank account, and the balance
transactions it paid out; the empty state says when payouts happen."""

from datetime import timedelta

import pytest

from core import clock
from ledger.models import BalanceTransaction, BankAccount, LedgerEntry, Payout
from ledger.services.bookings import book
from merchants.models import Merchant
from tests.dashboard.helpers import switch_mode
from tests.payments.factories import paid_intent

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return " ".join(response.content.decode().split())


def a_payout(account, *, amount: int = 1912, livemode: bool = False, paid_out=(),
             status: str = Payout.Status.PENDING) -> Payout:
    """A payout as the payout services leave one: its debit booked, what it paid out
    linked (the payouts' services are another branch's; the rows are what matter here)."""
    bank, _ = BankAccount.objects.get_or_create(
        merchant=account.merchant, livemode=livemode, currency="usd",
        defaults={"bank_name": "STRIPE TEST BANK", "routing_number": "110000000",
                  "last4": "6789"})
    debit = book(merchant_id=account.merchant.pk, livemode=livemode,
                 type=BalanceTransaction.Type.PAYOUT,
                 category=BalanceTransaction.ReportingCategory.PAYOUT, source="po_pending",
                 amount=-amount, currency="usd", counterparty=LedgerEntry.Account.BANK)
    payout = Payout.objects.create(merchant=account.merchant, livemode=livemode, amount=amount,
                                   currency="usd", arrival_date=clock.now() + timedelta(days=2),
                                   automatic=True, destination=bank, balance_transaction=debit)
    BalanceTransaction.objects.filter(pk=debit.pk).update(source=payout.id)
    BalanceTransaction.objects.filter(pk__in=[t.pk for t in paid_out]).update(payout=payout)
    if status != Payout.Status.PENDING:
        Payout.objects.filter(pk=payout.pk).update(status=status)
    return Payout.objects.get(pk=payout.pk)


def test_no_payouts_says_when_they_happen(support, account):
    page = text(support.get("/payouts/"))
    assert 'aria-current="page">Payouts' in page
    assert "No test payouts yet" in page
    assert "automatically each day once money is available" in page

    Merchant.objects.filter(pk=account.merchant.pk).update(payout_schedule="manual")
    assert "your payout schedule is manual" in text(support.get("/payouts/"))


def test_the_list_shows_status_amount_arrival_and_bank(support, account):
    payout = a_payout(account, amount=1912, status=Payout.Status.IN_TRANSIT)

    page = text(support.get("/payouts/"))

    assert f'href="/payouts/{payout.id}/"' in page
    assert "$19.12" in page and "In transit" in page and "••••6789" in page
    assert payout.arrival_date.strftime("%b %-d, %Y") in page
    assert payout.id not in text(support.get("/payouts/", {"status": "paid"}))
    assert "No test payout has this status" in text(support.get("/payouts/", {"status": "paid"}))


def test_a_payouts_page_shows_what_it_paid_out(owner, account):
    # given a captured payment paid out by an automatic payout
    paid = paid_intent(account.api(), amount=2000)
    charge_txn = BalanceTransaction.objects.get(source=paid["latest_charge"])
    payout = a_payout(account, amount=charge_txn.net, paid_out=[charge_txn])

    # when its page is opened
    page = text(owner.get(f"/payouts/{payout.id}/"))

    # then the payout's debit and the charge it paid out are listed, linked to their pages
    assert "STRIPE TEST BANK ••••6789" in page and "Pending" in page
    assert charge_txn.id in page and payout.balance_transaction_id in page
    assert f'href="/payments/{paid["id"]}/"' in page
    assert "-$19.12" in page and "$20.00" in page
    # and the charge's transaction page names the payout
    assert f'href="/payouts/{payout.id}/"' in text(
        owner.get(f"/balance/transactions/{charge_txn.id}/"))


def test_a_failed_payout_says_why(support, account):
    payout = a_payout(account, status=Payout.Status.FAILED)
    Payout.objects.filter(pk=payout.pk).update(failure_code="account_closed",
                                               failure_message="The bank account is closed.")

    page = text(support.get(f"/payouts/{payout.id}/"))

    assert "The payout failed" in page and "The bank account is closed." in page


def test_another_merchants_or_modes_payouts_are_404s_and_unlisted(owner, account,
                                                                 other_account):
    theirs = a_payout(other_account)
    live = a_payout(account, livemode=True)

    assert owner.get(f"/payouts/{theirs.id}/").status_code == 404
    assert owner.get(f"/payouts/{live.id}/").status_code == 404
    assert theirs.id not in owner.get("/payouts/").content.decode()
    assert live.id not in owner.get("/payouts/").content.decode()
    assert owner.get("/payouts/", {"after": theirs.id}).status_code == 404

    switch_mode(owner, "live")
    assert owner.get(f"/payouts/{live.id}/").status_code == 200
