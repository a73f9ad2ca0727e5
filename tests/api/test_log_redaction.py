"""No log line holds a secret key, a client secret, a webhook signing secret, HTTP Basic
credentials or a card number: the filter on every handler redacts them (config/redaction.py),
in the message, its arguments and its exception text."""

import base64
import io
import logging
import runpy
from pathlib import Path

import pytest
from django.conf import settings

from config.redaction import REDACTED, RedactSecretsFilter, redact

BASE_DIR = Path(__file__).resolve().parents[2]

SECRETS = {
    "secret key, test": "sk_test_51HbN3dKx0aZ8qLmT4rW9uVbC2eF",
    "secret key, live": "sk_live_51HbN3dKx0aZ8qLmT4rW9uVbC2eF",
    "restricted key, test": "rk_test_51HbN3dKx0aZ8qLmT4rW9uVbC2eF",
    "restricted key, live": "rk_live_51HbN3dKx0aZ8qLmT4rW9uVbC2eF",
    "payment intent client secret": "pi_3MtwBwLkdIwHu7ix28a3tqPa_secret_YrKJUKribcBjcG8HVhfZluoGH",
    "setup intent client secret": "seti_1Mm8s8LkdIwHu7ixcmSheLnU_secret_NXDiUYAlyDC2Ahe9",
    "webhook signing secret": "whsec_4f5Nq2xW8rT1yU6iO3pA9sD7fG0hJ2kL",
    "checkout page token": "/checkout/c/W0qpUigMaMpDMuNfZsrxrHsQbqCg1uSQ8hdioUuP",
    "payment link token": "/checkout/l/FL2fyZsEJ9rv01K7yhBD0mDcdKHuHGgHetM6KpLu",
    "customer portal token": "/portal/p/Qm4vX8kLp2ZrT7yNc1Bd9sFh3Jw6Ge0Ua5Ri8Oq/card",
    "hosted invoice link": "/i/in_1MtwBwLkdIwHu7ix/Zk3pQ9rT2vX7yN4c_67b4a1f0_9f2c4e1ab3d5",
    "receipt token": "/receipts/ch_3MtwBwLkdIwHu7ix2/Yk2Lm9Qp4Rt7Vx1Zb8Nc5Df3",
    "card number": "4242424242424242",
    "card number, spaced": "4000 0566 5566 5556",
    "card number, dashed": "5555-5555-5555-4444",
    "card number, 15 digits": "378282246310005",
    "card number, 19 digits": "6011000990139424009",  # Luhn-valid
    "card number, 13 digits": "4222222222222",
}


@pytest.fixture
def log():
    """A logger whose one handler carries the filter, as every configured handler does;
    returns the logger and a function reading what the handler wrote."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactSecretsFilter())
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    yield logger, stream.getvalue
    logger.removeHandler(handler)
    logger.propagate = True


@pytest.mark.parametrize("secret", SECRETS.values(), ids=SECRETS.keys())
def test_the_message_is_redacted(log, secret):
    logger, written = log
    logger.warning(f"sent {secret} to the server")
    assert secret not in written()
    assert REDACTED in written()


@pytest.mark.parametrize("secret", SECRETS.values(), ids=SECRETS.keys())
def test_message_arguments_are_redacted(log, secret):
    logger, written = log
    logger.info("request %s with %r", f"/v1/x?client_secret={secret}", {"key": secret})
    assert secret not in written()


@pytest.mark.parametrize("secret", SECRETS.values(), ids=SECRETS.keys())
def test_exception_text_is_redacted(log, secret):
    logger, written = log
    try:
        raise ValueError(f"Invalid API Key provided: {secret}")
    except ValueError:
        logger.exception("failed")
    assert "ValueError: Invalid API Key provided: " in written()
    assert secret not in written()


def test_http_basic_credentials_are_redacted(log):
    logger, written = log
    encoded = base64.b64encode(b"sk_test_51HbN3dKx0aZ8qLm:").decode()
    logger.info("Authorization: Basic %s", encoded)
    assert encoded not in written()
    assert "Basic [REDACTED]" in written()


def test_what_tells_which_secret_stays():
    assert redact("key sk_test_abcdef123 done") == "key sk_test_[REDACTED] done"
    assert (redact("client_secret=pi_123abc_secret_XYZ789")
            == "client_secret=pi_123abc_secret_[REDACTED]")
    assert redact("card 4242 4242 4242 4242, cvc 123") == "card [REDACTED], cvc 123"
    assert redact("4242 4242 4242 4242 123") == "[REDACTED] 123"


@pytest.mark.parametrize("harmless", [
    "pk_test_51HbN3dKx0aZ8qLmT4rW9uVbC2eF",  # publishable keys are public
    "sk_test_****4eF",  # the redacted form an authentication error shows
    "4242424242424241",  # not Luhn-valid
    "424242424242",  # too short
    "2026-12-01 19:52:15,123 INFO POST /v1/payment_intents 200 12.5ms key_abc",
    "Basic authentication is used",
    "amount=2000&currency=usd",
])
def test_other_text_is_left_alone(harmless):
    assert redact(harmless) == harmless


def test_a_record_without_secrets_keeps_its_arguments():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "%s paid %d", ("cus_1", 2000),
                               None)
    assert RedactSecretsFilter().filter(record) is True
    assert (record.msg, record.args) == ("%s paid %d", ("cus_1", 2000))


# -- installed on every handler ------------------------------------------------------------

def _has_redaction(filters) -> bool:
    return any(isinstance(f, RedactSecretsFilter) or f == "redact_secrets" for f in filters)


def test_djangos_handlers_redact():
    for name, handler in settings.LOGGING["handlers"].items():
        assert _has_redaction(handler.get("filters", [])), name
    assert settings.LOGGING["filters"]["redact_secrets"]["()"] == (
        "config.redaction.RedactSecretsFilter")
    console = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    assert _has_redaction(console.filters)


def test_gunicorns_handlers_redact_and_its_access_log_is_off():
    conf = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    logconfig = conf["logconfig_dict"]
    assert logconfig["filters"]["redact_secrets"]["()"] == "config.redaction.RedactSecretsFilter"
    for name, handler in logconfig["handlers"].items():
        assert _has_redaction(handler.get("filters", [])), name
    assert conf["accesslog"] is None
    assert logconfig["loggers"]["gunicorn.access"]["handlers"] == []
    # and even a command line's --access-logfile writes nothing
    assert conf["logger_class"].access(None, None, None, None, None) is None


def test_celery_logs_through_djangos_configuration(monkeypatch):
    """Worker and beat: Celery's setup_logging signal applies LOGGING (whose handlers redact,
    above) instead of handlers of Celery's own on the root logger."""
    from celery.signals import setup_logging

    from config.celery import app

    applied = []
    monkeypatch.setattr("config.celery.dictConfig", applied.append)
    root = logging.getLogger()
    saved = root.level
    root.setLevel(logging.INFO)
    try:
        # Celery's default --loglevel (WARNING) leaves LOG_LEVEL's INFO; a more verbose wins
        assert setup_logging.send(sender=None, loglevel=logging.WARNING, logfile=None,
                                  format="", colorize=False)
        assert (applied, root.level) == ([settings.LOGGING], logging.INFO)
        setup_logging.send(sender=None, loglevel=logging.DEBUG, logfile=None, format="",
                           colorize=False)
        assert root.level == logging.DEBUG
    finally:
        root.setLevel(saved)
    assert app.conf.worker_hijack_root_logger is False
