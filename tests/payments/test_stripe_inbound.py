"""Stripe's webhooks in: a per-connection URL, verified with the connection's signing secret,
each event stored once and applied by Celery through the same services as the sweeps.

localstripe sends webhooks only to URLs configured on it for every account (no
`webhook_endpoints` API) and a second after the fact, so the tests sign Stripe's payloads
themselves with the stored secret, as Stripe does (`t=…,v1=…`); Stripe's objects come from
localstripe where it has them, else from Stripe's recorded answers (and the test says so).
"""

import hashlib
import hmac
import json
import time
from io import StringIO
from typing import Any

import pytest
import requests
from django.core.management import call_command

from core.actor import TILL
from core.ids import random_token
from payments import services
from payments.models import InboundEvent, PaymentIntent, ProcessorConnection
from refunds.models import Refund
from tests.payments.factories import event_types, ok
from tests.stripe_support import calls, stripe_card, stripe_intents_for, stripe_keys
from webhooks.models import WebhookDelivery

pytestmark = pytest.mark.django_db

SIGNING_SECRET = "whsec_" + "a1b2c3d4e5f6" * 3


def connect(account, *, webhook_secret: str = SIGNING_SECRET) -> ProcessorConnection:
    secret, publishable = stripe_keys()
    return services.processor_connect(merchant=account.merchant, livemode=False, actor=TILL,
                                      secret_key=secret, publishable_key=publishable,
                                      webhook_secret=webhook_secret)


def signed(payload: bytes, secret: str = SIGNING_SECRET, at: int | None = None) -> str:
    """The Stripe-Signature header Stripe sends: HMAC-SHA256 of "t.payload"."""
    at = int(time.time()) if at is None else at
    digest = hmac.new(secret.encode(), f"{at}.".encode() + payload, hashlib.sha256)
    return f"t={at},v1={digest.hexdigest()}"


def stripe_event(type_: str, obj: dict[str, Any], *, event_id: str | None = None
                 ) -> dict[str, Any]:
    return {"id": event_id or f"evt_{random_token(24)}", "object": "event",
            "api_version": "2024-06-20", "created": int(time.time()), "livemode": False,
            "type": type_, "data": {"object": obj}, "pending_webhooks": 1}


class Inbound:
    """Posts events to a connection's inbound URL as Stripe does; what the receiving view
    enqueued on commit is run by `apply()`, as Celery would."""

    def __init__(self, client, capture) -> None:
        self.client, self.capture, self.enqueued = client, capture, []

    def post(self, connection: ProcessorConnection, event: dict[str, Any], *,
             signature: str | None = None):
        payload = json.dumps(event).encode()
        with self.capture() as callbacks:
            response = self.client.post(
                f"/hooks/stripe/{connection.inbound_id}/", data=payload,
                content_type="application/json",
                HTTP_STRIPE_SIGNATURE=signature if signature is not None else signed(payload))
        self.enqueued.extend(callbacks)
        return response

    def apply(self) -> None:
        enqueued, self.enqueued = self.enqueued, []
        for callback in enqueued:
            callback()


@pytest.fixture
def inbound(client, django_capture_on_commit_callbacks) -> Inbound:
    return Inbound(client, django_capture_on_commit_callbacks)


# -- the URL and its signature ---------------------------------------------------------------

def test_a_bad_signature_is_refused_and_nothing_stored(account, stripe_api, inbound):
    connection = connect(account)
    event = stripe_event("payment_intent.succeeded", {"id": "pi_1", "object": "payment_intent"})
    payload = json.dumps(event).encode()

    # when the event comes signed with another secret, unsigned, or replayed from long ago
    for signature in (signed(payload, "whsec_someone_else"), "",
                      signed(payload, at=int(time.time()) - 3600)):
        response = inbound.post(connection, event, signature=signature)

        # then it is a 400, and nothing is stored or enqueued
        assert response.status_code == 400, response.content
        assert response.json()["error"]["code"] == "signature_invalid"
    assert not InboundEvent.objects.exists()
    assert inbound.enqueued == []


