"""/healthz: 200 when the database and the broker answer, 503 (with the kind of failure)
otherwise."""

import pytest
from django.db import OperationalError
from rest_framework.test import APIClient

from config.celery import app as celery_app

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


class _BrokenConnection:
    def cursor(self):
        raise OperationalError("could not connect to server: Connection refused")


def test_healthy(db):
    # given a reachable database and broker / when probed without any key
    response = APIClient().get("/healthz")
    # then 200, each check "ok"
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


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
