"""What a payment's badge says, in the list and on its page, once its charge is refunded or
disputed (as Stripe's dashboard shows it); and the page's Events card, which lists the
events of the payment's charges, refunds and disputes too."""

import re

import pytest

from refunds.services import refund_settle
from tests.conftest import Account
from tests.payments.factories import ok, paid_intent


def paid(account: Account, amount: int = 2000, **params) -> str:
    return paid_intent(account.api(), amount=amount, **params)["id"]


def refunded(account: Account, intent_id: str, amount: int | None = None) -> dict:
    params = {"payment_intent": intent_id}
    if amount is not None:
        params["amount"] = amount
    return ok(account.api().post("/v1/refunds", params))


def badges(html: str) -> list[str]:
    return re.findall(r'<span class="badge [^"]*"[^>]*>([^<]+)</span>', html)


def list_row(html: str, intent_id: str) -> str:
    """The payments list's row of one payment."""
    start = html.rindex("<tr>", 0, html.index(intent_id))
    return html[start:html.index("</tr>", start)]


def header(html: str) -> str:
    start = html.index('<section class="page-header">')
    return html[start:html.index("</section>", start)]


@pytest.mark.parametrize(("refund_amount", "badge"), [
    (None, "Refunded"), (500, "Partially refunded")])
def test_a_refunded_payment_says_so_in_the_list_and_on_its_page(owner, account, refund_amount,
                                                                badge):
    intent_id = paid(account)
    refunded(account, intent_id, refund_amount)

    listed = owner.get("/payments/").content.decode()
    page = owner.get(f"/payments/{intent_id}/").content.decode()

    assert badges(list_row(listed, intent_id)) == [badge]
    assert badges(header(page)) == [badge]
    assert "Succeeded" not in header(page)


def test_a_payment_without_refunds_still_succeeded(owner, account):
    intent_id = paid(account)

    listed = owner.get("/payments/").content.decode()

    assert badges(list_row(listed, intent_id)) == ["Succeeded"]


def test_a_failed_refund_gives_the_payment_its_succeeded_badge_back(owner, account, settings):
    # given a refund the card refuses once it settles
    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 0
    intent_id = paid(account, payment_method="pm_card_refundFail")
    made = refunded(account, intent_id)
    assert refund_settle(id=made["id"]).status == "failed"

    listed = owner.get("/payments/").content.decode()

    assert badges(list_row(listed, intent_id)) == ["Succeeded"]


def test_a_disputed_payment_says_so(owner, account, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        intent_id = paid(account, payment_method="pm_card_createDispute")

    listed = owner.get("/payments/").content.decode()
    page = owner.get(f"/payments/{intent_id}/").content.decode()

    assert badges(list_row(listed, intent_id)) == ["Disputed"]
    assert badges(header(page)) == ["Disputed"]


def test_the_payment_page_shows_its_status_once(owner, account):
    intent_id = paid(account)

    page = owner.get(f"/payments/{intent_id}/").content.decode()

    assert page.count(">Succeeded</span>") == 2  # the header, and the charge's row
    assert "<code class=\"small\">succeeded</code>" not in page
    assert not re.search(r"Succeeded</span>\s*<code[^>]*>succeeded", page)


def test_the_events_card_lists_the_charges_refunds_and_disputes_events(
        owner, account, other_account, django_capture_on_commit_callbacks):
    # given a disputed payment, a refunded one, and another merchant's refunded payment
    with django_capture_on_commit_callbacks(execute=True):
        intent_id = paid(account, payment_method="pm_card_createDispute")
    other = paid(account)
    refunded(account, other)
    theirs = paid(other_account)
    refunded(other_account, theirs)

    disputed_page = owner.get(f"/payments/{intent_id}/").content.decode()
    refunded_page = owner.get(f"/payments/{other}/").content.decode()

    events = disputed_page[disputed_page.index("<h2>Events</h2>"):]
    for event_type in ("payment_intent.created", "payment_intent.succeeded",
                       "charge.succeeded", "charge.dispute.created",
                       "charge.dispute.funds_withdrawn"):
        assert f">{event_type}<" in events
    assert "refund.created" not in events  # the other payment's
    events = refunded_page[refunded_page.index("<h2>Events</h2>"):]
    types = re.findall(r'<code class="event-type">([^<]+)</code>', events)
    assert {"refund.created", "charge.refunded", "payment_intent.succeeded",
            "charge.succeeded"} <= set(types)
    assert "charge.dispute.created" not in types
    assert types.index("refund.created") < types.index("payment_intent.created")  # newest first
    assert theirs not in refunded_page


def test_the_payment_page_lists_its_refunds(owner, account):
    intent_id = paid(account)
    first = refunded(account, intent_id, 500)
    second = refunded(account, intent_id, 700)

    page = owner.get(f"/payments/{intent_id}/").content.decode()

    card = page[page.index("<h2>Refunds</h2>"):page.index("<h2>Timeline</h2>")]
    assert first["id"] in card and second["id"] in card
    assert card.index(second["id"]) < card.index(first["id"])  # newest first
    assert "$5.00 USD" in card and "$7.00 USD" in card
