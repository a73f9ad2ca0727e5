"""The README's "Running in production" commands, run exactly as written.

gunicorn, a Celery worker and beat are started as subprocesses from the repository, with the
command lines read from the README, on the test's PostgreSQL database and Redis (skipped on
SQLite, as tests/webhooks/test_worker.py is, whose helpers these are).
"""

import json
import re
import shlex
import socket
import time
from base64 import b64encode
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
from celery import Celery
from django.conf import settings
from django.utils import timezone

from tests.conftest import needs_postgres
from tests.webhooks import conftest as webhook_fixtures
from tests.webhooks import test_worker
from tests.webhooks.conftest import create_endpoint, record_event
from tests.webhooks.test_worker import Process, wait_until
from webhooks.models import WebhookDelivery

# The webhook tests' fixtures: a loopback receiver, and this test's Redis as the broker.
allow_local, receiver = webhook_fixtures.allow_local, webhook_fixtures.receiver
broker, redis_url = test_worker.broker, test_worker.redis_url

BASE_DIR = Path(__file__).resolve().parents[1]
on_postgres = needs_postgres("the processes share the database with the test")


def production_commands() -> dict[str, list[str]]:
    """The command lines of the README's production block: `web`, `worker` and `beat`."""
    readme = (BASE_DIR / "README.md").read_text()
    section = readme.split("\n## Running in production\n", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    commands = {}
    for line in block.splitlines():
        argv = shlex.split(line, comments=True)
        if argv[:1] == [".venv/bin/gunicorn"]:
            commands["web"] = argv
        elif argv[:3] == [".venv/bin/celery", "-A", "config"]:
            commands[argv[3]] = argv
    return commands


def procfile_commands() -> dict[str, str]:
    lines = (BASE_DIR / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Web(Process):
    """`gunicorn config.wsgi` as the README writes it, on a free port given by TILL_BIND."""

    def __init__(self, argv: list[str], redis_url: str, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__(argv, redis_url, TILL_BIND=f"127.0.0.1:{self.port}",
                         ALLOWED_HOSTS="127.0.0.1", SECRET_KEY="production-commands-test",
                         **env)
        deadline = time.monotonic() + 30
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise AssertionError(f"{argv} did not serve:\n" + self.log)
            time.sleep(0.2)

    def answers(self) -> bool:
        try:
            self.request("GET", "/healthz")
        except HTTPError:
            return True  # it answered, if not healthy
        except OSError:
            return False
        return True

    def request(self, method: str, path: str, params: dict[str, Any] | None = None, *,
                key: str | None = None, basic: bool = False) -> tuple[int, Any]:
        headers = {}
        if key and basic:
            headers["Authorization"] = "Basic " + b64encode(f"{key}:".encode()).decode()
        elif key:
            headers["Authorization"] = f"Bearer {key}"
        body = urlencode(params or {}).encode() if method == "POST" else None
        request = Request(self.url + path, data=body, method=method, headers=headers)  # noqa: S310
        try:
            with urlopen(request, timeout=15) as response:  # noqa: S310 - our own server
                return response.status, json.loads(response.read())
        except HTTPError as error:
            if error.code >= 500 or "json" not in error.headers.get("Content-Type", ""):
                raise
            return error.code, json.loads(error.read())


@pytest.fixture
def start(redis_url, broker) -> Iterator[Callable[..., Process]]:
    """Starts the README's command for `web`, `worker` or `beat`; stops each after the test
    (before the database is emptied)."""
    started: list[Process] = []
    commands = production_commands()

    def run(name: str, **env: str) -> Process:
        process = (Web if name == "web" else Process)(commands[name], redis_url, **env)
        started.append(process)
        return process

    yield run
    for process in started:
        process.stop()


# -- what the README and the Procfile say ---------------------------------------------------

def test_the_readme_starts_each_process_without_naming_queues():
    assert production_commands() == {
        "web": [".venv/bin/gunicorn", "config.wsgi"],
        "worker": [".venv/bin/celery", "-A", "config", "worker"],
        "beat": [".venv/bin/celery", "-A", "config", "beat"],
    }


def test_the_procfile_runs_the_readme_commands_with_tuning_flags_only():
    readme = {name: shlex.join(argv) for name, argv in production_commands().items()}
    procfile = procfile_commands()
    assert sorted(procfile) == ["beat", "web", "worker"]
    for name, command in procfile.items():
        assert command.startswith(readme[name]), (name, command)
        assert not re.search(r"\s(-Q|--queues|-X|--exclude-queues)\b", command), command
        assert "--bind" not in command  # gunicorn.conf.py binds TILL_BIND


def test_a_worker_given_no_queue_consumes_every_queue_tasks_are_routed_to():
    # a Celery app configured as config/celery.py does, before any task was routed
    app = Celery("till-queues")
    app.config_from_object("django.conf:settings", namespace="CELERY")
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert routed == {"webhooks"}
    assert set(app.amqp.queues) == routed | {app.conf.task_default_queue}


# -- the processes ---------------------------------------------------------------------------

@on_postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("allow_local")
def test_the_readme_worker_sends_webhooks(account, api, receiver, start):
    # given an endpoint on a local server, and an event whose delivery is on its way
    endpoint = create_endpoint(api, receiver.url())
    event = record_event(account.merchant)

    # when the README's worker runs
    start("worker")

    # then the delivery arrives, signed, and is recorded as delivered
    [request] = receiver.wait_for(1, timeout=30)
    assert request.verified_event(endpoint["secret"]).id == event.id
    wait_until(lambda: WebhookDelivery.objects.get().status == "succeeded")


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_the_readme_web_beat_and_worker_start_and_serve(account, receiver, start, broker):
    # given the README's web process
    web = start("web", TILL_WEBHOOK_ALLOW_LOCAL="true")
    assert web.request("GET", "/healthz") == (200, {"status": "ok", "database": "ok",
                                                   "broker": "ok", "webhooks": "ok"})
    # and beat
    start("beat")

    # when an endpoint is registered and a customer created through the web process
    key = account.key()
    status, endpoint = web.request("POST", "/v1/webhook_endpoints",
                                   {"url": receiver.url(), "enabled_events[]": "*"}, key=key)
    assert status == 200, endpoint
    status, customer = web.request("POST", "/v1/customers", {"email": "ops@example.test"},
                                   key=key)
    assert status == 200, customer
    # and the delivery's message is lost before any worker runs, its lease over
    assert broker.llen("webhooks") == 1
    broker.delete("webhooks")
    WebhookDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    start("worker")

    # then beat's sweep sends it again and the worker delivers it
    [request] = receiver.wait_for(1, timeout=30)
    event = request.verified_event(endpoint["secret"])
    assert (event.type, event.data.object.id) == ("customer.created", customer["id"])
    wait_until(lambda: WebhookDelivery.objects.get().status == "succeeded")
    assert web.request("GET", "/healthz")[0] == 200
