"""Stripe's test cards for the bank's checks (CVC, address) and for the fraud screen's risk
levels: what the card and its charge show, and which payments go through."""

import pytest

from tests.api.helpers import error_of
from tests.payments.factories import card_payment_method, ok, paid_intent

ADDRESS = {"billing_details": {"address": {"line1": "1 Main St", "postal_code": "94107"}}}


def charge_of(api, intent: dict) -> dict:
    return ok(api.get(f"/v1/charges/{intent['latest_charge']}"))


def checks(card: dict) -> tuple:
    found = card["checks"]
    return (found["cvc_check"], found["address_line1_check"], found["address_postal_code_check"])


# -- the bank's checks ---------------------------------------------------------------------

def test_a_card_with_cvc_and_address_passes_every_check(api):
    method = card_payment_method(api, "4242424242424242", cvc="123", **ADDRESS)

    assert checks(method["card"]) == ("pass", "pass", "pass")
    paid = paid_intent(api, payment_method=method["id"])
    assert checks(charge_of(api, paid)["payment_method_details"]["card"]) == (
        "pass", "pass", "pass")


def test_a_check_with_nothing_to_check_is_null(api):
    method = card_payment_method(api, "4242424242424242", cvc=None)

    assert checks(method["card"]) == (None, None, None)


@pytest.mark.parametrize(("number", "line1", "postal_code"), [
    ("4000000000000010", "fail", "fail"),
    ("4000000000000028", "fail", "pass"),
    ("4000000000000036", "pass", "fail"),
    ("4000000000000044", "unavailable", "unavailable"),
])
def test_address_check_cards_fail_their_checks_and_still_pay(api, number, line1, postal_code):
    # given a card whose bank does not recognise the address given
    method = card_payment_method(api, number, **ADDRESS)

    # when it pays (with default settings a failed address check does not block)
    paid = paid_intent(api, payment_method=method["id"])

    # then the card and the charge show which check failed
    assert checks(method["card"]) == ("pass", line1, postal_code)
    assert checks(charge_of(api, paid)["payment_method_details"]["card"]) == (
        "pass", line1, postal_code)


def test_the_address_check_test_ids_show_their_failures(api):
    paid = paid_intent(api, payment_method="pm_card_avsFail")

    card = charge_of(api, paid)["payment_method_details"]["card"]
    assert checks(card) == ("pass", "fail", "fail")


def test_a_failed_cvc_check_declines_the_charge(api):
    # given the CVC check test card, saved with a CVC its bank does not match
    method = card_payment_method(api, "4000000000000101", cvc="123")
    assert method["card"]["checks"]["cvc_check"] == "fail"

    # when it pays
    response = api.post("/v1/payment_intents", {
        "amount": 1500, "currency": "usd", "confirm": True, "payment_method": method["id"]})

    # then the charge is declined for the security code, and the intent wants another card
    error = error_of(response, 402)
    assert (error["code"], error["decline_code"]) == ("incorrect_cvc", "incorrect_cvc")
    assert error["payment_intent"]["status"] == "requires_payment_method"
    charge = ok(api.get(f"/v1/charges/{error['charge']}"))
    assert (charge["status"], charge["outcome"]["type"]) == ("failed", "issuer_declined")


def test_the_cvc_check_card_pays_when_no_cvc_was_given(api):
    method = card_payment_method(api, "4000000000000101", cvc=None)

    paid = paid_intent(api, payment_method=method["id"])

    assert checks(charge_of(api, paid)["payment_method_details"]["card"])[0] is None


# -- the fraud screen ----------------------------------------------------------------------

def test_an_elevated_risk_payment_goes_through_with_its_risk_level(api):
    paid = paid_intent(api, payment_method="pm_card_riskLevelElevated")

    outcome = charge_of(api, paid)["outcome"]
    assert (outcome["type"], outcome["risk_level"], outcome["network_status"]) == (
        "authorized", "elevated", "approved_by_network")
    assert outcome["risk_score"] > charge_of(
        api, paid_intent(api, payment_method="pm_card_visa"))["outcome"]["risk_score"]


@pytest.mark.parametrize("magic_id", ["pm_card_riskLevelHighest", "pm_card_radarBlock",
                                      "pm_card_chargeDeclinedFraudulent"])
def test_a_highest_risk_payment_is_blocked_before_the_bank(api, magic_id):
    # when a merchant charges a card the fraud screen rates highest risk
    response = api.post("/v1/payment_intents", {
        "amount": 1500, "currency": "usd", "confirm": True, "payment_method": magic_id})

    # then it is a card decline, and the charge says it was blocked, never sent to the bank
    error = error_of(response, 402)
    assert (error["code"], error["decline_code"]) == ("card_declined", "fraudulent")
    assert error["payment_intent"]["status"] == "requires_payment_method"
    charge = ok(api.get(f"/v1/charges/{error['charge']}"))
    assert charge["status"] == "failed"
    outcome = charge["outcome"]
    assert (outcome["type"], outcome["reason"], outcome["risk_level"],
            outcome["network_status"]) == (
        "blocked", "highest_risk_level", "highest", "not_sent_to_network")


def test_a_blocked_card_can_still_be_saved(api):
    # the fraud screen judges payments, not a card being saved to a customer
    customer = ok(api.post("/v1/customers", {"email": "jenny@example.test"}))
    method = card_payment_method(api, "4100000000000019")

    attached = ok(api.post(f"/v1/payment_methods/{method['id']}/attach",
                           {"customer": customer["id"]}))

    assert attached["customer"] == customer["id"]


def test_the_domestic_pricing_card_pays(api):
    paid = paid_intent(api, payment_method="pm_card_domesticPricing")

    assert charge_of(api, paid)["payment_method_details"]["card"]["last4"] == "0093"
