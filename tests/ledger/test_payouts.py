"""Payouts: the available balance sent to the merchant's bank, manual or daily, in test mode;
the balance debited at once and given back when a payout is canceled or fails."""

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import clock
from ledger.models import BalanceTransaction, BankAccount, Payout
from ledger.selectors import ledger_sums, unbalanced_transactions
from ledger.services.payouts import (
    automatic_payouts_create,
    bank_account_set_test,
    payouts_advance_due,
)
from merchants.models import Merchant
from tests.concurrency import run_together
from tests.conftest import Api, make_account, needs_postgres
from tests.payments.factories import ok, paid_intent
from webhooks.models import Event

NET_OF_2000 = 1912  # 2000 less 2.9% + 30


def later(days: float = 3):
    """The clock once the payments made now are available (after the 2-day payout delay)."""
    return clock.bound(clock.now() + timedelta(days=days))


def available(api: Api, currency: str = "usd") -> int:
    balance = ok(api.get("/v1/balance"))
    return next((row["amount"] for row in balance["available"]
                 if row["currency"] == currency), 0)


def events_of(type_: str) -> list[dict]:
    return [e.data["object"] for e in Event.objects.filter(type=type_).order_by("created")]


def test_a_manual_payout_debits_the_available_balance_at_once(api):
    # given a payment whose net is available
    paid_intent(api, amount=2000)
    with later():
        # when the merchant pays 1000 out
        payout = ok(api.post("/v1/payouts", {"amount": 1000, "currency": "usd",
                                              "description": "May", "metadata": {"k": "v"},
                                              "statement_descriptor": "TILL MAY"}))
        left = available(api)
        txn = ok(api.get(f"/v1/balance_transactions/{payout['balance_transaction']}"))

    # then the payout is pending to the default test bank, and the balance is debited
    assert payout["object"] == "payout"
    assert payout["status"] == "pending"
    assert payout["automatic"] is False
    assert payout["method"] == "standard"
    assert payout["type"] == "bank_account"
    assert payout["metadata"] == {"k": "v"}
    assert payout["statement_descriptor"] == "TILL MAY"
    assert payout["destination"].startswith("ba_")
    assert payout["arrival_date"] > payout["created"]
    assert left == NET_OF_2000 - 1000
    assert (txn["type"], txn["reporting_category"], txn["amount"], txn["source"]) == (
        "payout", "payout", -1000, payout["id"])
    bank = BankAccount.objects.get(pk=payout["destination"])
    assert (bank.last4, bank.test_failure_code) == ("6789", None)
    assert [p["id"] for p in events_of("payout.created")] == [payout["id"]]
    assert ledger_sums()["total"] == 0


def test_a_payout_above_the_available_balance_is_refused_and_changes_nothing(api):
    # given a payment still pending (not yet available)
    paid_intent(api, amount=2000)

    # when the merchant asks for a payout of it
    response = api.post("/v1/payouts", {"amount": 1000, "currency": "usd"})

    # then it is refused on `amount`, and nothing is booked or sent
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["type"], error["code"], error["param"]) == (
        "invalid_request_error", "balance_insufficient", "amount")
    assert "insufficient funds" in error["message"]
    assert not Payout.objects.exists()
    assert not BalanceTransaction.objects.filter(type="payout").exists()
    assert not Event.objects.filter(type__startswith="payout.").exists()


def test_instant_payouts_are_refused_with_their_param(api):
    paid_intent(api, amount=2000)
    with later():
        response = api.post("/v1/payouts", {"amount": 100, "currency": "usd",
                                            "method": "instant"})
    assert response.status_code == 400
    assert response.json()["error"]["param"] == "method"
    assert not Payout.objects.exists()


def test_a_pending_payout_can_be_canceled_and_gives_the_money_back(api):
    # given a pending payout
    paid_intent(api, amount=2000)
    with later():
        payout = ok(api.post("/v1/payouts", {"amount": 1500, "currency": "usd"}))
        # when it is canceled
        canceled = ok(api.post(f"/v1/payouts/{payout['id']}/cancel"))
        left = available(api)
        again = api.post(f"/v1/payouts/{payout['id']}/cancel")

    # then its amount is back in the balance by a payout_cancel transaction
    assert canceled["status"] == "canceled"
    reversal = BalanceTransaction.objects.get(pk=canceled["failure_balance_transaction"])
    assert (reversal.type, reversal.amount) == ("payout_cancel", 1500)
    assert left == NET_OF_2000
    assert [p["id"] for p in events_of("payout.canceled")] == [payout["id"]]
    # and a canceled payout cannot be canceled again
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "payout_not_cancelable"
    assert ledger_sums()["total"] == 0


