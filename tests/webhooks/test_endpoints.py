"""/v1/webhook_endpoints: Stripe's shape, validation, limits, and tenancy."""

import time

import pytest
import stripe

from tests.webhooks.conftest import create_endpoint
from webhooks.events import EVENT_TYPES
from webhooks.models import WebhookDelivery, WebhookEndpoint

URL = "https://93.184.215.14/stripe/webhooks"


def test_create_returns_stripes_shape_with_the_secret_once(api):
    # when
    endpoint = create_endpoint(api, URL, ["customer.created", "customer.updated"],
                               description="Orders", metadata={"team": "ops"})

    # then
    assert set(endpoint) == {"id", "object", "api_version", "application", "created",
                             "description", "enabled_events", "livemode", "metadata",
                             "secret", "status", "url"}
    assert endpoint["id"].startswith("we_")
    assert endpoint["object"] == "webhook_endpoint"
    assert endpoint["secret"].startswith("whsec_")
    assert endpoint["enabled_events"] == ["customer.created", "customer.updated"]
    assert endpoint["status"] == "enabled"
    assert endpoint["livemode"] is False
    assert endpoint["application"] is None
    assert endpoint["api_version"] is None
    assert endpoint["metadata"] == {"team": "ops"}
    assert isinstance(endpoint["created"], int)

    # and retrieve, update and list never show the secret again
    retrieved = api.get(f"/v1/webhook_endpoints/{endpoint['id']}").json()
    updated = api.post(f"/v1/webhook_endpoints/{endpoint['id']}", {"description": "x"}).json()
    listed = api.get("/v1/webhook_endpoints").json()["data"][0]
    for shown in (retrieved, updated, listed):
        assert "secret" not in shown
    assert {k: v for k, v in endpoint.items() if k != "secret"} == retrieved


def test_create_with_an_api_version(api):
    endpoint = create_endpoint(api, URL, api_version="2025-02-24.acacia")

    assert endpoint["api_version"] == "2025-02-24.acacia"


