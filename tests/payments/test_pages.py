"""The hosted payment page (/pay/<intent>?client_secret=…), its result page, and till.js."""

import json
import logging
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api.parsers import parse_pairs
from payments.models import Charge, PaymentIntent, PaymentMethod
from tests.conftest import Api, flatten
from webhooks.models import Event

GOOD = "4242424242424242"
DECLINED = "4000000000000002"
THREE_D_SECURE = "4000002760003184"
CVC = "987"
TILL_JS = Path(settings.BASE_DIR) / "payments" / "static" / "payments" / "till.js"
NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="node is not installed")


@pytest.fixture
def intent(api: Api) -> dict:
    response = api.post("/v1/payment_intents", {"amount": 2000, "currency": "usd",
                                                "description": "Order 42"})
    assert response.status_code == 200, response.content
    return response.json()


def pay_url(intent: dict) -> str:
    return reverse("pages:pay", args=[intent["id"]]) + "?" + urlencode(
        {"client_secret": intent["client_secret"]})


def card_form(**fields: str) -> dict[str, str]:
    return {"number": GOOD, "expiry": "12 / 34", "cvc": CVC, "name": "Jenny Rosen", **fields}


def local(url: str) -> str:
    """An absolute Till URL (TILL_PUBLIC_URL…) as the test client's path and query."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def input_tag(body: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', body)
    assert match, f"no {name} input"
    return match.group(0)


# -- the page ------------------------------------------------------------------------------

def test_the_page_shows_the_merchant_the_amount_and_a_card_form(
        client, intent, account, django_assert_max_num_queries):
    # when the customer opens the page
    with django_assert_max_num_queries(2):
        response = client.get(pay_url(intent))

    # then it names the merchant, shows the amount and asks for a card
    body = response.content.decode()
    assert response.status_code == 200
    assert account.merchant.name in body
    assert "$20.00 USD" in body
    assert "Order 42" in body
    for name in ("number", "expiry", "cvc", "name", "csrfmiddlewaretoken"):
        input_tag(body, name)
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("secret", ["altered", "empty", "missing"])
def test_a_wrong_or_missing_client_secret_is_a_404(client, intent, secret):
    # given the intent's id with a secret that is not its own (or none)
    last = intent["client_secret"][-1]
    given = {"altered": intent["client_secret"][:-1] + ("x" if last != "x" else "y"),
             "empty": ""}
    url = reverse("pages:pay", args=[intent["id"]])
    if secret in given:
        url += "?" + urlencode({"client_secret": given[secret]})

    # when the page is asked for, or posted to, then there is no such payment
    assert client.get(url).status_code == 404
    assert client.post(url, card_form()).status_code == 404
    assert PaymentMethod.objects.count() == 0


def test_another_intents_secret_is_a_404(client, api, intent):
    other = api.post("/v1/payment_intents", {"amount": 500, "currency": "usd"}).json()
    url = reverse("pages:pay", args=[intent["id"]]) + "?" + urlencode(
        {"client_secret": other["client_secret"]})
    assert client.get(url).status_code == 404
    assert client.get(reverse("pages:result", args=[intent["id"]]) + "?" + urlencode(
        {"payment_intent_client_secret": other["client_secret"]})).status_code == 404


# -- paying ---------------------------------------------------------------------------------

def test_a_good_card_pays_and_lands_on_the_result_page(client, intent):
    # when the customer pays with a good card
    response = client.post(pay_url(intent), card_form())

    # then the intent succeeded with one charge, and the browser goes to the result
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("pages:result", args=[intent["id"]]))
    paid = PaymentIntent.objects.get(pk=intent["id"])
    assert paid.status == "succeeded"
    assert paid.amount_received == 2000
    assert Charge.objects.filter(payment_intent=paid).count() == 1
    assert paid.return_url == settings.TILL_PUBLIC_URL + reverse("pages:result",
                                                                 args=[paid.id])
    assert paid.payment_method.billing_details["name"] == "Jenny Rosen"

    # and the result reads like a receipt
    result = client.get(response["Location"])
    body = result.content.decode()
    assert result.status_code == 200
    assert "Payment successful" in body
    assert "$20.00 USD" in body
    assert "Visa •••• 4242" in body
    assert intent["id"] in body


def test_a_declined_card_shows_the_decline_and_the_form_again(client, intent):
    # when the customer pays with a card the bank declines
    response = client.post(pay_url(intent), card_form(number=DECLINED))

    # then the decline is shown, the form is back without the number, ready for another card
    body = response.content.decode()
    assert response.status_code == 402
    assert "Your card was declined." in body
    assert DECLINED not in body
    assert "value=" not in input_tag(body, "number")
    assert "value=" not in input_tag(body, "cvc")
    assert 'value="12 / 34"' in input_tag(body, "expiry")
    assert 'value="Jenny Rosen"' in input_tag(body, "name")
    assert PaymentIntent.objects.get(pk=intent["id"]).status == "requires_payment_method"

    # and another card then goes through
    retry = client.post(pay_url(intent), card_form())
    assert retry.status_code == 302
    assert PaymentIntent.objects.get(pk=intent["id"]).status == "succeeded"


def test_a_mistyped_number_is_flagged_on_the_number_field(client, intent):
    # when the number fails the Luhn check
    response = client.post(pay_url(intent), card_form(number="4242424242424241"))

    # then the number field says so, and nothing was stored or charged
    body = response.content.decode()
    assert response.status_code == 402
    assert re.search(r'id="number-error">Your card number is incorrect\.<', body)
    assert 'aria-invalid="true"' in input_tag(body, "number")
    assert "4242424242424241" not in body
    assert PaymentMethod.objects.count() == 0
    assert PaymentIntent.objects.get(pk=intent["id"]).status == "requires_payment_method"


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"number": ""}, "number", "Your card number is incomplete."),
    ({"expiry": ""}, "expiry", "Your card&#x27;s expiration date is incomplete."),
    ({"expiry": "1/2/3"}, "expiry", "Your card&#x27;s expiration date is invalid."),
    ({"expiry": "13 / 30"}, "expiry", "Your card&#x27;s expiration month is invalid."),
    ({"expiry": "01 / 20"}, "expiry", "Your card has expired."),
    ({"cvc": ""}, "cvc", "Your card&#x27;s security code is incomplete."),
    ({"cvc": "12"}, "cvc", "Your card&#x27;s security code is invalid."),
])
def test_each_card_error_is_shown_next_to_its_field(client, intent, fields, field, message):
    response = client.post(pay_url(intent), card_form(**fields))

    body = response.content.decode()
    assert response.status_code in (400, 402)
    assert f'id="{field}-error">{message}<' in body
    assert GOOD not in body
    assert PaymentMethod.objects.count() == 0


def test_a_3ds_card_goes_through_the_challenge_to_the_result(client, intent):
    # when the customer pays with a card whose bank asks for 3-D Secure
    response = client.post(pay_url(intent), card_form(number=THREE_D_SECURE))

    # then the browser goes to the challenge the intent names
    waiting = PaymentIntent.objects.get(pk=intent["id"])
    assert waiting.status == "requires_action"
    assert response.status_code == 302
    assert response["Location"] == waiting.next_action["redirect_to_url"]["url"]
    challenge = client.get(local(response["Location"]))
    assert challenge.status_code == 200
    assert "Complete authentication" in challenge.content.decode()

    # when the customer completes it
    answered = client.post(local(response["Location"]), {"outcome": "complete"})

    # then they come back to Till's result page, paid
    assert answered.status_code == 302
    back = urlsplit(answered["Location"])
    assert back.path == reverse("pages:result", args=[intent["id"]])
    assert dict(parse_qsl(back.query))["redirect_status"] == "succeeded"
    result = client.get(local(answered["Location"]))
    assert "Payment successful" in result.content.decode()
    paid = PaymentIntent.objects.get(pk=intent["id"])
    assert paid.status == "succeeded"
    assert Charge.objects.filter(payment_intent=paid).count() == 1


def test_a_failed_challenge_offers_another_card(client, intent):
    response = client.post(pay_url(intent), card_form(number=THREE_D_SECURE))
    answered = client.post(local(response["Location"]), {"outcome": "fail"})

    result = client.get(local(answered["Location"]))
    body = result.content.decode()
    assert "Payment not completed" in body
    assert "unable to authenticate your payment method" in body
    assert pay_url(intent).replace("&", "&amp;") in body
    assert client.get(pay_url(intent)).status_code == 200


def test_a_settled_intent_shows_its_outcome_instead_of_the_form(client, api, intent):
    # given an intent paid, and another canceled
    client.post(pay_url(intent), card_form())
    canceled = api.post("/v1/payment_intents", {"amount": 700, "currency": "eur"}).json()
    api.post(f"/v1/payment_intents/{canceled['id']}/cancel")

    # when their pages are opened (or posted to again)
    paid_page = client.get(pay_url(intent)).content.decode()
    again = client.post(pay_url(intent), card_form())
    canceled_page = client.get(pay_url(canceled)).content.decode()

    # then they show the outcome, no form, and nothing is charged twice
    assert "Payment successful" in paid_page and 'name="number"' not in paid_page
    assert again.status_code == 200 and "Payment successful" in again.content.decode()
    assert Charge.objects.filter(payment_intent_id=intent["id"]).count() == 1
    assert PaymentMethod.objects.count() == 1
    assert "Payment canceled" in canceled_page and 'name="number"' not in canceled_page


def test_the_form_is_csrf_protected(intent):
    # given a browser that enforces CSRF, as every real one is checked
    browser = Client(enforce_csrf_checks=True)
    browser.get(pay_url(intent))
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value

    # when a post comes without the token, it is refused; with it, it pays
    assert browser.post(pay_url(intent), card_form()).status_code == 403
    assert PaymentMethod.objects.count() == 0
    response = browser.post(pay_url(intent), {**card_form(), "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert PaymentIntent.objects.get(pk=intent["id"]).status == "succeeded"


# -- card data never leaks -------------------------------------------------------------------

def _rows() -> str:
    rows = [PaymentMethod.objects.values(), Charge.objects.values(),
            PaymentIntent.objects.values(), Event.objects.values()]
    return json.dumps([list(queryset) for queryset in rows], default=str)


@pytest.mark.parametrize("number", [GOOD, DECLINED, THREE_D_SECURE, "4242424242424241",
                                    "4000000000000127"])
def test_the_number_and_cvc_never_reach_a_response_a_log_or_the_database(
        client, intent, caplog, number):
    caplog.set_level(logging.DEBUG)
    cvc = re.compile(rf"(?<!\w){CVC}(?!\w)")
    bodies = []

    # when the customer pays (and follows every redirect), with SQL captured
    with CaptureQueriesContext(connection) as queries:
        response = client.post(pay_url(intent), card_form(number=number))
        bodies.append(response.content.decode())
        while response.status_code == 302:
            location = local(response["Location"])
            response = client.get(location)
            bodies.append(response.content.decode())
            if "/authenticate/" in location:
                response = client.post(location, {"outcome": "complete"})
                bodies.append(response.content.decode())

    # then neither the number nor the CVC is in any body, log line, SQL statement or row
    for body in bodies:
        assert number not in body
        assert not cvc.search(body)
    assert number not in caplog.text and not cvc.search(caplog.text)
    sql = " ".join(str(query["sql"]) for query in queries.captured_queries)
    assert number not in sql
    assert number not in _rows()
    for method in PaymentMethod.objects.all():
        stored = json.dumps([method.card, method.billing_details, method.processor_token,
                             method.metadata])
        assert number not in stored and not cvc.search(stored)
        assert method.card["last4"] == number[-4:]


# -- till.js --------------------------------------------------------------------------------

def test_till_js_is_served_with_its_three_functions(settings):
    # given static files found as `collectstatic` would (WhiteNoise serves them)
    settings.WHITENOISE_USE_FINDERS = True
    browser = Client()

    response = browser.get("/static/payments/till.js")

    assert response.status_code == 200
    assert "javascript" in response["Content-Type"]
    source = b"".join(response.streaming_content).decode()
    for name in ("createPaymentMethod", "confirmCardPayment", "retrievePaymentIntent"):
        assert f"function {name}(" in source
    assert browser.get("/static/payments/pages.css").status_code == 200


def run_node(script: str) -> dict:
    completed = subprocess.run(  # noqa: S603 - a fixed script, our own file
        [NODE, "-e", script, str(TILL_JS)], capture_output=True, text=True, timeout=30,
        check=False)
    assert completed.returncode == 0, completed.stderr
    return json.loads(completed.stdout)


@needs_node
def test_till_js_encodes_requests_as_the_api_parses_them():
    # given nested params as a merchant's page passes them
    params = {"type": "card",
              "card": {"number": GOOD, "exp_month": 12, "exp_year": 2034, "cvc": CVC},
              "billing_details": {"name": "Jenny Rosen & Co", "address": None},
              "metadata": {"order_id": "42", "note": "ünïcode + spaces"},
              "expand": ["payment_method", "latest_charge"], "off_session": True,
              "skipped": None}

    # when till.js encodes them under node
    encoded = run_node(
        "const Till = require(process.argv[1]);"
        f"const params = {json.dumps(params)}; params.never = undefined;"
        "process.stdout.write(JSON.stringify({body: Till.encodeForm(params),"
        " id: Till.intentIdFromClientSecret('pi_AbC123_secret_XyZ789'),"
        " bad: Till.intentIdFromClientSecret('seti_1_secret_2')}));")

    # then the pairs are Stripe's bracket form, which Till's parser nests back
    pairs = parse_qsl(encoded["body"], keep_blank_values=True)
    assert pairs == flatten(params)
    assert parse_pairs(pairs) == {
        "type": "card",
        "card": {"number": GOOD, "exp_month": "12", "exp_year": "2034", "cvc": CVC},
        "billing_details": {"name": "Jenny Rosen & Co", "address": ""},
        "metadata": {"order_id": "42", "note": "ünïcode + spaces"},
        "expand": ["payment_method", "latest_charge"], "off_session": "true", "skipped": ""}
    assert "+" not in encoded["body"].replace("%2B", "")
    assert encoded["id"] == "pi_AbC123"
    assert encoded["bad"] is None


@needs_node
def test_till_js_calls_the_api_with_the_publishable_key_and_reports_errors():
    # given till.js with a fetch that records requests and answers like Till
    script = """
    const Till = require(process.argv[1]);
    const seen = [];
    const answers = [
      {status: 200, body: {id: "pm_1", object: "payment_method"}},
      {status: 402, body: {error: {type: "card_error", code: "card_declined",
                                   message: "Your card was declined."}}},
      {status: 200, body: {id: "pi_A1", status: "requires_action", next_action: {
        type: "redirect_to_url", redirect_to_url: {url: "https://till.test/pay/authenticate/pi_A1"}}}},
      {status: 200, body: {id: "pi_A1", status: "succeeded"}},
    ];
    async function fetch(url, init) {
      seen.push({url, method: init.method, headers: init.headers, body: init.body || null,
                 credentials: init.credentials});
      if (!answers.length) throw new TypeError("Failed to fetch");
      const answer = answers.shift();
      return {ok: answer.status < 400, status: answer.status, json: async () => answer.body};
    }
    (async () => {
      const till = Till("pk_test_123", {apiBase: "https://till.test/", fetch});
      const out = {};
      out.pm = await till.createPaymentMethod({card: {number: "4242424242424242", exp_month: 12,
        exp_year: 2034, cvc: "987"}, billing_details: {name: "Jenny"}});
      out.declined = await till.confirmCardPayment("pi_A1_secret_S1",
        {payment_method: "pm_1", return_url: "https://shop.test/done"});
      out.action = await till.confirmCardPayment("pi_A1_secret_S1",
        {payment_method: "pm_1", return_url: "https://shop.test/done"}, {handleActions: false});
      out.retrieved = await till.retrievePaymentIntent("pi_A1_secret_S1");
      out.offline = await till.retrievePaymentIntent("pi_A1_secret_S1");
      out.badSecret = await till.retrievePaymentIntent("nonsense");
      try {
        Till("sk_test_123", {apiBase: "https://till.test", fetch});
        out.secretKey = "accepted";
      } catch (e) { out.secretKey = "refused"; }
      out.seen = seen;
      process.stdout.write(JSON.stringify(out));
    })();
    """

    # when a page creates a payment method, confirms twice, retrieves, and goes offline
    out = run_node(script)

    # then each call used the key, the right URL and form encoding, and answered {x} or {error}
    seen = out["seen"]
    assert [(call["method"], call["url"]) for call in seen] == [
        ("POST", "https://till.test/v1/payment_methods"),
        ("POST", "https://till.test/v1/payment_intents/pi_A1/confirm"),
        ("POST", "https://till.test/v1/payment_intents/pi_A1/confirm"),
        ("GET", "https://till.test/v1/payment_intents/pi_A1?client_secret=pi_A1_secret_S1"),
        ("GET", "https://till.test/v1/payment_intents/pi_A1?client_secret=pi_A1_secret_S1"),
    ]
    assert all(call["headers"]["Authorization"] == "Bearer pk_test_123" for call in seen)
    assert all(call["credentials"] == "omit" for call in seen)
    assert seen[0]["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_pairs(parse_qsl(seen[0]["body"]))["card"]["number"] == GOOD
    assert dict(parse_qsl(seen[1]["body"])) == {
        "payment_method": "pm_1", "return_url": "https://shop.test/done",
        "client_secret": "pi_A1_secret_S1"}
    assert out["pm"] == {"paymentMethod": {"id": "pm_1", "object": "payment_method"}}
    assert out["declined"]["error"]["code"] == "card_declined"
    assert out["action"]["paymentIntent"]["next_action"]["redirect_to_url"]["url"] == (
        "https://till.test/pay/authenticate/pi_A1")
    assert out["retrieved"] == {"paymentIntent": {"id": "pi_A1", "status": "succeeded"}}
    assert out["offline"]["error"]["type"] == "api_connection_error"
    assert out["badSecret"]["error"]["param"] == "client_secret"
    assert out["secretKey"] == "refused"