def test_a_payout_goes_in_transit_then_paid_at_its_arrival(api):
    paid_intent(api, amount=2000)
    # made at noon UTC, so that being sent (an hour on) comes well before arriving (the
    # next midnight): made late in the evening, a payout is sent and arrives in one sweep
    available_on = clock.now() + timedelta(days=3)
    with clock.bound(available_on.replace(hour=12, minute=0, second=0, microsecond=0)):
        payout = ok(api.post("/v1/payouts", {"amount": 1000, "currency": "usd"}))
    created = Payout.objects.get(pk=payout["id"])

    # when the sweep runs after it was sent, then at its arrival date
    with clock.bound(created.created + timedelta(hours=2)):
        assert payouts_advance_due() == 1
        in_transit = ok(api.get(f"/v1/payouts/{payout['id']}"))
        refused = api.post(f"/v1/payouts/{payout['id']}/cancel")
    with clock.bound(created.arrival_date):
        assert payouts_advance_due() == 1
        paid = ok(api.get(f"/v1/payouts/{payout['id']}"))
        assert payouts_advance_due() == 0  # nothing left to move

    # then it went in_transit (no longer cancelable), then paid, with its events
    assert in_transit["status"] == "in_transit"
    assert refused.status_code == 400
    assert paid["status"] == "paid"
    assert paid["failure_balance_transaction"] is None
    updated = Event.objects.get(type="payout.updated")
    assert updated.data["previous_attributes"] == {"status": "pending"}
    assert [p["status"] for p in events_of("payout.paid")] == ["paid"]


def test_a_payout_to_a_failing_test_bank_fails_and_restores_the_balance(api, account):
    # given a bank account with Stripe's closed-account test number
    bank_account_set_test(merchant=account.merchant, livemode=False, currency="usd",
                          account_number="000111111113")
    paid_intent(api, amount=2000)
    with later():
        payout = ok(api.post("/v1/payouts", {"amount": 1200, "currency": "usd"}))
    arrival = Payout.objects.get(pk=payout["id"]).arrival_date

    # when it reaches its arrival date
    with clock.bound(arrival):
        payouts_advance_due()
        failed = ok(api.get(f"/v1/payouts/{payout['id']}",
                            {"expand": ["failure_balance_transaction"]}))
        left = available(api)

    # then it failed with the bank's reason, and its amount is back in the balance
    assert failed["status"] == "failed"
    assert failed["failure_code"] == "account_closed"
    assert failed["failure_message"] == "The bank account has been closed."
    assert failed["failure_balance_transaction"]["type"] == "payout_failure"
    assert failed["failure_balance_transaction"]["amount"] == 1200
    assert left == NET_OF_2000
    assert [p["failure_code"] for p in events_of("payout.failed")] == ["account_closed"]
    assert ledger_sums()["total"] == 0
    assert unbalanced_transactions() == []


def test_the_daily_sweep_pays_out_what_is_available_and_links_it(api, account):
    # given two payments: one available after the payout delay, one made later (pending)
    first = paid_intent(api, amount=2000)
    with later(days=2.5):
        paid_intent(api, amount=3000)
        # when the daily run happens, twice
        made = automatic_payouts_create()
        again = automatic_payouts_create()
        listed = ok(api.get("/v1/balance_transactions", {"payout": made[0].id}))
        left = available(api)

    # then one automatic payout paid the available net, once, and lists what it paid out
    assert len(made) == 1 and again == []
    payout = made[0]
    assert (payout.automatic, payout.amount, payout.currency) == (True, NET_OF_2000, "usd")
    charge_txn = BalanceTransaction.objects.get(type="charge",
                                                source=first["latest_charge"])
    assert {t["id"] for t in listed["data"]} == {charge_txn.id, payout.balance_transaction_id}
    assert left == 0
    assert ledger_sums()["total"] == 0


