"""Nothing crosses a merchant or a mode, on any endpoint.

ROUTES lists every /v1 route with what each check needs. The guard at the end walks the URL
resolver: an endpoint added without a row here fails the suite until someone says how it is
scoped.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.conftest import Api
from webhooks.models import Event


def new_customer(api: Api) -> str:
    response = api.post("/v1/customers", {"email": "owner@example.test", "name": "Owner",
                                          "metadata": {"tier": "gold"}})
    assert response.status_code == 200, response.content
    return response.json()["id"]


def new_event(api: Api) -> str:
    customer_id = new_customer(api)
    events = api.get("/v1/events", {"type": "customer.created", "limit": 100}).json()["data"]
    return next(e["id"] for e in events if e["data"]["object"]["id"] == customer_id)


# An https URL at a public address: valid in both modes, never resolved, never sent to here.
ENDPOINT_URL = "https://93.184.215.14/stripe/webhooks"


def new_endpoint(api: Api) -> str:
    response = api.post("/v1/webhook_endpoints", {"url": ENDPOINT_URL, "enabled_events": ["*"]})
    assert response.status_code == 200, response.content
    return response.json()["id"]


def new_delivered_event(api: Api) -> str:
    """An event that was owed to the caller's endpoint (so it can be resent to it)."""
    new_endpoint(api)
    return new_event(api)


def own_endpoint(api: Api) -> dict[str, Any]:
    """The caller's newest endpoint as `webhook_endpoint`, or an id that is nobody's."""
    endpoints = api.get("/v1/webhook_endpoints").json()["data"]
    return {"webhook_endpoint": endpoints[0]["id"] if endpoints else "we_nobody"}


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # as the guard spells it: /v1/customers/{id}
    # For routes with an {id}: makes one object as the given client and returns its id.
    make: Callable[[Api], str] | None = None
    # The detail route that shows the object unchanged (or not) afterward.
    show: str | None = None
    # The request's parameters, or a function of the calling client that gives them.
    params: dict[str, Any] | Callable[[Api], dict[str, Any]] = field(default_factory=dict)
    # For list routes: what each tenant makes (returning its id), the id of what a listed
    # object concerns, and filters under which every tenant's objects all still match.
    seed: Callable[[Api], str] = new_customer
    made_of: Callable[[dict], str] | None = None
    filters: tuple[dict[str, Any], ...] = ({},)
    # For POST routes: whether a successful call records an event.
    emits_event: bool = True

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    def call(self, api: Api, object_id: str | None = None,
             headers: dict[str, str] | None = None):
        path = self.path.replace("{id}", object_id or "")
        params = self.params(api) if callable(self.params) else self.params
        return getattr(api, self.method.lower())(path, params, headers=headers)


ROUTES = [
    Route("GET", "/v1/customers", made_of=lambda obj: obj["id"],
          filters=({}, {"email": "owner@example.test"}, {"created": {"gte": 0}})),
    Route("POST", "/v1/customers", params={"email": "new@example.test"}),
    Route("GET", "/v1/customers/{id}", make=new_customer, show="/v1/customers/{id}"),
    Route("POST", "/v1/customers/{id}", make=new_customer, show="/v1/customers/{id}",
          params={"name": "Mallory", "metadata": {"tier": ""}}),
    Route("DELETE", "/v1/customers/{id}", make=new_customer, show="/v1/customers/{id}"),
    Route("GET", "/v1/events", made_of=lambda obj: obj["data"]["object"]["id"],
          filters=({}, {"type": "customer.created"}, {"type": "customer.*"},
                   {"types": ["customer.created"]})),
    Route("GET", "/v1/events/{id}", make=new_event, show="/v1/events/{id}"),
    Route("POST", "/v1/events/{id}/retry", make=new_delivered_event, show="/v1/events/{id}",
          params=own_endpoint, emits_event=False),
    Route("GET", "/v1/webhook_endpoints", seed=new_endpoint, made_of=lambda obj: obj["id"]),
    Route("POST", "/v1/webhook_endpoints", emits_event=False,
          params={"url": ENDPOINT_URL, "enabled_events": ["customer.created"]}),
    Route("GET", "/v1/webhook_endpoints/{id}", make=new_endpoint,
          show="/v1/webhook_endpoints/{id}"),
    Route("POST", "/v1/webhook_endpoints/{id}", make=new_endpoint,
          show="/v1/webhook_endpoints/{id}", emits_event=False,
          params={"url": ENDPOINT_URL + "?hijacked", "disabled": True,
                  "metadata": {"tier": "x"}}),
    Route("DELETE", "/v1/webhook_endpoints/{id}", make=new_endpoint,
          show="/v1/webhook_endpoints/{id}"),
    Route("POST", "/v1/webhook_endpoints/{id}/roll_secret", make=new_endpoint,
          show="/v1/webhook_endpoints/{id}", emits_event=False),
    Route("GET", "/v1/webhook_endpoints/{id}/deliveries", make=new_endpoint,
          show="/v1/webhook_endpoints/{id}"),
]
ID_ROUTES = [r for r in ROUTES if r.make]
LIST_ROUTES = [r for r in ROUTES if r.made_of]
POST_ROUTES = [r for r in ROUTES if r.method == "POST"]


