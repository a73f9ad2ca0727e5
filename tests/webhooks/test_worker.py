"""Deliveries through a real Celery worker, PostgreSQL and Redis: prompt, never lost, never
duplicated except by a retry.

A worker subprocess (`celery -A config worker -Q webhooks,celery --pool threads`) serves the
test database; the test process commits events (enqueued on commit to Redis) and runs the
sweep itself where beat would. Skipped on SQLite, and when Redis is not reachable and
REDIS_URL is unset.
"""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.utils import timezone

from tests.conftest import needs_postgres
from tests.webhooks.conftest import create_endpoint, record_event
from tests.webhooks.receiver import HANG
from webhooks.models import WebhookDelivery
from webhooks.services import ENQUEUE_LEASE, LOST_ATTEMPT, deliveries_sweep

pytestmark = [needs_postgres("a worker process shares the database with the test"),
              pytest.mark.django_db(transaction=True),
              pytest.mark.usefixtures("allow_local")]

BASE_DIR = Path(__file__).resolve().parents[2]
DEFAULT_REDIS = "redis://127.0.0.1:6379/5"
QUEUE_KEYS = ("webhooks", "celery", "unacked", "unacked_index", "unacked_mutex")


@pytest.fixture(scope="module")
def redis_url() -> str:
    url = os.environ.get("REDIS_URL") or DEFAULT_REDIS
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("REDIS_URL"):
            raise
        pytest.skip(f"Redis is not reachable at {url}; set REDIS_URL to run")
    return url


def _reset_producers(app) -> None:
    # As Celery does after a fork: the next publish takes a pool for the current broker.
    app._after_fork()


@pytest.fixture
def broker(redis_url) -> Iterator[redis.Redis]:
    """This process publishes to the workers' Redis, for real (not eagerly), from empty
    queues."""
    from config.celery import app

    saved = {name: app.conf[name] for name in ("broker_url", "broker_transport_options",
                                               "task_always_eager")}
    app.conf.update(broker_url=redis_url, task_always_eager=False,
                    broker_transport_options={"visibility_timeout": 3600})
    _reset_producers(app)
    client = redis.Redis.from_url(redis_url)
    client.delete(*QUEUE_KEYS)
    yield client
    app.conf.update(saved)
    _reset_producers(app)
    with contextlib.suppress(redis.RedisError):
        client.delete(*QUEUE_KEYS)


def worker_database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}")


class Process:
    """A Till process started from its command line (`argv`, run from the repository as an
    operator would) on the test's database and Redis, with production's settings. Its output
    (stdout and stderr) is kept; it is stopped by its main PID."""

    def __init__(self, argv: list[str], redis_url: str, *, ready: str | None = None,
                 **env: str) -> None:
        self.argv = argv
        self.lines: list[str] = []
        self.ready = threading.Event()
        self._ready_marker = ready
        environment = {
            **os.environ, "DATABASE_URL": worker_database_url(), "REDIS_URL": redis_url,
            "CELERY_BROKER_URL": redis_url, "TILL_TASKS_EAGER": "false",
            # production's settings, as given here (not the suite's, which would move
            # REDIS_URL to this xdist worker's database a second time)
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "TILL_WEBHOOK_ALLOW_LOCAL": "true", "TILL_WEBHOOK_TIMEOUT": "5",
            "PYTHONUNBUFFERED": "1", **env}
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            argv, cwd=BASE_DIR, env=environment, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        if ready is not None and not self.ready.wait(30):
            self.stop()
            raise AssertionError(f"{argv} did not start:\n" + self.log)

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line)
            if self._ready_marker is not None and self._ready_marker in line:
                self.ready.set()

    @property
    def output(self) -> str:
        return "".join(self.lines)

    @property
    def log(self) -> str:
        return "".join(self.lines[-60:])

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.send_signal(signal.SIGKILL)
                self.process.wait(10)
        self._reader.join(5)  # every line it wrote, read


class Worker(Process):
    """One `celery worker` process with the tests' own flags (a thread pool, no gossip)."""

    count = 0

    def __init__(self, redis_url: str, **env: str) -> None:
        Worker.count += 1
        super().__init__(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "-Q", "webhooks,celery",
             "--pool", "threads", "--concurrency", env.get("CONCURRENCY", "8"),
             "--loglevel", "INFO", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-n", f"webhooks-test-{os.getpid()}-{Worker.count}@%h"],
            redis_url, ready=" ready.", **env)


@pytest.fixture
def workers(redis_url, broker) -> Iterator[Callable[..., "Worker"]]:
    """Starts workers on demand; stops every one after the test, whatever happened."""
    started: list[Worker] = []

    def start(**env: str) -> Worker:
        worker = Worker(redis_url, **env)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()
        if os.environ.get("TILL_TEST_WORKER_LOG"):
            sys.stderr.write("".join(worker.lines))


def wait_until(condition, timeout: float = 15.0, interval: float = 0.05) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(interval)


def sweep_everything() -> int:
    """The sweep as beat runs it, with the clock past every lease."""
    return deliveries_sweep(now=timezone.now() + ENQUEUE_LEASE + timedelta(minutes=10))


def statuses() -> Counter:
    return Counter(WebhookDelivery.objects.values_list("status", flat=True))


# -- tests ---------------------------------------------------------------------------------