def test_the_daily_sweep_skips_manual_merchants_and_what_is_not_yet_available(api, account):
    paid_intent(api, amount=2000)
    # a payment still pending is not paid out
    assert automatic_payouts_create() == []
    # a merchant on the manual schedule is never paid out automatically
    Merchant.objects.filter(pk=account.merchant.id).update(payout_schedule="manual")
    with later():
        assert automatic_payouts_create() == []
    assert not Payout.objects.exists()


def test_the_list_filters_by_status_and_arrival_date_and_updates_metadata(api):
    paid_intent(api, amount=2000)
    # both made on one day (so they arrive on one day), at noon UTC and a quarter of an
    # hour on (listed after the first), whatever the hour the test runs at
    noon = (clock.now() + timedelta(days=3)).replace(hour=12, minute=0, second=0,
                                                     microsecond=0)
    with clock.bound(noon):
        one = ok(api.post("/v1/payouts", {"amount": 100, "currency": "usd"}))
        ok(api.post(f"/v1/payouts/{one['id']}/cancel"))
    with clock.bound(noon + timedelta(minutes=15)):
        two = ok(api.post("/v1/payouts", {"amount": 200, "currency": "usd"}))
        updated = ok(api.post(f"/v1/payouts/{two['id']}", {"metadata": {"batch": "7"}}))

    pending = ok(api.get("/v1/payouts", {"status": "pending"}))
    everything = ok(api.get("/v1/payouts", {"limit": 1}))
    page_two = ok(api.get("/v1/payouts", {"limit": 1,
                                          "starting_after": everything["data"][0]["id"]}))
    by_arrival = ok(api.get("/v1/payouts", {"arrival_date": {"gte": two["arrival_date"]}}))
    none_arrive = ok(api.get("/v1/payouts", {"arrival_date": {"lt": two["arrival_date"]}}))
    bad = api.get("/v1/payouts", {"status": "lost"})

    assert [p["id"] for p in pending["data"]] == [two["id"]]
    assert everything["has_more"] is True
    assert [p["id"] for p in everything["data"] + page_two["data"]] == [two["id"], one["id"]]
    assert len(by_arrival["data"]) == 2 and none_arrive["data"] == []
    assert updated["metadata"] == {"batch": "7"}
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "status"


