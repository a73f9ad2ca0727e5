"""Refunding a charge under an inquiry, as Stripe allows (a chargeback's charge still refuses),
and what the refunds leave an escalation to withdraw: only what they have not given back, and
nothing at all once the charge is refunded whole (the inquiry closes instead)."""

import pytest
from django.db import transaction

from core.money import dispute_fee
from disputes import services
from disputes.models import Dispute
from payments.models import Charge
from refunds.models import Refund
from refunds.services import common as refund_common
from tests.api.helpers import error_of
from tests.disputes.funds import funds_of
from tests.disputes.test_disputes import disputed_payment, inquired_payment, types_since
from tests.payments.factories import another_secret_key, ok
from webhooks.models import Event


@pytest.fixture(autouse=True)
def _settle_at_once(settings) -> None:
    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 0


def refunded(api, capture, **params) -> dict:
    """A refund made over the API and settled (its settlement runs on commit)."""
    with capture(execute=True):
        return ok(api.post("/v1/refunds", params))


def answered(api, capture, dispute_id: str, text: str) -> dict:
    """The dispute once its evidence `text` is submitted and the bank has decided."""
    with capture(execute=True):
        ok(api.post(f"/v1/disputes/{dispute_id}", {"evidence": {"uncategorized_text": text}}))
    return ok(api.get(f"/v1/disputes/{dispute_id}"))


@pytest.mark.parametrize("by", ["charge", "payment_intent"])
def test_a_charge_under_an_open_inquiry_can_be_refunded(
        api, django_capture_on_commit_callbacks, by):
    # given a $20.00 payment under an inquiry
    paid, inquiry = inquired_payment(api, django_capture_on_commit_callbacks)
    assert inquiry["is_charge_refundable"] is True

    # when the merchant refunds $5.00 of it
    made = refunded(api, django_capture_on_commit_callbacks,
                    **{by: paid["latest_charge"] if by == "charge" else paid["id"]},
                    amount=500)

    # then the refund is made as for any charge, and the inquiry stays an inquiry
    assert (made["amount"], made["charge"]) == (500, paid["latest_charge"])
    assert Refund.objects.get(pk=made["id"]).status == "succeeded"
    charge = ok(api.get(f"/v1/charges/{paid['latest_charge']}"))
    assert (charge["amount_refunded"], charge["refunded"], charge["disputed"]) == (
        500, False, True)
    after = ok(api.get(f"/v1/disputes/{inquiry['id']}"))
    assert (after["status"], after["amount"]) == ("warning_needs_response", 2000)
    assert after["is_charge_refundable"] is True
    assert funds_of(after)["withdrawn"] == 0


def test_the_usual_checks_still_apply_under_an_inquiry(
        api, django_capture_on_commit_callbacks):
    paid, _inquiry = inquired_payment(api, django_capture_on_commit_callbacks)
    refunded(api, django_capture_on_commit_callbacks, payment_intent=paid["id"], amount=1500)

    error = error_of(api.post("/v1/refunds", {"payment_intent": paid["id"], "amount": 600}),
                     400)

    assert error["param"] == "amount" and "($5.00 USD)" in error["message"]
    assert Refund.objects.count() == 1


