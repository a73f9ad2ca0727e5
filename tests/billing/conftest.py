"""Fixtures of the catalogue's tests."""

from collections.abc import Callable
from typing import Any

import pytest

from tests.billing.factories import ok
from tests.conftest import Api


@pytest.fixture
def event_types(api: Api) -> Callable[[str], list[str]]:
    """The types of the events the API lists for one object id, newest first."""

    def types_for(object_id: str) -> list[str]:
        response = api.get("/v1/events", {"limit": 100})
        assert response.status_code == 200, response.content
        return [event["type"] for event in response.json()["data"]
                if event["data"]["object"].get("id") == object_id]

    return types_for


@pytest.fixture
def events_of(api: Api) -> Callable[[str], list[dict[str, Any]]]:
    """The events of one object id, oldest first (as they happened)."""

    def of(object_id: str) -> list[dict[str, Any]]:
        data = ok(api.get("/v1/events", {"limit": 100}))["data"]
        return [event for event in reversed(data) if event["data"]["object"].get("id") == object_id]

    return of


@pytest.fixture
def advance(django_capture_on_commit_callbacks):
    """Advances a test clock to `frozen_time` through the API and runs its task, as a worker
    would; the clock is `ready` afterwards."""

    def post(api: Api, clock_id: str, frozen_time: int) -> None:
        with django_capture_on_commit_callbacks(execute=True):
            ok(api.post(f"/v1/test_helpers/test_clocks/{clock_id}/advance",
                        {"frozen_time": frozen_time}))
        assert ok(api.get(f"/v1/test_helpers/test_clocks/{clock_id}"))["status"] == "ready"

    return post
