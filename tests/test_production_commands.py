"""The README's "Running in production" commands, run exactly as written.

gunicorn, a Celery worker and beat are started as subprocesses from the repository, with the
command lines read from the README, on the test's PostgreSQL database and Redis (skipped on
SQLite, as tests/webhooks/test_worker.py is, whose helpers these are).
"""

import http.client
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

from tests.conftest import needs_postgres, secrets_in
from tests.webhooks import conftest as webhook_fixtures
from tests.webhooks import test_worker
from tests.webhooks.conftest import create_endpoint, record_event
from tests.webhooks.test_worker import Process, wait_until
from webhooks.models import WebhookDelivery
from webhooks.services import deliveries_sweep

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
        # gunicorn's access log would record the HTTP Basic user: the whole secret key
        assert "--access-log" not in command


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


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_no_secret_reaches_what_web_and_worker_write(account, receiver, start):
    # given the README's web and worker processes, as talkative as they can be
    verbose = {"LOG_LEVEL": "DEBUG", "TILL_TASK_LOG_LEVEL": "DEBUG"}
    web = start("web", TILL_WEBHOOK_ALLOW_LOCAL="true", **verbose)
    worker = start("worker", **verbose)
    key, publishable = account.key(), account.key("test_publishable_key")

    # when a client sends its secret key in HTTP Basic, a raw card number in a body...
    card = "4000002500003155"
    status, method = web.request("POST", "/v1/payment_methods", {
        "type": "card", "card[number]": card, "card[exp_month]": "12",
        "card[exp_year]": "2034", "card[cvc]": "314"}, key=key, basic=True)
    assert status == 200, method
    # ...registers an endpoint (whose signing secret is returned), failing its first delivery
    receiver.respond("/hook", 500)
    status, endpoint = web.request("POST", "/v1/webhook_endpoints", {
        "url": receiver.url(), "enabled_events[]": "*"}, key=key, basic=True)
    assert status == 200, endpoint
    # ...creates a payment, then reads it with its client secret in the URL
    status, intent = web.request("POST", "/v1/payment_intents", {
        "amount": "2000", "currency": "usd", "payment_method": method["id"]}, key=key,
        basic=True)
    assert status == 200, intent
    client_secret = intent["client_secret"]
    status, _ = web.request("GET", f"/v1/payment_intents/{intent['id']}?"
                            f"client_secret={client_secret}", key=publishable)
    assert status == 200
    with urlopen(f"{web.url}/pay/{intent['id']}?client_secret={client_secret}",  # noqa: S310
                 timeout=15) as page:
        assert page.status == 200
    # ...and puts its key where an id goes, and a wrong client secret in a URL
    assert web.request("GET", f"/v1/customers/{key}", key=key, basic=True)[0] == 404
    assert web.request("GET", f"/v1/payment_intents/{intent['id']}?client_secret="
                              f"{intent['id']}_secret_wrongWRONGwrong", key=publishable)[0] >= 400
    # and the worker sends the events (signed with that secret), retrying the failed one
    receiver.wait_for(1, timeout=30)
    deadline = time.monotonic() + 30
    while WebhookDelivery.objects.exclude(status="succeeded").exists():
        assert time.monotonic() < deadline, list(WebhookDelivery.objects.values())
        WebhookDelivery.objects.filter(status="pending", in_flight_until__isnull=True).update(
            next_attempt_at=timezone.now())
        deliveries_sweep()  # as beat does
        time.sleep(0.3)
    assert len(receiver.received()) >= 2

    # then nothing either process wrote holds any of those secrets
    web.stop()
    worker.stop()
    written = web.output + worker.output
    for secret in (key, client_secret, endpoint["secret"], card, "wrongWRONGwrong"):
        assert secret not in written, secret
    assert secrets_in(written) == []
    # while the access log shows each request, by the key's id
    assert "POST /v1/payment_methods 200" in web.output
    assert f"/v1/payment_intents/{intent['id']}?client_secret=[REDACTED] 200" in web.output
    assert re.search(r"till\.access \[req_\w+\] GET /v1/customers/sk_test_\[REDACTED\] 404 "
                     r"[\d.]+ms key_\w+", web.output)


def raw_request(web: Web, path: str, headers: dict[str, str]) -> tuple[int, str, bytes]:
    """A GET sent as is (no client-side limits): status, Content-Type, body."""
    connection = http.client.HTTPConnection("127.0.0.1", web.port, timeout=15)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


@on_postgres
@pytest.mark.django_db(transaction=True)
def test_over_long_urls_and_headers_answer_in_stripes_envelope(account, start):
    # given the README's web process, with its gunicorn.conf.py
    web = start("web")
    auth = {"Authorization": f"Bearer {account.key()}"}

    # when the URL, a header, or the number of headers passes Till's limit (and gunicorn's
    # defaults: a 4094-byte request line, 8190-byte headers, 100 of them)
    cases = {
        414: raw_request(web, "/v1/customers?email=" + "a" * 6000, auth),
        431: raw_request(web, "/v1/customers", {**auth, "X-Trace": "t" * 12000}),
        "many": raw_request(web, "/v1/customers",
                            {**auth, **{f"X-H{n}": "1" for n in range(150)}}),
    }

    # then Till answers, in JSON: the status, the envelope, a clear message
    for case, (status, content_type, body) in cases.items():
        assert status == (431 if case == "many" else case), (case, body[:300])
        assert content_type == "application/json", (case, body[:300])
        error = json.loads(body)["error"]
        assert error["type"] == "invalid_request_error"
        assert "Till accepts at most" in error["message"]
    # and what is within the limits is served as before
    assert raw_request(web, "/v1/customers?limit=1", auth)[0] == 200
