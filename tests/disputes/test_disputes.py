"""Disputes: pm_card_createDispute opens one (and its siblings a product_not_received one,
or an inquiry); evidence wins or loses it (an inquiry closes or escalates to a chargeback);
close concedes."""

from datetime import timedelta

import pytest
import stripe
from django.utils import timezone

from core.models import StatusChange
from core.money import dispute_fee
from disputes import services, tasks
from disputes.models import Dispute
from payments.models import Charge
from tests.api.helpers import error_of
from tests.concurrency import run_together
from tests.conftest import Account, make_account, needs_postgres
from tests.disputes.funds import funds_of
from tests.payments.factories import card_payment_method, ok, paid_intent
from webhooks.models import Event


@pytest.fixture(autouse=True)
def _settle_at_once(settings) -> None:
    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 0


def disputed_payment(api, django_capture_on_commit_callbacks, amount: int = 2000,
                     payment_method: str = "pm_card_createDispute") -> tuple[dict, dict]:
    """A payment on a dispute test card (pm_card_createDispute unless told) and the dispute
    its bank opened."""
    with django_capture_on_commit_callbacks(execute=True):
        paid = paid_intent(api, payment_method=payment_method, amount=amount)
    listed = ok(api.get("/v1/disputes", {"charge": paid["latest_charge"]}))["data"]
    assert len(listed) == 1
    return paid, listed[0]


def types_since(count: int) -> list[str]:
    return [e.type for e in Event.objects.order_by("created", "id")[count:]]


def test_a_disputing_card_opens_a_dispute_after_the_charge_succeeds(
        api, django_capture_on_commit_callbacks):
    # when
    paid, dispute = disputed_payment(api, django_capture_on_commit_callbacks)

    # then
    assert dispute["id"].startswith("dp_")
    assert dispute["object"] == "dispute"
    assert (dispute["amount"], dispute["currency"], dispute["status"], dispute["reason"]) == (
        2000, "usd", "needs_response", "fraudulent")
    assert (dispute["charge"], dispute["payment_intent"]) == (paid["latest_charge"],
                                                              paid["id"])
    assert dispute["is_charge_refundable"] is False
    assert dispute["payment_method_details"] == {
        "type": "card", "card": {"brand": "visa", "case_type": "chargeback",
                                 "network_reason_code": None}}
    assert dispute["evidence_details"]["past_due"] is False
    # the funds withdrawn and the fee, booked as one balance transaction
    [withdrawal] = dispute["balance_transactions"]
    assert (withdrawal["type"], withdrawal["reporting_category"], withdrawal["status"]) == (
        "adjustment", "dispute", "available")
    assert funds_of(dispute) == {"currency": "usd", "withdrawn": 2000, "reinstated": 0,
                                     "fee": dispute_fee("usd").amount,
                                     "net": -2000 - dispute_fee("usd").amount}
    assert dispute["evidence"]["uncategorized_text"] is None
    assert dispute["evidence_details"]["submission_count"] == 0
    assert dispute["evidence_details"]["has_evidence"] is False
    assert dispute["evidence_details"]["due_by"] > dispute["created"]
    charge = Charge.objects.get(pk=paid["latest_charge"])
    assert (charge.disputed, charge.amount_disputed, charge.dispute_fee) == (
        True, 2000, dispute_fee("usd").amount)
    assert ok(api.get(f"/v1/charges/{charge.id}"))["disputed"] is True
    events = Event.objects.filter(type__startswith="charge.dispute").order_by("created", "id")
    assert [e.type for e in events] == ["charge.dispute.created",
                                        "charge.dispute.funds_withdrawn"]
    assert {e.data["object"]["id"] for e in events} == {dispute["id"]}
    assert ok(api.get(f"/v1/disputes/{dispute['id']}")) == dispute


def test_a_disputing_card_captured_later_opens_its_dispute_on_capture(
        api, django_capture_on_commit_callbacks):
    # given an authorization on a card whose bank disputes
    with django_capture_on_commit_callbacks(execute=True):
        held = ok(api.post("/v1/payment_intents", {
            "amount": 3000, "currency": "usd", "payment_method": "pm_card_createDispute",
            "confirm": True, "capture_method": "manual"}))
    assert ok(api.get("/v1/disputes"))["data"] == []

    # when the merchant captures it
    with django_capture_on_commit_callbacks(execute=True):
        ok(api.post(f"/v1/payment_intents/{held['id']}/capture"))

    # then the dispute opens on the captured charge
    [dispute] = ok(api.get("/v1/disputes"))["data"]
    assert (dispute["charge"], dispute["amount"]) == (held["latest_charge"], 3000)


