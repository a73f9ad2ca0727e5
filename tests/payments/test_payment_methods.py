"""PaymentMethods: tokenizing cards, Stripe's test tokens and magic ids, attach and detach,
a customer's default, and live mode without a processor."""

import pytest

from payments.models import Customer, PaymentIntent, PaymentMethod
from tests.api.helpers import error_of
from tests.payments.factories import (
    NEXT_YEAR,
    attach,
    card_payment_method,
    customer,
    event_types,
    intent,
    ok,
    paid_intent,
    token_payment_method,
)
from webhooks.models import Event

# -- creating ------------------------------------------------------------------------------


def test_a_raw_card_number_becomes_a_payment_method_without_its_number(api):
    # when a browser in test mode sends a card
    created = card_payment_method(api, "4242 4242 4242 4242", cvc="123", exp_month=7,
                                  billing_details={"name": "Jenny Rosen"})

    # then only brand, last4, expiry and a fingerprint come back, and are kept
    assert created["id"].startswith("pm_")
    assert created["type"] == "card"
    assert created["customer"] is None
    card = created["card"]
    assert (card["brand"], card["last4"], card["exp_month"], card["exp_year"]) == (
        "visa", "4242", 7, NEXT_YEAR)
    assert card["funding"] == "credit"
    assert card["checks"]["cvc_check"] == "pass"
    assert created["billing_details"]["name"] == "Jenny Rosen"
    assert "4242424242424242" not in str(created)
    assert "number" not in card and "cvc" not in card
    assert ok(api.get(f"/v1/payment_methods/{created['id']}")) == created


def test_the_same_card_has_the_same_fingerprint_and_another_card_another(api):
    first = card_payment_method(api, "4242424242424242")
    again = card_payment_method(api, "4242424242424242", cvc="999")
    other = card_payment_method(api, "5555555555554444")

    assert first["card"]["fingerprint"] == again["card"]["fingerprint"]
    assert other["card"]["fingerprint"] != first["card"]["fingerprint"]
    assert other["card"]["brand"] == "mastercard"


def test_an_amex_takes_a_four_digit_cvc(api):
    created = card_payment_method(api, "378282246310005", cvc="4321")

    assert created["card"]["brand"] == "amex"
    assert created["card"]["last4"] == "0005"


@pytest.mark.parametrize(("token", "brand", "last4"), [
    ("tok_visa", "visa", "4242"),
    ("tok_mastercard", "mastercard", "4444"),
    ("tok_chargeDeclined", "visa", "0002"),
])
def test_a_test_token_becomes_a_payment_method(api, token, brand, last4):
    created = token_payment_method(api, token)

    assert (created["card"]["brand"], created["card"]["last4"]) == (brand, last4)
    assert PaymentMethod.objects.filter(pk=created["id"]).exists()


def test_an_unknown_token_is_refused_and_nothing_is_stored(api):
    response = api.post("/v1/payment_methods", {"type": "card",
                                                "card": {"token": "tok_nonsense"}})

    error = error_of(response, 400)
    assert error["param"] == "card[token]"
    assert "tok_nonsense" in error["message"]
    assert not PaymentMethod.objects.exists()


@pytest.mark.parametrize(("magic_id", "brand", "last4"), [
    ("pm_card_visa", "visa", "4242"),
    ("pm_card_mastercard", "mastercard", "4444"),
    ("pm_card_amex", "amex", "0005"),
])
def test_a_magic_id_makes_a_new_payment_method_each_time_it_is_used(api, magic_id, brand,
                                                                   last4):
    # when two intents are given the same magic id
    first = intent(api, payment_method=magic_id)
    second = intent(api, payment_method=magic_id)

    # then each got a payment method of its own, of that test card
    assert first["payment_method"] != second["payment_method"]
    assert magic_id not in (first["payment_method"], second["payment_method"])
    for made in (first, second):
        method = ok(api.get(f"/v1/payment_methods/{made['payment_method']}"))
        assert (method["card"]["brand"], method["card"]["last4"]) == (brand, last4)
    assert PaymentMethod.objects.count() == 2


CARD_ERRORS = [
    pytest.param({"number": "4242424242424241"}, "incorrect_number", "card[number]",
                 id="luhn"),
    pytest.param({"number": "4242-4242-abcd-4242"}, "incorrect_number", "card[number]",
                 id="letters-in-number"),
    pytest.param({"exp_month": 13}, "invalid_expiry_month", "card[exp_month]", id="month-13"),
    pytest.param({"exp_month": 0}, "invalid_expiry_month", "card[exp_month]", id="month-0"),
    pytest.param({"exp_month": 1, "exp_year": 2020}, "expired_card", "card[exp_year]",
                 id="expired"),
    pytest.param({"number": "378282246310005", "cvc": "123"}, "invalid_cvc", "card[cvc]",
                 id="amex-3-digit-cvc"),
    pytest.param({"cvc": "1234"}, "invalid_cvc", "card[cvc]", id="visa-4-digit-cvc"),
    pytest.param({"cvc": "12a"}, "invalid_cvc", "card[cvc]", id="letters-in-cvc"),
]


