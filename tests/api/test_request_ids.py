"""Request ids: every response carries `Request-Id`, a client's X-Request-Id is echoed, and
log lines written while a request runs name it."""

import io
import logging
import re

import pytest
from rest_framework.test import APIClient

from api.middleware import RequestIdLogFilter
from payments import services

REQUEST_ID = re.compile(r"^req_[A-Za-z0-9]{16}$")


@pytest.mark.parametrize(("method", "path", "status"), [
    ("GET", "/v1/customers", 200),
    ("POST", "/v1/customers", 200),
    ("GET", "/v1/customers/cus_missing", 404),
    ("POST", "/v1/customers?", 200),
    ("GET", "/v1/nothing", 404),
    ("POST", "/v1/nothing", 404),
    ("PUT", "/v1/customers", 404),
    ("GET", "/v1/openapi.json", 200),
    ("GET", "/healthz", 200),
])
def test_every_response_has_a_request_id(api, method, path, status):
    response = api.client.generic(method, path, "", HTTP_AUTHORIZATION=f"Bearer {api.key}",
                                  content_type="application/x-www-form-urlencoded")
    assert response.status_code == status, response.content
    assert REQUEST_ID.match(response["Request-Id"]), response["Request-Id"]


def test_unauthenticated_error_has_a_request_id(db):
    response = APIClient().get("/v1/customers")
    assert response.status_code == 401
    assert REQUEST_ID.match(response["Request-Id"])


def test_server_error_has_a_request_id(api, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "customer_create", broken)
    response = api.post("/v1/customers", {})
    assert response.status_code == 500
    assert REQUEST_ID.match(response["Request-Id"])


def test_request_ids_differ(api):
    ids = {api.get("/v1/customers")["Request-Id"] for _ in range(5)}
    assert len(ids) == 5


def test_client_request_id_is_echoed(api):
    response = api.get("/v1/customers", headers={"X-Request-Id": "trace-1234.abc:9"})
    assert response["Request-Id"] == "trace-1234.abc:9"


def test_client_request_id_reaches_the_event(api):
    api.post("/v1/customers", {}, headers={"X-Request-Id": "checkout-42"})
    event = api.get("/v1/events").json()["data"][0]
    assert event["request"]["id"] == "checkout-42"


@pytest.mark.parametrize("client_id", ["has spaces", "x" * 201, "<script>", "a\u00e9"])
def test_unusable_client_request_id_is_replaced(api, client_id):
    response = api.client.get("/v1/customers", HTTP_AUTHORIZATION=f"Bearer {api.key}",
                              HTTP_X_REQUEST_ID=client_id)
    assert REQUEST_ID.match(response["Request-Id"])


@pytest.fixture
def console():
    """The configured console handler (settings.LOGGING), writing into a buffer."""
    handler = next(h for h in logging.getLogger().handlers
                   if any(isinstance(f, RequestIdLogFilter) for f in h.filters))
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


def test_log_lines_written_during_a_request_carry_its_id(api, monkeypatch, console):
    # given a service that logs while it works
    real_create = services.customer_create

    def logging_create(**kwargs):
        logging.getLogger("payments").warning("creating a customer")
        return real_create(**kwargs)

    monkeypatch.setattr(services, "customer_create", logging_create)
    # when a request runs it
    response = api.post("/v1/customers", {})
    # then the log line names the request
    lines = [line for line in console.getvalue().splitlines() if "creating a customer" in line]
    assert len(lines) == 1
    assert f"[{response['Request-Id']}]" in lines[0]


def test_server_error_log_carries_the_id(api, monkeypatch, console):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "customer_create", broken)
    response = api.post("/v1/customers", {})
    request_id = response["Request-Id"]
    lines = [line for line in console.getvalue().splitlines() if "till.api" in line]
    assert lines and all(f"[{request_id}]" in line for line in lines)


def test_djangos_request_log_lines_carry_the_id(api, console):
    # when Django logs a 4xx answer (it does so after the middleware has returned)
    response = api.get("/v1/customers/cus_missing")
    # then that line names the request too
    lines = [line for line in console.getvalue().splitlines() if "django.request" in line]
    assert len(lines) == 1
    assert f"[{response['Request-Id']}]" in lines[0]


def test_log_lines_outside_requests_have_a_placeholder(console):
    logging.getLogger("till.test").warning("outside any request")
    line = next(line for line in console.getvalue().splitlines() if "outside any" in line)
    assert "[-]" in line
