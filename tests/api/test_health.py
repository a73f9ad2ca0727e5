"""/healthz: 200 when the database and the broker answer and webhooks go out, 503 (with the
kind of failure) otherwise."""

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone
from rest_framework.test import APIClient

from config.celery import app as celery_app
from tests.dashboard.helpers import new_endpoint
from tests.webhooks.conftest import record_event
from webhooks.models import WebhookDelivery, WebhookDeliveryAttempt
from webhooks.selectors import webhook_deliveries_stalled

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


class _BrokenConnection:
    def cursor(self):
        raise OperationalError("could not connect to server: Connection refused")


def test_healthy(db):
    # given a reachable database and broker / when probed without any key
    response = APIClient().get("/healthz")
    # then 200, each check "ok"
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok",
                               "webhooks": "ok"}


def test_broker_down_is_a_503(db, monkeypatch):
    # given a broker nobody listens on
    monkeypatch.setattr(celery_app.conf, "broker_url", UNREACHABLE_REDIS)
    # when probed
    response = APIClient().get("/healthz")
    # then 503, naming the broker, with the database still ok
    assert response.status_code == 503, response.content
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["database"] == "ok"
    assert body["broker"].startswith("error: ")


def test_database_down_is_a_503(db, monkeypatch, caplog):
    monkeypatch.setattr("api.health.connection", _BrokenConnection())
    response = APIClient().get("/healthz")
    assert response.status_code == 503, response.content
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["broker"] == "ok"
    # the public answer names the kind of failure; the details (hosts, ports) are logged
    assert body["database"] == "error: OperationalError"
    assert "could not connect to server: Connection refused" in caplog.text


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_probe_needs_no_key_and_answers_json(db, method):
    response = APIClient().generic(method, "/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


# -- the webhook backlog -------------------------------------------------------------------

def _owed_delivery(account, *, waiting: timedelta) -> WebhookDelivery:
    """A delivery recorded `waiting` ago whose message no worker took: pending, unattempted."""
    endpoint = new_endpoint(account)
    record_event(account.merchant)  # inside the test's transaction: nothing is enqueued
    delivery = WebhookDelivery.objects.get(endpoint_id=endpoint.id)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(created=timezone.now() - waiting)
    return delivery


def test_deliveries_owed_for_over_a_minute_with_no_attempt_are_a_503(account, caplog):
    # given a delivery due since 61 seconds that no worker has tried
    _owed_delivery(account, waiting=timedelta(seconds=61))
    # when probed
    response = APIClient().get("/healthz")
    # then 503, naming the webhooks, while database and broker are fine
    assert response.status_code == 503, response.content
    assert response.json() == {"status": "unavailable", "database": "ok", "broker": "ok",
                               "webhooks": "stalled"}
    assert "webhook deliveries are stalled" in caplog.text


def test_a_delivery_younger_than_a_minute_is_no_backlog(account):
    _owed_delivery(account, waiting=timedelta(seconds=50))
    response = APIClient().get("/healthz")
    assert response.status_code == 200, response.content
    assert response.json()["webhooks"] == "ok"


def test_a_slow_endpoints_backlog_is_no_stall_while_attempts_go_on(account):
    # given deliveries waiting for long behind a slow endpoint's attempts...
    _owed_delivery(account, waiting=timedelta(minutes=10))
    other = record_event(account.merchant, email="other@example.test")
    busy = WebhookDelivery.objects.get(event=other)
    # ...one of which is in flight now
    WebhookDelivery.objects.filter(pk=busy.pk).update(
        attempt_count=1, in_flight_until=timezone.now() + timedelta(seconds=20))
    assert APIClient().get("/healthz").json()["webhooks"] == "ok"

    # and once it is recorded, the attempt made half a minute ago still counts
    WebhookDelivery.objects.filter(pk=busy.pk).update(in_flight_until=None)
    attempt = WebhookDeliveryAttempt.objects.create(
        delivery=busy, attempted_at=timezone.now() - timedelta(seconds=30), duration_ms=10_000,
        error="Timed out", succeeded=False)
    assert APIClient().get("/healthz").json()["webhooks"] == "ok"

    # but when no attempt has started for over a minute (and a timeout), it is a stall
    WebhookDeliveryAttempt.objects.filter(pk=attempt.pk).update(
        attempted_at=timezone.now() - timedelta(seconds=75))
    response = APIClient().get("/healthz")
    assert (response.status_code, response.json()["webhooks"]) == (503, "stalled")


def test_delivered_and_retrying_deliveries_are_no_backlog(account):
    delivery = _owed_delivery(account, waiting=timedelta(hours=1))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        attempt_count=1, next_attempt_at=timezone.now() - timedelta(minutes=30))
    assert APIClient().get("/healthz").json()["webhooks"] == "ok"
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="succeeded")
    assert APIClient().get("/healthz").json()["webhooks"] == "ok"


def test_the_backlog_check_is_one_query(account, django_assert_num_queries):
    _owed_delivery(account, waiting=timedelta(minutes=5))
    with django_assert_num_queries(1):
        assert webhook_deliveries_stalled(now=timezone.now()) is True