def test_the_url_is_per_connection_post_only_and_needs_no_api_key(account, stripe_api,
                                                                  inbound, client):
    connection = connect(account)

    assert client.get(f"/hooks/stripe/{connection.inbound_id}/").status_code == 405
    assert client.post("/hooks/stripe/pcon_unknown/", data=b"{}",
                       content_type="application/json").status_code == 404
    event = stripe_event("customer.created", {"id": "cus_1", "object": "customer"})
    response = inbound.post(connection, event)
    assert response.status_code == 200 and response.json()["received"] is True


def test_an_event_of_a_type_or_object_till_does_not_know_is_recorded_as_ignored(
        account, stripe_api, inbound):
    connection = connect(account)
    unknown_type = stripe_event("customer.created", {"id": "cus_1", "object": "customer"})
    unknown_object = stripe_event("payment_intent.succeeded",
                                  {"id": "pi_NotTills", "object": "payment_intent",
                                   "metadata": {}})

    for event in (unknown_type, unknown_object):
        assert inbound.post(connection, event).status_code == 200
    inbound.apply()

    stored = {row.event_id: row for row in InboundEvent.objects.all()}
    assert {row.result for row in stored.values()} == {"ignored"}
    assert all(row.processed_at is not None for row in stored.values())
    assert "pi_NotTills" in stored[unknown_object["id"]].note
    assert stored[unknown_object["id"]].object_id == "pi_NotTills"


# -- connecting registers the endpoint -------------------------------------------------------

def test_connecting_registers_the_endpoint_and_keeps_its_secret(account, recorded_stripe,
                                                                settings):
    # given Stripe's answers (recorded: localstripe has no webhook_endpoints API)
    settings.TILL_PUBLIC_URL = "https://pay.example.test"
    recorded_stripe.answer("GET", "/v1/balance", 200, {"object": "balance"})
    recorded_stripe.answer("POST", "/v1/webhook_endpoints", 200, {
        "id": "we_1RecordedHook", "object": "webhook_endpoint", "status": "enabled",
        "url": "https://pay.example.test/hooks/stripe/…/", "secret": SIGNING_SECRET})

    connection = connect(account, webhook_secret="")

    # then the endpoint's secret is stored encrypted, and the call log never shows it
    row = ProcessorConnection.objects.get(pk=connection.pk)
    assert row.webhook_endpoint_id == "we_1RecordedHook"
    assert row.webhook_secret == SIGNING_SECRET
    assert SIGNING_SECRET not in row.webhook_secret_encrypted
    assert calls("webhook_endpoints.create")[0].response["secret"] == "[redacted]"
    assert connection.webhook_problem == ""
    assert services.inbound_url(row.inbound_id) == (
        f"https://pay.example.test/hooks/stripe/{row.inbound_id}/")


def test_a_key_that_may_not_register_the_endpoint_still_connects(account, stripe_api,
                                                                 inbound):
    # localstripe has no webhook_endpoints API, as a restricted key without the permission
    connection = connect(account, webhook_secret="")

    # then the mode is connected, says why events are not received, and refuses them
    assert connection.webhook_problem
    assert ProcessorConnection.objects.get(pk=connection.pk).webhook_secret == ""
    event = stripe_event("customer.created", {"id": "cus_1", "object": "customer"})
    assert inbound.post(connection, event).status_code == 400
    assert not InboundEvent.objects.exists()


def test_the_command_takes_the_signing_secret_pasted_by_an_operator(account, stripe_api):
    secret, publishable = stripe_keys()
    out = StringIO()

    call_command("processor_connect", "--merchant", account.merchant.id, "--mode", "test",
                 "--stripe-secret-key", secret, "--stripe-publishable-key", publishable,
                 "--webhook-secret", SIGNING_SECRET, "--json", stdout=out)

    printed = json.loads(out.getvalue())
    assert printed["webhook_secret_set"] is True
    connection = ProcessorConnection.objects.get(merchant=account.merchant)
    assert printed["inbound_url"].endswith(f"/hooks/stripe/{connection.inbound_id}/")
    assert SIGNING_SECRET not in out.getvalue()
    assert connection.webhook_secret == SIGNING_SECRET
    assert not calls("webhook_endpoints.create")  # a pasted secret registers nothing


# -- payments --------------------------------------------------------------------------------

