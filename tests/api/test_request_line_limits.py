"""Over-long request lines and headers are refused before anything parses the request: 414 or
431 in Stripe's envelope (TILL_MAX_REQUEST_LINE, TILL_MAX_HEADER_BYTES, TILL_MAX_HEADERS).
gunicorn's own limits, above these, are in tests/test_production_commands.py."""

import pytest
from django.test import Client


@pytest.fixture
def small_limits(settings):
    settings.TILL_MAX_REQUEST_LINE = 300
    settings.TILL_MAX_HEADER_BYTES = 200
    settings.TILL_MAX_HEADERS = 30


def request_line(path: str, method: str = "GET") -> int:
    return len(f"{method} {path} HTTP/1.1")


def assert_refused(response, status: int, message: str) -> None:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": {"type": "invalid_request_error", "message": message}}
    assert response["Request-Id"].startswith("req_")


def test_a_request_line_over_the_limit_is_a_414(account, small_limits):
    key = account.key()
    path = "/v1/customers?email=" + "a" * 300
    response = Client().get(path, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert_refused(response, 414, (
        f"The request line (method, URL and protocol) is {request_line(path)} bytes long; "
        "Till accepts at most 300. Send long parameters in a POST body."))


def test_a_request_line_at_the_limit_is_served(account, small_limits):
    key = account.key()
    padding = 300 - request_line("/v1/customers?email=")
    path = "/v1/customers?email=" + "a" * padding
    assert request_line(path) == 300
    response = Client().get(path, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200, response.content
    assert response.json()["data"] == []


def test_a_header_over_the_limit_is_a_431(account, small_limits):
    key = account.key()
    response = Client().get("/v1/customers", HTTP_AUTHORIZATION=f"Bearer {key}",
                            HTTP_X_TRACE="t" * 200)
    # name, colon, space, value
    assert_refused(response, 431, "The request header X-Trace is 209 bytes long; Till "
                                  "accepts at most 200 per header.")


def test_too_many_headers_are_a_431(account, small_limits):
    key = account.key()
    headers = {f"HTTP_X_H{n}": "1" for n in range(40)}
    response = Client().get("/v1/customers", HTTP_AUTHORIZATION=f"Bearer {key}", **headers)
    assert response.status_code == 431, response.content
    message = response.json()["error"]["message"]
    assert message.startswith("The request has ")
    assert message.endswith(" headers; Till accepts at most 30.")


def test_the_refusal_comes_before_authentication_parsing_and_the_database(
        account, small_limits, django_assert_num_queries):
    # an over-long header on a POST whose body is not even valid: the header decides
    with django_assert_num_queries(0):
        response = Client().generic("POST", "/v1/customers", b"%%%not a form",
                                    content_type="application/x-www-form-urlencoded",
                                    HTTP_AUTHORIZATION="Bearer sk_test_" + "x" * 300)
    assert response.status_code == 431, response.content
    assert response.json()["error"]["message"].startswith("The request header Authorization")


def test_dashboard_and_pages_are_limited_too(small_limits):
    response = Client().get("/pay/pi_123?client_secret=" + "s" * 300)
    assert response.status_code == 414
    assert response.json()["error"]["type"] == "invalid_request_error"


def test_the_defaults_accept_what_gunicorns_defaults_did(settings):
    # gunicorn's defaults were a 4094-byte request line, 8190-byte headers, 100 of them
    assert settings.TILL_MAX_REQUEST_LINE >= 4094
    assert settings.TILL_MAX_HEADER_BYTES >= 8190
    assert settings.TILL_MAX_HEADERS >= 100
