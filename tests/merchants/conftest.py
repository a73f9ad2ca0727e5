from datetime import datetime, timedelta

import pytest
from django.utils import timezone


class Clock:
    """A frozen `timezone.now()` that moves only when a test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    frozen = Clock(timezone.now())
    monkeypatch.setattr(timezone, "now", lambda: frozen.now)
    return frozen
