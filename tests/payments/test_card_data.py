"""Card numbers and CVCs are never stored or logged, whatever happens to the payment.

Cards go in raw (as Stripe.js would send them in test mode), pay, decline, attach, fail
validation and replay under idempotency keys; then every row of every table, and every
log line at DEBUG (SQL included), is searched for them.
"""

import json
import logging
import re
from typing import Any

import pytest
from django.apps import apps
from django.db import connection

from tests.conftest import ON_POSTGRES
from tests.payments.factories import NEXT_YEAR, customer, ok

NUMBERS = ("4242424242424242", "4000000000000002", "378282246310005", "4242424242424241")
CVCS = ("123", "4321")
# A CVC written next to its name, in any of the shapes a dump or a log line could give it.
CVC_NEAR_NAME = re.compile(r"cvc\W{0,6}(123|4321)\b", re.IGNORECASE)


def _card(number: str, cvc: str) -> dict[str, Any]:
    return {"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": NEXT_YEAR,
                                     "cvc": cvc}}


def _run_payments(account) -> None:
    api = account.api()
    jenny = customer(api)
    # cards by number, one under an idempotency key (its response is stored), one as JSON
    visa = ok(api.post("/v1/payment_methods", _card("4242424242424242", "123"),
                       headers={"Idempotency-Key": "card-1"}))
    ok(api.post("/v1/payment_methods", _card("4242424242424242", "123"),
                headers={"Idempotency-Key": "card-1"}))
    declining = ok(api.post_json("/v1/payment_methods", _card("4000000000000002", "123")))
    amex = ok(api.post("/v1/payment_methods", _card("378282246310005", "4321")))
    ok(account.api("test_publishable_key").post("/v1/payment_methods",
                                                _card("4242424242424242", "123")))
    # cards refused: bad number, bad CVC (stored under a key too)
    assert api.post("/v1/payment_methods", _card("4242424242424241", "123"),
                    headers={"Idempotency-Key": "card-2"}).status_code == 402
    assert api.post("/v1/payment_methods", _card("378282246310005", "123")).status_code == 402
    # payments: one paid, one declined, one held and captured, one attach refused
    ok(api.post(f"/v1/payment_methods/{visa['id']}/attach", {"customer": jenny["id"]}))
    ok(api.post("/v1/payment_intents", {"amount": 2000, "currency": "usd",
                                        "customer": jenny["id"], "payment_method": visa["id"],
                                        "confirm": True},
                headers={"Idempotency-Key": "pay-1"}))
    assert api.post(f"/v1/payment_methods/{declining['id']}/attach",
                    {"customer": jenny["id"]}).status_code == 402
    assert api.post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "payment_method": declining["id"],
        "confirm": True}, headers={"Idempotency-Key": "pay-2"}).status_code == 402
    held = ok(api.post("/v1/payment_intents", {
        "amount": 5000, "currency": "usd", "payment_method": amex["id"], "confirm": True,
        "capture_method": "manual"}))
    ok(api.post(f"/v1/payment_intents/{held['id']}/capture"))


def _walk(value: Any):
    """Every key and scalar inside a row's value, JSON included."""
    if isinstance(value, str):
        try:
            parsed = json.loads(value)
        except ValueError:
            yield value
            return
        if isinstance(parsed, dict | list):
            yield from _walk(parsed)
        else:
            yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield ("key", key)
            yield from _walk(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _walk(item)
    elif isinstance(value, bytes | memoryview):
        yield from _walk(bytes(value).decode("utf-8", "replace"))
    else:
        yield value


def _rows() -> list[Any]:
    """Every row of every table: through each model, and through raw SQL for all tables
    (on PostgreSQL, each row as JSON)."""
    rows: list[Any] = []
    for model in apps.get_models(include_auto_created=True):
        rows.extend(model.objects.values())
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            if ON_POSTGRES:
                cursor.execute(f"SELECT row_to_json(t)::text FROM {quoted} AS t")  # noqa: S608
            else:
                cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608
            rows.extend(cursor.fetchall())
    return rows


def _assert_no_card_data(texts: list[str], values: list[Any], where: str) -> None:
    for text in texts:
        for number in NUMBERS:
            assert number not in text, f"{where}: card number {number} in {text[:300]!r}"
        assert not CVC_NEAR_NAME.search(text), f"{where}: a CVC in {text[:300]!r}"
    for value in values:
        assert value not in (("key", "cvc"), ("key", "number")), f"{where}: {value}"
        # A CVC arrives as a string; integers (ids, amounts) may equal 123 by chance.
        assert not (isinstance(value, str) and value in CVCS), f"{where}: a CVC as a value"


@pytest.fixture
def every_log_line(caplog):
    """Every log record at DEBUG, from every logger, SQL included."""
    caplog.set_level(logging.DEBUG)
    for name, logger in list(logging.root.manager.loggerDict.items()):
        # Loggers with a level of their own (Django's `django` is INFO) would drop DEBUG.
        if isinstance(logger, logging.Logger) and logger.level != logging.NOTSET:
            caplog.set_level(logging.DEBUG, logger=name)
    saved = connection.force_debug_cursor
    connection.force_debug_cursor = True  # django.db.backends logs each query and its params
    yield caplog
    connection.force_debug_cursor = saved


def test_no_table_holds_a_card_number_or_cvc(account, every_log_line):
    # given cards that went through every path a card can take
    _run_payments(account)

    # when every row is read back
    rows = _rows()

    # then none holds a number or a CVC
    assert len(rows) > 50  # the payments above really wrote rows
    values = [value for row in rows for value in _walk(
        row if isinstance(row, dict) else list(row))]
    _assert_no_card_data([str(row) for row in rows], values, "database")


def test_no_log_line_holds_a_card_number_or_cvc(account, every_log_line):
    # given
    _run_payments(account)

    # then
    records = every_log_line.records
    assert any(r.name == "django.db.backends" for r in records), "SQL was not logged"
    assert any(r.name == "django.request" for r in records)
    texts = []
    for record in records:
        texts.append(record.getMessage())
        texts.append(repr(record.args))
        if record.exc_text:
            texts.append(record.exc_text)
    texts.append(every_log_line.text)
    _assert_no_card_data(texts, [], "logs")


def test_the_dump_would_find_a_stored_number(account):
    """The search above can fail: a number written anywhere is found."""
    api = account.api()
    ok(api.post("/v1/customers", {"description": "card 4242424242424242 cvc: 123"}))

    rows = _rows()

    with pytest.raises(AssertionError):
        _assert_no_card_data([str(row) for row in rows], [], "database")
