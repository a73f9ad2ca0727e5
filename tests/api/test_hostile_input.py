"""Hostile and clumsy input the parser refuses, through the real HTTP stack: NUL characters,
deep brackets, repeated names and invalid UTF-8, in form bodies, query strings and JSON alike.

Each is a 400 in Stripe's envelope (`invalid_request_error`) naming the parameter, before
anything runs: no row written, no idempotency key kept.
"""

import logging
from urllib.parse import quote

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.models import IdempotencyKey
from api.parsers import MAX_NESTING_DEPTH
from payments.models import Customer, PaymentIntent
from refunds.models import Refund
from tests.api.helpers import get_raw, invalid_request, post_raw
from webhooks.models import WebhookEndpoint

KEY = "hostile-input-key"


# -- 4. NUL characters ---------------------------------------------------------------------

@pytest.mark.parametrize(("body", "param"), [
    ("metadata[k]=a%00b", "metadata[k]"),
    ("name=%00", "name"),
    ("metadata[a%00]=b", "metadata[a\x00]"),
    ("preferred_locales[]=fr&preferred_locales[]=d%00e", "preferred_locales[]"),
])
def test_a_nul_in_a_form_body_is_a_400_naming_the_parameter(api, body, param):
    # when a form body carries a NUL in a value or a name
    response = post_raw(api, "/v1/customers", body)
    # then a 400 names the parameter, and nothing is created
    error = invalid_request(response)
    assert error["param"] == param
    assert "NUL" in error["message"]
    assert not Customer.objects.exists()


@pytest.mark.parametrize(("body", "param"), [
    ({"metadata": {"k": "a\u0000b"}}, "metadata[k]"),
    ({"metadata": {"a\u0000": "b"}}, "metadata[a\x00]"),
    ({"preferred_locales": ["fr", "\u0000"]}, "preferred_locales[1]"),
    ({"address": {"line1": "1 Main St\u0000"}}, "address[line1]"),
    ({"name\u0000": "x"}, "name\x00"),
])
def test_a_nul_in_a_json_body_is_a_400_naming_the_parameter(api, body, param):
    response = api.post_json("/v1/customers", body)
    error = invalid_request(response)
    assert error["param"] == param
    assert not Customer.objects.exists()


def test_a_nul_in_a_query_string_is_a_400_naming_the_parameter(api):
    error = invalid_request(get_raw(api, "/v1/customers?email=a%00b@example.test"))
    assert error["param"] == "email"
    error = invalid_request(get_raw(api, "/v1/charges?customer=cus_%00"))
    assert error["param"] == "customer"


@pytest.mark.parametrize(("path", "params", "param"), [
    ("/v1/payment_intents", {"amount": "2000", "currency": "usd", "description": "a\x00"},
     "description"),
    ("/v1/payment_intents", {"amount": "2000", "currency": "usd", "customer": "cus_\x00"},
     "customer"),
    ("/v1/payment_methods", {"type": "card", "card": {"token": "tok_\x00"}}, "card[token]"),
    ("/v1/payment_methods", {"type": "card", "card": {"token": "tok_visa"},
                             "billing_details": {"name": "\x00"}}, "billing_details[name]"),
    ("/v1/setup_intents", {"metadata": {"order": "\x00"}}, "metadata[order]"),
    ("/v1/refunds", {"payment_intent": "pi_\x00"}, "payment_intent"),
    ("/v1/refunds/batch", {"refunds": [{"payment_intent": "pi_\x00"}]},
     "refunds[0][payment_intent]"),
    ("/v1/webhook_endpoints", {"url": "https://example.test/\x00",
                               "enabled_events": ["*"]}, "url"),
])
def test_a_nul_in_any_resource_is_a_400_and_no_idempotency_key_is_kept(api, path, params,
                                                                        param):
    # when any resource's string parameter carries a NUL, under an idempotency key
    response = api.post(path, params, headers={"Idempotency-Key": KEY})
    # then a 400 names it, nothing is written and the key is not kept for a replay
    error = invalid_request(response)
    assert error["param"] == param
    assert not PaymentIntent.objects.exists()
    assert not Refund.objects.exists()
    assert not WebhookEndpoint.objects.exists()
    assert not IdempotencyKey.objects.exists()


