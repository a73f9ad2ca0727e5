"""3-D Secure: the challenge page, its outcomes, redirects back to the merchant, and the
cards that authenticate."""

from urllib.parse import parse_qs, urlsplit

import pytest

from core.models import StatusChange
from payments.models import Charge
from tests.api.helpers import error_of
from tests.payments.factories import (
    RETURN_URL,
    authenticate,
    challenge_path,
    confirm,
    event_types,
    intent,
    ok,
)


def needs_authentication(api, magic_id: str = "pm_card_threeDSecureRequired",
                         **params) -> dict:
    paying = intent(api, payment_method=magic_id, confirm=True, **params)
    assert paying["status"] == "requires_action", paying
    return paying


def returned_to(response) -> tuple[str, dict[str, list[str]]]:
    """Where the challenge sent the browser back to: the address and its query."""
    assert response.status_code == 302, response.content
    parts = urlsplit(response["Location"])
    return f"{parts.scheme}://{parts.netloc}{parts.path}", parse_qs(parts.query)


def test_a_card_that_asks_for_3ds_sends_the_cardholder_to_the_challenge(api):
    # when
    paying = needs_authentication(api, return_url=RETURN_URL)

    # then
    action = paying["next_action"]
    assert action["type"] == "redirect_to_url"
    assert action["redirect_to_url"]["return_url"] == RETURN_URL
    path = urlsplit(action["redirect_to_url"]["url"]).path
    assert path == f"/pay/authenticate/{paying['id']}"
    assert paying["latest_charge"] is None
    assert not Charge.objects.exists()
    assert event_types(paying["id"]) == ["payment_intent.created",
                                         "payment_intent.requires_action"]


def test_the_challenge_page_shows_the_payment(api, client):
    paying = needs_authentication(api, amount=2000, return_url=RETURN_URL)

    page = client.get(challenge_path(paying))

    assert page.status_code == 200
    body = page.content.decode()
    assert "$20.00" in body
    assert "3063" in body  # the last four digits of pm_card_threeDSecureRequired's card


def test_completing_the_challenge_pays_and_returns_to_the_merchant(api, client):
    # given
    paying = needs_authentication(api, return_url=RETURN_URL)

    # when the cardholder passes the challenge
    response = authenticate(client, paying, "complete")

    # then the browser goes back with Stripe's parameters, the merchant's own kept
    address, query = returned_to(response)
    assert address == "https://shop.example.test/checkout/done"
    assert query == {"order": ["42"], "payment_intent": [paying["id"]],
                     "payment_intent_client_secret": [paying["client_secret"]],
                     "redirect_status": ["succeeded"]}
    paid = ok(api.get(f"/v1/payment_intents/{paying['id']}"))
    assert (paid["status"], paid["amount_received"], paid["next_action"]) == (
        "succeeded", 2000, None)
    assert Charge.objects.get().status == "succeeded"
    assert event_types(paying["id"]) == [
        "payment_intent.created", "payment_intent.requires_action",
        "payment_intent.succeeded"]
    assert list(StatusChange.objects.filter(object_id=paying["id"]).order_by("at")
                .values_list("source", "target")) == [
        ("created", "requires_confirmation"),
        ("requires_confirmation", "requires_action"),
        ("requires_action", "succeeded")]


def test_the_charge_shows_the_payment_was_authenticated(api, client):
    paying = needs_authentication(api, return_url=RETURN_URL)

    authenticate(client, paying, "complete")

    charge = ok(api.get(f"/v1/charges/{Charge.objects.get().id}"))
    three_d_secure = charge["payment_method_details"]["card"]["three_d_secure"]
    assert three_d_secure is not None
    assert three_d_secure["result"] == "authenticated"


def test_failing_the_challenge_asks_for_another_card(api, client):
    # given
    paying = needs_authentication(api, return_url=RETURN_URL)

    # when the cardholder fails the challenge
    response = authenticate(client, paying, "fail")

    # then
    _, query = returned_to(response)
    assert query["redirect_status"] == ["failed"]
    failed = ok(api.get(f"/v1/payment_intents/{paying['id']}"))
    assert failed["status"] == "requires_payment_method"
    assert failed["last_payment_error"]["code"] == "payment_intent_authentication_failure"
    assert failed["next_action"] is None
    assert not Charge.objects.exists()
    assert event_types(paying["id"])[-1] == "payment_intent.payment_failed"


@pytest.mark.parametrize("magic_id", [
    "pm_card_threeDSecure2Required", "pm_card_authenticationRequired",
    "pm_card_authenticationRequiredOnSetup",
])
def test_each_authenticating_card_pays_once_authenticated(api, client, magic_id):
    paying = needs_authentication(api, magic_id, return_url=RETURN_URL)

    authenticate(client, paying, "complete")

    assert ok(api.get(f"/v1/payment_intents/{paying['id']}"))["status"] == "succeeded"