def _authenticate_at_localstripe(localstripe_url: str, stripe_sdk, reference: str) -> None:
    """The cardholder passing Stripe's 3-D Secure (localstripe's stand-in for it)."""
    client_secret = stripe_sdk.v1.payment_intents.retrieve(reference).client_secret
    response = requests.post(f"{localstripe_url}/v1/payment_intents/{reference}/_authenticate",
                             data={"client_secret": client_secret, "success": "true",
                                   "key": "pk_test_browser"},
                             timeout=10)
    assert response.status_code == 200, response.text


def test_3d_secure_done_at_stripe_completes_tills_payment(account, stripe_api, stripe_sdk,
                                                          inbound, settings):
    # given a merchant endpoint for its webhooks, and a payment waiting on Stripe's 3-D Secure
    settings.TILL_WEBHOOK_ALLOW_LOCAL = True
    connection = connect(account)
    api = account.api()
    endpoint = ok(api.post("/v1/webhook_endpoints", {
        "url": "http://127.0.0.1:9/hooks", "enabled_events": ["payment_intent.succeeded"]}))
    waiting = ok(api.post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "confirm": True,
        "payment_method": stripe_card(stripe_sdk, "4000002500003155")}))
    assert waiting["status"] == "requires_action"
    [at_stripe] = stripe_intents_for(stripe_sdk, waiting["id"])

    # when the cardholder authenticates at Stripe, and Stripe says so by webhook
    _authenticate_at_localstripe(stripe_api, stripe_sdk, at_stripe.id)
    event = stripe_event("payment_intent.succeeded",
                         stripe_sdk.v1.payment_intents.retrieve(at_stripe.id).to_dict())
    assert inbound.post(connection, event).status_code == 200
    inbound.apply()

    # then Till's intent succeeded with a charge of Stripe's payment, and its events went out
    paid = ok(api.get(f"/v1/payment_intents/{waiting['id']}"))
    assert (paid["status"], paid["amount_received"]) == ("succeeded", 2000)
    charge = ok(api.get(f"/v1/charges/{paid['latest_charge']}"))
    assert (charge["status"], charge["captured"]) == ("succeeded", True)
    assert event_types(waiting["id"])[-1] == "payment_intent.succeeded"
    succeeded = [delivery.event.type for delivery in
                 WebhookDelivery.objects.filter(endpoint_id=endpoint["id"])]
    assert succeeded == ["payment_intent.succeeded"]
    assert InboundEvent.objects.get().result == "applied"


def test_3d_secure_failed_at_stripe_fails_tills_payment(account, stripe_api, stripe_sdk,
                                                        inbound):
    # given a payment waiting on Stripe's 3-D Secure
    connection = connect(account)
    api = account.api()
    waiting = ok(api.post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "confirm": True,
        "payment_method": stripe_card(stripe_sdk, "4000002500003155")}))
    [at_stripe] = stripe_intents_for(stripe_sdk, waiting["id"])
    # and an early, out-of-order requires_action event: nothing to change yet
    early = stripe_event("payment_intent.requires_action",
                         stripe_sdk.v1.payment_intents.retrieve(at_stripe.id).to_dict())
    inbound.post(connection, early)
    inbound.apply()
    assert InboundEvent.objects.get().result == "unchanged"

    # when the cardholder fails the authentication at Stripe
    client_secret = stripe_sdk.v1.payment_intents.retrieve(at_stripe.id).client_secret
    requests.post(f"{stripe_api}/v1/payment_intents/{at_stripe.id}/_authenticate",
                  data={"client_secret": client_secret, "success": "false",
                        "key": "pk_test_browser"}, timeout=10).raise_for_status()
    event = stripe_event("payment_intent.payment_failed",
                         stripe_sdk.v1.payment_intents.retrieve(at_stripe.id).to_dict())
    inbound.post(connection, event)
    inbound.apply()

    # then Till's intent is back to requires_payment_method with the failure, told as Stripe
    # tells it
    failed = ok(api.get(f"/v1/payment_intents/{waiting['id']}"))
    assert failed["status"] == "requires_payment_method"
    assert failed["last_payment_error"]["code"]
    assert event_types(waiting["id"])[-1] == "payment_intent.payment_failed"
    assert InboundEvent.objects.get(event_id=event["id"]).result == "applied"