def _ids(routes: list[Route]) -> list[str]:
    return [str(r) for r in routes]


def _assert_missing(response, object_id: str) -> None:
    assert response.status_code == 404, response.content
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["code"] == "resource_missing"
    assert error["param"] == "id"
    assert object_id in error["message"]


def _snapshot(route: Route, owner: Api, object_id: str) -> tuple[dict, int]:
    shown = owner.get(route.show.replace("{id}", object_id))
    assert shown.status_code == 200, shown.content
    return shown.json(), Event.objects.count()


# -- objects by id -----------------------------------------------------------------------

@pytest.mark.parametrize("route", ID_ROUTES, ids=_ids(ID_ROUTES))
def test_another_merchants_id_is_missing_and_untouched(route, account, other_account):
    # given merchant A's object, and merchant B's key
    owner, intruder = account.api(), other_account.api()
    object_id = route.make(owner)
    before = _snapshot(route, owner, object_id)

    # when B uses A's id
    response = route.call(intruder, object_id)

    # then it does not exist for B, and nothing about it changed
    _assert_missing(response, object_id)
    assert _snapshot(route, owner, object_id) == before


@pytest.mark.parametrize("route", ID_ROUTES, ids=_ids(ID_ROUTES))
@pytest.mark.parametrize(("owner_key", "caller_key"), [
    ("test_secret_key", "live_secret_key"),
    ("live_secret_key", "test_secret_key"),
], ids=["test-object-live-key", "live-object-test-key"])
def test_the_other_modes_id_is_missing_and_untouched(route, owner_key, caller_key, account):
    # given a merchant's object in one mode
    owner, other_mode = account.api(owner_key), account.api(caller_key)
    object_id = route.make(owner)
    before = _snapshot(route, owner, object_id)

    # when the same merchant's key for the other mode uses the id
    response = route.call(other_mode, object_id)

    # then
    _assert_missing(response, object_id)
    assert _snapshot(route, owner, object_id) == before


# -- lists -------------------------------------------------------------------------------

@dataclass
class Tenant:
    name: str
    api: Api
    livemode: bool


@pytest.fixture
def tenants(account, other_account) -> list[Tenant]:
    """Three tenants: A test, A live, B test."""
    return [Tenant(name=name, api=owner.api(key), livemode=key.startswith("live"))
            for name, owner, key in (("A test", account, "test_secret_key"),
                                     ("A live", account, "live_secret_key"),
                                     ("B test", other_account, "test_secret_key"))]


def seeded(route: Route, tenants: list[Tenant]) -> dict[str, set[str]]:
    """Two objects of the route's kind made by each tenant: their ids by tenant name."""
    return {tenant.name: {route.seed(tenant.api), route.seed(tenant.api)}
            for tenant in tenants}


