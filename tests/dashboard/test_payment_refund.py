"""Refunding a payment from its page: the Refund form (owners and admins), which calls
refunds.services.refund_create as `POST /v1/refunds` does, shows the service's refusals on
the form, and refunds once however often the same form is submitted."""

import re
import uuid
from typing import Any

import pytest
from django.test import Client

from api.idempotency import request_fingerprint
from api.models import IdempotencyKey
from disputes.models import Dispute
from payments.models import PaymentIntent
from refunds.models import Refund
from tests.concurrency import run_together
from tests.conftest import Account, needs_postgres
from tests.dashboard.helpers import logged_in, owner_of, switch_mode
from tests.payments.factories import authorized_intent, ok, paid_intent


def paid(account: Account, amount: int = 2000, currency: str = "usd", **params: Any) -> str:
    return paid_intent(account.api(), amount=amount, currency=currency, **params)["id"]


def refund(client: Client, intent_id: str, *, token: str | None = None, **data: str):
    """Submits the payment page's Refund form (a fresh form unless `token` is given)."""
    return client.post(f"/payments/{intent_id}/refund/",
                       {"reason": "", "token": token or str(uuid.uuid4()), **data})


def refunds_of(intent_id: str) -> list[Refund]:
    return list(Refund.objects.filter(payment_intent_id=intent_id).order_by("created"))


def manage_card(html: str) -> str:
    start = html.index("<h2>Manage</h2>")
    return html[start:html.index("</section>", start)]


def test_the_form_offers_what_remains_in_major_units(owner, account):
    # given a $20.00 payment of which $5.00 was refunded over the API
    intent_id = paid(account)
    ok(account.api().post("/v1/refunds", {"payment_intent": intent_id, "amount": 500}))

    # when
    html = owner.get(f"/payments/{intent_id}/").content.decode()

    # then the form proposes the $15.00 left, and Stripe's three reasons
    form = manage_card(html)
    assert f'action="/payments/{intent_id}/refund/"' in form
    assert 'name="amount" value="15.00"' in form
    assert "up to $15.00 USD" in form
    for reason in ("duplicate", "fraudulent", "requested_by_customer"):
        assert f'value="{reason}"' in form
    assert re.search(r'name="token" value="[0-9a-f-]{36}"', form)
    assert "Refund it through the API" not in html


def test_a_partly_captured_payment_offers_what_was_captured(owner, account):
    # given a $30.00 hold of which $18.00 was captured (the rest released)
    api = account.api()
    intent_id = authorized_intent(api, amount=3000)["id"]
    ok(api.post(f"/v1/payment_intents/{intent_id}/capture", {"amount_to_capture": 1800}))

    # when
    form = manage_card(owner.get(f"/payments/{intent_id}/").content.decode())

    # then the form proposes the $18.00 captured, not the released $12.00 nor the hold
    assert 'name="amount" value="18.00"' in form


def test_a_refund_is_made_as_the_api_makes_it(owner, account):
    intent_id = paid(account)

    response = refund(owner, intent_id, amount="7.50", reason="requested_by_customer")

    assert response.status_code == 302 and response.url == f"/payments/{intent_id}/"
    [made] = refunds_of(intent_id)
    assert made.amount == 750 and made.currency == "usd"
    assert made.reason == "requested_by_customer"
    assert made.status in ("pending", "succeeded")
    page = owner.get(response.url).content.decode()
    assert "$7.50 USD" in page and made.id in page
    assert "Partially refunded" in page


def test_a_zero_decimal_currency_is_typed_in_whole_units(owner, account):
    intent_id = paid(account, amount=5000, currency="jpy")
    assert 'name="amount" value="5000"' in owner.get(f"/payments/{intent_id}/").content.decode()

    refund(owner, intent_id, amount="1200")

    assert [r.amount for r in refunds_of(intent_id)] == [1200]