def test_an_abandoned_attempts_payment_does_not_answer_the_current_one(
        account, stripe_api, stripe_sdk, inbound):
    # given a payment confirmed twice, each attempt waiting on Stripe's 3-D Secure
    connection = connect(account)
    api = account.api()
    card = stripe_card(stripe_sdk, "4000002500003155")
    waiting = ok(api.post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "confirm": True, "payment_method": card}))
    ok(api.post(f"/v1/payment_intents/{waiting['id']}/confirm", {"payment_method": card}))
    first, second = sorted(stripe_intents_for(stripe_sdk, waiting["id"]),
                           key=lambda each: each.metadata["till_idempotency_key"])
    assert first.metadata["till_idempotency_key"].endswith(":confirm:1")

    # when the first attempt's authentication succeeds at Stripe and its event comes
    _authenticate_at_localstripe(stripe_api, stripe_sdk, first.id)
    inbound.post(connection, stripe_event(
        "payment_intent.succeeded", stripe_sdk.v1.payment_intents.retrieve(first.id).to_dict()))
    inbound.apply()

    # then Till's intent still waits on the second attempt
    assert ok(api.get(f"/v1/payment_intents/{waiting['id']}"))["status"] == "requires_action"
    assert InboundEvent.objects.get().result == "unchanged"
    # and the second attempt's success completes it
    _authenticate_at_localstripe(stripe_api, stripe_sdk, second.id)
    inbound.post(connection, stripe_event(
        "payment_intent.succeeded", stripe_sdk.v1.payment_intents.retrieve(second.id).to_dict()))
    inbound.apply()
    assert ok(api.get(f"/v1/payment_intents/{waiting['id']}"))["status"] == "succeeded"


def _recorded_connection(account, recorded_stripe) -> ProcessorConnection:
    recorded_stripe.answer("GET", "/v1/balance", 200, {"object": "balance"})
    recorded_stripe.answer("GET", "/v1/payment_methods/pm_1RecordedCard", 200, RECORDED_CARD)
    return connect(account)


# Stripe's answers (recorded from Stripe's test mode; ids shortened): localstripe settles
# automatic_async payments and refunds at once, so it cannot show them pending.
RECORDED_CARD = {"id": "pm_1RecordedCard", "object": "payment_method", "type": "card",
                 "card": {"brand": "visa", "last4": "4242", "exp_month": 12,
                          "exp_year": 2030, "funding": "credit", "country": "US",
                          "fingerprint": "Hq9aJ1wQ0xLyWqCc",
                          "checks": {"cvc_check": "pass", "address_line1_check": None,
                                     "address_postal_code_check": None}}}


def _recorded_intent(status: str, till_intent: str = "") -> dict[str, Any]:
    return {"id": "pi_3RecordedAsync", "object": "payment_intent", "amount": 2000,
            "currency": "usd", "status": status, "capture_method": "automatic_async",
            "metadata": {"till_payment_intent": till_intent} if till_intent else {},
            "latest_charge": None}


def test_an_asynchronous_result_is_applied_once_however_often_it_comes(
        account, recorded_stripe, inbound):
    # given a payment Stripe accepted and settles later (processing)
    connection = _recorded_connection(account, recorded_stripe)
    recorded_stripe.answer("POST", "/v1/payment_intents", 200, _recorded_intent("processing"))
    api = account.api()
    pending = ok(api.post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "confirm": True,
        "capture_method": "automatic_async", "payment_method": "pm_1RecordedCard"}))
    assert pending["status"] == "processing"

    # when Stripe settles it and sends payment_intent.succeeded twice (a redelivery), and a
    # late payment_intent.processing after them
    settled = _recorded_intent("succeeded", pending["id"])
    recorded_stripe.answer("GET", "/v1/payment_intents/pi_3RecordedAsync", 200, settled)
    event = stripe_event("payment_intent.succeeded", settled)
    assert [inbound.post(connection, event).status_code for _ in range(2)] == [200, 200]
    late = stripe_event("payment_intent.processing", _recorded_intent("processing",
                                                                      pending["id"]))
    assert inbound.post(connection, late).status_code == 200
    inbound.apply()
    inbound.apply()

    # then it is stored once and applied once: Till's intent succeeded, one event of it
    assert InboundEvent.objects.filter(event_id=event["id"]).count() == 1
    assert ok(api.get(f"/v1/payment_intents/{pending['id']}"))["status"] == "succeeded"
    assert event_types(pending["id"]).count("payment_intent.succeeded") == 1
    results = dict(InboundEvent.objects.values_list("type", "result"))
    assert results == {"payment_intent.succeeded": "applied",
                       "payment_intent.processing": "unchanged"}