def test_opening_twice_makes_one_dispute(api, django_capture_on_commit_callbacks):
    paid, dispute = disputed_payment(api, django_capture_on_commit_callbacks)
    events = Event.objects.count()

    again = tasks.dispute_open(paid["latest_charge"])

    assert again == dispute["id"]
    assert Dispute.objects.count() == 1
    assert Event.objects.count() == events


def test_an_ordinary_card_opens_no_dispute(api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        paid = paid_intent(api, amount=2000)

    assert services.dispute_open(charge_id=paid["latest_charge"]) is None
    assert not Dispute.objects.exists()
    assert Charge.objects.get(pk=paid["latest_charge"]).disputed is False


def test_winning_evidence_wins_and_reinstates_the_funds(api,
                                                        django_capture_on_commit_callbacks):
    # given
    paid, dispute = disputed_payment(api, django_capture_on_commit_callbacks)
    first_event = Event.objects.count()

    # when the evidence is submitted (submit defaults to true)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        updated = ok(api.post(f"/v1/disputes/{dispute['id']}", {
            "evidence": {"uncategorized_text": "winning_evidence",
                         "product_description": "A teapot"},
            "metadata": {"case": "7"}}))

    # then it is under review until the bank decides
    assert updated["status"] == "under_review"
    assert updated["evidence"]["uncategorized_text"] == "winning_evidence"
    assert updated["evidence"]["product_description"] == "A teapot"
    assert updated["evidence_details"]["submission_count"] == 1
    assert updated["metadata"] == {"case": "7"}
    assert types_since(first_event) == ["charge.dispute.updated"]
    changed = Event.objects.get(type="charge.dispute.updated").data["previous_attributes"]
    assert changed["status"] == "needs_response"

    # when the decision runs
    for callback in callbacks:
        callback()

    # then it is won, the funds back, the fee kept
    assert ok(api.get(f"/v1/disputes/{dispute['id']}"))["status"] == "won"
    assert types_since(first_event) == ["charge.dispute.updated", "charge.dispute.closed",
                                        "charge.dispute.funds_reinstated"]
    charge = Charge.objects.get(pk=paid["latest_charge"])
    assert (charge.amount_disputed, charge.dispute_fee) == (0, dispute_fee("usd").amount)
    # and the merchant sees the funds back and the fee gone, on the dispute and its event
    funds = funds_of(ok(api.get(f"/v1/disputes/{dispute['id']}")))
    assert funds == {"currency": "usd", "withdrawn": 2000, "reinstated": 2000,
                     "fee": dispute_fee("usd").amount, "net": -dispute_fee("usd").amount}
    reinstated = Event.objects.get(type="charge.dispute.funds_reinstated")
    assert funds_of(reinstated.data["object"]) == funds


def test_losing_evidence_loses(api, django_capture_on_commit_callbacks):
    paid, dispute = disputed_payment(api, django_capture_on_commit_callbacks)
    first_event = Event.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        ok(api.post(f"/v1/disputes/{dispute['id']}",
                    {"evidence": {"customer_communication": "losing_evidence"}}))

    assert ok(api.get(f"/v1/disputes/{dispute['id']}"))["status"] == "lost"
    assert types_since(first_event) == ["charge.dispute.updated", "charge.dispute.closed"]
    assert Charge.objects.get(pk=paid["latest_charge"]).amount_disputed == 2000


def test_staged_evidence_waits_and_the_sweep_decides_a_lost_message(
        api, django_capture_on_commit_callbacks):
    # given evidence staged, then submitted without its decision message being sent
    _paid, dispute = disputed_payment(api, django_capture_on_commit_callbacks)
    staged = ok(api.post(f"/v1/disputes/{dispute['id']}",
                         {"evidence": {"uncategorized_text": "winning_evidence"},
                          "submit": False}))
    assert (staged["status"], staged["evidence_details"]["has_evidence"]) == (
        "needs_response", True)
    ok(api.post(f"/v1/disputes/{dispute['id']}", {"submit": True}))

    # when the sweep runs
    decided = tasks.disputes_decide_due()

    # then
    assert decided == 1
    assert ok(api.get(f"/v1/disputes/{dispute['id']}"))["status"] == "won"
    assert tasks.disputes_decide_due() == 0


