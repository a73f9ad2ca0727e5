"""What a dispute withdraws from the merchant: the fee in the disputed charge's own currency
(core.money's table, or fifteen major units where it has none), and only what refunds have
not given back, whatever part of the authorization was captured."""

import pytest

from core.money import DISPUTE_FEES, Money, dispute_fee
from payments.models import Charge
from tests.disputes.funds import funds_of
from tests.disputes.test_disputes import types_since
from tests.payments.factories import ok, paid_intent
from webhooks.models import Event


@pytest.fixture(autouse=True)
def _settle_at_once(settings) -> None:
    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 0


@pytest.mark.parametrize(("currency", "amount", "fee"), [
    ("jpy", 5000, 2000),     # ¥5,000 disputed, Stripe's ¥2,000 fee (not ¥1,500)
    ("kwd", 20000, 15000),   # 20.000 KWD disputed, 15.000 KWD (not 1.500 KWD)
])
def test_a_chargeback_withdraws_the_fee_of_its_charges_currency(
        api, django_capture_on_commit_callbacks, currency, amount, fee):
    # given core.money's fee for the currency: its table's for yen, fifteen major units for
    # dinars (which the table does not list)
    assert (DISPUTE_FEES["jpy"], "kwd" in DISPUTE_FEES) == (2000, False)
    assert dispute_fee(currency) == Money(fee, currency)

    # when the bank of a card disputes a payment in that currency
    with django_capture_on_commit_callbacks(execute=True):
        paid = paid_intent(api, payment_method="pm_card_createDispute", amount=amount,
                           currency=currency)
    [dispute] = ok(api.get("/v1/disputes", {"charge": paid["latest_charge"]}))["data"]

    # then the amount and that currency's fee are withdrawn, in that currency
    assert (dispute["currency"], dispute["status"]) == (currency, "needs_response")
    assert funds_of(dispute) == {"currency": currency, "withdrawn": amount,
                                     "reinstated": 0, "fee": fee, "net": -amount - fee}
    charge = Charge.objects.get(pk=paid["latest_charge"])
    assert (charge.amount_disputed, charge.dispute_fee) == (amount, fee)
    withdrawn = Event.objects.get(type="charge.dispute.funds_withdrawn")
    assert funds_of(withdrawn.data["object"])["fee"] == fee


def test_a_partly_captured_and_refunded_inquiry_escalates_withdrawing_what_remains(
        api, django_capture_on_commit_callbacks):
    # given a $30.00 authorization on the inquiry card, $20.00 of it captured (the inquiry
    # opens on the capture), then $5.00 refunded
    with django_capture_on_commit_callbacks(execute=True):
        held = ok(api.post("/v1/payment_intents", {
            "amount": 3000, "currency": "usd", "payment_method": "pm_card_createDisputeInquiry",
            "confirm": True, "capture_method": "manual"}))
    with django_capture_on_commit_callbacks(execute=True):
        ok(api.post(f"/v1/payment_intents/{held['id']}/capture", {"amount_to_capture": 2000}))
    [inquiry] = ok(api.get("/v1/disputes", {"payment_intent": held["id"]}))["data"]
    assert (inquiry["status"], inquiry["amount"]) == ("warning_needs_response", 2000)
    with django_capture_on_commit_callbacks(execute=True):
        ok(api.post("/v1/refunds", {"payment_intent": held["id"], "amount": 500}))
    first_event = Event.objects.count()

    # when losing evidence is submitted and the bank decides
    with django_capture_on_commit_callbacks(execute=True):
        ok(api.post(f"/v1/disputes/{inquiry['id']}",
                    {"evidence": {"uncategorized_text": "losing_evidence"}}))

    # then the chargeback withdraws the $15.00 of the capture not refunded (not the $10.00
    # the capture released, nor the $5.00 refunded) and the fee
    chargeback = ok(api.get(f"/v1/disputes/{inquiry['id']}"))
    assert chargeback["status"] == "needs_response"
    assert funds_of(chargeback) == {"currency": "usd", "withdrawn": 1500, "reinstated": 0,
                                        "fee": dispute_fee("usd").amount,
                                        "net": -1500 - dispute_fee("usd").amount}
    charge = Charge.objects.get(pk=held["latest_charge"])
    assert (charge.amount_captured, charge.amount_refunded) == (2000, 1500)
    assert charge.amount_disputed == 1500
    assert types_since(first_event)[-1] == "charge.dispute.funds_withdrawn"
