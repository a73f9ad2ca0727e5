import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
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