def test_evidence_submitted_after_the_due_date_is_past_due(
        api, django_capture_on_commit_callbacks):
    # given a dispute whose response was due yesterday
    _paid, dispute = disputed_payment(api, django_capture_on_commit_callbacks)
    Dispute.objects.filter(pk=dispute["id"]).update(
        due_by=timezone.now() - timedelta(days=1))

    # when evidence is submitted anyway
    with django_capture_on_commit_callbacks(execute=False):
        late = ok(api.post(f"/v1/disputes/{dispute['id']}",
                           {"evidence": {"uncategorized_text": "winning_evidence"}}))

    # then the submission is marked past due
    assert late["evidence_details"]["past_due"] is True
    assert late["evidence_details"]["submission_count"] == 1


def test_the_list_reads_every_disputes_funds_in_one_query(
        api, django_capture_on_commit_callbacks, django_assert_max_num_queries):
    for _ in range(3):
        disputed_payment(api, django_capture_on_commit_callbacks)

    # auth, rate limit and the rest cost the same for one dispute or many
    with django_assert_max_num_queries(8) as queries:
        listed = ok(api.get("/v1/disputes"))["data"]

    assert len(listed) == 3
    assert not [q for q in queries.captured_queries
                if 'FROM "payments_charge"' in q["sql"]
                and 'FROM "refunds_dispute"' not in q["sql"]]
    assert {funds_of(d)["withdrawn"] for d in listed} == {2000}


def test_close_accepts_the_loss(api, django_capture_on_commit_callbacks):
    paid, dispute = disputed_payment(api, django_capture_on_commit_callbacks)
    first_event = Event.objects.count()

    closed = ok(api.post(f"/v1/disputes/{dispute['id']}/close"))

    assert closed["status"] == "lost"
    assert funds_of(closed)["reinstated"] == 0
    assert funds_of(closed)["net"] == -2000 - dispute_fee("usd").amount
    assert types_since(first_event) == ["charge.dispute.closed"]
    assert Charge.objects.get(pk=paid["latest_charge"]).amount_disputed == 2000
    # and a closed dispute cannot be closed again, nor take evidence
    error = error_of(api.post(f"/v1/disputes/{dispute['id']}/close"), 400)
    assert "lost" in error["message"]
    error = error_of(api.post(f"/v1/disputes/{dispute['id']}",
                              {"evidence": {"uncategorized_text": "winning_evidence"}}), 400)
    assert (error["code"], error["param"]) == ("dispute_unexpected_state", "evidence")
    assert "status of lost" in error["message"]
    assert Event.objects.count() == first_event + 1


