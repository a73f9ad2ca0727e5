"""SetupIntents: saving a card to a customer for later, with 3-D Secure where it asks."""

import pytest

from core.actor import TILL
from payments import services
from payments.models import PaymentMethod, SetupIntent
from tests.conftest import Api


@pytest.fixture
def customer(api: Api) -> str:
    return api.post("/v1/customers", {"email": "jenny@example.test"}).json()["id"]


def setup(api: Api, customer: str, payment_method: str, **params) -> tuple[int, dict]:
    response = api.post("/v1/setup_intents", {"customer": customer,
                                              "payment_method": payment_method,
                                              "confirm": True, **params})
    return response.status_code, response.json()


def test_a_card_is_saved_to_the_customer_for_off_session_use(api, customer, event_types):
    # when a SetupIntent confirms a plain card
    status, body = setup(api, customer, "pm_card_visa")

    # then it succeeded, the card is the customer's and ready for off-session payments
    assert status == 200, body
    assert body["status"] == "succeeded"
    assert body["usage"] == "off_session"
    assert body["client_secret"].startswith(body["id"] + "_secret_")
    assert body["latest_attempt"].startswith("setatt_")
    method = PaymentMethod.objects.get(pk=body["payment_method"])
    assert method.customer_id == customer
    assert method.off_session_ready
    assert event_types(body["id"]) == ["setup_intent.succeeded", "setup_intent.created"]
    assert event_types(method.id) == ["payment_method.attached"]


def test_then_an_off_session_payment_needs_no_authentication(api, customer):
    # given a card that authenticates on setup, saved through a SetupIntent's challenge
    status, body = setup(api, customer, "pm_card_authenticationRequiredOnSetup")
    assert status == 200 and body["status"] == "requires_action"
    services.setup_intent_authenticate(id=body["id"], client_secret=body["client_secret"],
                                       succeeded=True, actor=TILL)
    saved = api.get(f"/v1/setup_intents/{body['id']}").json()
    assert saved["status"] == "succeeded"

    # when the merchant charges it off-session
    response = api.post("/v1/payment_intents", {
        "amount": 1500, "currency": "eur", "customer": customer,
        "payment_method": saved["payment_method"], "confirm": True, "off_session": True})

    # then it goes through without the customer
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "succeeded"


def test_a_card_that_authenticates_on_setup_asks_for_it(api, customer, event_types):
    # when the card needs 3-D Secure to be saved
    status, body = setup(api, customer, "pm_card_authenticationRequired",
                         return_url="https://shop.example/saved")

    # then the SetupIntent waits on Till's challenge page
    assert status == 200, body
    assert body["status"] == "requires_action"
    action = body["next_action"]
    assert action["type"] == "redirect_to_url"
    assert f"/pay/authenticate/setup/{body['id']}" in action["redirect_to_url"]["url"]
    assert action["redirect_to_url"]["return_url"] == "https://shop.example/saved"
    assert event_types(body["id"])[0] == "setup_intent.requires_action"
    assert PaymentMethod.objects.get(pk=body["payment_method"]).customer_id is None


def test_failed_authentication_leaves_the_card_unsaved(api, customer, event_types):
    status, body = setup(api, customer, "pm_card_authenticationRequired")

    services.setup_intent_authenticate(id=body["id"], client_secret=body["client_secret"],
                                       succeeded=False, actor=TILL)

    after = api.get(f"/v1/setup_intents/{body['id']}").json()
    assert after["status"] == "requires_payment_method"
    assert after["last_setup_error"]["code"] == "setup_intent_authentication_failure"
    assert after["next_action"] is None
    assert event_types(body["id"])[0] == "setup_intent.setup_failed"
    assert PaymentMethod.objects.get(pk=body["payment_method"]).customer_id is None


@pytest.mark.parametrize(("card", "code", "decline_code"), [
    ("pm_card_chargeDeclined", "card_declined", "generic_decline"),
    ("pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"),
    ("pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card"),
])
def test_a_declining_card_fails_setup_with_a_card_error(api, customer, card, code,
                                                        decline_code):
    # when a card that the processor refuses is set up
    status, body = setup(api, customer, card)

    # then 402, and the SetupIntent goes back to needing a payment method
    assert status == 402, body
    error = body["error"]
    assert error["type"] == "card_error"
    assert (error["code"], error["decline_code"]) == (code, decline_code)
    assert error["setup_intent"]["status"] == "requires_payment_method"
    assert error["setup_intent"]["last_setup_error"]["code"] == code
    assert SetupIntent.objects.get(pk=error["setup_intent"]["id"]).status == (
        "requires_payment_method")
    assert not PaymentMethod.objects.filter(customer_id=customer).exists()


