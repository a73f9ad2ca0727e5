"""Request size and parameter count: a body over TILL_MAX_REQUEST_BYTES is a 413 in Stripe's
envelope, judged on its declared length before it is read (on the bytes read, for a chunked
body); more than TILL_MAX_PARAMETERS parameters are a 400, counted before parsing.
"""

import http.client
import io
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from payments.models import Customer
from tests.api.helpers import get_raw, invalid_request, post_raw
from tests.payments.factories import ok


class CountingInput(io.BytesIO):
    """A WSGI input that remembers how much of it was read."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def test_a_body_declared_too_large_is_a_413_before_it_is_read(api):
    # when a request declares a 50 MiB body
    wsgi_input = CountingInput(b"name=x&" * 10)
    response = post_raw(api, "/v1/customers", b"", **{
        "CONTENT_LENGTH": str(50 * 1024 * 1024), "wsgi.input": wsgi_input})
    # then a 413 in Stripe's envelope, and not a byte of the body was read
    error = invalid_request(response, 413)
    assert "1048576 bytes" in error["message"]
    assert wsgi_input.bytes_read == 0
    assert "Request-Id" in response
    assert not Customer.objects.exists()


def test_a_body_over_the_limit_is_a_413_and_one_at_the_limit_is_not(api, settings):
    settings.TILL_MAX_REQUEST_BYTES = 1000
    over = post_raw(api, "/v1/customers", "description=" + "x" * (1001 - len("description=")))
    invalid_request(over, 413)
    at = post_raw(api, "/v1/customers", "description=" + "x" * (1000 - len("description=")))
    assert at.status_code == 200, at.content
    assert Customer.objects.count() == 1


def test_a_chunked_body_is_judged_on_the_bytes_read(api, settings):
    # given a chunked body (no Content-Length; the server ends the stream, as gunicorn does)
    settings.TILL_MAX_REQUEST_BYTES = 1000

    def chunked(wsgi_input: CountingInput):
        return post_raw(api, "/v1/customers", b"", **{
            "CONTENT_LENGTH": "", "HTTP_TRANSFER_ENCODING": "chunked",
            "wsgi.input": wsgi_input, "wsgi.input_terminated": True})

    # when it is larger than the limit / then a 413, having read one byte past the limit
    big = CountingInput(b"x" * 10_000)
    invalid_request(chunked(big), 413)
    assert big.bytes_read <= 1001
    # and a small one is parsed, not dropped
    small = chunked(CountingInput(b"email=chunked%40example.test"))
    assert small.status_code == 200, small.content
    assert small.json()["email"] == "chunked@example.test"


@pytest.fixture
def gunicorn(tmp_path):
    """The production server (`gunicorn config.wsgi`, Till's own settings) with a limit of
    1000 bytes; the requests below are refused before anything needs the database."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings",
           "TILL_MAX_REQUEST_BYTES": "1000"}
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
        [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi", "--bind",
         f"127.0.0.1:{port}", "--workers", "1"],
        cwd=Path(__file__).resolve().parents[2], env=env, stdout=log, stderr=log)
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.1)
    yield port
    server.terminate()
    server.wait(timeout=30)
    log.close()


def send(port: int, headers: dict[str, str], body_chunks: list[bytes] | None = None
         ) -> tuple[int, dict]:
    """A POST with exactly these headers, then the chunks (chunk-encoded), if any."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.putrequest("POST", "/v1/customers")
        conn.putheader("Content-Type", "application/x-www-form-urlencoded")
        for name, value in headers.items():
            conn.putheader(name, value)
        conn.endheaders()
        for chunk in body_chunks or []:
            conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        if body_chunks is not None:
            conn.send(b"0\r\n\r\n")
        response = conn.getresponse()
        return response.status, json.loads(response.read())
    finally:
        conn.close()


def test_gunicorn_answers_413_on_the_declared_length_and_on_chunks(gunicorn):
    # when a request declares 50 MiB and sends none of it / then 413 at once
    status, body = send(gunicorn, {"Content-Length": str(50 * 1024 * 1024)})
    assert (status, body["error"]["type"]) == (413, "invalid_request_error")
    assert "1000 bytes" in body["error"]["message"]
    # when a chunked body (no length) runs past the limit / then 413 too
    status, body = send(gunicorn, {"Transfer-Encoding": "chunked"}, [b"x" * 1000] * 3)
    assert (status, body["error"]["type"]) == (413, "invalid_request_error")


def test_two_hundred_thousand_fields_are_refused_before_parsing(api):
    # when a body carries 200,000 fields (within the byte limit)
    body = "x[]=&" * 200_000
    assert len(body) < 1024 * 1024
    response = post_raw(api, "/v1/customers", body)
    # then a 400 saying how many are allowed
    error = invalid_request(response)
    assert "10000 parameters" in error["message"]
    assert not Customer.objects.exists()


def test_two_hundred_thousand_json_values_are_refused(api):
    body = json.dumps({"preferred_locales": ["a"] * 200_000})
    error = invalid_request(post_raw(api, "/v1/customers", body,
                                     content_type="application/json"))
    assert "10000 parameters" in error["message"]


def test_too_many_query_parameters_are_refused(api, settings):
    settings.TILL_MAX_PARAMETERS = 10
    error = invalid_request(get_raw(api, "/v1/events?" + "types[]=a&" * 11))
    assert "10 parameters" in error["message"]


def test_a_full_batch_with_its_fields_fits_the_limits(api, django_capture_on_commit_callbacks):
    # a batch of 1,000 refunds, each with an intent, an amount, a reason and metadata
    refunds = [{"payment_intent": f"pi_nobody_{n:04d}", "amount": 1000,
                "reason": "requested_by_customer", "metadata": {"order_id": f"order-{n}"}}
               for n in range(1000)]
    with django_capture_on_commit_callbacks(execute=False):
        accepted = ok(api.post("/v1/refunds/batch", {"refunds": refunds}))
    assert accepted["total_count"] == 1000