def test_evidence_on_a_dispute_under_review_is_refused(api,
                                                       django_capture_on_commit_callbacks):
    _paid, dispute = disputed_payment(api, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        ok(api.post(f"/v1/disputes/{dispute['id']}",
                    {"evidence": {"uncategorized_text": "x"}}))

    error = error_of(api.post(f"/v1/disputes/{dispute['id']}",
                              {"evidence": {"uncategorized_text": "more"}}), 400)

    assert "under_review" in error["message"]


def test_unknown_evidence_fields_are_refused(api, django_capture_on_commit_callbacks):
    _paid, dispute = disputed_payment(api, django_capture_on_commit_callbacks)

    response = api.post(f"/v1/disputes/{dispute['id']}", {"evidence": {"nonsense": "x"}})

    assert response.status_code == 400
    assert Dispute.objects.get().status == "needs_response"


def test_a_disputed_charge_cannot_be_refunded(api, django_capture_on_commit_callbacks):
    paid, _dispute = disputed_payment(api, django_capture_on_commit_callbacks)

    error = error_of(api.post("/v1/refunds", {"payment_intent": paid["id"]}), 400)

    assert error["code"] == "charge_disputed"


def test_another_merchants_dispute_is_missing(api, other_account,
                                              django_capture_on_commit_callbacks):
    _paid, dispute = disputed_payment(api, django_capture_on_commit_callbacks)
    intruder = other_account.api()

    for response in (intruder.get(f"/v1/disputes/{dispute['id']}"),
                     intruder.post(f"/v1/disputes/{dispute['id']}",
                                   {"evidence": {"uncategorized_text": "x"}}),
                     intruder.post(f"/v1/disputes/{dispute['id']}/close")):
        assert error_of(response, 404)["param"] == "id"
    assert intruder.get("/v1/disputes").json()["data"] == []
    assert Dispute.objects.get().status == "needs_response"


def test_list_filters_by_charge_and_payment_intent(api, django_capture_on_commit_callbacks):
    first, first_dispute = disputed_payment(api, django_capture_on_commit_callbacks)
    second, second_dispute = disputed_payment(api, django_capture_on_commit_callbacks)

    everything = ok(api.get("/v1/disputes"))["data"]
    by_charge = ok(api.get("/v1/disputes", {"charge": first["latest_charge"]}))["data"]
    by_intent = ok(api.get("/v1/disputes", {"payment_intent": second["id"]}))["data"]
    since = ok(api.get("/v1/disputes", {"created": {"gte": 0}}))["data"]

    assert [d["id"] for d in everything] == [second_dispute["id"], first_dispute["id"]]
    assert [d["id"] for d in by_charge] == [first_dispute["id"]]
    assert [d["id"] for d in by_intent] == [second_dispute["id"]]
    assert len(since) == 2


# -- the other dispute test cards ---------------------------------------------------------

def test_the_product_not_received_card_opens_a_chargeback_for_that_reason(
        api, django_capture_on_commit_callbacks):
    # given a payment with Stripe's "not received" dispute card, entered by its number
    card = card_payment_method(api, "4000000000002685")

    # when
    paid, dispute = disputed_payment(api, django_capture_on_commit_callbacks,
                                     payment_method=card["id"])

    # then its bank charged it back: the funds and the fee withdrawn, as for createDispute
    assert (dispute["status"], dispute["reason"]) == ("needs_response", "product_not_received")
    assert dispute["payment_method_details"]["card"]["case_type"] == "chargeback"
    assert funds_of(dispute)["withdrawn"] == 2000
    charge = Charge.objects.get(pk=paid["latest_charge"])
    assert (charge.amount_disputed, charge.dispute_fee) == (2000, dispute_fee("usd").amount)
    assert types_since(0)[-2:] == ["charge.dispute.created", "charge.dispute.funds_withdrawn"]


def inquired_payment(api, capture, amount: int = 2000) -> tuple[dict, dict]:
    return disputed_payment(api, capture, amount=amount,
                            payment_method="pm_card_createDisputeInquiry")


def test_the_inquiry_card_opens_an_inquiry_that_withdraws_nothing(
        api, django_capture_on_commit_callbacks):
    # when a payment is made with pm_card_createDisputeInquiry
    paid, inquiry = inquired_payment(api, django_capture_on_commit_callbacks)

    # then its bank opened an inquiry, not a chargeback
    assert (inquiry["status"], inquiry["reason"], inquiry["amount"]) == (
        "warning_needs_response", "fraudulent", 2000)
    assert (inquiry["charge"], inquiry["payment_intent"]) == (paid["latest_charge"],
                                                              paid["id"])
    assert inquiry["payment_method_details"]["card"]["case_type"] == "inquiry"
    assert inquiry["evidence_details"]["due_by"] > inquiry["created"]
    # and no money moved: nothing withdrawn, no fee
    assert funds_of(inquiry) == {"currency": "usd", "withdrawn": 0, "reinstated": 0,
                                     "fee": 0, "net": 0}
    charge = Charge.objects.get(pk=paid["latest_charge"])
    assert (charge.disputed, charge.amount_disputed, charge.dispute_fee) == (True, 0, 0)
    assert ok(api.get(f"/v1/charges/{charge.id}"))["disputed"] is True
    events = Event.objects.filter(type__startswith="charge.dispute").order_by("created", "id")
    assert [e.type for e in events] == ["charge.dispute.created"]
    assert events[0].data["object"]["status"] == "warning_needs_response"
    change = StatusChange.objects.get(object_id=inquiry["id"])
    assert (change.source, change.target) == ("created", "warning_needs_response")


def test_the_inquiry_token_opens_an_inquiry_too(api, django_capture_on_commit_callbacks):
    card = ok(api.post("/v1/payment_methods", {"type": "card",
                                               "card": {"token": "tok_createDisputeInquiry"}}))

    _paid, inquiry = disputed_payment(api, django_capture_on_commit_callbacks,
                                      payment_method=card["id"])

    assert inquiry["status"] == "warning_needs_response"


def test_winning_evidence_closes_an_inquiry(api, django_capture_on_commit_callbacks):
    # given an inquiry
    paid, inquiry = inquired_payment(api, django_capture_on_commit_callbacks)
    first_event = Event.objects.count()

    # when the merchant answers it (submit defaults to true)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        answered = ok(api.post(f"/v1/disputes/{inquiry['id']}",
                               {"evidence": {"uncategorized_text": "winning_evidence"}}))

    # then the bank reviews the answer
    assert answered["status"] == "warning_under_review"
    assert answered["evidence_details"]["submission_count"] == 1

    # when it decides
    for callback in callbacks:
        callback()

    # then the inquiry closes with no money having moved at any point
    closed = ok(api.get(f"/v1/disputes/{inquiry['id']}"))
    assert closed["status"] == "warning_closed"
    assert funds_of(closed) == {"currency": "usd", "withdrawn": 0, "reinstated": 0,
                                    "fee": 0, "net": 0}
    assert types_since(first_event) == ["charge.dispute.updated", "charge.dispute.closed"]
    charge = Charge.objects.get(pk=paid["latest_charge"])
    assert (charge.amount_disputed, charge.dispute_fee) == (0, 0)
    change = StatusChange.objects.get(object_id=inquiry["id"], target="warning_closed")
    assert (change.source, change.actor) == ("warning_under_review", "till")


