from collections.abc import Callable

import pytest

from tests.conftest import Api


@pytest.fixture
def event_types(api: Api) -> Callable[[str], list[str]]:
    """The types of the events the API lists for one object, newest first."""

    def types_for(object_id: str) -> list[str]:
        response = api.get("/v1/events", {"limit": 100})
        assert response.status_code == 200, response.content
        return [event["type"] for event in response.json()["data"]
                if event["data"]["object"]["id"] == object_id]

    return types_for
