"""Webhook test helpers: a real receiver on loopback, endpoints, events that fan out."""

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from payments.services import customer_create
from tests.conftest import Api
from tests.webhooks.receiver import Receiver, start_receiver, stop_receiver
from webhooks import sender
from webhooks.models import Event


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = start_receiver()
    yield receiver
    stop_receiver(receiver)
    sender.pools_reset()  # no kept-alive connection to a closed server


_real_getaddrinfo = socket.getaddrinfo


@pytest.fixture
def dns(monkeypatch) -> dict[str, str | None]:
    """Names resolved as this dict says (None: the name does not resolve); everything else
    as usual. The seam is the resolver itself, which both the check when an endpoint is
    saved and every delivery attempt go through."""
    table: dict[str, str | None] = {}

    def getaddrinfo(host, port, *args, **kwargs):
        if isinstance(host, str) and host in table:
            address = table[host]
            if address is None:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            sockaddr = (address, port or 0, 0, 0) if ":" in address else (address, port or 0)
            return [(family, socket.SOCK_STREAM, 6, "", sockaddr)]
        return _real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return table


@pytest.fixture
def allow_local(settings) -> None:
    """Test-mode endpoints may target loopback (the receiver), as in development."""
    settings.TILL_WEBHOOK_ALLOW_LOCAL = True


def create_endpoint(api: Api, url: str, events: list[str] | None = None,
                    **params: Any) -> dict[str, Any]:
    response = api.post("/v1/webhook_endpoints",
                        {"url": url, "enabled_events": events or ["*"], **params})
    assert response.status_code == 200, response.content
    return response.json()


def record_event(merchant, *, livemode: bool = False, email: str = "jenny@example.test"
                 ) -> Event:
    """A change that records `customer.created` (and so its deliveries), committed."""
    customer = customer_create(merchant=merchant, livemode=livemode, email=email)
    return Event.objects.filter(data__object__id=customer.id).get()


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Celery tasks run inline when enqueued. (TILL_TASKS_EAGER from the root conftest comes
    too late for settings read by pytest-django first, so set it on the app.)"""
    from config.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = saved


@pytest.fixture
def deliver(django_capture_on_commit_callbacks, eager_tasks):
    """Records an event and runs what its commit enqueues, inline."""

    def run(merchant, **kwargs: Any) -> Event:
        with django_capture_on_commit_callbacks(execute=True):
            event = record_event(merchant, **kwargs)
        return event

    return run


@pytest.fixture
def sweep(django_capture_on_commit_callbacks, eager_tasks):
    """Runs the sweep and what it enqueues."""
    from webhooks.services import deliveries_sweep

    def run(**kwargs: Any) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return deliveries_sweep(**kwargs)

    return run
