"""Disputes in the dashboard: the list (newest first, status filter), the dispute's page
(its charge, the funds withdrawn and reinstated, the fee, its evidence, its timeline), the
dispute on its payment's page, and answering it (owners and admins, through the services,
attributed to the dashboard user); inquiries, which withdraw nothing, shown as such."""

import uuid

import pytest

from core.models import StatusChange
from dashboard.views import common
from disputes.models import Dispute
from tests.conftest import Account
from tests.dashboard.helpers import owner_of, switch_mode
from tests.dashboard.test_payments import section, text
from tests.payments.factories import ok, paid_intent


@pytest.fixture
def dispute_of(django_capture_on_commit_callbacks):
    """Makes a payment of `amount` on pm_card_createDispute (or another dispute test card);
    returns the dispute its bank opened."""

    def make(account: Account, amount: int = 2000,
             payment_method: str = "pm_card_createDispute") -> Dispute:
        with django_capture_on_commit_callbacks(execute=True):
            paid = paid_intent(account.api(), payment_method=payment_method, amount=amount)
        return Dispute.objects.get(charge_id=paid["latest_charge"])

    return make


@pytest.fixture
def inquiry_of(dispute_of):
    """Makes a payment on pm_card_createDisputeInquiry; returns the inquiry its bank
    opened."""
    return lambda account, amount=2000: dispute_of(account, amount,
                                                   "pm_card_createDisputeInquiry")


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Runs what a request enqueues on commit (the bank's decision), as a worker would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


# -- the list ------------------------------------------------------------------------------

def test_the_list_shows_disputes_newest_first_and_is_in_the_nav(owner, account, dispute_of):
    # given two disputes
    first, second = dispute_of(account, 2000), dispute_of(account, 3500)

    # when
    response = owner.get("/disputes/")

    # then both are listed newest first, with amount, status, reason and payment
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(second.id) < html.index(first.id)
    listed = text(html)
    assert "$35.00" in listed and "$20.00" in listed
    assert "Needs response" in listed and "fraudulent" in listed
    assert f'href="/payments/{first.payment_intent_id}/"' in html
    assert f'href="/disputes/{first.id}/"' in html
    assert 'href="/disputes/" aria-current="page"' in html
    assert 'href="/disputes/"' in owner.get("/").content.decode()


def test_the_status_filter_shows_only_that_status(owner, account, dispute_of):
    # given one dispute lost (accepted) and one still open
    lost, open_one = dispute_of(account), dispute_of(account)
    ok(account.api().post(f"/v1/disputes/{lost.id}/close"))

    # when filtered, in full and as htmx swaps only the results
    needs_response = owner.get("/disputes/", {"status": "needs_response"}).content.decode()
    swapped = owner.get("/disputes/", {"status": "lost"}, headers={"HX-Request": "true"})

    # then
    assert open_one.id in needs_response and lost.id not in needs_response
    assert lost.id in swapped.content.decode()
    assert open_one.id not in swapped.content.decode()
    assert "<html" not in swapped.content.decode()
    assert "HX-Request" in swapped["Vary"]
    assert "No test dispute has this status" in owner.get(
        "/disputes/", {"status": "won"}).content.decode()


def test_the_list_pages_newest_first(owner, account, dispute_of, monkeypatch):
    monkeypatch.setattr(common, "PAGE_SIZE", 2)
    ids = [dispute_of(account).id for _ in range(3)]

    first = owner.get("/disputes/").content.decode()
    older = owner.get("/disputes/", {"after": ids[1]}).content.decode()

    assert ids[2] in first and ids[1] in first and ids[0] not in first
    assert ids[0] in older and ids[1] not in older


# -- the dispute's page --------------------------------------------------------------------

def test_the_page_shows_the_charge_the_funds_and_the_fee(owner, account, dispute_of):
    # given a dispute of 20.00 just opened
    dispute = dispute_of(account, 2000)

    # when
    html = owner.get(f"/disputes/{dispute.id}/").content.decode()

    # then its charge and payment, what was withdrawn and the fee are shown
    details = section(html, "Details")
    assert dispute.charge_id in details and dispute.payment_intent_id in details
    assert "fraudulent" in details
    funds = section(html, "Funds")
    assert "Withdrawn $20.00" in funds
    assert "Reinstated —" in funds
    assert "Dispute fee $15.00" in funds
    assert "Net -$35.00" in funds
    assert "needs your response" in text(html)
    # and its timeline and events
    timeline = section(html, "Timeline")
    assert "created → needs_response" in timeline and "by Till" in timeline
    assert "charge.dispute.created" in section(html, "Events")


def test_a_won_dispute_shows_the_funds_reinstated(owner, account, dispute_of, run_on_commit):
    dispute = dispute_of(account, 2000)
    with run_on_commit():
        ok(account.api().post(f"/v1/disputes/{dispute.id}",
                              {"evidence": {"uncategorized_text": "winning_evidence"}}))

    html = owner.get(f"/disputes/{dispute.id}/").content.decode()

    funds = section(html, "Funds")
    assert "Reinstated $20.00" in funds and "Net -$15.00" in funds
    assert "winning_evidence" in section(html, "Evidence")
    assert "under_review → won" in section(html, "Timeline")
    assert "takes no more evidence" in section(html, "Respond")


def test_the_payment_page_shows_its_dispute(owner, account, dispute_of):
    dispute = dispute_of(account, 2000)

    html = owner.get(f"/payments/{dispute.payment_intent_id}/").content.decode()

    assert "This payment is disputed" in text(html)
    assert f'href="/disputes/{dispute.id}/"' in html
    assert dispute.id in section(html, "Disputes")
    assert "Disputed" in section(html, "Charges")


def test_an_undisputed_payment_page_has_no_disputes_section(owner, account):
    paid = paid_intent(account.api())

    html = owner.get(f"/payments/{paid['id']}/").content.decode()

    assert "<h2>Disputes</h2>" not in html
    assert "This payment is disputed" not in html


# -- answering -----------------------------------------------------------------------------

def test_an_owner_submits_winning_evidence_and_wins(owner, account, dispute_of,
                                                    run_on_commit):
    # given an open dispute
    dispute = dispute_of(account)

    # when the owner submits evidence from its page and the bank decides
    with run_on_commit():
        response = owner.post(f"/disputes/{dispute.id}/evidence/", {
            "product_description": "A teapot", "uncategorized_text": "winning_evidence",
            "action": "submit"})

    # then it went through the service: submitted, decided, recorded as this user's
    assert response.status_code == 302
    assert response["Location"] == f"/disputes/{dispute.id}/"
    dispute.refresh_from_db()
    assert dispute.status == "won"
    assert (dispute.evidence["product_description"], dispute.submission_count) == (
        "A teapot", 1)
    change = StatusChange.objects.get(object_id=dispute.id, target="under_review")
    assert change.actor == f"user:{owner_of(account).pk}"
    page = owner.get(response["Location"]).content.decode()
    assert "Submitted the evidence" in page
    assert f"dashboard user {owner_of(account).email}" in section(page, "Timeline")


def test_saving_evidence_keeps_the_dispute_open(admin_member, account, dispute_of):
    dispute = dispute_of(account)

    admin_member.post(f"/disputes/{dispute.id}/evidence/", {
        "customer_name": "Ada", "action": "save"})

    dispute.refresh_from_db()
    assert (dispute.status, dispute.evidence["customer_name"]) == ("needs_response", "Ada")
    assert dispute.submission_count == 0
    html = admin_member.get(f"/disputes/{dispute.id}/").content.decode()
    assert 'value="Ada"' in html


def test_submitting_no_evidence_is_refused(owner, account, dispute_of):
    dispute = dispute_of(account)

    response = owner.post(f"/disputes/{dispute.id}/evidence/", {"action": "submit"},
                          follow=True)

    assert "Add some evidence" in response.content.decode()
    assert Dispute.objects.get(pk=dispute.id).status == "needs_response"


def test_an_owner_accepts_a_dispute(owner, account, dispute_of):
    dispute = dispute_of(account, 2000)

    response = owner.post(f"/disputes/{dispute.id}/accept/", follow=True)

    dispute.refresh_from_db()
    assert dispute.status == "lost"
    html = response.content.decode()
    assert "Accepted the dispute" in html
    assert "Net -$35.00" in section(html, "Funds")
    assert "needs_response → lost" in section(html, "Timeline")
    # and accepting again says why not
    again = owner.post(f"/disputes/{dispute.id}/accept/", follow=True).content.decode()
    assert "has a status of lost and cannot be closed" in again


def test_evidence_on_a_dispute_under_review_is_refused_with_its_reason(owner, account,
                                                                       dispute_of):
    dispute = dispute_of(account)
    ok(account.api().post(f"/v1/disputes/{dispute.id}",
                          {"evidence": {"uncategorized_text": "x"}}))

    response = owner.post(f"/disputes/{dispute.id}/evidence/",
                          {"uncategorized_text": "more", "action": "submit"}, follow=True)

    assert "status of under_review" in text(response.content.decode())
    assert Dispute.objects.get(pk=dispute.id).evidence["uncategorized_text"] == "x"


@pytest.mark.parametrize("role", ["support", "developer"])
def test_support_and_developers_see_but_cannot_answer(request, account, dispute_of, role):
    client = request.getfixturevalue(role)
    dispute = dispute_of(account)

    page = client.get(f"/disputes/{dispute.id}/").content.decode()
    evidence = client.post(f"/disputes/{dispute.id}/evidence/",
                           {"uncategorized_text": "winning_evidence", "action": "submit"})
    accept = client.post(f"/disputes/{dispute.id}/accept/")

    assert "Only owners and admins can answer disputes" in page
    assert f"/disputes/{dispute.id}/accept/" not in page
    assert (evidence.status_code, accept.status_code) == (403, 403)
    assert Dispute.objects.get(pk=dispute.id).status == "needs_response"


# -- inquiries -----------------------------------------------------------------------------

def test_an_inquiry_is_listed_and_shown_as_an_inquiry_with_nothing_withdrawn(
        owner, account, inquiry_of):
    # given an inquiry of 20.00 just opened
    inquiry = inquiry_of(account, 2000)

    # when the merchant looks at the list, the inquiry and its payment
    listed = text(owner.get("/disputes/").content.decode())
    html = owner.get(f"/disputes/{inquiry.id}/").content.decode()
    payment = text(owner.get(f"/payments/{inquiry.payment_intent_id}/").content.decode())

    # then it reads as an inquiry to answer, and no money is said to have moved
    assert "Inquiry: needs response" in listed
    page = text(html)
    assert "has an inquiry about this payment" in page
    assert "Inquiry" in section(html, "Details")
    funds = section(html, "Funds")
    assert "Nothing withdrawn" in funds
    assert "Withdrawn" not in funds and "Net" not in funds
    assert "Close inquiry" in page and "Accept dispute" not in page
    assert "created → warning_needs_response" in section(html, "Timeline")
    assert "has an inquiry about this payment" in payment
    assert "Nothing was withdrawn" in payment
    assert "was withdrawn" not in payment.replace("Nothing was withdrawn", "")


def test_the_status_filter_offers_and_finds_inquiries(owner, account, dispute_of,
                                                      inquiry_of):
    chargeback, inquiry = dispute_of(account), inquiry_of(account)

    page = owner.get("/disputes/").content.decode()
    inquiries = owner.get("/disputes/", {"status": "warning_needs_response"}).content.decode()

    for status in ("warning_needs_response", "warning_under_review", "warning_closed"):
        assert f'value="{status}"' in page
    assert inquiry.id in inquiries and chargeback.id not in inquiries


def test_an_owner_closes_an_inquiry(owner, account, inquiry_of):
    inquiry = inquiry_of(account)

    response = owner.post(f"/disputes/{inquiry.id}/accept/", follow=True)

    inquiry.refresh_from_db()
    assert inquiry.status == "warning_closed"
    html = response.content.decode()
    assert "Closed the inquiry: nothing was withdrawn" in text(html)
    assert "Inquiry: closed" in text(html)
    assert "Nothing withdrawn" in section(html, "Funds")
    assert "warning_needs_response → warning_closed" in section(html, "Timeline")


def test_an_inquiry_answered_unconvincingly_shows_the_chargeback_and_its_funds(
        owner, account, inquiry_of, run_on_commit):
    # given an inquiry the owner answers with evidence the bank rejects
    inquiry = inquiry_of(account, 2000)
    with run_on_commit():
        owner.post(f"/disputes/{inquiry.id}/evidence/",
                   {"uncategorized_text": "losing_evidence", "action": "submit"})

    # when the owner looks at it again
    html = owner.get(f"/disputes/{inquiry.id}/").content.decode()

    # then it is a chargeback now, to answer again, with its money withdrawn
    assert "Needs response" in section(html, "Details")
    assert "Chargeback" in section(html, "Details")
    funds = section(html, "Funds")
    assert "Withdrawn $20.00" in funds and "Net -$35.00" in funds
    assert "warning_under_review → needs_response" in section(html, "Timeline")
    assert "Accept dispute" in text(html)


def test_a_partly_refunded_inquiry_that_escalates_shows_only_what_was_withdrawn(
        owner, account, inquiry_of, run_on_commit):
    # given a $20.00 inquiry, $7.50 of it refunded from its payment's page, then answered
    # with evidence the bank rejects
    inquiry = inquiry_of(account, 2000)
    with run_on_commit():
        owner.post(f"/payments/{inquiry.payment_intent_id}/refund/",
                   {"amount": "7.50", "reason": "", "token": str(uuid.uuid4())})
    with run_on_commit():
        owner.post(f"/disputes/{inquiry.id}/evidence/",
                   {"uncategorized_text": "losing_evidence", "action": "submit"})

    # when the owner looks at the chargeback and its payment
    html = owner.get(f"/disputes/{inquiry.id}/").content.decode()
    payment = text(owner.get(f"/payments/{inquiry.payment_intent_id}/").content.decode())

    # then both show the $12.50 withdrawn, not the $20.00 disputed, and no refund form
    funds = section(html, "Funds")
    assert "Withdrawn $12.50" in funds and "Net -$27.50" in funds
    assert "$12.50 USD was withdrawn" in payment and "$20.00 USD was withdrawn" not in payment
    assert "a disputed payment can't be refunded" in payment


# -- tenancy -------------------------------------------------------------------------------

def test_another_merchants_dispute_is_a_404_and_unlisted(owner, other_account, dispute_of):
    theirs = dispute_of(other_account)

    assert theirs.id not in owner.get("/disputes/").content.decode()
    assert owner.get(f"/disputes/{theirs.id}/").status_code == 404
    assert owner.post(f"/disputes/{theirs.id}/evidence/",
                      {"uncategorized_text": "x", "action": "submit"}).status_code == 404
    assert owner.post(f"/disputes/{theirs.id}/accept/").status_code == 404
    assert owner.get("/disputes/", {"after": theirs.id}).status_code == 404
    assert Dispute.objects.get(pk=theirs.id).status == "needs_response"


@pytest.mark.parametrize("mode", ["test", "live"])
def test_the_other_modes_dispute_is_a_404_and_unlisted(owner, account, dispute_of, mode):
    other = dispute_of(account)
    if mode == "test":  # seen from test mode, a live dispute
        Dispute.objects.filter(pk=other.id).update(livemode=True)
    switch_mode(owner, mode)

    assert other.id not in owner.get("/disputes/").content.decode()
    assert owner.get(f"/disputes/{other.id}/").status_code == 404
    assert owner.post(f"/disputes/{other.id}/evidence/",
                      {"uncategorized_text": "x", "action": "submit"}).status_code == 404
    assert owner.post(f"/disputes/{other.id}/accept/").status_code == 404
    assert Dispute.objects.get(pk=other.id).status == "needs_response"

