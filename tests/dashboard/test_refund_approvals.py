"""Refund approvals in the dashboard: the queue of this merchant's and mode's refunds waiting
for approval, the Approve and Reject buttons (owners and admins, attributed to the user),
and the threshold form."""

import uuid

import pytest
from django.contrib.auth import get_user_model

from core.models import StatusChange
from merchants.models import ApiKey
from payments.models import Charge
from refunds.models import Refund
from tests.conftest import Account
from tests.dashboard.helpers import owner_of, switch_mode
from tests.payments.factories import ok, paid_intent


def waiting_refund(account: Account, amount: int = 1500) -> Refund:
    """A refund of `amount` (of a 20.00 payment) waiting for approval, made over the API."""
    account.merchant.refund_approval_thresholds = {"usd": 1000}
    account.merchant.save()
    api = account.api()
    paid = paid_intent(api, amount=2000)
    made = ok(api.post("/v1/refunds", {"payment_intent": paid["id"], "amount": amount}))
    assert made["status"] == "pending_approval"
    return Refund.objects.get(pk=made["id"])


def queue(html: str) -> str:
    start = html.index("<h2>Waiting for approval</h2>")
    return html[start:html.index("</section>", start)]


def test_the_queue_lists_only_this_merchants_waiting_refunds(owner, account, other_account):
    # given a waiting refund, one that never waited, and another merchant's waiting one
    mine = waiting_refund(account)
    paid = paid_intent(account.api(), amount=500)
    proceeded = ok(account.api().post("/v1/refunds", {"payment_intent": paid["id"]}))
    theirs = waiting_refund(other_account)

    # when
    response = owner.get("/refunds/")

    # then only mine waits in the queue, with its amount, payment and buttons
    html = response.content.decode()
    assert response.status_code == 200
    waiting = queue(html)
    assert mine.id in waiting and "$15.00" in waiting
    assert f"/payments/{mine.payment_intent_id}/" in waiting
    assert f"/refunds/{mine.id}/approve/" in waiting
    assert f"/refunds/{mine.id}/reject/" in waiting
    assert proceeded["id"] not in waiting
    assert theirs.id not in html
    # and the recent list shows both of mine
    assert proceeded["id"] in html
    assert 'aria-current="page">Refunds' in html


def test_the_other_modes_waiting_refunds_are_not_listed_or_decided(owner, account):
    refund = waiting_refund(account)
    switch_mode(owner, "live")

    assert refund.id not in owner.get("/refunds/").content.decode()
    assert owner.post(f"/refunds/{refund.id}/approve/").status_code == 404
    assert owner.post(f"/refunds/{refund.id}/reject/").status_code == 404
    assert Refund.objects.get(pk=refund.id).status == "pending_approval"


def test_another_merchants_refund_is_missing(owner, other_account):
    theirs = waiting_refund(other_account)

    for action in ("approve", "reject"):
        assert owner.post(f"/refunds/{theirs.id}/{action}/").status_code == 404
    assert Refund.objects.get(pk=theirs.id).status == "pending_approval"


def test_approve_sends_it_to_the_processor_as_the_user(owner, account):
    refund = waiting_refund(account)

    response = owner.post(f"/refunds/{refund.id}/approve/", follow=True)

    assert response.status_code == 200
    assert "Approved the refund of $15.00 USD." in response.content.decode()
    refund.refresh_from_db()
    assert refund.status in ("pending", "succeeded")
    assert refund.processor_reference
    change = StatusChange.objects.get(object_id=refund.id, source="pending_approval")
    assert (change.source, change.target, change.actor) == (
        "pending_approval", "pending", f"user:{owner_of(account).pk}")


def test_reject_cancels_it_and_gives_the_charge_its_amount_back(admin_member, account):
    refund = waiting_refund(account)

    response = admin_member.post(f"/refunds/{refund.id}/reject/")

    assert response.status_code == 302
    refund.refresh_from_db()
    assert refund.status == "canceled"
    assert Charge.objects.get(pk=refund.charge_id).amount_refunded == 0
    admin = get_user_model().objects.get(email="admin@shop.test")
    change = StatusChange.objects.get(object_id=refund.id, target="canceled")
    assert (change.source, change.target, change.actor) == ("pending_approval", "canceled",
                                                            f"user:{admin.pk}")