def test_deliveries_arrive_within_a_second_of_commit(account, api, receiver, workers):
    # given a running worker and an endpoint
    workers()
    endpoint = create_endpoint(api, receiver.url())

    # when events commit, one after another
    committed = {}
    for n in range(10):
        event = record_event(account.merchant, email=f"c{n}@example.test")
        committed[event.id] = time.time()

    # then each arrives, verified, within a second of its commit
    requests = receiver.wait_for(10)
    for request in requests:
        event = request.verified_event(endpoint["secret"])
        assert request.at - committed[event.id] < 1.0, (event.id, request.at
                                                        - committed[event.id])
    assert sorted(r.event["id"] for r in requests) == sorted(committed)
    wait_until(lambda: statuses() == Counter(succeeded=10))


def test_a_worker_killed_mid_delivery_loses_nothing(account, api, receiver, workers):
    # given a worker sending a delivery that the receiver holds open
    worker = workers()
    endpoint = create_endpoint(api, receiver.url())
    receiver.respond("/hook", HANG)
    event = record_event(account.merchant)
    receiver.wait_for(1)

    # when the worker is killed mid-request
    worker.kill()
    receiver.release()
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempt_count) == ("pending", 1)
    assert delivery.in_flight_until > timezone.now()

    # and, its lease expired, a new worker starts and beat's sweep runs
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        in_flight_until=timezone.now() - timedelta(seconds=1),
        next_attempt_at=timezone.now() - timedelta(seconds=1))
    workers()
    assert deliveries_sweep() == 1

    # then the delivery arrives, and the lost attempt is on record
    first, second = receiver.wait_for(2)
    assert first.event["id"] == second.event["id"] == event.id
    assert second.verified_event(endpoint["secret"]).id == event.id
    wait_until(lambda: statuses() == Counter(succeeded=1))
    delivery.refresh_from_db()
    assert delivery.attempt_count == 2
    assert [(a.succeeded, a.error) for a in delivery.attempts.all()] == [
        (False, LOST_ATTEMPT), (True, None)]
    time.sleep(0.5)
    assert len(receiver.received()) == 2


def test_a_message_lost_by_the_broker_is_swept(account, api, receiver, workers, broker):
    # given an event committed while no worker runs, whose message the broker then loses
    endpoint = create_endpoint(api, receiver.url())
    event = record_event(account.merchant)
    assert broker.llen("webhooks") == 1
    broker.delete("webhooks")

    # when a worker starts, nothing comes; then the sweep runs
    workers()
    time.sleep(0.5)
    assert receiver.received() == []
    assert sweep_everything() == 1

    # then it arrives, once
    [request] = receiver.wait_for(1)
    assert request.verified_event(endpoint["secret"]).id == event.id
    wait_until(lambda: statuses() == Counter(succeeded=1))


def test_no_duplicates_except_retries(account, api, receiver, workers):
    # given a healthy endpoint and one that fails its first answers
    workers()
    healthy = create_endpoint(api, receiver.url("/healthy"))
    flaky = create_endpoint(api, receiver.url("/flaky"))
    receiver.respond("/flaky", *[500] * 6)

    # when events commit while sweeps re-enqueue everything pending (as if every message
    # had been lost) again and again
    events = []
    for n in range(25):
        events.append(record_event(account.merchant, email=f"d{n}@example.test").id)
        if n % 5 == 0:
            sweep_everything()
    for _ in range(3):
        sweep_everything()
    wait_until(lambda: len(receiver.received("/healthy")) >= 25)
    # and the failed ones are retried until they succeed
    deadline = time.monotonic() + 20
    while statuses().get("pending"):
        assert time.monotonic() < deadline, list(WebhookDelivery.objects.filter(
            status="pending").values("attempt_count", "in_flight_until", "next_attempt_at"))
        WebhookDelivery.objects.filter(status="pending", in_flight_until__isnull=True
                                       ).update(next_attempt_at=timezone.now())
        deliveries_sweep()
        time.sleep(0.2)

    # then the healthy endpoint got each event exactly once
    time.sleep(0.3)
    healthy_got = Counter(r.verified_event(healthy["secret"]).id
                          for r in receiver.received("/healthy"))
    assert healthy_got == Counter(events)
    # and the flaky one got each as many times as attempts were made: once, or a retry
    flaky_got = Counter(r.verified_event(flaky["secret"]).id
                        for r in receiver.received("/flaky"))
    attempts = dict(WebhookDelivery.objects.filter(endpoint_id=flaky["id"])
                    .values_list("event_id", "attempt_count"))
    assert flaky_got == Counter(attempts)
    assert sum(flaky_got.values()) == 25 + 6
    assert statuses() == Counter(succeeded=50)


def test_a_hanging_endpoint_does_not_delay_another(account, api, receiver, workers):
    # given a worker, an endpoint that never answers and one that does
    workers(CONCURRENCY="16", TILL_WEBHOOK_MAX_IN_FLIGHT="8")
    create_endpoint(api, receiver.url("/slow"))
    fast = create_endpoint(api, receiver.url("/fast"))
    receiver.respond("/slow", then=HANG)

    # when events go to both
    committed = {}
    for n in range(20):
        event = record_event(account.merchant, email=f"h{n}@example.test")
        committed[event.id] = time.time()

    # then every one reaches the healthy endpoint within a second of its commit
    requests = receiver.wait_for(20, "/fast", timeout=10)
    delays = [r.at - committed[r.verified_event(fast["secret"]).id] for r in requests]
    assert max(delays) < 1.0, delays
    # and the hanging one holds no more than its share of senders, however many claims
    # raced for it
    wait_until(lambda: len(receiver.received("/slow")) >= 8, timeout=5)
    time.sleep(0.5)
    assert len(receiver.received("/slow")) == 8
    receiver.release()


def _pings(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False
