"""The ledger's invariants: whatever happens to a merchant's payments, every booking's entries
sum to zero, the balance is exactly what the domain's own records say the merchant holds, and
concurrent refunds and chargebacks on one charge never book more or less than they moved."""

from datetime import timedelta

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import clock
from disputes.models import Dispute
from disputes.services import dispute_open
from ledger.models import BalanceTransaction
from ledger.selectors import ledger_sums, unbalanced_transactions
from payments.models import Charge
from refunds.models import Refund
from tests.concurrency import run_together
from tests.conftest import Api, make_account, needs_postgres
from tests.payments.factories import ok

# One step of a story: a payment (on an ordinary, a refund-refusing or a disputing card,
# captured at once or held and captured in part), then refunds of parts of it.
CARDS = ("pm_card_visa", "pm_card_refundFail", "pm_card_createDispute",
         "pm_card_createDisputeInquiry")
step = st.fixed_dictionaries({
    "card": st.sampled_from(CARDS),
    "amount": st.integers(min_value=50, max_value=50_000),
    "currency": st.sampled_from(("usd", "eur", "jpy")),
    "capture_part": st.none() | st.floats(min_value=0.01, max_value=1.0),
    "refunds": st.lists(st.floats(min_value=0.01, max_value=0.7), max_size=3),
})


def _held_by_the_domain(merchant_id: str) -> dict[str, int]:
    """What the merchant holds per currency by the domain's own rows, not the ledger's:
    captured, less fees (the charges' bookings are the only place a fee is decided), less
    refunds that went to the card (or may still), less what chargebacks withdrew and kept."""
    held: dict[str, int] = {}
    for charge in Charge.objects.filter(merchant_id=merchant_id, captured=True):
        fee = charge.balance_transaction.fee
        refunded = (Refund.objects.filter(charge=charge, status__in=["pending", "succeeded"])
                    .aggregate(total=Sum("amount"))["total"] or 0)
        withdrawn = 0
        dispute = Dispute.objects.filter(charge=charge).first()
        if dispute is not None and dispute.amount_withdrawn:
            withdrawn = charge.dispute_fee + (0 if dispute.status == "won"
                                              else dispute.amount_withdrawn)
        held[charge.currency] = (held.get(charge.currency, 0) + charge.amount_captured - fee
                                 - refunded - withdrawn)
    return held


def _run(api: Api, story: list[dict], capture) -> None:
    for each in story:
        manual = each["capture_part"] is not None
        with capture(execute=True):
            paid = api.post("/v1/payment_intents", {
                "amount": each["amount"], "currency": each["currency"],
                "payment_method": each["card"], "confirm": "true",
                **({"capture_method": "manual"} if manual else {})}).json()
            if manual:
                part = max(1, int(each["amount"] * each["capture_part"]))
                paid = ok(api.post(f"/v1/payment_intents/{paid['id']}/capture",
                                   {"amount_to_capture": part}))
            for share in each["refunds"]:
                # some are refused (more than remains, or a charged-back charge): fine
                api.post("/v1/refunds", {"payment_intent": paid["id"],
                                         "amount": max(1, int(each["amount"] * share))})
        charge = Charge.objects.get(pk=paid["latest_charge"])
        dispute_open(charge_id=charge.id)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture,
                                 HealthCheck.too_slow])
@given(story=st.lists(step, min_size=1, max_size=4))
@pytest.mark.django_db
def test_any_story_books_a_balance_that_sums_to_zero_and_matches_the_domain(
        story, django_capture_on_commit_callbacks, settings):
    # given a new merchant (one per example), whose refunds settle at once
    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 0
    account = make_account()
    api = account.api()

    # when the story happens
    _run(api, story, django_capture_on_commit_callbacks)

    # then double entry holds, for this merchant and for every transaction alone
    merchant_id = account.merchant.id
    assert ledger_sums(merchant_id=merchant_id)["total"] == 0
    assert unbalanced_transactions() == []
    # and the balance (available now, and what is still pending) is what the domain holds
    with clock.bound(clock.now() + timedelta(days=30)):
        balance = ok(api.get("/v1/balance"))
    shown = {row["currency"]: row["amount"] for row in balance["available"]}
    assert all(row["amount"] == 0 for row in balance["pending"])
    held = _held_by_the_domain(merchant_id)
    assert {c: a for c, a in shown.items() if a or c in held} == {
        c: a for c, a in held.items() if a or c in shown}


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_concurrent_refunds_and_a_chargeback_book_exactly_what_they_moved(account, settings):
    # given a payment on a disputing card, refunded by eight clients and charged back by its
    # bank at the same moment
    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 3600
    api = account.api()
    paid = api.post("/v1/payment_intents", {
        "amount": 4000, "currency": "usd", "payment_method": "pm_card_createDispute",
        "confirm": "true"}).json()
    charge_id = paid["latest_charge"]
    token = account.key()
    apis = [Api(token) for _ in range(8)]

    def act(i: int):
        if i == 8:
            return dispute_open(charge_id=charge_id) or "none"
        return apis[i].post("/v1/refunds", {"payment_intent": paid["id"], "amount": 700})

    run_together(9, act, timeout=90)

    # then what the refunds and the chargeback booked is what the charge records
    charge = Charge.objects.get(pk=charge_id)
    refunds = Refund.objects.filter(charge=charge)
    booked_refunds = BalanceTransaction.objects.filter(type="refund", source__in=refunds.values(
        "id")).aggregate(total=Sum("amount"))["total"] or 0
    assert -booked_refunds == sum(r.amount for r in refunds)
    assert charge.amount_refunded == sum(r.amount for r in refunds)
    dispute = Dispute.objects.get(charge=charge)
    booked_chargeback = BalanceTransaction.objects.filter(source=dispute.id).aggregate(
        amount=Sum("amount"), fee=Sum("fee"))
    assert -(booked_chargeback["amount"] or 0) == dispute.amount_withdrawn == (
        charge.amount_disputed)
    assert (booked_chargeback["fee"] or 0) == charge.dispute_fee
    # refunds and the chargeback never took more than was captured
    assert charge.amount_refunded + charge.amount_disputed <= charge.amount_captured
    assert ledger_sums(merchant_id=account.merchant.id)["total"] == 0
    assert unbalanced_transactions() == []
