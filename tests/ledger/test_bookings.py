"""The ledger books every movement of a merchant's money as Stripe shows it: a charge's
gross, fee and net, a refund's debit (and its reversal when it fails), a chargeback's
withdrawal with its fee (and its reinstatement), and the balance they add up to."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from core import clock
from ledger.models import BalanceTransaction
from ledger.selectors import ledger_sums
from tests.payments.factories import another_secret_key, authorized_intent, ok, paid_intent


def balance_transaction(api, txn_id: str) -> dict:
    return ok(api.get(f"/v1/balance_transactions/{txn_id}"))


def charge_of(api, paid: dict, **params) -> dict:
    return ok(api.get(f"/v1/charges/{paid['latest_charge']}", params))


def refund(api, **params):
    return api.post("/v1/refunds", params)


def test_a_captured_charge_books_its_gross_fee_and_net(api):
    # when a $20.00 card payment succeeds
    paid = paid_intent(api, amount=2000)

    # then its charge has a balance transaction: 2.9% + 30¢ taken as the fee
    charge = charge_of(api, paid)
    txn = balance_transaction(api, charge["balance_transaction"])
    assert txn["id"].startswith("txn_")
    assert txn["object"] == "balance_transaction"
    assert (txn["type"], txn["reporting_category"], txn["source"]) == (
        "charge", "charge", charge["id"])
    assert (txn["amount"], txn["fee"], txn["net"], txn["currency"]) == (2000, 88, 1912, "usd")
    assert txn["fee_details"] == [{"amount": 88, "application": None, "currency": "usd",
                                   "description": "Processing fees", "type": "stripe_fee"}]
    assert txn["exchange_rate"] is None
    # available two days later at 00:00 UTC (the default payout delay): pending until then
    created = datetime.fromtimestamp(txn["created"], UTC)
    assert datetime.fromtimestamp(txn["available_on"], UTC) == datetime.combine(
        created.date() + timedelta(days=2), datetime.min.time(), tzinfo=UTC)
    assert txn["status"] == "pending"


def test_expanding_the_balance_transaction_shows_it_inside_the_charge(api):
    paid = paid_intent(api, amount=1000)

    charge = charge_of(api, paid, **{"expand[]": "balance_transaction"})
    intent = ok(api.get(f"/v1/payment_intents/{paid['id']}",
                        {"expand[]": "latest_charge.balance_transaction"}))

    assert (charge["balance_transaction"]["amount"], charge["balance_transaction"]["net"]) == (
        1000, 1000 - 59)
    assert intent["latest_charge"]["balance_transaction"]["id"] == (
        charge["balance_transaction"]["id"])


def test_an_authorization_books_nothing_until_captured_and_then_what_was_captured(api):
    # given a held authorization of $50.00
    held = authorized_intent(api, amount=5000)
    assert charge_of(api, held)["balance_transaction"] is None
    assert not BalanceTransaction.objects.exists()

    # when $30.00 of it is captured
    ok(api.post(f"/v1/payment_intents/{held['id']}/capture", {"amount_to_capture": 3000}))

    # then only what was captured is booked, with its own fee
    txn = balance_transaction(api, charge_of(api, held)["balance_transaction"])
    assert (txn["amount"], txn["fee"], txn["net"]) == (3000, 117, 2883)
    assert BalanceTransaction.objects.count() == 1


def test_a_canceled_authorization_books_nothing(api):
    held = authorized_intent(api, amount=5000)

    ok(api.post(f"/v1/payment_intents/{held['id']}/cancel"))

    assert charge_of(api, held)["balance_transaction"] is None
    assert not BalanceTransaction.objects.exists()


def test_a_declined_payment_books_nothing(api):
    declined = api.post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "payment_method": "pm_card_chargeDeclined",
        "confirm": "true"})

    assert declined.status_code == 402
    assert not BalanceTransaction.objects.exists()


def test_the_merchants_own_pricing_sets_the_fee(api, account):
    # given a merchant paying 1.5% and 10 cents in euros
    account.merchant.card_fee_percent = Decimal("1.5")
    account.merchant.card_fee_fixed = {"eur": 10}
    account.merchant.save()

    paid = paid_intent(api, amount=1999, currency="eur")

    txn = balance_transaction(api, charge_of(api, paid)["balance_transaction"])
    # 1.5% of 19.99 is 0.29985, rounded half up to 0.30
    assert (txn["amount"], txn["fee"], txn["net"]) == (1999, 40, 1959)


def test_a_zero_decimal_currency_takes_the_percentage_alone(api):
    paid = paid_intent(api, amount=5000, currency="jpy")

    txn = balance_transaction(api, charge_of(api, paid)["balance_transaction"])
    assert (txn["fee"], txn["net"]) == (145, 4855)


def test_a_refund_is_debited_at_once_and_keeps_the_fee(api):
    paid = paid_intent(api, amount=2000)

    made = ok(refund(api, payment_intent=paid["id"], amount=500))

    txn = balance_transaction(api, made["balance_transaction"])
    assert (txn["type"], txn["reporting_category"], txn["source"]) == (
        "refund", "refund", made["id"])
    assert (txn["amount"], txn["fee"], txn["net"], txn["status"]) == (-500, 0, -500,
                                                                    "available")
    assert txn["available_on"] == txn["created"]


def test_a_failed_refund_gives_its_debit_back(api, settings,
                                             django_capture_on_commit_callbacks):
    # given a card whose bank refuses refunds
    paid = paid_intent(api, payment_method="pm_card_refundFail", amount=2000)
    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 0

    with django_capture_on_commit_callbacks(execute=True):
        made = ok(refund(api, payment_intent=paid["id"], amount=800))

    # then the debit and its reversal are both booked, and the refund names the reversal
    failed = ok(api.get(f"/v1/refunds/{made['id']}"))
    assert failed["status"] == "failed"
    debit = balance_transaction(api, failed["balance_transaction"])
    reversal = balance_transaction(api, failed["failure_balance_transaction"])
    assert (debit["type"], debit["amount"]) == ("refund", -800)
    assert (reversal["type"], reversal["reporting_category"], reversal["amount"],
            reversal["source"]) == ("refund_failure", "refund_failure", 800, made["id"])


def test_a_refund_waiting_for_approval_is_booked_only_once_approved(api, account):
    # given a refund above the merchant's approval threshold, waiting
    account.merchant.refund_approval_thresholds = {"usd": 1000}
    account.merchant.save()
    paid = paid_intent(api, amount=5000)
    waiting = ok(refund(api, payment_intent=paid["id"]))
    assert (waiting["status"], waiting["balance_transaction"]) == ("pending_approval", None)

    # when another key approves it, then its debit is booked
    approved = ok(another_secret_key(account).post(f"/v1/refunds/{waiting['id']}/approve"))
    assert balance_transaction(api, approved["balance_transaction"])["amount"] == -5000


def test_a_rejected_refund_books_nothing(api, account):
    account.merchant.refund_approval_thresholds = {"usd": 1000}
    account.merchant.save()
    paid = paid_intent(api, amount=5000)
    waiting = ok(refund(api, payment_intent=paid["id"]))

    rejected = ok(api.post(f"/v1/refunds/{waiting['id']}/reject"))

    assert rejected["status"] == "canceled"
    assert rejected["balance_transaction"] is None
    assert "failure_balance_transaction" not in rejected
    assert list(BalanceTransaction.objects.values_list("type", flat=True)) == ["charge"]


def test_the_balance_is_pending_then_available(api):
    paid = paid_intent(api, amount=2000)
    ok(refund(api, payment_intent=paid["id"], amount=500))

    now = ok(api.get("/v1/balance"))
    with clock.bound(clock.now() + timedelta(days=3)):
        later = ok(api.get("/v1/balance"))

    # the refund is debited from what is available at once; the charge's net is pending
    assert now["object"] == "balance"
    assert now["livemode"] is False
    assert now["available"] == [{"amount": -500, "currency": "usd",
                                 "source_types": {"card": -500}}]
    assert now["pending"] == [{"amount": 1912, "currency": "usd",
                               "source_types": {"card": 1912}}]
    assert later["available"][0]["amount"] == 1412
    assert later["pending"][0]["amount"] == 0


def test_an_empty_balance_shows_zero_in_the_default_currency(api):
    assert ok(api.get("/v1/balance"))["available"] == [
        {"amount": 0, "currency": "usd", "source_types": {"card": 0}}]


def test_each_currency_has_its_own_balance(api):
    paid_intent(api, amount=2000, currency="usd")
    paid_intent(api, amount=2000, currency="eur")

    pending = ok(api.get("/v1/balance"))["pending"]

    assert [(row["currency"], row["amount"]) for row in pending] == [("eur", 2000 - 83),
                                                                     ("usd", 1912)]


def test_the_list_filters_by_type_source_and_currency(api):
    paid = paid_intent(api, amount=2000)
    paid_intent(api, amount=1000, currency="eur")
    made = ok(refund(api, payment_intent=paid["id"], amount=300))

    every = ok(api.get("/v1/balance_transactions"))["data"]
    refunds = ok(api.get("/v1/balance_transactions", {"type": "refund"}))["data"]
    of_refund = ok(api.get("/v1/balance_transactions", {"source": made["id"]}))["data"]
    euros = ok(api.get("/v1/balance_transactions", {"currency": "EUR"}))["data"]

    assert [txn["type"] for txn in every] == ["refund", "charge", "charge"]
    assert [txn["source"] for txn in refunds] == [made["id"]]
    assert [txn["amount"] for txn in of_refund] == [-300]
    assert [txn["currency"] for txn in euros] == ["eur"]


def test_a_bad_filter_is_refused_with_its_param(api):
    refused = api.get("/v1/balance_transactions", {"type": "bonus"})

    assert refused.status_code == 400
    assert refused.json()["error"]["param"] == "type"


@pytest.mark.parametrize("amount", [1, 10, 31])
def test_a_fee_never_exceeds_what_was_charged(api, amount):
    paid = paid_intent(api, amount=max(amount, 50))

    txn = balance_transaction(api, charge_of(api, paid)["balance_transaction"])
    assert 0 <= txn["fee"] <= txn["amount"]
    assert txn["net"] == txn["amount"] - txn["fee"]


def test_every_booking_balances_to_zero(api, django_capture_on_commit_callbacks):
    paid = paid_intent(api, amount=2000)
    ok(refund(api, payment_intent=paid["id"], amount=700))
    with django_capture_on_commit_callbacks(execute=True):
        paid_intent(api, payment_method="pm_card_createDispute", amount=3000)

    sums = ledger_sums()
    assert sums["total"] == 0
    # the card paid 50.00 and got 7.00 and 30.00 back; fees took 88 + 117 cents and $15
    assert sums["customer"] == -5000 + 700 + 3000
    assert sums["fees"] == 88 + 117 + 1500
    assert sums["balance"] == 2000 - 88 - 700 + 3000 - 117 - 3000 - 1500