def test_connect_false_is_an_ordinary_endpoint_and_true_is_refused_plainly(api):
    # when an endpoint is made with connect=false, as Stripe's libraries may send it
    endpoint = create_endpoint(api, URL, connect="false")

    # then it is an ordinary endpoint
    assert endpoint["status"] == "enabled"
    # and connect=true names Connect as what Till lacks
    response = api.post("/v1/webhook_endpoints", {"url": URL, "enabled_events": ["*"],
                                                  "connect": "true"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["param"] == "connect"
    assert "Till has no Connect" in error["message"]


@pytest.mark.parametrize(("params", "param", "code"), [
    ({"enabled_events": ["*"]}, "url", "parameter_missing"),
    ({"url": URL}, "enabled_events", "parameter_missing"),
    ({"url": URL, "enabled_events": ["charge.nope"]}, "enabled_events", None),
    ({"url": URL, "enabled_events": ["customer.created", "nope"]}, "enabled_events", None),
    ({"url": URL, "enabled_events": ""}, "enabled_events", None),
    ({"url": URL, "enabled_events": ["*"], "api_version": "latest"}, "api_version", None),
    ({"url": URL, "enabled_events": ["*"], "connect": "true"}, "connect", None),
    ({"url": URL, "enabled_events": ["*"], "metadata": {"k" * 41: "v"}}, "metadata", None),
])
def test_create_refuses_bad_params_naming_them(api, params, param, code):
    response = api.post("/v1/webhook_endpoints", params)

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["param"] == param
    assert error.get("code") == code
    assert not WebhookEndpoint.objects.exists()


def test_an_unknown_event_type_is_named_in_the_message(api):
    response = api.post("/v1/webhook_endpoints",
                        {"url": URL, "enabled_events": ["customer.created", "invoice.nope"]})

    message = response.json()["error"]["message"]
    assert message.startswith("Invalid enabled_events: 'invoice.nope' is not a type of event")
    assert "customer.created" in message


def test_every_catalogue_type_and_the_wildcard_can_be_subscribed(api):
    everything = create_endpoint(api, URL, list(EVENT_TYPES))
    wildcard = create_endpoint(api, URL, ["*"])

    assert everything["enabled_events"] == list(EVENT_TYPES)
    assert wildcard["enabled_events"] == ["*"]


def test_update_changes_what_it_is_given(api):
    endpoint = create_endpoint(api, URL, ["customer.created"], description="Old",
                               metadata={"a": "1", "b": "2"})

    response = api.post(f"/v1/webhook_endpoints/{endpoint['id']}", {
        "url": "https://93.184.215.15/new", "enabled_events": ["customer.deleted"],
        "description": "", "metadata": {"a": "", "c": "3"}})

    assert response.status_code == 200, response.content
    updated = response.json()
    assert updated["url"] == "https://93.184.215.15/new"
    assert updated["enabled_events"] == ["customer.deleted"]
    assert updated["description"] is None
    assert updated["metadata"] == {"b": "2", "c": "3"}
    assert updated["status"] == "enabled"


def test_update_refuses_an_unknown_type_and_an_unsafe_url(api, settings):
    settings.TILL_WEBHOOK_ALLOW_LOCAL = False
    endpoint = create_endpoint(api, URL)
    path = f"/v1/webhook_endpoints/{endpoint['id']}"

    bad_type = api.post(path, {"enabled_events": ["nope.nope"]})
    bad_url = api.post(path, {"url": "http://10.0.0.1/hook"})

    assert bad_type.status_code == bad_url.status_code == 400
    assert bad_type.json()["error"]["param"] == "enabled_events"
    assert bad_url.json()["error"]["param"] == "url"
    assert api.get(path).json() == {k: v for k, v in endpoint.items() if k != "secret"}


def test_disabled_true_and_false_move_the_status(api):
    endpoint = create_endpoint(api, URL)
    path = f"/v1/webhook_endpoints/{endpoint['id']}"

    disabled = api.post(path, {"disabled": "true"}).json()
    again = api.post(path, {"disabled": "true"}).json()
    enabled = api.post(path, {"disabled": "false"}).json()

    assert disabled["status"] == again["status"] == "disabled"
    assert enabled["status"] == "enabled"
    stored = WebhookEndpoint.objects.get(pk=endpoint["id"])
    assert stored.disabled_reason is None


def test_delete_answers_deleted_and_keeps_the_row_for_history(api):
    endpoint = create_endpoint(api, URL)
    path = f"/v1/webhook_endpoints/{endpoint['id']}"

    response = api.delete(path)

    assert response.status_code == 200, response.content
    assert response.json() == {"id": endpoint["id"], "object": "webhook_endpoint",
                               "deleted": True}
    assert api.get(path).status_code == 404
    assert api.post(path, {"description": "x"}).status_code == 404
    assert api.delete(path).status_code == 404
    assert api.get("/v1/webhook_endpoints").json()["data"] == []
    assert WebhookEndpoint.objects.get(pk=endpoint["id"]).deleted_at is not None


def test_list_is_newest_first_and_paginates(api):
    ids = [create_endpoint(api, URL)["id"] for _ in range(3)]

    first = api.get("/v1/webhook_endpoints", {"limit": 2}).json()
    second = api.get("/v1/webhook_endpoints",
                     {"limit": 2, "starting_after": first["data"][-1]["id"]}).json()

    assert first["object"] == "list"
    assert first["url"] == "/v1/webhook_endpoints"
    assert first["has_more"] is True
    assert [e["id"] for e in first["data"] + second["data"]] == ids[::-1]
    assert second["has_more"] is False


def test_sixteen_endpoints_per_mode_at_most(account):
    test_api, live_api = account.api(), account.api("live_secret_key")
    for _ in range(16):
        create_endpoint(test_api, URL)

    refused = test_api.post("/v1/webhook_endpoints", {"url": URL, "enabled_events": ["*"]})
    other_mode = live_api.post("/v1/webhook_endpoints", {"url": URL, "enabled_events": ["*"]})

    assert refused.status_code == 400, refused.content
    assert "maximum of 16 test webhook endpoints" in refused.json()["error"]["message"]
    assert other_mode.status_code == 200

    # a deleted endpoint frees its place
    victim = test_api.get("/v1/webhook_endpoints").json()["data"][0]["id"]
    test_api.delete(f"/v1/webhook_endpoints/{victim}")
    assert test_api.post("/v1/webhook_endpoints",
                         {"url": URL, "enabled_events": ["*"]}).status_code == 200


@pytest.mark.parametrize(("method", "suffix"), [
    ("get", ""), ("post", ""), ("delete", ""), ("post", "/roll_secret"),
    ("get", "/deliveries"),
])
@pytest.mark.parametrize("intruder", ["other merchant", "other mode"])
def test_another_merchants_or_modes_endpoint_is_missing(api, account, other_account, method,
                                                        suffix, intruder):
    endpoint = create_endpoint(api, URL)
    caller = (other_account.api() if intruder == "other merchant"
              else account.api("live_secret_key"))

    response = getattr(caller, method)(f"/v1/webhook_endpoints/{endpoint['id']}{suffix}")

    assert response.status_code == 404, response.content
    error = response.json()["error"]
    assert error["code"] == "resource_missing"
    assert error["param"] == "id"
    assert endpoint["id"] in error["message"]
    assert caller.get("/v1/webhook_endpoints").json()["data"] == []
    assert api.get(f"/v1/webhook_endpoints/{endpoint['id']}").json()["status"] == "enabled"


def test_roll_secret_returns_a_new_secret_and_keeps_the_old_one_signing(api):
    endpoint = create_endpoint(api, URL)

    rolled = api.post(f"/v1/webhook_endpoints/{endpoint['id']}/roll_secret")

    assert rolled.status_code == 200, rolled.content
    new_secret = rolled.json()["secret"]
    assert new_secret.startswith("whsec_") and new_secret != endpoint["secret"]
    stored = WebhookEndpoint.objects.get(pk=endpoint["id"])
    assert stored.previous_secret == endpoint["secret"]
    assert stored.previous_secret_expires_at > stored.created
    from django.utils import timezone
    assert stored.signing_secrets(timezone.now()) == [new_secret, endpoint["secret"]]


def test_roll_secret_with_expires_at_now_ends_the_old_secret_at_once(api):
    endpoint = create_endpoint(api, URL)

    api.post(f"/v1/webhook_endpoints/{endpoint['id']}/roll_secret",
             {"expires_at": int(time.time()) - 10})

    from django.utils import timezone
    stored = WebhookEndpoint.objects.get(pk=endpoint["id"])
    assert stored.signing_secrets(timezone.now()) == [stored.secret]


@pytest.mark.parametrize("expires_at", ["253402300800", "2199023255551", "-1", "soon"])
def test_roll_secret_refuses_a_moment_no_calendar_holds(api, expires_at):
    # given an endpoint / when its secret is rolled with an expiry past 9999 (or not a time)
    endpoint = create_endpoint(api, URL)
    response = api.post(f"/v1/webhook_endpoints/{endpoint['id']}/roll_secret",
                        {"expires_at": expires_at})

    # then a 400 naming the parameter, and the secret unchanged
    assert response.status_code == 400, response.content
    assert response.json()["error"]["param"] == "expires_at"
    assert WebhookEndpoint.objects.get(pk=endpoint["id"]).secret == endpoint["secret"]


def test_roll_secret_takes_the_last_second_of_9999(api):
    endpoint = create_endpoint(api, URL)

    response = api.post(f"/v1/webhook_endpoints/{endpoint['id']}/roll_secret",
                        {"expires_at": "253402300799"})

    assert response.status_code == 200, response.content
    assert WebhookEndpoint.objects.get(pk=endpoint["id"]).previous_secret_expires_at.year == 9999


def test_the_stripe_sdk_manages_endpoints(live_server, transactional_db, monkeypatch):
    # given a merchant, and the official SDK pointed at Till
    from tests.conftest import make_account

    monkeypatch.setattr(stripe, "enable_telemetry", False)
    account = make_account("SDK")
    http = stripe.RequestsClient()
    client = stripe.StripeClient(account.key(), base_addresses={"api": live_server.url},
                                 http_client=http, max_network_retries=0)
    try:
        # when
        created = client.v1.webhook_endpoints.create(params={
            "url": URL, "enabled_events": ["customer.created"], "metadata": {"k": "v"}})
        updated = client.v1.webhook_endpoints.update(created.id, params={"disabled": True})
        listed = client.v1.webhook_endpoints.list()
        deleted = client.v1.webhook_endpoints.delete(created.id)

        # then
        assert isinstance(created, stripe.WebhookEndpoint)
        assert created.secret.startswith("whsec_")
        assert updated.status == "disabled"
        assert [e.id for e in listed.data] == [created.id]
        assert deleted.deleted is True
        with pytest.raises(stripe.InvalidRequestError) as missing:
            client.v1.webhook_endpoints.retrieve(created.id)
        assert missing.value.http_status == 404
    finally:
        http.close()


def test_disabling_cancels_pending_deliveries(account, api, deliver, settings):
    # given a delivery that failed once and waits for its retry
    settings.TILL_WEBHOOK_ALLOW_LOCAL = True
    endpoint = create_endpoint(api, "http://127.0.0.1:9/hook")  # nothing listens on port 9
    event = deliver(account.merchant)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempt_count == 1

    # when
    api.post(f"/v1/webhook_endpoints/{endpoint['id']}", {"disabled": "true"})

    # then
    delivery.refresh_from_db()
    event.refresh_from_db()
    assert delivery.status == "canceled"
    assert delivery.next_attempt_at is None
    assert event.pending_webhooks == 0