@pytest.mark.parametrize(("card", "code", "param"), CARD_ERRORS)
def test_a_bad_card_is_a_card_error_and_stores_nothing(api, card, code, param):
    # given
    full = {"number": "4242424242424242", "exp_month": 12, "exp_year": NEXT_YEAR,
            "cvc": "123", **card}

    # when
    response = api.post("/v1/payment_methods", {"type": "card", "card": full})

    # then
    error = error_of(response, 402)
    assert error["type"] == "card_error"
    assert (error["code"], error["param"]) == (code, param)
    assert not PaymentMethod.objects.exists()
    assert not Event.objects.exists()


def test_a_card_without_a_number_names_the_missing_param(api):
    response = api.post("/v1/payment_methods", {"type": "card", "card": {
        "exp_month": 12, "exp_year": NEXT_YEAR}})

    error = error_of(response, 400)
    assert (error["code"], error["param"]) == ("parameter_missing", "card[number]")
    assert not PaymentMethod.objects.exists()


# -- attach and detach -----------------------------------------------------------------------

def test_attach_then_detach_records_both_events_and_updates_the_customer_list(api):
    # given
    method = card_payment_method(api)
    owner = customer(api)

    # when
    attached = attach(api, method["id"], owner["id"])
    listed = ok(api.get(f"/v1/customers/{owner['id']}/payment_methods"))
    detached = ok(api.post(f"/v1/payment_methods/{method['id']}/detach"))

    # then
    assert attached["customer"] == owner["id"]
    assert [m["id"] for m in listed["data"]] == [method["id"]]
    assert listed["url"] == f"/v1/customers/{owner['id']}/payment_methods"
    assert detached["customer"] is None
    assert ok(api.get(f"/v1/customers/{owner['id']}/payment_methods"))["data"] == []
    assert event_types(method["id"]) == ["payment_method.attached", "payment_method.detached"]
    event = Event.objects.get(type="payment_method.detached")
    assert event.data["previous_attributes"] == {"customer": owner["id"]}


def test_a_customers_list_shows_only_its_own_cards_newest_first(api):
    # given two customers with cards, and a card nobody holds
    jenny, bob = customer(api), customer(api, email="bob@example.test")
    older = card_payment_method(api)
    newer = token_payment_method(api, "tok_mastercard")
    bobs = card_payment_method(api)
    card_payment_method(api)
    for method, owner in ((older, jenny), (newer, jenny), (bobs, bob)):
        attach(api, method["id"], owner["id"])

    # when
    by_path = ok(api.get(f"/v1/customers/{jenny['id']}/payment_methods", {"type": "card"}))
    by_filter = ok(api.get("/v1/payment_methods", {"customer": jenny["id"]}))

    # then
    assert [m["id"] for m in by_path["data"]] == [newer["id"], older["id"]]
    assert [m["id"] for m in by_filter["data"]] == [newer["id"], older["id"]]


def test_a_test_card_id_attaches_a_new_card_each_time_as_on_stripe(api):
    # given a customer (Stripe's docs attach `pm_card_visa` to one)
    owner = customer(api)

    # when the test id is attached twice
    first = attach(api, "pm_card_visa", owner["id"])
    second = attach(api, "pm_card_visa", owner["id"])

    # then each is a new, stored card of the customer, usable off-session later
    assert first["id"].startswith("pm_") and first["id"] != "pm_card_visa"
    assert first["id"] != second["id"]
    assert (first["customer"], first["card"]["brand"], first["card"]["last4"]) == (
        owner["id"], "visa", "4242")
    listed = ok(api.get(f"/v1/customers/{owner['id']}/payment_methods"))
    assert {m["id"] for m in listed["data"]} == {first["id"], second["id"]}
    paid = ok(api.post("/v1/payment_intents", {
        "amount": 1000, "currency": "usd", "customer": owner["id"],
        "payment_method": first["id"], "confirm": "true", "off_session": "true"}))
    assert paid["status"] == "succeeded"


def test_a_test_card_id_attached_to_a_missing_customer_makes_no_card(api):
    response = api.post("/v1/payment_methods/pm_card_visa/attach", {"customer": "cus_missing"})

    assert error_of(response, 404)["param"] == "customer"
    assert not PaymentMethod.objects.exists()


