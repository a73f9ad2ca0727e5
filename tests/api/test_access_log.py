"""The access log: one `till.access` line per request, with the request id, method, path
(secret-bearing query values redacted), status, duration and the API key's id, never the
key (gunicorn's own, which logged the HTTP Basic user, is off: gunicorn.conf.py)."""

import base64
import re
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
from django.test import Client

from tests.conftest import secrets_in

ACCESS_LINE = re.compile(r" INFO till\.access \[(?P<request_id>[^\]]+)\] (?P<method>[A-Z]+) "
                         r"(?P<path>\S+) (?P<status>\d{3}) (?P<ms>\d+\.\d)ms (?P<key>\S+)$")


def access_lines(capture) -> list[re.Match]:
    return [m for line in capture.lines if (m := ACCESS_LINE.search(line))]


def basic(key: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


def test_one_line_per_request_with_the_key_id_not_the_key(account, console_log):
    # given a request authenticated with the secret key in HTTP Basic
    key = account.key()
    response = Client().get("/v1/customers", {"limit": 3}, HTTP_AUTHORIZATION=basic(key))
    assert response.status_code == 200

    # then one line: request id, method, path, status, duration, the key's id
    [line] = access_lines(console_log)
    assert line["request_id"] == response["Request-Id"]
    assert (line["method"], line["path"], line["status"]) == ("GET", "/v1/customers?limit=3",
                                                              "200")
    assert line["key"] == account.merchant.api_keys.get(kind="secret", livemode=False).id
    assert line["key"].startswith("key_")
    assert key not in console_log.text
    assert secrets_in(console_log.text) == []


def test_secret_bearing_query_values_are_redacted(account, api, console_log):
    intent = api.post("/v1/payment_intents", {"amount": 2000, "currency": "usd"}).json()
    console_log.lines.clear()

    # when the intent is retrieved with its client secret, and the hosted page opened
    publishable = account.key("test_publishable_key")
    response = Client().get(f"/v1/payment_intents/{intent['id']}",
                            {"client_secret": intent["client_secret"], "expand[]": "customer"},
                            HTTP_AUTHORIZATION=f"Bearer {publishable}")
    Client().get(f"/pay/{intent['id']}", {"client_secret": intent["client_secret"]})

    # then the lines show where, not the secret
    api_line, page_line = access_lines(console_log)
    assert api_line["path"] == (f"/v1/payment_intents/{intent['id']}"
                                "?client_secret=[REDACTED]&expand%5B%5D=customer")
    assert api_line["status"] == str(response.status_code)
    assert page_line["path"] == f"/pay/{intent['id']}?client_secret=[REDACTED]"
    assert page_line["key"] == "-"
    assert intent["client_secret"] not in console_log.text


def test_a_secret_in_the_path_is_redacted_from_every_line(account, console_log):
    # a clumsy client puts its key where an id goes: a 404, which Django logs with the path
    key = account.key()
    response = Client().get(f"/v1/customers/{key}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 404
    assert key not in console_log.text
    [line] = access_lines(console_log)
    assert line["path"] == "/v1/customers/sk_test_[REDACTED]"
    assert "Not Found: /v1/customers/sk_test_[REDACTED]" in console_log.text


def test_a_live_server_logs_its_requests_without_secrets(live_server, account, console_log):
    # the suite's live-server tests have their logs checked (tests/conftest.py); so has this
    key = account.key()
    request = Request(f"{live_server.url}/v1/customers/{key}?client_secret=pi_1_secret_2abc",
                      headers={"Authorization": basic(key)})
    with pytest.raises(HTTPError) as refused:
        urlopen(request, timeout=10)  # noqa: S310 - the test's own server
    assert refused.value.code == 400  # client_secret is no parameter of a customer
    [line] = access_lines(console_log)
    assert line["path"] == "/v1/customers/sk_test_[REDACTED]?client_secret=[REDACTED]"
    assert secrets_in(console_log.text) == []