@pytest.mark.parametrize("route", LIST_ROUTES, ids=_ids(LIST_ROUTES))
def test_lists_show_only_the_callers_merchant_and_mode(route, tenants):
    # given three tenants whose objects all match the same filters
    made = seeded(route, tenants)
    for tenant in tenants:
        for filters in route.filters:
            # when
            response = tenant.api.get(route.path, {**filters, "limit": 100})

            # then
            assert response.status_code == 200, response.content
            data = response.json()["data"]
            where = (tenant.name, filters)
            assert {route.made_of(obj) for obj in data} == made[tenant.name], where
            assert {obj["livemode"] for obj in data} == {tenant.livemode}, where


@pytest.mark.parametrize("route", LIST_ROUTES, ids=_ids(LIST_ROUTES))
@pytest.mark.parametrize("cursor", ["starting_after", "ending_before"])
@pytest.mark.parametrize("stranger", [1, 2], ids=["other-mode", "other-merchant"])
def test_a_cursor_from_another_tenant_is_refused(route, cursor, stranger, tenants):
    # given an object id that belongs to another tenant
    seeded(route, tenants)
    caller, stranger = tenants[0], tenants[stranger]
    foreign = stranger.api.get(route.path, {"limit": 1}).json()["data"][0]["id"]

    # when A pages from it
    response = caller.api.get(route.path, {cursor: foreign})

    # then no page of B's objects comes back
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "resource_missing"
    assert error["param"] == cursor
    assert "data" not in response.json()


# -- idempotency keys --------------------------------------------------------------------

@pytest.mark.parametrize("route", POST_ROUTES, ids=_ids(POST_ROUTES))
@pytest.mark.parametrize("second", ["other merchant", "other mode"])
def test_an_idempotency_key_does_not_replay_across_tenants(route, second, account,
                                                           other_account):
    # given A ran a POST under a key
    first_api = account.api()
    second_api = (other_account.api() if second == "other merchant"
                  else account.api("live_secret_key"))
    first_id = route.make(first_api) if route.make else None
    second_id = route.make(second_api) if route.make else None
    first = route.call(first_api, first_id, headers={"Idempotency-Key": "shared-key-1"})
    assert first.status_code == 200, first.content
    events_before = Event.objects.count()

    # when another tenant sends the same request under the same key
    response = route.call(second_api, second_id, headers={"Idempotency-Key": "shared-key-1"})

    # then it runs as a new request of its own
    assert response.status_code == 200, response.content
    assert "Idempotent-Replayed" not in response.headers
    assert response["Original-Request"] == response["Request-Id"]
    body = response.json()
    assert body["id"] != first.json()["id"]
    assert body["livemode"] is (second == "other mode")
    if second_id is not None:
        assert body["id"] == second_id
    assert Event.objects.count() == events_before + route.emits_event


# -- the guard ---------------------------------------------------------------------------

# /v1 routes that hold no merchant data: the schema and its viewer, and the catch-all 404.
NOT_TENANT_ROUTES = {"/v1/openapi.json", "/v1/docs"}
HTTP_METHODS = ("get", "post", "delete", "put", "patch")


def _walk(patterns, prefix: str = ""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.callback


def _api_routes() -> set[str]:
    found = set()
    for route, callback in _walk(get_resolver().url_patterns):
        if not route.startswith("v1/") or route.endswith("^.*$"):
            continue
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        if path in NOT_TENANT_ROUTES:
            continue
        view_class = getattr(callback, "view_class", None)
        methods = ([m for m in HTTP_METHODS if hasattr(view_class, m)] if view_class
                   else ["any"])
        found.update(f"{method.upper()} {path}" for method in methods)
    return found


def test_every_api_route_is_in_the_tenancy_table():
    # given every (method, path) the URL resolver serves under /v1
    served = _api_routes()

    # then each one is checked above, and the table names nothing that is not served
    assert served, "the resolver walk found no /v1 routes"
    assert served - set(_ids(ROUTES)) == set(), "add these routes to ROUTES"
    assert set(_ids(ROUTES)) - served == set(), "ROUTES names routes that do not exist"
    checked = set(_ids(ID_ROUTES + LIST_ROUTES + POST_ROUTES))
    assert set(_ids(ROUTES)) - checked == set(), "give these rows a make or made_of"