def test_deciding_twice_shows_the_status_it_has(owner, account):
    refund = waiting_refund(account)
    owner.post(f"/refunds/{refund.id}/reject/")

    response = owner.post(f"/refunds/{refund.id}/approve/", follow=True)

    assert "has a status of canceled" in response.content.decode()
    assert Refund.objects.get(pk=refund.id).status == "canceled"


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_a_support_member_cannot_decide(support, account, action):
    refund = waiting_refund(account)

    page = support.get("/refunds/").content.decode()
    response = support.post(f"/refunds/{refund.id}/{action}/")

    assert refund.id in page and f"/refunds/{refund.id}/{action}/" not in page
    assert response.status_code == 403
    assert Refund.objects.get(pk=refund.id).status == "pending_approval"
    # nothing recorded but its creation
    assert list(StatusChange.objects.filter(object_id=refund.id)
                .values_list("source", "target")) == [("created", "pending_approval")]


def test_the_threshold_form_saves_and_clears(owner, account):
    response = owner.post("/refunds/settings/", {"threshold": "50.00", "currency": "usd"})
    assert response.status_code == 302
    account.merchant.refresh_from_db()
    assert account.merchant.refund_approval_thresholds == {"usd": 5000}
    page = owner.get("/refunds/").content.decode()
    assert 'value="50.00"' in page
    assert "Refunds above <strong>$50.00 USD</strong> wait" in page

    owner.post("/refunds/settings/", {"threshold": ""})
    account.merchant.refresh_from_db()
    assert account.merchant.refund_approval_thresholds == {}


def test_each_currency_keeps_its_own_threshold(owner, account):
    # given refunds above $50.00 wait
    owner.post("/refunds/settings/", {"threshold": "50.00", "currency": "usd"})

    # when a yen threshold is set beside it
    response = owner.post("/refunds/settings/", {"threshold": "5000", "currency": "jpy"},
                          follow=True)

    # then both are kept and listed, each in its own currency
    account.merchant.refresh_from_db()
    assert account.merchant.refund_approval_thresholds == {"usd": 5000, "jpy": 5000}
    html = response.content.decode()
    assert "Refunds above ¥5,000 JPY now wait for approval." in html
    assert "Refunds above <strong>$50.00 USD</strong> wait" in html
    assert "Refunds above <strong>¥5,000 JPY</strong> wait" in html

    # and clearing the yen one leaves the dollar one
    response = owner.post("/refunds/settings/", {"threshold": "", "currency": "jpy"},
                          follow=True)
    account.merchant.refresh_from_db()
    assert account.merchant.refund_approval_thresholds == {"usd": 5000}
    assert "Refunds in JPY no longer wait for approval." in response.content.decode()


def test_the_threshold_form_refuses_a_negative_amount(owner, account):
    response = owner.post("/refunds/settings/", {"threshold": "-1"}, follow=True)

    assert response.status_code == 200
    account.merchant.refresh_from_db()
    assert account.merchant.refund_approval_thresholds == {}


def test_a_support_member_cannot_change_the_threshold(support, account):
    assert support.post("/refunds/settings/", {"threshold": "1"}).status_code == 403
    account.merchant.refresh_from_db()
    assert account.merchant.refund_approval_thresholds == {}


@pytest.mark.parametrize(("typed", "currency", "minor"), [
    ("100.00 USD", "eur", 10000),  # a code typed wins over the select
    ("USD 1,250.5", "eur", 125050),
    ("$20", "usd", 2000),
    ("5000", "jpy", 5000),  # a zero-decimal currency: whole yen
    ("1.5", "kwd", 1500),  # a three-decimal currency
    ("0", "usd", 0),
])
def test_the_threshold_is_typed_in_major_units(owner, account, typed, currency, minor):
    response = owner.post("/refunds/settings/", {"threshold": typed, "currency": currency})

    assert response.status_code == 302
    account.merchant.refresh_from_db()
    assert list(account.merchant.refund_approval_thresholds.values()) == [minor]


