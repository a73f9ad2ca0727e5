"""Charges: what a payment attempt shows the merchant, alone and in lists."""

from tests.api.helpers import error_of
from tests.payments.factories import (
    NEXT_YEAR,
    attach,
    card_payment_method,
    customer,
    intent,
    ok,
    paid_intent,
)


def test_a_charge_shows_the_card_and_the_outcome(api):
    # given a payment with a debit Mastercard and billing details
    method = card_payment_method(api, "5200828282828210", exp_month=4,
                                 billing_details={"name": "Jenny Rosen",
                                                  "email": "jenny@example.test"})
    paid = paid_intent(api, payment_method=method["id"], amount=1234,
                       description="Order 7", receipt_email="jenny@example.test")

    # when
    charge = ok(api.get(f"/v1/charges/{paid['latest_charge']}"))

    # then
    assert charge["object"] == "charge"
    assert (charge["amount"], charge["currency"], charge["status"]) == (1234, "usd", "succeeded")
    assert (charge["paid"], charge["captured"], charge["refunded"]) == (True, True, False)
    assert (charge["payment_intent"], charge["payment_method"]) == (paid["id"], method["id"])
    assert charge["description"] == "Order 7"
    assert charge["receipt_email"] == "jenny@example.test"
    card = charge["payment_method_details"]["card"]
    assert charge["payment_method_details"]["type"] == "card"
    assert (card["brand"], card["last4"], card["exp_month"], card["exp_year"]) == (
        "mastercard", "8210", 4, NEXT_YEAR)
    assert (card["funding"], card["network"], card["country"]) == ("debit", "mastercard", "US")
    assert card["fingerprint"] == method["card"]["fingerprint"]
    assert card["amount_authorized"] == 1234
    assert card["checks"]["cvc_check"] == "pass"
    outcome = charge["outcome"]
    assert (outcome["type"], outcome["network_status"], outcome["reason"]) == (
        "authorized", "approved_by_network", None)
    assert outcome["risk_level"] == "normal"
    assert charge["billing_details"]["name"] == "Jenny Rosen"
    assert charge["failure_code"] is None


def test_a_declined_charge_shows_why(api):
    response = api.post("/v1/payment_intents", {
        "amount": 1000, "currency": "usd", "confirm": True,
        "payment_method": "pm_card_visa_chargeDeclinedInsufficientFunds"})
    charge_id = error_of(response, 402)["charge"]

    charge = ok(api.get(f"/v1/charges/{charge_id}"))

    assert (charge["status"], charge["paid"], charge["captured"]) == ("failed", False, False)
    assert (charge["failure_code"], charge["failure_message"]) == (
        "card_declined", "Your card has insufficient funds.")
    assert charge["amount_captured"] == 0
    assert (charge["outcome"]["type"], charge["outcome"]["network_status"],
            charge["outcome"]["reason"]) == ("issuer_declined", "declined_by_network",
                                             "insufficient_funds")
    assert charge["payment_method_details"]["card"]["amount_authorized"] is None


def test_retrieve_and_list_render_a_charge_alike(api):
    paid = paid_intent(api, payment_method=card_payment_method(
        api, billing_details={"name": "Jenny Rosen"})["id"])

    retrieved = ok(api.get(f"/v1/charges/{paid['latest_charge']}"))
    listed = ok(api.get("/v1/charges"))["data"]

    assert listed == [retrieved]


def test_charges_list_by_payment_intent(api):
    # given an intent with a failed and a successful attempt, and another payment
    declined = api.post("/v1/payment_intents", {
        "amount": 1000, "currency": "usd", "confirm": True,
        "payment_method": "pm_card_chargeDeclined"})
    retried_id = error_of(declined, 402)["payment_intent"]["id"]
    retried = ok(api.post(f"/v1/payment_intents/{retried_id}/confirm",
                          {"payment_method": "pm_card_visa"}))
    paid_intent(api)

    # when
    listed = ok(api.get("/v1/charges", {"payment_intent": retried_id}))

    # then both attempts, newest first, and nothing else
    assert [c["status"] for c in listed["data"]] == ["succeeded", "failed"]
    assert listed["data"][0]["id"] == retried["latest_charge"]
    assert {c["payment_intent"] for c in listed["data"]} == {retried_id}
    assert listed["url"] == "/v1/charges"
    assert len(ok(api.get("/v1/charges"))["data"]) == 3


def test_charges_list_by_customer(api):
    # given Jenny's payment, Bob's, and one without a customer
    jenny, bob = customer(api), customer(api, email="bob@example.test")
    jennys = card_payment_method(api)
    attach(api, jennys["id"], jenny["id"])
    paid_jenny = paid_intent(api, customer=jenny["id"], payment_method=jennys["id"])
    paid_intent(api, customer=bob["id"])
    paid_intent(api)

    # when
    listed = ok(api.get("/v1/charges", {"customer": jenny["id"]}))

    # then
    assert [c["id"] for c in listed["data"]] == [paid_jenny["latest_charge"]]
    assert listed["data"][0]["customer"] == jenny["id"]


def test_charges_page_newest_first(api):
    ids = [paid_intent(api)["latest_charge"] for _ in range(3)]

    first = ok(api.get("/v1/charges", {"limit": 2}))
    rest = ok(api.get("/v1/charges", {"limit": 2, "starting_after": first["data"][-1]["id"]}))

    assert [c["id"] for c in first["data"]] == [ids[2], ids[1]]
    assert first["has_more"] is True
    assert [c["id"] for c in rest["data"]] == [ids[0]]
    assert rest["has_more"] is False


def test_a_charge_expands_its_payment_intent(api):
    paid = paid_intent(api)

    charge = ok(api.get(f"/v1/charges/{paid['latest_charge']}",
                        {"expand": ["payment_intent"]}))

    assert charge["payment_intent"]["id"] == paid["id"]
    assert charge["payment_intent"]["status"] == "succeeded"


def test_an_unknown_charge_is_a_404(api):
    error = error_of(api.get("/v1/charges/ch_missing"), 404)

    assert (error["code"], error["param"]) == ("resource_missing", "id")
    assert "ch_missing" in error["message"]


def test_an_intent_expands_its_latest_charge(api):
    paid = paid_intent(api)

    shown = ok(api.get(f"/v1/payment_intents/{paid['id']}", {"expand": ["latest_charge"]}))

    assert shown["latest_charge"]["id"] == paid["latest_charge"]
    assert shown["latest_charge"]["amount_captured"] == paid["amount"]


def test_intents_list_by_customer(api):
    jenny = customer(api)
    hers = intent(api, customer=jenny["id"])
    intent(api)

    listed = ok(api.get("/v1/payment_intents", {"customer": jenny["id"]}))

    assert [i["id"] for i in listed["data"]] == [hers["id"]]
