import http.server
import importlib.util
import json
import logging
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import stripe
from django.db import connection
from rest_framework.test import APIClient

from merchants.services import CreatedMerchant, merchant_create
from payments.cards import TEST_CARDS

ON_POSTGRES = bool(os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql")))


def needs_postgres(reason: str = "needs PostgreSQL's row locks and real concurrency"):
    return pytest.mark.skipif(not ON_POSTGRES,
                              reason=f"{reason}; set DATABASE_URL to run (CI always does)")


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def flatten(params: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Stripe's form encoding: nested dicts and lists into bracketed names."""
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, dict):
            pairs.extend(flatten(value, name) if value else [(name, "")])
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    pairs.extend(flatten(item, f"{name}[{index}]"))
                else:
                    pairs.append((f"{name}[{index}]", _scalar(item)))
        else:
            pairs.append((name, _scalar(value)))
    return pairs


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


class Api:
    """A client that speaks to Till as an SDK does: Bearer key, form-encoded bodies."""

    def __init__(self, key: str | None) -> None:
        self.client = APIClient()
        self.key = key

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        out = {"HTTP_AUTHORIZATION": f"Bearer {self.key}"} if self.key else {}
        for name, value in (headers or {}).items():
            out["HTTP_" + name.upper().replace("-", "_")] = value
        return out

    def get(self, path: str, params: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None):
        query = urlencode(flatten(params or {}))
        return self.client.get(f"{path}?{query}" if query else path, **self._headers(headers))

    def post(self, path: str, params: dict[str, Any] | None = None,
             headers: dict[str, str] | None = None):
        return self.client.generic("POST", path, urlencode(flatten(params or {})),
                                   content_type="application/x-www-form-urlencoded",
                                   **self._headers(headers))

    def post_json(self, path: str, body: Any, headers: dict[str, str] | None = None):
        import json
        return self.client.generic("POST", path, json.dumps(body),
                                   content_type="application/json", **self._headers(headers))

    def delete(self, path: str, params: dict[str, Any] | None = None,
               headers: dict[str, str] | None = None):
        query = urlencode(flatten(params or {}))
        return self.client.delete(f"{path}?{query}" if query else path,
                                  **self._headers(headers))


@dataclass
class Account:
    created: CreatedMerchant

    @property
    def merchant(self):
        return self.created.merchant

    def key(self, name: str = "test_secret_key") -> str:
        return self.created.keys[name]

    def api(self, name: str = "test_secret_key") -> Api:
        return Api(self.key(name))


_counter = iter(range(1, 10**9))


def make_account(name: str = "Shop") -> Account:
    n = next(_counter)
    return Account(merchant_create(name=f"{name} {n}", email=f"owner{n}@shop.test",
                                   password="correct horse battery staple"))


@pytest.fixture
def account(db) -> Account:
    return make_account()


@pytest.fixture
def other_account(db) -> Account:
    return make_account("Other")


@pytest.fixture
def sdk(live_server, transactional_db, monkeypatch):
    """The official `stripe` SDK against this test's live server, for a fresh account."""
    monkeypatch.setattr(stripe, "enable_telemetry", False)
    monkeypatch.setattr(stripe, "max_network_retries", 0)
    account = make_account("SDK")
    http = stripe.RequestsClient()
    yield stripe.StripeClient(account.key(), base_addresses={"api": live_server.url},
                              max_network_retries=0, http_client=http)
    http.close()


@pytest.fixture
def api(account) -> Api:
    return account.api()


def close_thread_connection() -> None:
    connection.close()


# -- what reaches the log --------------------------------------------------------------------

class ConsoleCapture(logging.Handler):
    """Keeps each record as the configured console handler (settings.LOGGING) prints it:
    through its filters, with its formatter."""

    def __init__(self) -> None:
        super().__init__()
        console = next(handler for handler in logging.getLogger().handlers
                       if handler.get_name() == "console")
        self.filters = list(console.filters)
        self.setFormatter(console.formatter)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def console_log() -> Iterator[ConsoleCapture]:
    """What the console prints during the test, from any logger and thread."""
    capture = ConsoleCapture()
    root = logging.getLogger()
    root.addHandler(capture)
    yield capture
    root.removeHandler(capture)


# Secrets as a reader of the log would spot them (independently of config/redaction.py): keys,
# client secrets, signing secrets, and the test cards' numbers.
SECRET_IN_LOG = re.compile(r"(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{8}|_secret_[A-Za-z0-9]{8}"
                           r"|whsec_[A-Za-z0-9]{8}")
CARD_NUMBERS = sorted({card.number for card in TEST_CARDS}, key=len, reverse=True)


def secrets_in(text: str) -> list[str]:
    digits = re.sub(r"(?<=[0-9])[ -](?=[0-9])", "", text)
    return SECRET_IN_LOG.findall(text) + [number for number in CARD_NUMBERS if number in digits]


@pytest.fixture(autouse=True)
def _no_secret_in_live_server_logs(request) -> Iterator[None]:
    """Every test that runs a live server (the stripe SDK's, the browser's) has its log read
    at the end: no line may hold a secret key, a client secret, a signing secret or a card
    number."""
    if "live_server" not in request.fixturenames:
        yield
        return
    capture = request.getfixturevalue("console_log")
    yield
    leaks = secrets_in(capture.text)
    assert not leaks, f"secrets in the log: {leaks}\n{capture.text[-3000:]}"


# -- Stripe: localstripe on loopback, and Stripe's recorded answers -------------------------

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str) -> bool:
    request = urllib.request.Request(f"{url}/v1/balance",
                                     headers={"Authorization": "Bearer sk_test_probe"})
    try:
        with urllib.request.urlopen(request, timeout=1) as response:  # noqa: S310 - loopback
            return response.status == 200
    except OSError:
        return False


