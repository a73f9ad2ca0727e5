"""No request, however malformed, makes a 500: schemathesis generates requests for every
operation in the OpenAPI schema (valid and invalid bodies, queries and ids) and each answer
must be a deliberate one, in the error envelope when it is an error.

Ids in paths are those of real objects of the merchant, so the generated parameters reach
the services, not only the 404. Derandomized, so a run is repeatable; set
TILL_FUZZ_EXAMPLES to explore more.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from config.wsgi import application
from tests.payments.factories import authorized_intent, ok, paid_intent
from tests.webhooks.conftest import create_endpoint

schema = schemathesis.openapi.from_wsgi("/v1/openapi.json", application)
EXAMPLES = int(os.environ.get("TILL_FUZZ_EXAMPLES", "15"))


@pytest.fixture
def objects(account, settings) -> dict[str, str]:
    """One object of each kind, by the first segment of its path."""
    settings.TILL_WEBHOOK_ALLOW_LOCAL = True
    api = account.api()
    paid = paid_intent(api, amount=5000)
    refund = ok(api.post("/v1/refunds", {"payment_intent": paid["id"], "amount": 100}))
    disputed = paid_intent(api, payment_method="pm_card_createDispute")
    dispute = ok(api.get("/v1/disputes", {"payment_intent": disputed["id"]}))["data"]
    customer = ok(api.post("/v1/customers", {"email": "fuzz@example.test"}))
    setup = ok(api.post("/v1/setup_intents", {"customer": customer["id"]}))
    batch = ok(api.post("/v1/refunds/batch", {"refunds": [{"payment_intent": paid["id"],
                                                          "amount": 100}]}))
    product = ok(api.post("/v1/products", {"name": "Fuzz", "default_price_data": {
        "currency": "usd", "unit_amount": 100}}))
    plan = ok(api.post("/v1/plans", {"currency": "usd", "amount": 100, "interval": "month",
                                      "product": product["id"]}))
    events = ok(api.get("/v1/events"))["data"]
    invoice = ok(api.post("/v1/invoices", {"customer": customer["id"]}))
    item = ok(api.post("/v1/invoiceitems", {"customer": customer["id"], "amount": 700,
                                            "currency": "usd", "invoice": invoice["id"]}))
    subscription = ok(api.post("/v1/subscriptions", {
        "customer": customer["id"], "items": [{"price": plan["id"]}],
        "payment_behavior": "default_incomplete"}))
    return {
        "customers": customer["id"], "payment_intents": authorized_intent(api)["id"],
        "payment_methods": ok(api.post("/v1/payment_methods", {
            "type": "card", "card": {"token": "tok_visa"}}))["id"],
        "setup_intents": setup["id"], "charges": paid["latest_charge"],
        "refunds": refund["id"], "refunds/batch": batch["id"],
        "disputes": dispute[0]["id"] if dispute else "dp_missing",
        "webhook_endpoints": create_endpoint(api, "http://127.0.0.1:9/hook")["id"],
        "events": events[0]["id"], "invoices": invoice["id"], "invoiceitems": item["id"],
        "test_helpers": ok(api.post("/v1/test_helpers/test_clocks",
                                    {"frozen_time": 1577836800}))["id"],
        "products": product["id"], "prices": product["default_price"], "plans": plan["id"],
        "subscriptions": subscription["id"],
    }


@pytest.fixture
def test_connection_kept():
    """Called as a WSGI app (not through Django's test client), Django would close the
    database connection between requests, and with it the test's transaction: as the test
    client does, keep it for the test."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    yield
    for signal in signals:
        signal.connect(close_old_connections)


def _owner_of(path: str) -> str:
    parts = path.removeprefix("/v1/").split("/")
    return "refunds/batch" if parts[:2] == ["refunds", "batch"] else parts[0]


@schema.parametrize()
@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_request_makes_a_500(case, account, objects, test_connection_kept):
    if case.path_parameters and "id" in case.path_parameters:
        case.path_parameters["id"] = objects.get(_owner_of(case.path), "x_missing")
    response = case.call(headers={"Authorization": f"Bearer {account.key()}"})
    case.validate_response(response, checks=[not_a_server_error])
    if response.status_code >= 400:
        assert set(response.json()) == {"error"}, response.text
