"""Stripe's events racing in, on real PostgreSQL: redeliveries of one event, and two events
about the same change, arriving at once, store each event once and record the change once.

Each thread is Stripe's delivery with its own database connection; the application runs in
it as Celery's eager task once the event commits.
"""

import json

import pytest
from django.test import Client

from payments.models import InboundEvent, PaymentIntent
from tests.concurrency import run_together
from tests.conftest import needs_postgres
from tests.payments.factories import event_types, ok
from tests.payments.test_stripe_inbound import (
    _recorded_connection,
    _recorded_intent,
    signed,
    stripe_event,
)

pytestmark = [needs_postgres(), pytest.mark.django_db(transaction=True)]


def test_simultaneous_deliveries_record_the_payment_once(account, recorded_stripe):
    # given a payment Stripe settles later, and now has settled
    connection = _recorded_connection(account, recorded_stripe)
    recorded_stripe.answer("POST", "/v1/payment_intents", 200, _recorded_intent("processing"))
    pending = ok(account.api().post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "confirm": True,
        "capture_method": "automatic_async", "payment_method": "pm_1RecordedCard"}))
    settled = _recorded_intent("succeeded", pending["id"])
    recorded_stripe.answer("GET", "/v1/payment_intents/pi_3RecordedAsync", 200, settled)
    # two events about the change (as when Stripe sends one again under a new id), each
    # delivered three times at once
    events = [stripe_event("payment_intent.succeeded", settled) for _ in range(2)]
    payloads = [json.dumps(event).encode() for event in events]

    def deliver(index: int):
        payload = payloads[index % 2]
        return Client().post(f"/hooks/stripe/{connection.inbound_id}/", data=payload,
                             content_type="application/json",
                             HTTP_STRIPE_SIGNATURE=signed(payload))

    responses = run_together(6, deliver)

    # then every delivery was answered 200, each event stored once, the payment recorded once
    assert [response.status_code for response in responses] == [200] * 6
    assert sorted(InboundEvent.objects.values_list("event_id", flat=True)) == sorted(
        event["id"] for event in events)
    assert PaymentIntent.objects.get(pk=pending["id"]).status == "succeeded"
    assert event_types(pending["id"]).count("payment_intent.succeeded") == 1
    # (both events may say `applied`: each found the intent waiting and saw it settled; the
    # change itself, its events and hooks, was recorded once, under the intent's lock)
    assert set(InboundEvent.objects.values_list("result", flat=True)) <= {"applied",
                                                                         "unchanged"}
    assert not InboundEvent.objects.filter(processed_at__isnull=True).exists()