@pytest.fixture(scope="session")
def localstripe_url() -> Iterator[str]:
    """localstripe started on a free loopback port for the session (one per xdist worker),
    stopped after it. Skipped only where the package is not installed, and never in CI
    (`CI` set), where the Stripe processor's tests must run."""
    if importlib.util.find_spec("localstripe") is None:
        if os.environ.get("CI"):
            pytest.fail("localstripe is not installed (requirements-dev.txt pins it)")
        pytest.skip("localstripe is not installed (pip install -r requirements-dev.txt)")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "tests.stripe_server", str(port)],
        cwd=Path(__file__).resolve().parent.parent, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while not _answers(url):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                errors = process.communicate()[1].decode(errors="replace")[-2000:]
                pytest.fail(f"localstripe did not start on {url}: {errors}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def stripe_api(settings, localstripe_url) -> str:
    """Till's Stripe processor pointed at localstripe (TILL_STRIPE_API_BASE)."""
    settings.TILL_STRIPE_API_BASE = localstripe_url
    return localstripe_url


@pytest.fixture
def stripe_sdk(localstripe_url):
    """The official SDK against localstripe, as a test reads back what Till did there."""
    import stripe

    return stripe.StripeClient("sk_test_reader", base_addresses={"api": localstripe_url},
                               max_network_retries=0)


class RecordedStripe:
    """A loopback server answering with Stripe responses recorded from Stripe itself, for
    what localstripe cannot show (a key Stripe refuses, a decline with its decline_code).
    `answer(method, path_prefix, status, body)` sets what a request gets; `requests` lists
    what came."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, str, int, dict]] = []
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        recorded = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def _reply(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                recorded.requests.append((self.command, self.path, dict(self.headers)))
                status, body = next(
                    ((status, body) for method, prefix, status, body in recorded.routes
                     if method == self.command and self.path.startswith(prefix)),
                    (404, {"error": {"type": "invalid_request_error",
                                     "message": "Unrecognized request URL"}}))
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Request-Id", "req_recorded")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_DELETE = _reply  # noqa: N815 - http.server's names

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def answer(self, method: str, path_prefix: str, status: int, body: dict) -> None:
        self.routes.insert(0, (method, path_prefix, status, body))

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorded_stripe(settings) -> Iterator[RecordedStripe]:
    recorded = RecordedStripe()
    settings.TILL_STRIPE_API_BASE = recorded.url
    try:
        yield recorded
    finally:
        recorded.close()