def test_a_refund_above_the_threshold_waits_for_approval_and_the_page_says_so(owner, account):
    account.merchant.refund_approval_thresholds = {"usd": 1000}
    account.merchant.save()
    intent_id = paid(account)

    response = refund(owner, intent_id, amount="15.00")

    [made] = refunds_of(intent_id)
    assert made.status == "pending_approval" and made.amount == 1500
    page = owner.get(response.url).content.decode()
    assert "above the approval threshold" in page
    assert "Waiting for approval" in page


def test_the_refund_form_names_the_threshold_of_the_payments_own_currency(owner, account):
    account.merchant.refund_approval_thresholds = {"usd": 1000, "jpy": 3000}
    account.merchant.save()

    dollars = owner.get(f"/payments/{paid(account)}/").content.decode()
    yen = owner.get(f"/payments/{paid(account, amount=5000, currency='jpy')}/").content.decode()
    euros = owner.get(f"/payments/{paid(account, currency='eur')}/").content.decode()

    assert "A refund above $10.00 USD waits for approval" in dollars
    assert "A refund above ¥3,000 JPY waits for approval" in yen
    assert "waits for approval" not in euros


@pytest.mark.parametrize(("amount", "error"), [
    ("25.00", "Refund amount ($25.00 USD) is greater than unrefunded amount on charge "
              "($20.00 USD)"),
    ("0", "Enter an amount greater than zero."),
    ("1.005", "USD amounts have 2 decimal places."),
    ("ten", "Enter a number."),
])
def test_a_refused_refund_is_shown_on_the_form_and_nothing_is_made(owner, account, amount,
                                                                   error):
    intent_id = paid(account)

    response = refund(owner, intent_id, amount=amount)

    assert response.status_code == 400
    form = manage_card(response.content.decode())
    assert 'class="field-error"' in form and error in form
    assert f'value="{amount}"' in form  # what was typed, kept to correct
    assert refunds_of(intent_id) == []