def test_a_nul_in_the_idempotency_key_is_a_400(api):
    response = api.post("/v1/customers", {"email": "a@b.test"},
                        headers={"Idempotency-Key": "a\x00b"})
    assert invalid_request(response)["param"] == "Idempotency-Key"
    assert not Customer.objects.exists()
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize(("method", "path", "noun"), [
    ("GET", "/v1/customers/cus_%00", "customer"),
    ("DELETE", "/v1/customers/cus_%00", "customer"),
    ("GET", "/v1/customers/cus_%00/payment_methods", "customer"),
    ("POST", "/v1/payment_intents/pi_%00/confirm", "payment_intent"),
    ("GET", "/v1/charges/ch_%00", "charge"),
    ("GET", "/v1/refunds/batch/rfb_%00", "refund_batch"),
    ("GET", "/v1/webhook_endpoints/we_%00", "webhook_endpoint"),
])
def test_a_nul_in_a_path_id_is_a_404_that_never_reaches_the_database(api, method, path,
                                                                      noun):
    # when an id in the path carries a NUL
    with CaptureQueriesContext(connection) as queries:
        response = api.client.generic(method, path, HTTP_AUTHORIZATION=f"Bearer {api.key}")
    # then Stripe's 404 for a missing object, naming the id
    error = invalid_request(response, 404)
    id_ = path.split("/")[-1] if "%00" in path.split("/")[-1] else path.split("/")[-2]
    id_ = id_.replace("%00", "\x00")
    assert error == {"type": "invalid_request_error", "code": "resource_missing",
                     "param": "id", "message": f"No such {noun}: '{id_}'"}
    # and no statement carried the id to the database (PostgreSQL refuses a NUL: a 500)
    # (the request log's row keeps the error's message, its NUL escaped)
    literal = "'" + id_.split("\x00")[0]
    assert not any(literal in query["sql"] for query in queries.captured_queries
                   if "api_requestlog" not in query["sql"])


# -- 5. Deep brackets ----------------------------------------------------------------------

DEEP_NAME = "a" + "".join(f"[b{i}]" for i in range(500))


def assert_one_short_log_line(caplog) -> None:
    records = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(records) <= 1, [r.getMessage()[:200] for r in records]
    assert all(len(r.getMessage()) < 300 and not r.exc_info for r in records)


def test_deep_brackets_in_a_form_body_are_a_400_with_one_short_log_line(api, caplog):
    # when a body nests a name 500 brackets deep
    with caplog.at_level(logging.INFO):
        response = post_raw(api, "/v1/customers", f"{DEEP_NAME}=1")
    # then a short 400 names the parameter down to the first level too deep
    error = invalid_request(response)
    assert error["param"] == "a" + "".join(f"[b{i}]" for i in range(MAX_NESTING_DEPTH + 1))
    assert f"{MAX_NESTING_DEPTH} levels" in error["message"]
    assert len(response.content) < 1000
    # and the log has at most one short line, no traceback
    assert_one_short_log_line(caplog)
    assert not Customer.objects.exists()


def test_deep_brackets_in_a_query_string_are_a_400(api, caplog):
    with caplog.at_level(logging.INFO):
        response = get_raw(api, f"/v1/customers?{DEEP_NAME}=1")
    error = invalid_request(response)
    assert error["param"].startswith("a[b0][b1]")
    assert_one_short_log_line(caplog)


def test_deep_brackets_in_expand_are_a_400(api, caplog):
    name = "expand[]" + "[]" * 500
    with caplog.at_level(logging.INFO):
        response = post_raw(api, "/v1/customers", f"{name}=x")
    error = invalid_request(response)
    assert error["param"].startswith("expand[]")
    assert_one_short_log_line(caplog)


def test_deep_json_is_a_400_naming_the_parameter(api, caplog):
    # given metadata nested 500 hashes deep (within what the JSON decoder itself takes)
    body = '{"metadata": ' + '{"a": ' * 500 + '"x"' + "}" * 500 + "}"
    with caplog.at_level(logging.INFO):
        response = post_raw(api, "/v1/customers", body, content_type="application/json")
    error = invalid_request(response)
    assert error["param"] == "metadata" + "[a]" * (MAX_NESTING_DEPTH + 1)
    assert_one_short_log_line(caplog)


