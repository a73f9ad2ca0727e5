"""Stripe's legacy surface: card tokens and charges made with a `source`, then captured,
refunded and listed like any other charge."""

from tests.api.helpers import error_of
from tests.payments.factories import NEXT_YEAR, ok


def card_token(api, number: str = "4242424242424242", **card) -> dict:
    return ok(api.post("/v1/tokens", {"card": {
        "number": number, "exp_month": 12, "exp_year": NEXT_YEAR, "cvc": "123", **card}}))


def test_a_card_token_shows_its_card_and_is_retrievable(api):
    # given a card tokenized with its holder's name and postcode
    token = card_token(api, "5555555555554444", name="Jenny Rosen", address_zip="94107")

    # when it is retrieved
    again = ok(api.get(f"/v1/tokens/{token['id']}"))

    # then it is an unused card token whose Card keeps no number
    assert token["id"].startswith("tok_") and token["object"] == "token"
    assert (token["type"], token["used"], token["livemode"]) == ("card", False, False)
    card = token["card"]
    assert card["id"].startswith("card_") and card["object"] == "card"
    assert (card["brand"], card["last4"], card["exp_year"]) == ("MasterCard", "4444", NEXT_YEAR)
    assert (card["name"], card["address_zip"], card["cvc_check"]) == (
        "Jenny Rosen", "94107", "pass")
    assert card["customer"] is None
    assert "number" not in card
    assert again == token


def test_a_bad_card_number_makes_no_token(api):
    response = api.post("/v1/tokens", {"card": {"number": "4242424242424241",
                                                "exp_month": 12, "exp_year": NEXT_YEAR}})

    error = error_of(response, 402)
    assert (error["type"], error["code"]) == ("card_error", "incorrect_number")


def test_a_charge_with_a_token_succeeds_and_uses_the_token_up(api):
    # given a card token
    token = card_token(api)

    # when it pays a charge
    charge = ok(api.post("/v1/charges", {
        "amount": 2000, "currency": "usd", "source": token["id"], "description": "Order 9",
        "metadata": {"order_id": "9"}, "receipt_email": "jenny@example.test"}))

    # then the charge is paid by the token's card, and the token is used
    assert charge["object"] == "charge" and charge["id"].startswith("ch_")
    assert (charge["status"], charge["paid"], charge["captured"]) == ("succeeded", True, True)
    assert (charge["amount"], charge["amount_captured"]) == (2000, 2000)
    assert charge["source"]["id"] == token["card"]["id"]
    assert charge["payment_method"] == token["card"]["id"]
    assert (charge["description"], charge["metadata"]) == ("Order 9", {"order_id": "9"})
    assert charge["receipt_email"] == "jenny@example.test"
    assert ok(api.get(f"/v1/tokens/{token['id']}"))["used"] is True
    # and a second use is refused, as Stripe refuses it
    again = api.post("/v1/charges", {"amount": 500, "currency": "usd", "source": token["id"]})
    error = error_of(again, 400)
    assert error["message"] == f"You cannot use a Stripe token more than once: {token['id']}."
    assert error["param"] == "source"


def test_stripe_test_tokens_charge_as_their_test_cards(api):
    # when the magic tokens pay, twice each (they are not used up)
    visa = [ok(api.post("/v1/charges", {"amount": 1000, "currency": "usd",
                                        "source": "tok_visa"})) for _ in range(2)]
    mastercard = ok(api.post("/v1/charges", {"amount": 1000, "currency": "usd",
                                             "source": "tok_mastercard"}))

    # then each is charged on its test card
    assert [c["source"]["brand"] for c in visa] == ["Visa", "Visa"]
    assert [c["status"] for c in visa] == ["succeeded", "succeeded"]
    assert (mastercard["source"]["last4"], mastercard["status"]) == ("4444", "succeeded")