def test_a_disputed_charge_is_refused_on_the_form(owner, account,
                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        intent_id = paid(account, payment_method="pm_card_createDispute")
    assert "refund/" not in manage_card(owner.get(f"/payments/{intent_id}/").content.decode())

    response = refund(owner, intent_id, amount="5.00")

    assert response.status_code == 400
    assert "has been charged back; cannot issue a refund" in response.content.decode()
    assert refunds_of(intent_id) == []


def test_a_payment_under_an_inquiry_offers_the_refund_form_and_refunds(
        owner, account, django_capture_on_commit_callbacks):
    # given a $20.00 payment whose bank opened an inquiry (nothing withdrawn)
    with django_capture_on_commit_callbacks(execute=True):
        intent_id = paid(account, payment_method="pm_card_createDisputeInquiry")
    inquiry = Dispute.objects.get(payment_intent_id=intent_id)
    html = owner.get(f"/payments/{intent_id}/").content.decode()

    # then its page offers the refund form for the whole amount, and claims no withdrawal
    form = manage_card(html)
    assert f'action="/payments/{intent_id}/refund/"' in form
    assert 'name="amount" value="20.00"' in form
    assert "can't be refunded" not in form
    assert "Nothing was withdrawn" in html and "USD was withdrawn" not in html

    # when the owner refunds $5.00 through it
    response = refund(owner, intent_id, amount="5.00")

    # then the refund is made, the inquiry stays one, and the form offers the rest
    assert response.status_code == 302
    [made] = refunds_of(intent_id)
    assert made.amount == 500
    inquiry.refresh_from_db()
    assert inquiry.status == "warning_needs_response"
    assert "up to $15.00 USD" in manage_card(owner.get(response.url).content.decode())


def test_the_same_form_submitted_twice_refunds_once(owner, account):
    intent_id = paid(account)
    token = str(uuid.uuid4())

    first = refund(owner, intent_id, token=token, amount="5.00")
    second = refund(owner, intent_id, token=token, amount="5.00")

    assert first.status_code == 302 and second.status_code == 302
    assert [r.amount for r in refunds_of(intent_id)] == [500]
    page = owner.get(second.url).content.decode()
    assert "already submitted; it was not made twice" in page


def test_a_submission_while_the_first_is_running_makes_nothing(owner, account):
    # given the form's token claimed by a submission still running (no response stored)
    intent_id = paid(account)
    token = str(uuid.uuid4())
    fingerprint = request_fingerprint(method="POST", path=f"/payments/{intent_id}/refund/",
                                      params={"payment_intent": intent_id, "amount": 500})
    IdempotencyKey.objects.create(merchant=account.merchant, livemode=False,
                                  key=f"dashboard-refund:{token}",
                                  request_fingerprint=fingerprint, request_id="req_1")

    response = refund(owner, intent_id, token=token, amount="5.00")

    assert response.status_code == 302
    assert refunds_of(intent_id) == []
    assert "already being submitted" in owner.get(response.url).content.decode()


def test_a_used_form_sent_back_with_another_amount_makes_nothing(owner, account):
    # given a form that refunded $5.00 (then the browser's back button, another amount)
    intent_id = paid(account)
    token = str(uuid.uuid4())
    refund(owner, intent_id, token=token, amount="5.00")

    response = refund(owner, intent_id, token=token, amount="6.00")

    assert response.status_code == 302
    assert [r.amount for r in refunds_of(intent_id)] == [500]
    assert "already used for a refund" in owner.get(response.url).content.decode()


def test_a_refused_form_can_be_corrected_and_sent_again(owner, account):
    intent_id = paid(account)
    token = str(uuid.uuid4())

    assert refund(owner, intent_id, token=token, amount="99.00").status_code == 400
    assert refund(owner, intent_id, token=token, amount="9.00").status_code == 302

    assert [r.amount for r in refunds_of(intent_id)] == [900]


def test_two_forms_make_two_refunds(owner, account):
    intent_id = paid(account)

    refund(owner, intent_id, amount="5.00")
    refund(owner, intent_id, amount="5.00")

    assert [r.amount for r in refunds_of(intent_id)] == [500, 500]


@pytest.mark.parametrize("role", ["support", "developer"])
def test_support_and_developers_may_not_refund(request, role, account):
    client = request.getfixturevalue(role)
    intent_id = paid(account)

    page = client.get(f"/payments/{intent_id}/").content.decode()
    response = refund(client, intent_id, amount="5.00")

    assert "/refund/" not in page
    assert "Only owners and admins can capture, cancel or refund payments" in page
    assert response.status_code == 403
    assert refunds_of(intent_id) == []


def test_an_admin_may_refund(admin_member, account):
    intent_id = paid(account)

    assert refund(admin_member, intent_id, amount="5.00").status_code == 302
    assert len(refunds_of(intent_id)) == 1


def test_another_merchants_payment_is_missing(owner, other_account):
    theirs = paid(other_account)

    assert refund(owner, theirs, amount="5.00").status_code == 404
    assert refunds_of(theirs) == []


def test_the_other_modes_payment_is_missing(owner, account):
    intent_id = paid(account)
    switch_mode(owner, "live")

    assert refund(owner, intent_id, amount="5.00").status_code == 404
    assert refunds_of(intent_id) == []


def test_refund_needs_a_post(owner, account):
    assert owner.get(f"/payments/{paid(account)}/refund/").status_code == 405


def test_an_uncaptured_payment_offers_no_refund(owner, account):
    intent_id = authorized_intent(account.api())["id"]
    assert PaymentIntent.objects.get(pk=intent_id).status == "requires_capture"

    form = manage_card(owner.get(f"/payments/{intent_id}/").content.decode())

    assert "/refund/" not in form and "/capture/" in form


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_a_form_submitted_from_five_tabs_at_once_refunds_once(account, settings):
    # given one refund form (one token) submitted at the same moment five times
    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 3600
    intent_id = paid(account)
    token = str(uuid.uuid4())
    user = owner_of(account)
    submits = 5
    clients: dict[int, Client] = {}

    def log_in(index: int) -> None:
        clients[index] = logged_in(user)

    # when
    statuses = run_together(submits, lambda i: refund(
        clients[i], intent_id, token=token, amount="5.00").status_code,
        prepare=log_in, timeout=60)

    # then every submission is answered with the payment's page, and one refund was made
    assert statuses == [302] * submits
    assert [r.amount for r in refunds_of(intent_id)] == [500]
