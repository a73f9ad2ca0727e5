"""A dashboard session idle for TILL_SESSION_IDLE_HOURS (12 by default) is signed out; activity
keeps it alive. Its expiry moves at most once a minute, and never on an API request."""

from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

START = timezone.now()


@pytest.fixture
def clock(monkeypatch):
    """Moves Django's `now` (sessions, the middleware) to START + the given delta."""

    def at(delta: timedelta) -> None:
        monkeypatch.setattr("django.utils.timezone.now", lambda: START + delta)

    at(timedelta(0))
    return at


def signed_in(response) -> bool:
    if response.status_code == 302:
        assert response["Location"].startswith("/login/")
        return False
    assert response.status_code == 200
    return True


def session_writes(queries) -> list[str]:
    return [q["sql"] for q in queries if q["sql"].startswith(("UPDATE", "INSERT"))
            and "django_session" in q["sql"]]


def test_a_session_idle_for_twelve_hours_is_signed_out(clock, owner):
    clock(timedelta(hours=11, minutes=59))
    assert signed_in(owner.get("/"))
    clock(timedelta(hours=24))  # 12 hours and a minute since the last request
    assert not signed_in(owner.get("/"))
    assert not signed_in(owner.get("/payments/"))


def test_activity_keeps_a_session_alive(clock, owner):
    for hours in (11, 22, 33, 44):
        clock(timedelta(hours=hours))
        assert signed_in(owner.get("/payments/")), hours


def test_the_idle_time_is_configurable(clock, owner, settings):
    settings.TILL_SESSION_IDLE_HOURS = 1
    owner.get("/")  # the idle clock now counts one hour
    clock(timedelta(minutes=59))
    assert signed_in(owner.get("/"))
    clock(timedelta(minutes=59 + 61))
    assert not signed_in(owner.get("/"))


def test_the_expiry_is_written_at_most_once_a_minute(clock, owner):
    clock(timedelta(seconds=30))
    with CaptureQueriesContext(connection) as within_the_minute:
        assert signed_in(owner.get("/"))
    assert session_writes(within_the_minute.captured_queries) == []

    clock(timedelta(minutes=2))
    with CaptureQueriesContext(connection) as later:
        assert signed_in(owner.get("/"))
    assert len(session_writes(later.captured_queries)) == 1
    session = Session.objects.get()
    assert session.expire_date == START + timedelta(minutes=2, hours=12)


def test_an_api_request_never_touches_the_session(clock, owner, account):
    # a browser holding a dashboard session calls the API with a key
    clock(timedelta(hours=1))
    key = account.key()
    with CaptureQueriesContext(connection) as queries:
        response = owner.get("/v1/customers", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert session_writes(queries.captured_queries) == []
    assert not any("django_session" in q["sql"] for q in queries.captured_queries)
    assert "Cookie" not in response.get("Vary", "")
    # and that did not count as dashboard activity
    clock(timedelta(hours=12, minutes=1))
    assert not signed_in(owner.get("/"))
