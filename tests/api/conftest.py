import time
from types import SimpleNamespace

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_rate_limit_counts():
    """Rate-limit counters live in the cache; one test's requests must not count in another."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def frozen_rate_clock(monkeypatch):
    """Freezes the rate limiter's clock inside one second, so a 1-second window cannot roll
    over between the requests of a test. Returns the frozen Unix time."""
    now = float(int(time.time())) + 0.25
    clock = SimpleNamespace(time=lambda: now)
    monkeypatch.setattr("django_ratelimit.core.time", clock)
    monkeypatch.setattr("api.ratelimit.time", clock)
    return now


@pytest.fixture
def roomy_rate_limit(settings):
    """For tests that walk many pages: rate limits are not what they are about."""
    settings.TILL_RATE_LIMIT_TEST = 10_000
    settings.TILL_RATE_LIMIT_LIVE = 10_000
