"""Events on the wire: their shape, where they came from, and how lists filter them."""

from django.conf import settings


def create_customer(api, params=None, headers=None):
    response = api.post("/v1/customers", params or {}, headers=headers)
    assert response.status_code == 200, response.content
    return response


def events(api, params=None) -> list[dict]:
    response = api.get("/v1/events", params or {})
    assert response.status_code == 200, response.content
    return response.json()["data"]


def test_an_event_has_stripes_shape(api):
    # given
    response = create_customer(api, {"email": "shape@example.test"},
                               headers={"Idempotency-Key": "shape-1"})
    customer = response.json()

    # when
    [event] = events(api)

    # then
    assert set(event) == {"id", "object", "api_version", "created", "data", "livemode",
                          "pending_webhooks", "request", "type"}
    assert event["id"].startswith("evt_")
    assert event["object"] == "event"
    assert event["type"] == "customer.created"
    assert event["api_version"] == settings.TILL_API_VERSION == response["Stripe-Version"]
    assert isinstance(event["created"], int)
    assert abs(event["created"] - customer["created"]) <= 1
    assert event["data"] == {"object": customer}
    assert event["livemode"] is False
    assert event["pending_webhooks"] == 0
    assert event["request"] == {"id": response["Request-Id"], "idempotency_key": "shape-1"}


def test_event_request_names_the_request_that_caused_it(api):
    # given one change with a key and a client-chosen request id, one with neither
    keyed = create_customer(api, headers={"Idempotency-Key": "order-77",
                                          "X-Request-Id": "req_from_client_1"})
    plain = create_customer(api)

    # when
    newest, oldest = events(api)

    # then
    assert keyed["Request-Id"] == "req_from_client_1"
    assert oldest["request"] == {"id": "req_from_client_1", "idempotency_key": "order-77"}
    assert newest["request"] == {"id": plain["Request-Id"], "idempotency_key": None}
    assert newest["request"]["id"].startswith("req_")
    assert newest["request"]["id"] != oldest["request"]["id"]


def test_update_and_delete_events_name_their_own_requests(api):
    customer = create_customer(api, {"name": "A"}).json()
    updated = api.post(f"/v1/customers/{customer['id']}", {"name": "B"},
                       headers={"Idempotency-Key": "rename-1"})
    deleted = api.delete(f"/v1/customers/{customer['id']}")

    by_type = {e["type"]: e for e in events(api)}

    assert by_type["customer.updated"]["request"] == {"id": updated["Request-Id"],
                                                      "idempotency_key": "rename-1"}
    assert by_type["customer.deleted"]["request"] == {"id": deleted["Request-Id"],
                                                      "idempotency_key": None}


def test_an_idempotent_replay_writes_no_second_event(api):
    first = create_customer(api, {"email": "once@example.test"},
                            headers={"Idempotency-Key": "signup-1"})
    replay = create_customer(api, {"email": "once@example.test"},
                             headers={"Idempotency-Key": "signup-1"})

    assert replay["Idempotent-Replayed"] == "true"
    [event] = events(api)
    assert event["request"]["id"] == first["Request-Id"] == replay["Original-Request"]


def test_only_updated_events_carry_previous_attributes(api):
    # given
    customer = create_customer(api, {"name": "Old", "email": "keep@example.test"}).json()
    api.post(f"/v1/customers/{customer['id']}", {"name": "New"})
    api.delete(f"/v1/customers/{customer['id']}")

    # when
    by_type = {e["type"]: e for e in events(api)}

    # then
    assert by_type["customer.updated"]["data"]["previous_attributes"] == {"name": "Old"}
    assert by_type["customer.updated"]["data"]["object"]["name"] == "New"
    assert set(by_type["customer.created"]["data"]) == {"object"}
    assert set(by_type["customer.deleted"]["data"]) == {"object"}
    assert by_type["customer.deleted"]["data"]["object"]["email"] == "keep@example.test"


def test_events_do_not_change_after_the_fact(api):
    # given
    customer = create_customer(api, {"name": "First"}).json()
    [created] = events(api)

    # when the customer changes later
    api.post(f"/v1/customers/{customer['id']}", {"name": "Second"})

    # then the earlier event still shows the customer as it was
    assert api.get(f"/v1/events/{created['id']}").json() == created
    assert created["data"]["object"]["name"] == "First"


def test_retrieve_returns_the_listed_event(api):
    create_customer(api)
    [listed] = events(api)

    response = api.get(f"/v1/events/{listed['id']}")

    assert response.status_code == 200
    assert response.json() == listed


def test_retrieve_unknown_event_is_a_404(api):
    response = api.get("/v1/events/evt_missing")

    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "resource_missing"
    assert "evt_missing" in error["message"]


# -- filters -----------------------------------------------------------------------------

def test_type_wildcard_matches_every_customer_event(api):
    # given
    customer = create_customer(api).json()
    api.post(f"/v1/customers/{customer['id']}", {"name": "Changed"})
    api.delete(f"/v1/customers/{customer['id']}")

    # when
    wildcard = events(api, {"type": "customer.*"})
    other_family = events(api, {"type": "invoice.*"})
    prefix_only = events(api, {"type": "customer"})

    # then
    assert [e["type"] for e in wildcard] == ["customer.deleted", "customer.updated",
                                            "customer.created"]
    assert other_family == []
    assert prefix_only == []


def test_exact_type_and_types_filters(api):
    customer = create_customer(api).json()
    api.post(f"/v1/customers/{customer['id']}", {"name": "Changed"})
    api.delete(f"/v1/customers/{customer['id']}")

    exact = events(api, {"type": "customer.updated"})
    several = events(api, {"types": ["customer.created", "customer.deleted"]})

    assert [e["type"] for e in exact] == ["customer.updated"]
    assert [e["type"] for e in several] == ["customer.deleted", "customer.created"]


def test_type_and_types_together_are_refused(api):
    create_customer(api)

    response = api.get("/v1/events", {"type": "customer.created",
                                      "types": ["customer.updated"]})

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["param"] == "types"
    assert "type, types" in error["message"]


def test_the_other_modes_events_are_invisible(account):
    # given a test-mode event
    test_api, live_api = account.api("test_secret_key"), account.api("live_secret_key")
    create_customer(test_api)
    [test_event] = events(test_api)

    # when the live key looks for it
    listed = events(live_api)
    retrieved = live_api.get(f"/v1/events/{test_event['id']}")

    # then
    assert listed == []
    assert retrieved.status_code == 404
    assert retrieved.json()["error"]["code"] == "resource_missing"
    # and live-mode changes are live-mode events
    create_customer(live_api)
    [live_event] = events(live_api)
    assert live_event["livemode"] is True
    assert [e["id"] for e in events(test_api)] == [test_event["id"]]
