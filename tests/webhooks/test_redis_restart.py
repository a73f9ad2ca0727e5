"""A Redis restart between an event's commit and its delivery loses nothing.

The Redis restarted is a private server started for this module on a free port, so the
restart cannot disturb the machine's Redis that other tests (and other processes) share.
"""

import shutil
import socket
import subprocess
import time
from collections import Counter
from collections.abc import Iterator

import pytest

from tests.webhooks.conftest import create_endpoint, record_event
from tests.webhooks.test_worker import (  # noqa: F401 - fixtures, resolved by name
    _pings,
    broker,
    pytestmark,
    statuses,
    sweep_everything,
    wait_until,
    workers,
)
from webhooks.models import WebhookDelivery


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1",  # noqa: S603, S607
                        "--port", str(self.port), "--save", "", "--appendonly", "no"],
                       check=True, capture_output=True, timeout=10)
        wait_until(lambda: _pings(self.url), timeout=10)

    def stop(self) -> None:
        subprocess.run(["redis-cli", "-p", str(self.port), "shutdown", "nosave"],  # noqa: S603, S607
                       check=False, capture_output=True, timeout=10)
        deadline = time.monotonic() + 10
        while _pings(self.url) and time.monotonic() < deadline:
            time.sleep(0.05)


@pytest.fixture(scope="module")
def private_redis() -> Iterator[PrivateRedis]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed: this test restarts a Redis of its own")
    server = PrivateRedis()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def redis_url(private_redis: PrivateRedis) -> str:
    """The workers' and this process's broker: the private server (overrides test_worker's)."""
    return private_redis.url


def test_a_redis_restart_between_commit_and_delivery_loses_nothing(
        account, api, receiver, workers, private_redis):  # noqa: F811 - the fixture by name
    # given a running worker, and its Redis going down
    workers()
    endpoint = create_endpoint(api, receiver.url())
    private_redis.stop()
    try:
        # when an event commits while Redis is down (its message cannot be sent)
        started = time.monotonic()
        event = record_event(account.merchant)
        assert time.monotonic() - started < 3  # the request is not held up
        assert WebhookDelivery.objects.get().status == "pending"
    finally:
        private_redis.start()

    # and beat's sweep runs once Redis is back
    assert sweep_everything() == 1

    # then the worker, reconnected, delivers it
    [request] = receiver.wait_for(1, timeout=30)
    assert request.verified_event(endpoint["secret"]).id == event.id
    wait_until(lambda: statuses() == Counter(succeeded=1))