def test_attaching_again_to_the_same_customer_changes_nothing(api):
    method, owner = card_payment_method(api), customer(api)
    attach(api, method["id"], owner["id"])

    again = attach(api, method["id"], owner["id"])

    assert again["customer"] == owner["id"]
    assert event_types(method["id"]) == ["payment_method.attached"]


def test_attaching_to_another_customer_is_refused(api):
    # given a card on Jenny
    method, jenny, bob = card_payment_method(api), customer(api), customer(api)
    attach(api, method["id"], jenny["id"])

    # when it is attached to Bob
    response = api.post(f"/v1/payment_methods/{method['id']}/attach", {"customer": bob["id"]})

    # then it stays Jenny's
    assert error_of(response, 400)["type"] == "invalid_request_error"
    assert ok(api.get(f"/v1/payment_methods/{method['id']}"))["customer"] == jenny["id"]
    assert event_types(method["id"]) == ["payment_method.attached"]


@pytest.mark.parametrize(("number", "decline_code"), [
    ("4000000000000002", "generic_decline"),
    ("4000000000009995", "insufficient_funds"),
    ("4000000000009987", "lost_card"),
])
def test_a_decline_card_fails_on_attach_and_stays_unattached(api, number, decline_code):
    # given a card the issuer declines (pm_card_chargeDeclined's number)
    method, owner = card_payment_method(api, number), customer(api)

    # when
    response = api.post(f"/v1/payment_methods/{method['id']}/attach", {"customer": owner["id"]})

    # then attaching validated the card, and it failed
    error = error_of(response, 402)
    assert (error["type"], error["code"], error["decline_code"]) == (
        "card_error", "card_declined", decline_code)
    assert ok(api.get(f"/v1/payment_methods/{method['id']}"))["customer"] is None
    assert ok(api.get(f"/v1/customers/{owner['id']}/payment_methods"))["data"] == []
    assert event_types(method["id"]) == []


def test_the_charge_customer_fail_card_attaches_but_its_charges_decline(api):
    # given 4000000000000341 (pm_card_chargeCustomerFail)
    method, owner = card_payment_method(api, "4000000000000341"), customer(api)

    # when
    attached = attach(api, method["id"], owner["id"])
    response = api.post("/v1/payment_intents", {
        "amount": 1500, "currency": "usd", "customer": owner["id"],
        "payment_method": method["id"], "confirm": True})

    # then
    assert attached["customer"] == owner["id"]
    error = error_of(response, 402)
    assert (error["code"], error["decline_code"]) == ("card_declined", "generic_decline")
    assert error["payment_intent"]["status"] == "requires_payment_method"


def test_attaching_to_another_merchants_customer_is_a_404(api, other_account):
    method = card_payment_method(api)
    stranger = customer(other_account.api())

    response = api.post(f"/v1/payment_methods/{method['id']}/attach",
                        {"customer": stranger["id"]})

    error = error_of(response, 404)
    assert (error["code"], error["param"]) == ("resource_missing", "customer")
    assert stranger["id"] in error["message"]
    assert PaymentMethod.objects.get(pk=method["id"]).customer_id is None


def test_attaching_to_a_missing_customer_names_the_customer_param(api):
    method = card_payment_method(api)

    response = api.post(f"/v1/payment_methods/{method['id']}/attach",
                        {"customer": "cus_missing"})

    assert error_of(response, 404)["param"] == "customer"


def test_a_detached_card_cannot_be_used_or_attached_again(api):
    # given a card attached, then detached
    method, owner = card_payment_method(api), customer(api)
    attach(api, method["id"], owner["id"])
    ok(api.post(f"/v1/payment_methods/{method['id']}/detach"))

    # when it is used for a payment, or attached again
    pay = api.post("/v1/payment_intents", {"amount": 1000, "currency": "usd",
                                           "payment_method": method["id"], "confirm": True})
    pay_as_owner = api.post("/v1/payment_intents", {
        "amount": 1000, "currency": "usd", "customer": owner["id"],
        "payment_method": method["id"]})
    reattach = api.post(f"/v1/payment_methods/{method['id']}/attach", {"customer": owner["id"]})

    # then each is refused, and nothing was charged
    for response in (pay, pay_as_owner, reattach):
        assert error_of(response, 400)["param"] == "payment_method"
    assert not PaymentIntent.objects.exists()
    assert PaymentMethod.objects.get(pk=method["id"]).customer_id is None