def test_a_live_mode_payout_is_refused(account):
    live = Api(account.key("live_secret_key"))
    response = live.post("/v1/payouts", {"amount": 100, "currency": "usd"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "livemode_processor_missing"


def test_idempotent_payout_creation_pays_out_once(api):
    paid_intent(api, amount=2000)
    with later():
        first = api.post("/v1/payouts", {"amount": 500, "currency": "usd"},
                         headers={"Idempotency-Key": "po-1"})
        replay = api.post("/v1/payouts", {"amount": 500, "currency": "usd"},
                          headers={"Idempotency-Key": "po-1"})
    assert first.json()["id"] == replay.json()["id"]
    assert replay["Idempotent-Replayed"] == "true"
    assert Payout.objects.count() == 1


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_concurrent_payouts_never_overdraw_the_balance(account):
    # given an available balance of 1912 and six clients each asking for 700 at once
    api = account.api()
    paid_intent(api, amount=2000)
    token = account.key()
    apis = [Api(token) for _ in range(6)]
    moment = clock.now() + timedelta(days=3)

    def pay(i: int):
        with clock.bound(moment):
            return apis[i].post("/v1/payouts", {"amount": 700, "currency": "usd"}).status_code

    answers = run_together(6, pay)

    # then two were made (1400 ≤ 1912) and the others refused
    assert sorted(answers) == [200, 200, 400, 400, 400, 400]
    with clock.bound(moment):
        assert available(api) == NET_OF_2000 - 1400
    assert ledger_sums(merchant_id=account.merchant.id)["total"] == 0


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_two_daily_runs_at_once_pay_out_once(account):
    api = account.api()
    paid_intent(api, amount=2000)
    moment = clock.now() + timedelta(days=3)

    def run(i: int):
        with clock.bound(moment):
            return len(automatic_payouts_create())

    made = run_together(2, run)

    assert sum(made) == 1
    assert Payout.objects.get().amount == NET_OF_2000


def test_operators_see_payouts_in_the_admin_read_only(api, admin_client):
    # given a payout
    paid_intent(api, amount=2000)
    with later():
        payout = ok(api.post("/v1/payouts", {"amount": 700, "currency": "usd"}))

    # when an operator opens the admin's payouts
    listed = admin_client.get("/admin/ledger/payout/")
    shown = admin_client.get(f"/admin/ledger/payout/{payout['id']}/change/")
    adding = admin_client.get("/admin/ledger/payout/add/")
    deleting = admin_client.post(f"/admin/ledger/payout/{payout['id']}/delete/", {"post": "yes"})

    # then they see it, and can neither add, change nor delete one
    assert listed.status_code == 200 and payout["id"] in listed.content.decode()
    assert shown.status_code == 200 and b'name="_save"' not in shown.content
    assert adding.status_code == 403
    assert deleting.status_code == 403
    assert Payout.objects.filter(pk=payout["id"]).exists()


# One day of a payout story: a payment, then a manual payout of a share of what is available
# (or more than is), perhaps canceled, perhaps to a failing bank; the daily run; the sweep.
day = st.fixed_dictionaries({
    "amount": st.integers(min_value=100, max_value=20_000),
    "share": st.floats(min_value=0.05, max_value=1.5),
    "cancel": st.booleans(),
    "failing_bank": st.booleans(),
})


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(story=st.lists(day, min_size=1, max_size=4))
@pytest.mark.django_db
def test_any_payout_story_keeps_the_ledger_at_zero_and_the_balance_as_paid(story, caplog):
    # given a new merchant (one per example)
    account = make_account()
    api = account.api()
    start = clock.now()
    charged = 0

    # when each day a payment is made, some paid out by hand, the rest by the daily run
    for index, each in enumerate(story):
        with clock.bound(start + timedelta(days=index)):
            bank_account_set_test(merchant=account.merchant, livemode=False, currency="usd",
                                  account_number="000111111116" if each["failing_bank"]
                                  else "000123456789")
            charged += ok(api.post("/v1/payment_intents", {
                "amount": each["amount"], "currency": "usd", "payment_method": "pm_card_visa",
                "confirm": "true"}))["amount_received"]
            asked = int(available(api) * each["share"])
            made = api.post("/v1/payouts", {"amount": max(asked, 1), "currency": "usd"})
            if made.status_code == 200 and each["cancel"]:
                ok(api.post(f"/v1/payouts/{made.json()['id']}/cancel"))
            automatic_payouts_create()
            payouts_advance_due()
            # never more paid out than was available: the balance never goes below zero
            assert available(api) >= 0

    # then every booking balances, and the balance is what was charged less fees, less what
    # went to the bank (paid, or still on its way), once everything has arrived
    with clock.bound(start + timedelta(days=len(story) + 5)):
        payouts_advance_due()
        payouts_advance_due()
        balance = available(api)
    assert ledger_sums(merchant_id=account.merchant.id)["total"] == 0
    assert unbalanced_transactions() == []
    fees = sum(BalanceTransaction.objects.filter(merchant_id=account.merchant.id,
                                                 type="charge").values_list("fee", flat=True))
    sent = sum(Payout.objects.filter(merchant_id=account.merchant.id, status="paid")
               .values_list("amount", flat=True))
    assert balance == charged - fees - sent
    assert not Payout.objects.filter(merchant_id=account.merchant.id,
                                     status__in=["pending", "in_transit"]).exists()
    # and the daily run always found what it links equal to the available balance
    assert "automatic payout" not in caplog.text


def test_payout_endpoints_keep_their_query_budgets(api, django_assert_max_num_queries):
    # key, merchant lock, balance, bank, debit (+ entries), payout, endpoints, event; and
    # every request's row of the request log
    paid_intent(api, amount=2000)
    with later():
        ok(api.post("/v1/payouts", {"amount": 100, "currency": "usd"}))  # the bank made
        with django_assert_max_num_queries(11 + 1):
            payout = ok(api.post("/v1/payouts", {"amount": 100, "currency": "usd"}))
        with django_assert_max_num_queries(2 + 1):
            ok(api.get("/v1/payouts", {"limit": 10}))
        with django_assert_max_num_queries(11 + 1):
            ok(api.post(f"/v1/payouts/{payout['id']}/cancel"))