def test_losing_evidence_escalates_an_inquiry_to_a_chargeback(
        api, django_capture_on_commit_callbacks):
    # given an inquiry answered with evidence that does not convince its bank
    paid, inquiry = inquired_payment(api, django_capture_on_commit_callbacks, amount=2500)
    first_event = Event.objects.count()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ok(api.post(f"/v1/disputes/{inquiry['id']}",
                    {"evidence": {"uncategorized_text": "losing_evidence"}}))

    # when the bank decides, and the decision is delivered twice
    for callback in callbacks:
        callback()
    for callback in callbacks:
        callback()
    assert tasks.dispute_decide(inquiry["id"]) == "needs_response"

    # then it became a chargeback, once: to answer again by a new date, funds withdrawn now
    chargeback = ok(api.get(f"/v1/disputes/{inquiry['id']}"))
    assert chargeback["status"] == "needs_response"
    assert chargeback["payment_method_details"]["card"]["case_type"] == "chargeback"
    assert chargeback["evidence_details"]["due_by"] >= inquiry["evidence_details"]["due_by"]
    assert funds_of(chargeback) == {"currency": "usd", "withdrawn": 2500,
                                        "reinstated": 0, "fee": dispute_fee("usd").amount,
                                        "net": -2500 - dispute_fee("usd").amount}
    charge = Charge.objects.get(pk=paid["latest_charge"])
    assert (charge.amount_disputed, charge.dispute_fee) == (2500, dispute_fee("usd").amount)
    assert types_since(first_event) == ["charge.dispute.updated", "charge.dispute.updated",
                                        "charge.dispute.funds_withdrawn"]
    escalated = Event.objects.filter(type="charge.dispute.updated").order_by("created")[1]
    assert escalated.data["previous_attributes"]["status"] == "warning_under_review"
    assert escalated.data["object"]["status"] == "needs_response"
    change = StatusChange.objects.get(object_id=inquiry["id"], target="needs_response")
    assert (change.source, change.actor) == ("warning_under_review", "till")
    assert tasks.disputes_decide_due() == 0