@pytest.mark.parametrize("body", ["[" * 100_000, '{"a": ' + "[" * 100_000])
def test_json_nested_a_hundred_thousand_deep_is_a_clean_400(api, caplog, body):
    with caplog.at_level(logging.INFO):
        response = post_raw(api, "/v1/customers", body, content_type="application/json")
    error = invalid_request(response)
    assert f"{MAX_NESTING_DEPTH} levels" in error["message"]
    assert_one_short_log_line(caplog)


def test_the_deepest_nesting_allowed_still_parses(api):
    # a name exactly as deep as allowed reaches the parameters (here: an unknown one)
    name = "a" + "[b]" * MAX_NESTING_DEPTH
    error = invalid_request(post_raw(api, "/v1/customers", f"{name}=1"))
    assert (error["code"], error["param"]) == ("parameter_unknown", "a")


# -- 10. Repeated parameters ---------------------------------------------------------------

def test_a_parameter_given_twice_is_a_400_not_last_wins(api):
    # when amount is given twice
    response = post_raw(api, "/v1/payment_intents", "amount=-5&amount=100000&currency=usd")
    # then a 400 names it, and no intent is created
    error = invalid_request(response)
    assert error["param"] == "amount"
    assert "more than once" in error["message"]
    assert not PaymentIntent.objects.exists()


@pytest.mark.parametrize(("body", "param"), [
    ("metadata[k]=a&metadata[k]=b", "metadata[k]"),
    ("preferred_locales[0]=fr&preferred_locales[0]=de", "preferred_locales[0]"),
    ("email=a%40b.test&email=c%40d.test", "email"),
])
def test_any_repeated_name_is_a_400(api, body, param):
    error = invalid_request(post_raw(api, "/v1/customers", body))
    assert error["param"] == param
    assert not Customer.objects.exists()


def test_a_query_parameter_given_twice_is_a_400(api):
    error = invalid_request(get_raw(api, "/v1/customers?limit=1&limit=100"))
    assert error["param"] == "limit"


def test_a_json_key_given_twice_is_a_400(api):
    body = '{"amount": -5, "amount": 100000, "currency": "usd"}'
    error = invalid_request(post_raw(api, "/v1/payment_intents", body,
                                     content_type="application/json"))
    assert error["param"] == "amount"
    assert not PaymentIntent.objects.exists()


def test_array_forms_may_repeat(api):
    response = post_raw(api, "/v1/customers", "preferred_locales[]=fr&preferred_locales[]=de")
    assert response.status_code == 200, response.content
    assert response.json()["preferred_locales"] == ["fr", "de"]
    indexed = post_raw(api, "/v1/customers", "preferred_locales[0]=fr&preferred_locales[1]=de")
    assert indexed.json()["preferred_locales"] == ["fr", "de"]
    customer = indexed.json()["id"]
    expanded = post_raw(api, "/v1/payment_intents", f"amount=2000&currency=usd&customer="
                        f"{customer}&expand[]=customer&expand[]=latest_charge")
    assert expanded.status_code == 200, expanded.content
    assert expanded.json()["customer"]["id"] == customer


# -- 11. Invalid UTF-8 --------------------------------------------------------------------

@pytest.mark.parametrize(("body", "param"), [
    (b"name=%FF", "name"),
    (b"name=\xff", "name"),
    (b"name=%ED%A0%80", "name"),  # a UTF-16 surrogate, which UTF-8 may not encode
    (b"na%FFme=x", "na\ufffdme"),
])
def test_invalid_utf8_in_a_form_body_is_a_400(api, body, param):
    error = invalid_request(post_raw(api, "/v1/customers", body))
    assert error["param"] == param
    assert "UTF-8" in error["message"]
    assert not Customer.objects.exists()


@pytest.mark.parametrize("body", [b'{"name": "\xff"}', b'{"name": "\\ud800"}'])
def test_invalid_utf8_in_a_json_body_is_a_400(api, body):
    invalid_request(post_raw(api, "/v1/customers", body, content_type="application/json"))
    assert not Customer.objects.exists()


def test_invalid_utf8_in_a_query_string_is_a_400(api):
    error = invalid_request(get_raw(api, "/v1/customers?email=" + quote(b"\xff")))
    assert error["param"] == "email"
    assert "UTF-8" in error["message"]
