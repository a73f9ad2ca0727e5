"""What a browser with the publishable key and an intent's client secret may read: only the
fields Stripe returns to a publishable key, in responses and in errors, and no expand."""

import pytest

from payments.api.publishable import PAYMENT_INTENT_FIELDS, SETUP_INTENT_FIELDS
from tests.api.helpers import error_of
from tests.payments.factories import card_payment_method, customer, intent, ok

# What the merchant keeps to itself, and the cardholder's details.
PRIVATE = ("order-6735", "jenny@example.test", "Jenny Rosen", "1 Main St", "+15555550123")
SHIPPING = {"name": "Jenny Rosen", "address": {"line1": "1 Main St", "city": "Springfield",
                                                "country": "US"}}


@pytest.fixture
def browser(account):
    return account.api("test_publishable_key")


def private_intent(api, **params) -> dict:
    """An intent of a known customer, with the merchant's metadata, and a card whose billing
    details are the customer's."""
    buyer = customer(api, name="Jenny Rosen", phone="+15555550123",
                     address={"line1": "1 Main St"})
    card = card_payment_method(api, "4000000000000002", billing_details={
        "name": "Jenny Rosen", "email": "jenny@example.test",
        "address": {"line1": "1 Main St"}})
    return intent(api, customer=buyer["id"], payment_method=card["id"],
                  metadata={"order_id": "order-6735"}, description="Order", **params)


def assert_private_absent(body: str) -> None:
    for text in PRIVATE:
        assert text not in body, text


def test_retrieve_returns_only_the_publishable_fields(api, browser):
    # given an intent with a customer, metadata and a declined card's error on it
    created = private_intent(api)
    api.post(f"/v1/payment_intents/{created['id']}/confirm")
    full = ok(api.get(f"/v1/payment_intents/{created['id']}"))
    assert full["metadata"] and full["customer"]  # the secret key still sees everything

    # when the browser retrieves it with the client secret
    response = browser.get(f"/v1/payment_intents/{created['id']}",
                           {"client_secret": created["client_secret"]})

    # then it sees Stripe's publishable fields and nothing of the merchant's or customer's
    shown = ok(response)
    assert set(shown) == PAYMENT_INTENT_FIELDS
    assert shown["payment_method"] == full["payment_method"]  # the id only
    assert (shown["status"], shown["amount"]) == ("requires_payment_method", 2000)
    error = shown["last_payment_error"]
    assert (error["code"], error["decline_code"]) == ("card_declined", "generic_decline")
    assert set(error["payment_method"]) == {"id", "object", "type", "card"}
    assert error["payment_method"]["card"]["last4"] == "0002"
    assert_private_absent(response.content.decode())


def test_confirm_returns_only_the_publishable_fields(api, browser):
    created = intent(api, metadata={"order_id": "order-6735"}, shipping=SHIPPING)

    response = browser.post(f"/v1/payment_intents/{created['id']}/confirm", {
        "client_secret": created["client_secret"], "payment_method": "pm_card_visa"})

    shown = ok(response)
    assert set(shown) == PAYMENT_INTENT_FIELDS
    assert shown["status"] == "succeeded"
    assert shown["shipping"]["name"] == "Jenny Rosen"  # Stripe shows the shipping address
    assert "order-6735" not in response.content.decode()


def test_a_card_error_carries_the_restricted_intent(api, browser):
    # given an intent whose card will be declined
    created = private_intent(api)

    # when the browser confirms it
    response = browser.post(f"/v1/payment_intents/{created['id']}/confirm",
                            {"client_secret": created["client_secret"]})

    # then the 402 carries the intent and card in their restricted forms
    error = error_of(response, 402)
    assert error["code"] == "card_declined"
    assert set(error["payment_intent"]) == PAYMENT_INTENT_FIELDS
    assert set(error["payment_method"]) == {"id", "object", "type", "card"}
    assert_private_absent(response.content.decode())


@pytest.mark.parametrize("action", ["retrieve", "confirm"])
def test_expand_is_refused_to_a_publishable_key(api, browser, action):
    created = private_intent(api)
    params = {"client_secret": created["client_secret"], "expand": ["customer"]}

    response = (browser.get(f"/v1/payment_intents/{created['id']}", params)
                if action == "retrieve"
                else browser.post(f"/v1/payment_intents/{created['id']}/confirm", params))

    error = error_of(response, 400)
    assert (error["type"], error["param"]) == ("invalid_request_error", "expand")
    assert_private_absent(response.content.decode())
    assert ok(api.get(f"/v1/payment_intents/{created['id']}"))["status"] == (
        "requires_confirmation")


def test_a_secret_key_still_expands(api):
    created = private_intent(api)

    shown = ok(api.get(f"/v1/payment_intents/{created['id']}", {"expand": ["customer"]}))

    assert shown["customer"]["email"] == "jenny@example.test"


# -- setup intents ---------------------------------------------------------------------------

def private_setup_intent(api, payment_method: str) -> dict:
    buyer = customer(api, name="Jenny Rosen")
    return ok(api.post("/v1/setup_intents", {"customer": buyer["id"],
                                             "payment_method": payment_method,
                                             "metadata": {"order_id": "order-6735"}}))


def test_a_setup_intent_shows_only_its_publishable_fields(api, browser):
    created = private_setup_intent(api, "pm_card_visa")
    secret = created["client_secret"]

    shown = browser.get(f"/v1/setup_intents/{created['id']}", {"client_secret": secret})
    confirmed = browser.post(f"/v1/setup_intents/{created['id']}/confirm",
                             {"client_secret": secret})
    expanded = browser.get(f"/v1/setup_intents/{created['id']}",
                           {"client_secret": secret, "expand": ["customer"]})

    assert set(ok(shown)) == SETUP_INTENT_FIELDS
    assert set(ok(confirmed)) == SETUP_INTENT_FIELDS
    assert ok(confirmed)["status"] == "succeeded"
    assert error_of(expanded, 400)["param"] == "expand"
    for response in (shown, confirmed, expanded):
        assert_private_absent(response.content.decode())


def test_a_setup_card_error_carries_the_restricted_setup_intent(api, browser):
    card = card_payment_method(api, "4000000000000002", billing_details={
        "name": "Jenny Rosen", "address": {"line1": "1 Main St"}})
    created = private_setup_intent(api, card["id"])

    response = browser.post(f"/v1/setup_intents/{created['id']}/confirm",
                            {"client_secret": created["client_secret"]})

    error = error_of(response, 402)
    assert set(error["setup_intent"]) == SETUP_INTENT_FIELDS
    assert set(error["setup_intent"]["last_setup_error"]["payment_method"]) <= {
        "id", "object", "type", "card"}
    assert_private_absent(response.content.decode())
