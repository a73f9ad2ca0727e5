"""Receipts of succeeded charges: `receipt_url` (a hosted page behind an unguessable token),
`receipt_number` (given when a receipt is first sent or shown), and the receipt email a
payment intent's `receipt_email` sends, also when set after the payment succeeded."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from payments.models import Charge
from tests.payments.factories import ok

pytestmark = pytest.mark.django_db

RECEIPT_NUMBER = re.compile(r"^\d{4}-\d{4}$")


def paid(api, capture, **params) -> dict:
    with capture(execute=True):
        intent = ok(api.post("/v1/payment_intents", {
            "amount": 2500, "currency": "usd", "payment_method": "pm_card_visa",
            "confirm": "true", "description": "Order 42", **params}))
    return ok(api.get(f"/v1/charges/{intent['latest_charge']}")) | {"intent": intent["id"]}


def test_a_succeeded_charge_has_a_receipt_url_and_no_number_until_a_receipt_is_needed(
        api, django_capture_on_commit_callbacks):
    charge = paid(api, django_capture_on_commit_callbacks)

    assert charge["receipt_url"].startswith("http")
    assert f"/receipts/{charge['id']}/" in charge["receipt_url"]
    assert charge["receipt_number"] is None and charge["receipt_email"] is None
    assert mail.outbox == []


def test_a_declined_charge_has_no_receipt(api):
    response = api.post("/v1/payment_intents", {
        "amount": 2500, "currency": "usd", "payment_method": "pm_card_chargeDeclined",
        "confirm": "true"})
    charge_id = response.json()["error"]["charge"]
    assert ok(api.get(f"/v1/charges/{charge_id}"))["receipt_url"] is None


def test_the_receipt_page_shows_the_payment_and_gives_a_number(
        client, api, django_capture_on_commit_callbacks):
    charge = paid(api, django_capture_on_commit_callbacks)

    response = client.get(urlsplit(charge["receipt_url"]).path)

    assert response.status_code == 200
    body = response.content.decode()
    number = Charge.objects.get(pk=charge["id"]).receipt_number
    assert RECEIPT_NUMBER.match(number)
    assert number in body and "$25.00" in body and "Visa ending in 4242" in body
    assert ok(api.get(f"/v1/charges/{charge['id']}"))["receipt_number"] == number
    # shown again, the same number
    client.get(urlsplit(charge["receipt_url"]).path)
    assert Charge.objects.get(pk=charge["id"]).receipt_number == number


def test_a_wrong_or_another_charges_token_is_a_404(client, api,
                                                   django_capture_on_commit_callbacks):
    charge = paid(api, django_capture_on_commit_callbacks)
    other = paid(api, django_capture_on_commit_callbacks)
    path = urlsplit(charge["receipt_url"]).path
    token = path.rsplit("/", 1)[1]
    other_token = urlsplit(other["receipt_url"]).path.rsplit("/", 1)[1]

    assert client.get(path[:-1] + ("a" if token[-1] != "a" else "b")).status_code == 404
    response = client.get(path.replace(token, other_token))
    assert response.status_code == 404
    assert "$25.00" not in response.content.decode()


def test_refunds_show_on_the_receipt(client, api, django_capture_on_commit_callbacks):
    charge = paid(api, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        ok(api.post("/v1/refunds", {"charge": charge["id"], "amount": 500}))

    body = client.get(urlsplit(charge["receipt_url"]).path).content.decode()

    assert "Refunded" in body and "$5.00" in body


def test_receipt_email_sends_the_receipt_once_the_charge_succeeds(
        api, django_capture_on_commit_callbacks):
    charge = paid(api, django_capture_on_commit_callbacks, receipt_email="jenny@example.com")

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["jenny@example.com"]
    number = ok(api.get(f"/v1/charges/{charge['id']}"))["receipt_number"]
    assert RECEIPT_NUMBER.match(number)
    assert number in sent.subject and "$25.00" in sent.body
    assert charge["receipt_url"] in sent.body
    assert charge["receipt_email"] == "jenny@example.com"


def test_receipt_email_set_after_success_sends_the_receipt_then(
        api, django_capture_on_commit_callbacks):
    charge = paid(api, django_capture_on_commit_callbacks)
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        ok(api.post(f"/v1/payment_intents/{charge['intent']}",
                    {"receipt_email": "later@example.com"}))

    assert [sent.to for sent in mail.outbox] == [["later@example.com"]]
    assert ok(api.get(f"/v1/charges/{charge['id']}"))["receipt_email"] == "later@example.com"


def test_no_email_without_receipt_email(api, django_capture_on_commit_callbacks):
    paid(api, django_capture_on_commit_callbacks)
    assert mail.outbox == []