def test_a_card_of_a_deleted_customer_can_still_be_detached(api):
    # given Jenny's card, and Jenny deleted
    method, jenny = card_payment_method(api), customer(api)
    attach(api, method["id"], jenny["id"])
    ok(api.delete(f"/v1/customers/{jenny['id']}"))

    # when the merchant detaches the card
    response = api.post(f"/v1/payment_methods/{method['id']}/detach")

    # then the card is not left on a customer that no longer exists
    assert response.status_code != 404, response.content
    assert ok(api.get(f"/v1/payment_methods/{method['id']}"))["customer"] is None


def test_detaching_a_card_that_is_not_attached_is_refused(api):
    method = card_payment_method(api)

    response = api.post(f"/v1/payment_methods/{method['id']}/detach")

    assert error_of(response, 400)["type"] == "invalid_request_error"
    assert event_types(method["id"]) == []


def test_a_card_used_without_a_customer_cannot_be_used_again(api):
    # given a payment with a card that belongs to nobody
    method = card_payment_method(api)
    paid_intent(api, payment_method=method["id"])

    # when the same card is used again
    response = api.post("/v1/payment_intents", {"amount": 1000, "currency": "usd",
                                                "payment_method": method["id"]})

    # then
    assert error_of(response, 400)["param"] == "payment_method"
    assert PaymentIntent.objects.count() == 1


def test_a_card_attached_to_a_customer_is_refused_for_another_customer(api):
    method, jenny, bob = card_payment_method(api), customer(api), customer(api)
    attach(api, method["id"], jenny["id"])

    response = api.post("/v1/payment_intents", {"amount": 1000, "currency": "usd",
                                                "customer": bob["id"],
                                                "payment_method": method["id"]})

    assert error_of(response, 400)["param"] == "payment_method"
    assert not PaymentIntent.objects.exists()


# -- the customer's default --------------------------------------------------------------

def test_the_default_payment_method_must_be_attached_to_that_customer(api):
    # given Jenny with a card, Bob with another, and a card nobody holds
    jenny, bob = customer(api), customer(api)
    jennys, bobs, loose = (card_payment_method(api) for _ in range(3))
    attach(api, jennys["id"], jenny["id"])
    attach(api, bobs["id"], bob["id"])

    # when Jenny's default is set to each
    refused = [api.post(f"/v1/customers/{jenny['id']}",
                        {"invoice_settings": {"default_payment_method": method["id"]}})
               for method in (bobs, loose)]
    accepted = api.post(f"/v1/customers/{jenny['id']}",
                        {"invoice_settings": {"default_payment_method": jennys["id"]}})

    # then only her own card is accepted
    for response in refused:
        assert error_of(response, 400)["param"] == "invoice_settings[default_payment_method]"
    assert ok(accepted)["invoice_settings"]["default_payment_method"] == jennys["id"]


def test_a_new_customer_cannot_name_a_default_card(api):
    method = card_payment_method(api)

    response = api.post("/v1/customers", {
        "invoice_settings": {"default_payment_method": method["id"]}})

    assert error_of(response, 400)["param"] == "invoice_settings[default_payment_method]"
    assert not Customer.objects.exists()


def test_detaching_the_default_card_clears_the_default(api):
    # given Jenny's default card
    jenny, method = customer(api), card_payment_method(api)
    attach(api, method["id"], jenny["id"])
    ok(api.post(f"/v1/customers/{jenny['id']}",
                {"invoice_settings": {"default_payment_method": method["id"]}}))

    # when it is detached
    ok(api.post(f"/v1/payment_methods/{method['id']}/detach"))

    # then she has no default any more
    shown = ok(api.get(f"/v1/customers/{jenny['id']}"))
    assert shown["invoice_settings"]["default_payment_method"] is None


# -- live mode ---------------------------------------------------------------------------

@pytest.mark.parametrize("card", [
    {"number": "4242424242424242", "exp_month": 12, "exp_year": NEXT_YEAR, "cvc": "123"},
    {"token": "tok_visa"},
], ids=["number", "token"])
def test_live_mode_without_a_processor_creates_no_payment_method(account, card):
    live = account.api("live_secret_key")

    response = live.post("/v1/payment_methods", {"type": "card", "card": card})

    error = error_of(response, 400)
    assert error["code"] == "livemode_processor_missing"
    assert not PaymentMethod.objects.exists()


def test_a_publishable_key_may_create_a_card_but_not_list_them(account):
    browser = account.api("test_publishable_key")

    created = browser.post("/v1/payment_methods", {"type": "card", "card": {"token": "tok_visa"}})
    listed = browser.get("/v1/payment_methods")

    assert ok(created)["livemode"] is False
    assert error_of(listed, 401)["code"] == "secret_key_required"