def test_cancel_and_then_confirm_is_refused(api, customer, event_types):
    created = api.post("/v1/setup_intents", {"customer": customer}).json()

    canceled = api.post(f"/v1/setup_intents/{created['id']}/cancel",
                        {"cancellation_reason": "abandoned"})
    again = api.post(f"/v1/setup_intents/{created['id']}/confirm",
                     {"payment_method": "pm_card_visa"})

    assert canceled.status_code == 200
    assert canceled.json()["status"] == "canceled"
    assert canceled.json()["cancellation_reason"] == "abandoned"
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "setup_intent_unexpected_state"
    assert "status of canceled" in again.json()["error"]["message"]
    assert event_types(created["id"]) == ["setup_intent.canceled", "setup_intent.created"]


def test_confirm_without_a_payment_method_is_refused(api, customer):
    created = api.post("/v1/setup_intents", {"customer": customer}).json()

    response = api.post(f"/v1/setup_intents/{created['id']}/confirm")

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "payment_method"


def test_a_publishable_key_confirms_with_the_client_secret(account, customer, api):
    created = api.post("/v1/setup_intents", {"customer": customer}).json()
    browser = account.api("test_publishable_key")

    wrong = browser.post(f"/v1/setup_intents/{created['id']}/confirm",
                         {"payment_method": "pm_card_visa", "client_secret": "seti_x_secret_y"})
    missing = browser.post(f"/v1/setup_intents/{created['id']}/confirm",
                           {"payment_method": "pm_card_visa"})
    right = browser.post(f"/v1/setup_intents/{created['id']}/confirm",
                         {"payment_method": "pm_card_visa",
                          "client_secret": created["client_secret"]})
    listed = browser.get("/v1/setup_intents")

    assert wrong.status_code == 400
    assert missing.status_code == 401
    assert right.status_code == 200, right.content
    assert right.json()["status"] == "succeeded"
    assert listed.status_code == 401


def test_list_by_customer(api, customer):
    other = api.post("/v1/customers", {}).json()["id"]
    mine = {api.post("/v1/setup_intents", {"customer": customer}).json()["id"]
            for _ in range(2)}
    api.post("/v1/setup_intents", {"customer": other})

    listed = api.get("/v1/setup_intents", {"customer": customer}).json()

    assert {s["id"] for s in listed["data"]} == mine


def test_live_mode_refuses_until_a_processor_is_connected(account):
    live = account.api("live_secret_key")

    response = live.post("/v1/setup_intents", {})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "livemode_processor_missing"
    assert not SetupIntent.objects.exists()


def test_the_challenge_page_saves_the_card_and_returns_to_the_merchant(api, customer, client):
    # given a SetupIntent waiting for 3-D Secure
    status, body = setup(api, customer, "pm_card_authenticationRequired",
                         return_url="https://shop.example/saved?step=2")
    url = body["next_action"]["redirect_to_url"]["url"].split("://", 1)[1].split("/", 1)[1]

    # when the cardholder opens the challenge and completes it
    page = client.get("/" + url)
    answer = client.post("/" + url.split("?")[0],
                         {"client_secret": body["client_secret"], "outcome": "complete"})

    # then the page asked about saving the card, and the browser returns to the merchant
    assert page.status_code == 200
    assert "saved for future payments" in page.content.decode()
    assert answer.status_code == 302
    assert answer["Location"] == (
        f"https://shop.example/saved?step=2&setup_intent={body['id']}"
        f"&setup_intent_client_secret={body['client_secret']}&redirect_status=succeeded")
    assert SetupIntent.objects.get(pk=body["id"]).status == "succeeded"
    assert PaymentMethod.objects.get(pk=body["payment_method"]).customer_id == customer


def test_the_challenge_page_refuses_a_wrong_client_secret(api, customer, client):
    status, body = setup(api, customer, "pm_card_authenticationRequired")

    response = client.get(f"/pay/authenticate/setup/{body['id']}",
                          {"client_secret": body["id"] + "_secret_wrong"})

    assert response.status_code == 404


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_challenge_page_checks_the_secret_in_constant_time(api, customer, client,
                                                               monkeypatch, method):
    # given a SetupIntent waiting for 3-D Secure, and the one constant-time check the API
    # uses for client secrets, watched
    _status, body = setup(api, customer, "pm_card_authenticationRequired")
    checked = []
    real_check = services.client_secret_check

    def watched(*, intent, client_secret):
        checked.append((intent.pk, client_secret))
        return real_check(intent=intent, client_secret=client_secret)

    monkeypatch.setattr(services, "client_secret_check", watched)
    wrong = body["client_secret"][:-1] + ("x" if body["client_secret"][-1] != "x" else "y")

    # when the challenge page is opened or answered with a wrong secret
    response = getattr(client, method)(f"/pay/authenticate/setup/{body['id']}",
                                       {"client_secret": wrong, "outcome": "complete"})

    # then it is refused, through that check, and nothing was saved
    assert response.status_code == 404
    assert checked == [(body["id"], wrong)]
    assert SetupIntent.objects.get(pk=body["id"]).status == "requires_action"
