"""Creating a customer with its card, as Stripe's create takes one: `payment_method`
attached (not made the default) or a card token as `source` (its first source and
default_source); a declined or unknown card creates nothing."""

import pytest

from payments.models import Customer
from tests.payments.factories import card_payment_method, ok
from webhooks.models import Event

pytestmark = pytest.mark.django_db


def event_types() -> set[str]:
    return set(Event.objects.values_list("type", flat=True))


def test_a_payment_method_is_attached_to_the_new_customer(api):
    method = card_payment_method(api)

    customer = ok(api.post("/v1/customers", {"email": "jenny@example.test",
                                             "payment_method": method["id"]}))

    assert ok(api.get(f"/v1/payment_methods/{method['id']}"))["customer"] == customer["id"]
    # attached, not the default for invoices (that is invoice_settings)
    assert customer["invoice_settings"]["default_payment_method"] is None
    assert event_types() >= {"customer.created", "payment_method.attached"}
    # and it can pay off-session for that customer at once
    paid = ok(api.post("/v1/payment_intents", {
        "amount": 1500, "currency": "usd", "customer": customer["id"],
        "payment_method": method["id"], "off_session": "true", "confirm": "true"}))
    assert paid["status"] == "succeeded"


def test_a_test_payment_method_id_attaches_a_new_card(api):
    customer = ok(api.post("/v1/customers", {"payment_method": "pm_card_mastercard"}))

    [card] = ok(api.get(f"/v1/customers/{customer['id']}/payment_methods"))["data"]
    assert card["card"]["brand"] == "mastercard"


def test_with_a_default_for_invoices_in_the_same_request(api):
    method = card_payment_method(api)

    customer = ok(api.post("/v1/customers", {
        "payment_method": method["id"],
        "invoice_settings": {"default_payment_method": method["id"]}}))

    assert customer["invoice_settings"]["default_payment_method"] == method["id"]
    created = Event.objects.get(type="customer.created")
    assert created.data["object"]["invoice_settings"]["default_payment_method"] == method["id"]


@pytest.mark.parametrize(("params", "status", "param"), [
    ({"payment_method": "pm_missing"}, 404, "payment_method"),
    ({"source": "tok_missing"}, 400, "source"),
    ({"source": "card_1234"}, 400, "source"),
])
def test_an_unknown_card_creates_no_customer(api, params, status, param):
    response = api.post("/v1/customers", {"email": "jenny@example.test", **params})

    assert response.status_code == status, response.content
    assert response.json()["error"]["param"] == param
    assert not Customer.objects.exists() and not Event.objects.exists()


def test_a_declined_card_creates_no_customer(api):
    declining = card_payment_method(api, "4000000000000002")

    response = api.post("/v1/customers", {"email": "jenny@example.test",
                                          "payment_method": declining["id"]})

    assert response.status_code == 402, response.content
    assert response.json()["error"]["decline_code"] == "generic_decline"
    assert not Customer.objects.exists()
    assert ok(api.get(f"/v1/payment_methods/{declining['id']}"))["customer"] is None
    declined_token = api.post("/v1/customers", {"source": "tok_chargeDeclined"})
    assert declined_token.status_code == 402 and not Customer.objects.exists()


def test_a_card_token_is_the_first_source_and_the_default(api):
    customer = ok(api.post("/v1/customers", {"email": "jenny@example.test",
                                             "source": "tok_visa"}))

    sources = ok(api.get(f"/v1/customers/{customer['id']}/sources"))["data"]
    assert [source["last4"] for source in sources] == ["4242"]
    assert customer["default_source"] == sources[0]["id"]
    created = Event.objects.get(type="customer.created")
    assert created.data["object"]["default_source"] == sources[0]["id"]
    assert event_types() >= {"customer.created", "customer.source.created"}
    # and a legacy charge of the customer takes its default source
    charge = ok(api.post("/v1/charges", {"amount": 900, "currency": "usd",
                                         "customer": customer["id"]}))
    assert charge["source"]["id"] == sources[0]["id"] and charge["paid"] is True