def test_without_a_return_url_the_sdk_is_told_to_handle_it(api, client):
    # when
    paying = needs_authentication(api)

    # then the next action is for Stripe.js, around the same challenge
    action = paying["next_action"]
    assert action["type"] == "use_stripe_sdk"
    assert "redirect_to_url" not in action
    assert urlsplit(action["use_stripe_sdk"]["stripe_js"]).path == (
        f"/pay/authenticate/{paying['id']}")
    # and completing it shows the outcome on the page itself
    response = authenticate(client, paying, "complete")
    assert response.status_code == 200
    assert ok(api.get(f"/v1/payment_intents/{paying['id']}"))["status"] == "succeeded"


@pytest.mark.parametrize("secret", ["wrong", ""], ids=["wrong", "missing"])
def test_the_challenge_needs_the_intents_client_secret(api, client, secret):
    # given
    paying = needs_authentication(api, return_url=RETURN_URL)
    path = f"/pay/authenticate/{paying['id']}"
    given = f"{paying['id']}_secret_{secret}" if secret else ""

    # when someone without the secret opens or answers the challenge
    shown = client.get(path, {"client_secret": given})
    answered = client.post(path, {"client_secret": given, "outcome": "complete"})

    # then it does not exist for them, and nothing happened
    assert shown.status_code == answered.status_code == 404
    assert paying["client_secret"] not in shown.content.decode()
    assert ok(api.get(f"/v1/payment_intents/{paying['id']}"))["status"] == "requires_action"
    assert not Charge.objects.exists()


def test_a_challenge_answered_twice_pays_once(api, client):
    paying = needs_authentication(api, return_url=RETURN_URL)
    authenticate(client, paying, "complete")

    again = client.post(f"/pay/authenticate/{paying['id']}",
                        {"client_secret": paying["client_secret"], "outcome": "fail"})

    _, query = returned_to(again)
    assert query["redirect_status"] == ["succeeded"]
    assert ok(api.get(f"/v1/payment_intents/{paying['id']}"))["status"] == "succeeded"
    assert Charge.objects.count() == 1


def test_manual_confirmation_waits_for_the_server_after_the_challenge(api, client):
    # given an intent the merchant's server confirms itself
    paying = needs_authentication(api, confirmation_method="manual", return_url=RETURN_URL)

    # when the cardholder passes the challenge
    authenticate(client, paying, "complete")

    # then the payment waits for the server's confirmation
    waiting = ok(api.get(f"/v1/payment_intents/{paying['id']}"))
    assert waiting["status"] == "requires_confirmation"
    assert not Charge.objects.exists()

    # and the server's confirmation pays without a second challenge
    paid = ok(confirm(api, paying["id"]))
    assert paid["status"] == "succeeded"
    assert event_types(paying["id"]).count("payment_intent.requires_action") == 1
    assert Charge.objects.get().status == "succeeded"


def test_a_card_declined_after_authentication_is_declined(api, client):
    # given pm_card_authenticationRequiredChargeDeclinedInsufficientFunds
    paying = needs_authentication(
        api, "pm_card_authenticationRequiredChargeDeclinedInsufficientFunds",
        return_url=RETURN_URL)

    # when the cardholder authenticates
    response = authenticate(client, paying, "complete")

    # then the issuer declines the payment anyway
    _, query = returned_to(response)
    assert query["redirect_status"] == ["failed"]
    declined = ok(api.get(f"/v1/payment_intents/{paying['id']}"))
    assert declined["status"] == "requires_payment_method"
    error = declined["last_payment_error"]
    assert (error["code"], error["decline_code"]) == ("card_declined", "insufficient_funds")
    charge = Charge.objects.get()
    assert (charge.status, charge.failure_code) == ("failed", "card_declined")
    assert event_types(paying["id"])[-1] == "payment_intent.payment_failed"


def test_manual_capture_after_the_challenge_holds_the_amount(api, client):
    paying = needs_authentication(api, capture_method="manual", return_url=RETURN_URL)

    response = authenticate(client, paying, "complete")

    _, query = returned_to(response)
    assert query["redirect_status"] == ["succeeded"]
    held = ok(api.get(f"/v1/payment_intents/{paying['id']}"))
    assert (held["status"], held["amount_capturable"]) == ("requires_capture", 2000)


def test_an_intent_waiting_for_3ds_can_be_given_another_card(api):
    # given
    paying = needs_authentication(api, return_url=RETURN_URL)

    # when the merchant swaps the card and confirms
    paid = ok(confirm(api, paying["id"], payment_method="pm_card_visa"))

    # then
    assert paid["status"] == "succeeded"
    assert paid["next_action"] is None


def test_confirming_with_a_bad_return_url_is_refused(api):
    response = api.post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "payment_method": "pm_card_threeDSecureRequired",
        "confirm": True, "return_url": "not a url"})

    assert error_of(response, 400)["param"] == "return_url"