def test_an_escalated_inquiry_is_answered_again_as_a_chargeback(
        api, django_capture_on_commit_callbacks):
    # given an inquiry that escalated to a chargeback
    paid, inquiry = inquired_payment(api, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        ok(api.post(f"/v1/disputes/{inquiry['id']}",
                    {"evidence": {"uncategorized_text": "losing_evidence"}}))
    assert Dispute.objects.get(pk=inquiry["id"]).status == "needs_response"

    # when the merchant answers the chargeback, this time convincingly
    with django_capture_on_commit_callbacks(execute=True):
        answered = ok(api.post(f"/v1/disputes/{inquiry['id']}",
                               {"evidence": {"uncategorized_text": "winning_evidence"}}))

    # then the bank decides this second answer on its own: won, the funds back
    assert answered["evidence_details"]["submission_count"] == 2
    won = ok(api.get(f"/v1/disputes/{inquiry['id']}"))
    assert won["status"] == "won"
    assert funds_of(won)["reinstated"] == 2000
    assert Charge.objects.get(pk=paid["latest_charge"]).amount_disputed == 0


def test_the_sweep_decides_an_inquiry_whose_decision_message_was_lost(
        api, django_capture_on_commit_callbacks):
    _paid, inquiry = inquired_payment(api, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        ok(api.post(f"/v1/disputes/{inquiry['id']}",
                    {"evidence": {"uncategorized_text": "winning_evidence"}}))

    assert tasks.disputes_decide_due() == 1

    assert ok(api.get(f"/v1/disputes/{inquiry['id']}"))["status"] == "warning_closed"
    assert tasks.disputes_decide_due() == 0


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_decisions_delivered_at_once_escalate_an_inquiry_once(account, monkeypatch):
    # given an inquiry answered with losing evidence, its decision not yet made
    monkeypatch.setattr(services, "_dispute_decide_on_commit", lambda dispute: None)
    api = account.api()
    paid = paid_intent(api, payment_method="pm_card_createDisputeInquiry", amount=2000)
    inquiry = services.dispute_open(charge_id=paid["latest_charge"])
    ok(api.post(f"/v1/disputes/{inquiry.id}",
                {"evidence": {"uncategorized_text": "losing_evidence"}}))
    assert Dispute.objects.get(pk=inquiry.id).status == "warning_under_review"
    first_event = Event.objects.count()

    # when its decision message and the sweep run at the same moment, several times over
    run_together(6, lambda i: (services.dispute_decide(id=inquiry.id) if i % 2
                               else services.disputes_decide_due()), timeout=60)

    # then it escalated once: withdrawn once, announced once, recorded once
    assert Dispute.objects.get(pk=inquiry.id).status == "needs_response"
    charge = Charge.objects.get(pk=paid["latest_charge"])
    assert (charge.amount_disputed, charge.dispute_fee) == (2000, dispute_fee("usd").amount)
    assert types_since(first_event) == ["charge.dispute.updated",
                                        "charge.dispute.funds_withdrawn"]
    assert StatusChange.objects.filter(object_id=inquiry.id, target="needs_response").count() == 1


def test_closing_an_inquiry_moves_no_money(api, django_capture_on_commit_callbacks):
    paid, inquiry = inquired_payment(api, django_capture_on_commit_callbacks)
    first_event = Event.objects.count()

    closed = ok(api.post(f"/v1/disputes/{inquiry['id']}/close"))

    assert closed["status"] == "warning_closed"
    assert funds_of(closed)["net"] == 0
    assert types_since(first_event) == ["charge.dispute.closed"]
    charge = Charge.objects.get(pk=paid["latest_charge"])
    assert (charge.amount_disputed, charge.dispute_fee) == (0, 0)
    error = error_of(api.post(f"/v1/disputes/{inquiry['id']}/close"), 400)
    assert "warning_closed" in error["message"]


# -- the SDK -------------------------------------------------------------------------------

@pytest.fixture
def client(live_server, transactional_db, monkeypatch, settings):
    monkeypatch.setattr(stripe, "enable_telemetry", False)
    monkeypatch.setattr(stripe, "max_network_retries", 0)
    settings.CELERY_TASK_ALWAYS_EAGER = True
    account: Account = make_account("SDK")
    http = stripe.RequestsClient()
    yield stripe.StripeClient(account.key(), base_addresses={"api": live_server.url},
                              max_network_retries=0, http_client=http)
    http.close()


def test_the_sdk_wins_a_dispute(client):
    # given a payment whose bank disputes it
    paid = client.v1.payment_intents.create(params={
        "amount": 2000, "currency": "usd", "payment_method": "pm_card_createDispute",
        "confirm": True})
    disputes = client.v1.disputes.list(params={"payment_intent": paid.id})
    assert len(disputes.data) == 1
    dispute = disputes.data[0]
    assert isinstance(dispute, stripe.Dispute)
    assert dispute.status == "needs_response"

    # when the evidence is submitted
    updated = client.v1.disputes.update(
        dispute.id, params={"evidence": {"uncategorized_text": "winning_evidence"}})

    # then
    assert updated.evidence.uncategorized_text == "winning_evidence"
    assert client.v1.disputes.retrieve(dispute.id).status == "won"
    assert client.v1.charges.retrieve(paid.latest_charge).disputed is True