def test_an_inquiry_under_review_or_closed_still_lets_the_charge_be_refunded(
        api, django_capture_on_commit_callbacks):
    # given an inquiry whose evidence the bank is reviewing
    paid, inquiry = inquired_payment(api, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        ok(api.post(f"/v1/disputes/{inquiry['id']}",
                    {"evidence": {"uncategorized_text": "winning_evidence"}}))

    # when refunded meanwhile, then once the inquiry has closed
    first = refunded(api, django_capture_on_commit_callbacks, charge=paid["latest_charge"],
                     amount=500)
    assert services.dispute_decide(id=inquiry["id"]).status == "warning_closed"
    second = refunded(api, django_capture_on_commit_callbacks, charge=paid["latest_charge"])

    # then both refunds were made, the second of what remained
    assert (first["amount"], second["amount"]) == (500, 1500)
    assert Charge.objects.get(pk=paid["latest_charge"]).refunded is True
    assert ok(api.get(f"/v1/disputes/{inquiry['id']}"))["is_charge_refundable"] is False


def test_a_chargeback_still_refuses_refunds(api, django_capture_on_commit_callbacks):
    paid, dispute = disputed_payment(api, django_capture_on_commit_callbacks)

    error = error_of(api.post("/v1/refunds", {"charge": paid["latest_charge"]}), 400)

    assert (error["code"], error["param"]) == ("charge_disputed", "charge")
    assert dispute["is_charge_refundable"] is False
    assert not Refund.objects.exists()


def test_an_escalated_inquiry_refuses_refunds(api, django_capture_on_commit_callbacks):
    # given an inquiry that became a chargeback
    paid, inquiry = inquired_payment(api, django_capture_on_commit_callbacks)
    escalated = answered(api, django_capture_on_commit_callbacks, inquiry["id"],
                         "losing_evidence")
    assert escalated["status"] == "needs_response"

    # when
    error = error_of(api.post("/v1/refunds", {"payment_intent": paid["id"]}), 400)

    # then
    assert error["code"] == "charge_disputed"
    assert escalated["is_charge_refundable"] is False
    assert not Refund.objects.exists()


def test_a_fully_refunded_inquiry_closes_whatever_the_evidence(
        api, django_capture_on_commit_callbacks):
    # given an inquiry whose charge the merchant refunded whole
    paid, inquiry = inquired_payment(api, django_capture_on_commit_callbacks)
    refunded(api, django_capture_on_commit_callbacks, payment_intent=paid["id"])
    assert ok(api.get(f"/v1/disputes/{inquiry['id']}"))["is_charge_refundable"] is False
    first_event = Event.objects.count()

    # when it is answered with evidence that would have lost it
    closed = answered(api, django_capture_on_commit_callbacks, inquiry["id"],
                      "losing_evidence")

    # then the bank has nothing to charge back: closed, nothing withdrawn, no fee
    assert closed["status"] == "warning_closed"
    assert funds_of(closed) == {"currency": "usd", "withdrawn": 0, "reinstated": 0,
                                    "fee": 0, "net": 0}
    assert types_since(first_event) == ["charge.dispute.updated", "charge.dispute.closed"]
    assert not Event.objects.filter(type="charge.dispute.funds_withdrawn").exists()
    charge = Charge.objects.get(pk=paid["latest_charge"])
    assert (charge.amount_disputed, charge.dispute_fee) == (0, 0)


def test_a_pending_refund_counts_as_given_back_when_the_inquiry_is_decided(
        api, django_capture_on_commit_callbacks, settings):
    # given an inquiry under review and a refund of the whole charge not yet settled
    paid, inquiry = inquired_payment(api, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        ok(api.post(f"/v1/disputes/{inquiry['id']}",
                    {"evidence": {"uncategorized_text": "losing_evidence"}}))
    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 3600
    with django_capture_on_commit_callbacks(execute=False):
        made = ok(api.post("/v1/refunds", {"payment_intent": paid["id"]}))
    assert made["status"] == "pending"

    # when the bank decides
    decided = services.dispute_decide(id=inquiry["id"])

    # then nothing is charged back on top of the refund
    assert decided.status == "warning_closed"
    assert Charge.objects.get(pk=paid["latest_charge"]).amount_disputed == 0


def test_a_partly_refunded_inquiry_escalates_withdrawing_only_the_rest(
        api, django_capture_on_commit_callbacks):
    # given a $20.00 inquiry of which $7.50 was refunded
    paid, inquiry = inquired_payment(api, django_capture_on_commit_callbacks)
    refunded(api, django_capture_on_commit_callbacks, payment_intent=paid["id"], amount=750)
    first_event = Event.objects.count()

    # when losing evidence is submitted
    chargeback = answered(api, django_capture_on_commit_callbacks, inquiry["id"],
                          "losing_evidence")

    # then it escalates, withdrawing the $12.50 not refunded and the fee
    assert chargeback["status"] == "needs_response"
    assert chargeback["amount"] == 2000  # the bank's disputed amount
    assert funds_of(chargeback) == {"currency": "usd", "withdrawn": 1250,
                                        "reinstated": 0, "fee": dispute_fee("usd").amount,
                                        "net": -1250 - dispute_fee("usd").amount}
    charge = Charge.objects.get(pk=paid["latest_charge"])
    assert (charge.amount_disputed, charge.dispute_fee) == (1250, dispute_fee("usd").amount)
    assert (charge.amount_refunded, charge.refunded) == (750, False)
    assert types_since(first_event) == ["charge.dispute.updated", "charge.dispute.updated",
                                        "charge.dispute.funds_withdrawn"]
    withdrawn = Event.objects.get(type="charge.dispute.funds_withdrawn")
    assert funds_of(withdrawn.data["object"])["withdrawn"] == 1250

    # and winning the chargeback gives back exactly what was withdrawn
    won = answered(api, django_capture_on_commit_callbacks, inquiry["id"], "winning_evidence")
    assert won["status"] == "won"
    assert funds_of(won) == {"currency": "usd", "withdrawn": 1250, "reinstated": 1250,
                                 "fee": dispute_fee("usd").amount,
                                 "net": -dispute_fee("usd").amount}
    assert Dispute.objects.get(pk=inquiry["id"]).amount_withdrawn == 1250


def test_a_refund_held_at_escalation_then_rejected_is_withdrawn_after_all(
        api, account, django_capture_on_commit_callbacks):
    # given a $20.00 inquiry with a $15.00 refund waiting for approval (counted as given
    # back), escalated: only the $5.00 left was withdrawn
    account.merchant.refund_approval_thresholds = {"usd": 1000}
    account.merchant.save()
    paid, inquiry = inquired_payment(api, django_capture_on_commit_callbacks)
    held = ok(api.post("/v1/refunds", {"payment_intent": paid["id"], "amount": 1500}))
    assert held["status"] == "pending_approval"
    escalated = answered(api, django_capture_on_commit_callbacks, inquiry["id"],
                         "losing_evidence")
    assert (escalated["status"], funds_of(escalated)["withdrawn"]) == (
        "needs_response", 500)
    first_event = Event.objects.count()

    # when the merchant rejects the refund: the customer never gets that $15.00
    assert ok(api.post(f"/v1/refunds/{held['id']}/reject"))["status"] == "canceled"

    # then the chargeback withdraws it too: the whole $20.00 disputed, the fee once
    shown = ok(api.get(f"/v1/disputes/{inquiry['id']}"))
    assert funds_of(shown) == {"currency": "usd", "withdrawn": 2000, "reinstated": 0,
                                   "fee": dispute_fee("usd").amount,
                                   "net": -2000 - dispute_fee("usd").amount}
    charge = Charge.objects.get(pk=paid["latest_charge"])
    assert (charge.amount_refunded, charge.amount_disputed) == (0, 2000)
    assert types_since(first_event) == ["refund.updated", "charge.refund.updated",
                                        "charge.dispute.funds_withdrawn"]


def test_a_refund_held_at_escalation_then_approved_is_not_withdrawn_twice(
        api, account, django_capture_on_commit_callbacks):
    # given the same escalation, $5.00 withdrawn and $15.00 awaiting approval
    account.merchant.refund_approval_thresholds = {"usd": 1000}
    account.merchant.save()
    paid, inquiry = inquired_payment(api, django_capture_on_commit_callbacks)
    held = ok(api.post("/v1/refunds", {"payment_intent": paid["id"], "amount": 1500}))
    answered(api, django_capture_on_commit_callbacks, inquiry["id"], "losing_evidence")

    # when it is approved and settles
    with django_capture_on_commit_callbacks(execute=True):
        ok(another_secret_key(account).post(f"/v1/refunds/{held['id']}/approve"))

    # then the customer gets $15.00 back and the chargeback keeps only the $5.00
    assert Refund.objects.get(pk=held["id"]).status == "succeeded"
    assert funds_of(ok(api.get(f"/v1/disputes/{inquiry['id']}")))["withdrawn"] == 500
    charge = Charge.objects.get(pk=paid["latest_charge"])
    assert (charge.amount_refunded, charge.amount_disputed) == (1500, 500)


def test_a_failed_refund_under_an_inquiry_just_frees_its_amount(
        api, django_capture_on_commit_callbacks):
    # given an inquiry whose charge has a pending $20.00 refund
    paid, inquiry = inquired_payment(api, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        made = ok(api.post("/v1/refunds", {"payment_intent": paid["id"]}))
    refund = Refund.objects.get(pk=made["id"])
    charge = Charge.objects.get(pk=paid["latest_charge"])

    # when the refund fails (recorded as its settlement records a refusal)
    with transaction.atomic():
        refund_common.refund_settled(refund, charge, succeeded=False, failure_reason="declined")

    # then the amount is refundable again and nothing is withdrawn
    shown = ok(api.get(f"/v1/disputes/{inquiry['id']}"))
    assert (shown["status"], shown["is_charge_refundable"]) == ("warning_needs_response", True)
    assert funds_of(shown)["withdrawn"] == 0
    assert Charge.objects.get(pk=charge.pk).amount_disputed == 0