def test_an_event_whose_object_stripe_cannot_be_asked_for_is_retried(
        account, recorded_stripe, inbound, settings):
    # given a payment waiting on Stripe, and Stripe unreachable when its event comes
    connection = _recorded_connection(account, recorded_stripe)
    recorded_stripe.answer("POST", "/v1/payment_intents", 200, _recorded_intent("processing"))
    api = account.api()
    pending = ok(api.post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "confirm": True,
        "capture_method": "automatic_async", "payment_method": "pm_1RecordedCard"}))
    recorded_stripe.answer("GET", "/v1/payment_intents/pi_3RecordedAsync", 503,
                           {"error": {"type": "api_error", "message": "unavailable"}})
    inbound.post(connection, stripe_event("payment_intent.succeeded",
                                          _recorded_intent("succeeded", pending["id"])))
    inbound.apply()
    assert PaymentIntent.objects.get(pk=pending["id"]).status == "processing"
    stored = InboundEvent.objects.get()
    assert stored.processed_at is None

    # when Stripe answers again and beat's sweep finds the event a minute later
    recorded_stripe.answer("GET", "/v1/payment_intents/pi_3RecordedAsync", 200,
                           _recorded_intent("succeeded", pending["id"]))
    InboundEvent.objects.filter(pk=stored.pk).update(
        received_at=stored.received_at - services.inbound_events.RETRY_AFTER * 2)
    from payments.tasks import inbound_events_retry

    assert inbound_events_retry() == 1

    # then it is applied
    assert PaymentIntent.objects.get(pk=pending["id"]).status == "succeeded"
    assert InboundEvent.objects.get().result == "applied"


# -- refunds ---------------------------------------------------------------------------------

def test_a_refund_stripe_fails_later_is_failed_in_till(account, recorded_stripe, inbound):
    # given a payment made and a refund of it Stripe accepted (pending)
    connection = _recorded_connection(account, recorded_stripe)
    api = account.api()
    recorded_stripe.answer("POST", "/v1/payment_intents", 200, _recorded_intent("succeeded"))
    paid = ok(api.post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "confirm": True,
        "payment_method": "pm_1RecordedCard"}))
    refund_at_stripe = {"id": "re_3RecordedLater", "object": "refund", "amount": 2000,
                        "currency": "usd", "payment_intent": "pi_3RecordedAsync",
                        "status": "pending", "failure_reason": None}
    recorded_stripe.answer("POST", "/v1/refunds", 200, refund_at_stripe)
    refund = ok(api.post("/v1/refunds", {"payment_intent": paid["id"]}))
    assert refund["status"] == "pending"

    # when Stripe fails it days later, and says so (refund.failed, then a late
    # refund.updated of the pending refund)
    failed = {**refund_at_stripe, "status": "failed",
              "failure_reason": "expired_or_canceled_card"}
    recorded_stripe.answer("GET", "/v1/refunds/re_3RecordedLater", 200, failed)
    inbound.post(connection, stripe_event("refund.failed", failed))
    inbound.post(connection, stripe_event("refund.updated", refund_at_stripe))
    inbound.apply()

    # then Till's refund failed with Stripe's reason, the charge has its amount back, and
    # the merchant is told (refund.failed)
    row = Refund.objects.get(pk=refund["id"])
    assert (row.status, row.failure_reason) == ("failed", "expired_or_canceled_card")
    charge = ok(api.get(f"/v1/charges/{paid['latest_charge']}"))
    assert (charge["amount_refunded"], charge["refunded"]) == (0, False)
    assert event_types(refund["id"]).count("refund.failed") == 1
    results = dict(InboundEvent.objects.values_list("type", "result"))
    assert results == {"refund.failed": "applied", "refund.updated": "unchanged"}