def test_a_declined_token_gives_a_card_error_and_a_failed_charge(api):
    # when a declining test token pays
    response = api.post("/v1/charges", {"amount": 1000, "currency": "usd",
                                        "source": "tok_chargeDeclined"})

    # then 402 card_error naming the charge, which exists as failed
    error = error_of(response, 402)
    assert (error["type"], error["code"], error["decline_code"]) == (
        "card_error", "card_declined", "generic_decline")
    charge = ok(api.get(f"/v1/charges/{error['charge']}"))
    assert (charge["status"], charge["paid"], charge["failure_code"]) == (
        "failed", False, "card_declined")


def test_an_unknown_token_is_a_400_naming_the_source(api):
    response = api.post("/v1/charges", {"amount": 1000, "currency": "usd",
                                        "source": "tok_doesnotexist"})

    error = error_of(response, 400)
    assert (error["code"], error["param"]) == ("resource_missing", "source")
    assert error["message"] == "No such token: 'tok_doesnotexist'"


def test_an_uncaptured_charge_is_captured_later_in_part(api):
    # given a charge authorized only
    charge = ok(api.post("/v1/charges", {"amount": 3000, "currency": "usd",
                                         "source": "tok_visa", "capture": False}))
    assert (charge["status"], charge["captured"], charge["amount_captured"]) == (
        "succeeded", False, 0)

    # when 2500 of it is captured
    captured = ok(api.post(f"/v1/charges/{charge['id']}/capture", {"amount": 2500}))

    # then the charge shows the capture, and a second capture is refused
    assert captured["id"] == charge["id"]
    assert (captured["captured"], captured["amount_captured"]) == (True, 2500)
    again = error_of(api.post(f"/v1/charges/{charge['id']}/capture"), 400)
    assert again["code"] == "charge_already_captured"


def test_a_legacy_charge_refunds_like_any_other(api):
    # given a legacy charge
    charge = ok(api.post("/v1/charges", {"amount": 2000, "currency": "usd",
                                         "source": "tok_visa"}))

    # when it is refunded
    refund = ok(api.post("/v1/refunds", {"charge": charge["id"], "amount": 500}))

    # then the charge shows it
    assert refund["status"] in ("succeeded", "pending")
    assert ok(api.get(f"/v1/charges/{charge['id']}"))["amount_refunded"] == 500


def test_a_charge_with_idempotency_key_is_made_once(api):
    params = {"amount": 1500, "currency": "usd", "source": "tok_visa"}
    first = api.post("/v1/charges", params, headers={"Idempotency-Key": "legacy-1"})
    second = api.post("/v1/charges", params, headers={"Idempotency-Key": "legacy-1"})

    assert ok(first)["id"] == ok(second)["id"]
    assert second.headers["Idempotent-Replayed"] == "true"
    assert len(ok(api.get("/v1/charges"))["data"]) == 1


def test_a_charge_needs_a_source_or_a_customer(api):
    error = error_of(api.post("/v1/charges", {"amount": 1000, "currency": "usd"}), 400)

    assert error["param"] == "source"


def test_a_charges_refunds_expand_on_the_charge_and_through_its_intent(api):
    # given a payment refunded twice
    paid = ok(api.post("/v1/payment_intents", {"amount": 3000, "currency": "usd",
                                               "payment_method": "pm_card_visa",
                                               "confirm": True}))
    charge_id = paid["latest_charge"]
    refunds = [ok(api.post("/v1/refunds", {"charge": charge_id, "amount": amount}))
               for amount in (500, 700)]

    # when the charge's refunds are expanded, on the charge and through the intent
    charge = ok(api.get(f"/v1/charges/{charge_id}", {"expand": ["refunds"]}))
    intent = ok(api.get(f"/v1/payment_intents/{paid['id']}",
                        {"expand": ["latest_charge.refunds"]}))

    # then both show the list of refunds, newest first
    for listed in (charge["refunds"], intent["latest_charge"]["refunds"]):
        assert (listed["object"], listed["has_more"]) == ("list", False)
        assert [r["id"] for r in listed["data"]] == [refunds[1]["id"], refunds[0]["id"]]
        assert listed["data"][0]["object"] == "refund"
    # and without the expansion the charge has no list
    assert ok(api.get(f"/v1/charges/{charge_id}"))["refunds"] is None
