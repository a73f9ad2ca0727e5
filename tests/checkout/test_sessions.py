"""Checkout Sessions: the API (/v1/checkout/sessions) and the hosted page a customer pays on
(/checkout/c/<token>), through Django's test client."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from checkout.models import CheckoutSession
from core import clock
from payments.models import Charge, PaymentIntent
from tests.billing.factories import error_of, ok, price
from tests.conftest import Api
from webhooks.models import Event

GOOD = "4242424242424242"
DECLINED = "4000000000000002"
THREE_D_SECURE = "4000002760003184"


def card_form(**fields: str) -> dict[str, str]:
    return {"number": GOOD, "expiry": "12 / 34", "cvc": "987", "name": "Jenny Rosen",
            "email": "jenny@example.com", **fields}


def page_path(session: dict) -> str:
    return urlsplit(session["url"]).path


def session_create(api: Api, **params) -> dict:
    params.setdefault("mode", "payment")
    params.setdefault("success_url", "https://shop.example/thanks?session={CHECKOUT_SESSION_ID}")
    return ok(api.post("/v1/checkout/sessions", params))


@pytest.fixture
def tshirt(api: Api) -> dict:
    return price(api, unit_amount=2000, currency="usd", product_data={"name": "T-shirt"})


def test_a_session_is_open_with_its_total_its_intent_and_a_url(api, tshirt):
    # when the merchant creates a session for two T-shirts
    session = session_create(api, line_items=[{"price": tshirt["id"], "quantity": 2}],
                             client_reference_id="order-42", metadata={"order": "42"})

    # then it is open, unpaid, for their total, with its one intent and a hosted page
    assert session["object"] == "checkout.session"
    assert (session["status"], session["payment_status"], session["mode"]) == (
        "open", "unpaid", "payment")
    assert (session["amount_subtotal"], session["amount_total"], session["currency"]) == (
        4000, 4000, "usd")
    assert session["client_reference_id"] == "order-42"
    assert session["metadata"] == {"order": "42"}
    assert session["url"].startswith("http") and session["id"] not in session["url"]
    intent = ok(api.get(f"/v1/payment_intents/{session['payment_intent']}"))
    assert (intent["amount"], intent["currency"], intent["status"]) == (
        4000, "usd", "requires_payment_method")
    assert session["expires_at"] - session["created"] == 24 * 3600

    # and its line items list the price and quantity, with their amounts
    items = ok(api.get(f"/v1/checkout/sessions/{session['id']}/line_items"))["data"]
    assert [(item["description"], item["quantity"], item["amount_total"], item["price"]["id"])
            for item in items] == [("T-shirt", 2, 4000, tshirt["id"])]


def test_price_data_makes_an_inactive_price(api):
    session = session_create(api, line_items=[{
        "price_data": {"currency": "eur", "unit_amount": 1250,
                       "product_data": {"name": "Ticket"}}, "quantity": 3}])

    [item] = ok(api.get(f"/v1/checkout/sessions/{session['id']}/line_items"))["data"]
    assert (item["description"], item["amount_total"], session["currency"]) == (
        "Ticket", 3750, "eur")
    assert item["price"]["active"] is False


TSHIRT = "TSHIRT"  # replaced by the fixture's price id


@pytest.mark.parametrize(("params", "param", "status"), [
    ({"mode": "payment"}, "line_items", 400),
    ({"line_items": [{"price": "price_missing", "quantity": 1}]}, "line_items[0][price]", 404),
    ({"line_items": [{"price_data": {"currency": "usd", "unit_amount": 10,
                                     "product_data": {"name": "Gum"}}, "quantity": 1}]},
     "line_items", 400),
    ({"expires_at": "in five minutes"}, "expires_at", 400),
    ({"customer": "cus_missing"}, "customer", 404),
    ({"success_url": "not a url"}, "success_url", 400),
    ({"mode": "setup", "customer_creation": "always"}, "customer_creation", 400),
    ({"line_items": [{"price": TSHIRT, "quantity": 1}], "customer_email": "x@example.com",
      "customer": "cus_any"}, "customer_email", 400),
])
def test_bad_input_is_refused_with_its_param_and_makes_nothing(api, tshirt, params, param,
                                                                status):
    params = dict(params)
    params.setdefault("mode", "payment")
    if "line_items" not in params and params["mode"] == "payment" and len(params) > 1:
        params["line_items"] = [{"price": tshirt["id"], "quantity": 1}]
    for item in params.get("line_items", []):
        if item.get("price") == TSHIRT:
            item["price"] = tshirt["id"]
    if params.get("expires_at") == "in five minutes":
        params["expires_at"] = int((clock.now() + timedelta(minutes=5)).timestamp())

    error = error_of(api.post("/v1/checkout/sessions", params), status)

    assert error["param"] == param
    assert CheckoutSession.objects.count() == 0
    assert PaymentIntent.objects.count() == 0


def test_a_recurring_price_needs_subscription_mode(api):
    monthly = price(api, unit_amount=1000, currency="usd", recurring={"interval": "month"},
                    product_data={"name": "Plan"})
    error = error_of(api.post("/v1/checkout/sessions", {
        "mode": "payment", "line_items": [{"price": monthly["id"], "quantity": 1}]}))
    assert error["param"] == "line_items[0][price]"
    assert "recurring price" in error["message"]


# -- the hosted page -----------------------------------------------------------------------

def test_the_page_shows_the_merchant_the_lines_and_a_card_form(client, api, account, tshirt):
    session = session_create(api, line_items=[{"price": tshirt["id"], "quantity": 2}])

    response = client.get(page_path(session))

    body = response.content.decode()
    assert response.status_code == 200
    assert account.merchant.name in body
    assert "T-shirt" in body and "$40.00" in body
    for name in ('name="number"', 'name="cvc"', 'name="email"', "csrfmiddlewaretoken"):
        assert name in body
    assert "no-store" in response["Cache-Control"]


def test_an_unknown_token_is_a_404(client, db):
    assert client.get(reverse("checkout:session", args=["nope"])).status_code == 404


def test_paying_completes_the_session_and_goes_to_the_success_url(client, api, tshirt):
    session = session_create(api, line_items=[{"price": tshirt["id"], "quantity": 1}])

    response = client.post(page_path(session), card_form())

    # then the browser goes to the merchant's success URL, the session id filled in
    assert response.status_code == 302
    assert response["Location"] == f"https://shop.example/thanks?session={session['id']}"
    done = ok(api.get(f"/v1/checkout/sessions/{session['id']}"))
    assert (done["status"], done["payment_status"], done["url"]) == ("complete", "paid", None)
    assert done["customer_details"]["email"] == "jenny@example.com"
    intent = ok(api.get(f"/v1/payment_intents/{session['payment_intent']}"))
    assert (intent["status"], intent["amount_received"]) == ("succeeded", 2000)
    types = list(Event.objects.filter(type__startswith="checkout.").values_list("type",
                                                                              flat=True))
    assert types == ["checkout.session.completed"]

    # and a second submission (back button, another tab) charges nothing more
    again = client.post(page_path(session), card_form())
    assert again.status_code == 302
    assert Charge.objects.filter(status="succeeded").count() == 1


def test_a_decline_shows_the_card_error_and_another_card_pays(client, api, tshirt):
    session = session_create(api, line_items=[{"price": tshirt["id"], "quantity": 1}])

    declined = client.post(page_path(session), card_form(number=DECLINED))
    assert declined.status_code == 402
    assert "Your card was declined." in declined.content.decode()
    assert ok(api.get(f"/v1/checkout/sessions/{session['id']}"))["status"] == "open"

    paid = client.post(page_path(session), card_form())
    assert paid.status_code == 302
    assert ok(api.get(f"/v1/checkout/sessions/{session['id']}"))["payment_status"] == "paid"
    assert PaymentIntent.objects.count() == 1


def test_three_d_secure_comes_back_and_completes(client, api, tshirt):
    session = session_create(api, line_items=[{"price": tshirt["id"], "quantity": 1}])

    challenge = client.post(page_path(session), card_form(number=THREE_D_SECURE))
    assert challenge.status_code == 302
    challenge_url = urlsplit(challenge["Location"])
    back = client.post(f"{challenge_url.path}?{challenge_url.query}", {"outcome": "complete"})
    assert back.status_code == 302
    returned = client.get(urlsplit(back["Location"]).path + "?" + urlsplit(
        back["Location"]).query)

    assert returned.status_code == 302
    assert returned["Location"].startswith("https://shop.example/thanks")
    assert ok(api.get(f"/v1/checkout/sessions/{session['id']}"))["payment_status"] == "paid"


def test_a_failed_challenge_gives_the_form_back_with_what_the_customer_typed(
        client, api, tshirt):
    session = session_create(api, line_items=[{"price": tshirt["id"], "quantity": 1}])
    challenge = urlsplit(client.post(page_path(session),
                                     card_form(number=THREE_D_SECURE))["Location"])
    back = urlsplit(client.post(f"{challenge.path}?{challenge.query}",
                                {"outcome": "fail"})["Location"])

    returned = client.get(f"{back.path}?{back.query}")

    # the email is required: without it the customer could not submit another card
    assert returned.status_code == 402
    body = returned.content.decode()
    assert "unable to authenticate your payment method" in body
    assert 'value="jenny@example.com"' in body and 'value="Jenny Rosen"' in body


def test_the_pages_with_the_form_let_it_redirect_to_the_success_url(client, api, tshirt):
    session = session_create(api, line_items=[{"price": tshirt["id"], "quantity": 1}])

    policy = client.get(page_path(session))["Content-Security-Policy"]

    # a browser holds the form's redirect to the shop's success_url to form-action
    assert "form-action" not in policy
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy


def test_save_card_and_make_default_sets_the_customers_invoice_card(client, api, tshirt):
    session = session_create(api, line_items=[{"price": tshirt["id"], "quantity": 1}],
                             save_card_and_make_default=True)

    assert client.post(page_path(session), card_form()).status_code == 302

    done = ok(api.get(f"/v1/checkout/sessions/{session['id']}"))
    customer = ok(api.get(f"/v1/customers/{done['customer']}"))
    intent = ok(api.get(f"/v1/payment_intents/{session['payment_intent']}"))
    assert customer["email"] == "jenny@example.com"
    assert customer["invoice_settings"]["default_payment_method"] == intent["payment_method"]
    method = ok(api.get(f"/v1/payment_methods/{intent['payment_method']}"))
    assert method["customer"] == customer["id"]


def test_setup_mode_saves_the_card_for_the_customer(client, api):
    customer = ok(api.post("/v1/customers", {"email": "ann@example.com"}))
    session = ok(api.post("/v1/checkout/sessions", {
        "mode": "setup", "customer": customer["id"], "save_card_and_make_default": "true",
        "success_url": "https://shop.example/saved"}))
    assert (session["payment_status"], session["amount_total"]) == ("no_payment_required", None)

    response = client.post(page_path(session), card_form())

    assert response["Location"] == "https://shop.example/saved"
    done = ok(api.get(f"/v1/checkout/sessions/{session['id']}"))
    setup = ok(api.get(f"/v1/setup_intents/{done['setup_intent']}"))
    assert (done["status"], setup["status"]) == ("complete", "succeeded")
    assert ok(api.get(f"/v1/customers/{customer['id']}"))["invoice_settings"][
        "default_payment_method"] == setup["payment_method"]


# -- expiry --------------------------------------------------------------------------------

def test_expire_cancels_the_intent_and_the_page_says_so(client, api, tshirt):
    session = session_create(api, line_items=[{"price": tshirt["id"], "quantity": 1}])

    expired = ok(api.post(f"/v1/checkout/sessions/{session['id']}/expire"))

    assert (expired["status"], expired["url"]) == ("expired", None)
    assert ok(api.get(f"/v1/payment_intents/{session['payment_intent']}"))["status"] == \
        "canceled"
    assert client.get(page_path(session)).status_code == 410
    refused = client.post(page_path(session), card_form())
    assert refused.status_code == 410
    assert Charge.objects.count() == 0
    error = error_of(api.post(f"/v1/checkout/sessions/{session['id']}/expire"))
    assert "can be expired" in error["message"]


def test_a_paid_session_cannot_be_expired(client, api, tshirt):
    session = session_create(api, line_items=[{"price": tshirt["id"], "quantity": 1}])
    client.post(page_path(session), card_form())

    error = error_of(api.post(f"/v1/checkout/sessions/{session['id']}/expire"))
    assert 'status of "complete"' in error["message"]


def test_beat_expires_sessions_past_their_time(api, tshirt):
    from checkout import services

    session = session_create(api, line_items=[{"price": tshirt["id"], "quantity": 1}])
    with clock.bound(clock.now() + timedelta(hours=24, seconds=1)):
        assert services.checkout_sessions_expire_due() == 1

    assert ok(api.get(f"/v1/checkout/sessions/{session['id']}"))["status"] == "expired"
    assert Event.objects.filter(type="checkout.session.expired").count() == 1


def test_list_filters_by_payment_intent_and_status(api, tshirt):
    first = session_create(api, line_items=[{"price": tshirt["id"], "quantity": 1}])
    session_create(api, line_items=[{"price": tshirt["id"], "quantity": 1}])

    listed = ok(api.get("/v1/checkout/sessions", {"payment_intent": first["payment_intent"]}))
    assert [session["id"] for session in listed["data"]] == [first["id"]]
    assert len(ok(api.get("/v1/checkout/sessions", {"status": "open"}))["data"]) == 2


# -- adjustable quantities -----------------------------------------------------------------

def test_the_customer_changes_an_adjustable_quantity_and_pays_the_new_total(client, api,
                                                                           tshirt):
    session = session_create(api, line_items=[{
        "price": tshirt["id"], "quantity": 1,
        "adjustable_quantity": {"enabled": True, "minimum": 1, "maximum": 5}}])
    [item] = ok(api.get(f"/v1/checkout/sessions/{session['id']}/line_items"))["data"]
    field = f"quantity-{item['id']}"
    assert f'name="{field}"' in client.get(page_path(session)).content.decode()

    # changing the quantity with the card shows the new total first, charging nothing
    updated = client.post(page_path(session), {**card_form(), field: "3"})
    assert updated.status_code == 200
    assert "$60.00" in updated.content.decode()
    assert ok(api.get(f"/v1/payment_intents/{session['payment_intent']}"))["amount"] == 6000
    assert Charge.objects.count() == 0

    # then paying charges what the page showed
    assert client.post(page_path(session), {**card_form(), field: "3"}).status_code == 302
    done = ok(api.get(f"/v1/checkout/sessions/{session['id']}"))
    assert (done["amount_total"], done["payment_status"]) == (6000, "paid")
    assert Charge.objects.get().amount == 6000
    [item] = ok(api.get(f"/v1/checkout/sessions/{session['id']}/line_items"))["data"]
    assert (item["quantity"], item["amount_total"]) == (3, 6000)


@pytest.mark.parametrize("quantity", ["9", "0", "lots"])
def test_a_quantity_outside_its_bounds_is_refused_and_changes_nothing(client, api, tshirt,
                                                                      quantity):
    session = session_create(api, line_items=[{
        "price": tshirt["id"], "quantity": 2,
        "adjustable_quantity": {"enabled": True, "minimum": 1, "maximum": 5}}])
    [item] = ok(api.get(f"/v1/checkout/sessions/{session['id']}/line_items"))["data"]

    refused = client.post(page_path(session), {**card_form(), f"quantity-{item['id']}": quantity})

    assert refused.status_code == 400
    assert ok(api.get(f"/v1/checkout/sessions/{session['id']}"))["amount_total"] == 4000
    assert ok(api.get(f"/v1/payment_intents/{session['payment_intent']}"))["amount"] == 4000


def test_a_fixed_quantity_cannot_be_changed_by_a_forged_field(client, api, tshirt):
    session = session_create(api, line_items=[{"price": tshirt["id"], "quantity": 1}])
    [item] = ok(api.get(f"/v1/checkout/sessions/{session['id']}/line_items"))["data"]

    refused = client.post(page_path(session), {**card_form(), f"quantity-{item['id']}": "4"})

    assert refused.status_code == 400
    assert Charge.objects.count() == 0


def test_a_payment_settling_later_completes_unpaid_then_pays(client, api, tshirt, settings):
    from payments import services as payment_services

    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 0
    session = session_create(api, line_items=[{"price": tshirt["id"], "quantity": 1}],
                             payment_intent_data={"capture_method": "automatic_async"})

    assert client.post(page_path(session), card_form()).status_code == 302
    done = ok(api.get(f"/v1/checkout/sessions/{session['id']}"))
    assert (done["status"], done["payment_status"]) == ("complete", "unpaid")

    # when the payment settles (the worker's task)
    payment_services.payment_intent_settle(id=session["payment_intent"])

    settled = ok(api.get(f"/v1/checkout/sessions/{session['id']}"))
    assert settled["payment_status"] == "paid"
    types = sorted(Event.objects.filter(type__startswith="checkout.").values_list("type",
                                                                                flat=True))
    assert types == ["checkout.session.async_payment_succeeded", "checkout.session.completed"]


def test_a_manual_capture_completes_the_session_unpaid(client, api, tshirt):
    session = session_create(api, line_items=[{"price": tshirt["id"], "quantity": 1}],
                             payment_intent_data={"capture_method": "manual"})

    client.post(page_path(session), card_form())

    done = ok(api.get(f"/v1/checkout/sessions/{session['id']}"))
    assert (done["status"], done["payment_status"]) == ("complete", "unpaid")
    assert ok(api.get(f"/v1/payment_intents/{session['payment_intent']}"))["status"] == \
        "requires_capture"