@pytest.mark.parametrize(("typed", "currency", "error"), [
    ("1.001", "usd", "USD amounts have 2 decimal places."),
    ("10.5 JPY", "usd", "JPY amounts have no decimal places."),
    ("100 XYZ", "usd", "XYZ is not a currency Till takes payments in."),
    ("a lot", "usd", "Enter an amount such as 100.00"),
])
def test_a_threshold_that_is_not_an_amount_is_refused(owner, account, typed, currency, error):
    response = owner.post("/refunds/settings/", {"threshold": typed, "currency": currency},
                          follow=True)

    assert error in response.content.decode()
    account.merchant.refresh_from_db()
    assert account.merchant.refund_approval_thresholds == {}


def test_the_threshold_input_is_a_styled_text_box_in_major_units(owner, account):
    account.merchant.refund_approval_thresholds = {"usd": 123456}
    account.merchant.save()

    html = owner.get("/refunds/").content.decode()

    assert 'type="number"' not in html
    assert 'name="threshold" value="1234.56"' in html and 'inputmode="decimal"' in html
    assert "Refunds above <strong>$1,234.56 USD</strong> wait" in html
    assert "minor units" not in html


# -- who may approve -------------------------------------------------------------------------

def requested_in_the_dashboard(client, account) -> Refund:
    """A refund of 15.00 (of a 20.00 payment) asked for by `client`'s user on the payment's
    page, above the 10.00 threshold."""
    account.merchant.refund_approval_thresholds = {"usd": 1000}
    account.merchant.save()
    paid = paid_intent(account.api(), amount=2000)
    response = client.post(f"/payments/{paid['id']}/refund/",
                           {"amount": "15.00", "reason": "", "token": str(uuid.uuid4())})
    assert response.status_code == 302, response.content
    return Refund.objects.get(payment_intent_id=paid["id"])


def test_the_user_who_asked_for_a_refund_cannot_approve_it(owner, account):
    # given a refund the owner asked for in the dashboard
    refund = requested_in_the_dashboard(owner, account)
    assert refund.requested_by == f"user:{owner_of(account).pk}"

    # when the owner looks at the queue and approves it anyway
    waiting = queue(owner.get("/refunds/").content.decode())
    response = owner.post(f"/refunds/{refund.id}/approve/", follow=True)

    # then the queue says so and offers no Approve button, and the approval is refused with a
    # clear message, changing nothing
    assert "Another owner or admin approves it." in waiting
    assert f"/refunds/{refund.id}/approve/" not in waiting
    assert f"/refunds/{refund.id}/reject/" in waiting  # withdrawing it is the user's own call
    assert "so you cannot also approve it: another owner or admin must." in (
        response.content.decode())
    refund.refresh_from_db()
    assert refund.status == "pending_approval"
    assert refund.processor_reference is None
    assert list(StatusChange.objects.filter(object_id=refund.id)
                .values_list("source", "target")) == [("created", "pending_approval")]


def test_another_admin_approves_it_and_the_timeline_shows_both(owner, admin_member, account):
    # given a refund the owner asked for
    refund = requested_in_the_dashboard(owner, account)

    # when an admin looks at the queue and approves it
    waiting = queue(admin_member.get("/refunds/").content.decode())
    response = admin_member.post(f"/refunds/{refund.id}/approve/", follow=True)

    # then the queue named who asked, the approval went through, and the payment's timeline
    # shows who requested the refund and who approved it
    assert owner_of(account).email in waiting
    assert "Approved the refund of $15.00 USD." in response.content.decode()
    refund.refresh_from_db()
    assert refund.status in ("pending", "succeeded")
    page = owner.get(f"/payments/{refund.payment_intent_id}/").content.decode()
    timeline = page[page.index("<h2>Timeline</h2>"):]
    requested = timeline.index("<code>created</code> → <code>pending_approval</code>")
    approved = timeline.index("<code>pending_approval</code> → <code>pending</code>")
    assert requested < approved
    assert f"dashboard user {owner_of(account).email}" in timeline[requested:approved]
    assert "dashboard user admin@shop.test" in timeline[approved:]
    assert f'<code class="id">{refund.id}</code>' in timeline


def test_the_queue_names_the_api_key_that_asked(owner, account):
    refund = waiting_refund(account)

    waiting = queue(owner.get("/refunds/").content.decode())

    assert refund.id in waiting
    key = ApiKey.objects.get(pk=refund.requested_by)
    assert f"API key <code>{key.redacted}</code>" in waiting
