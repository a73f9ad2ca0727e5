"""Server-side request forgery: endpoints cannot point Till at its own machine or network,
neither when saved nor, after a DNS change, when sent to."""

import socket

import pytest

from tests.webhooks.conftest import create_endpoint
from webhooks.models import WebhookDeliveryAttempt, WebhookEndpoint
from webhooks.urlguard import UnsafeUrl, url_check

PUBLIC = "93.184.215.14"

REFUSED_HOSTS = [
    "127.0.0.1", "127.1.2.3", "[::1]", "10.0.0.1", "172.16.0.1", "172.31.255.1",
    "192.168.1.1", "169.254.169.254", "0.0.0.0",  # noqa: S104 - a URL host, no bind
    "[::ffff:127.0.0.1]", "[::ffff:10.0.0.1]",
    "100.64.0.1", "[fe80::1]", "[fc00::1]", "224.0.0.1", "[2002:7f00:1::]",
    "[64:ff9b::a00:1]", "2130706433", "localhost", "loopback.example.test",
]


@pytest.mark.parametrize("host", REFUSED_HOSTS)
@pytest.mark.parametrize("livemode", [True, False], ids=["live", "test"])
def test_internal_addresses_are_refused_at_create(host, livemode, account, dns, settings):
    # given a name that resolves to loopback, and Till's default (no local targets)
    dns["loopback.example.test"] = "127.0.0.1"
    settings.TILL_WEBHOOK_ALLOW_LOCAL = False
    api = account.api("live_secret_key" if livemode else "test_secret_key")

    # when
    response = api.post("/v1/webhook_endpoints",
                        {"url": f"https://{host}/hook", "enabled_events": ["*"]})

    # then
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["param"] == "url"
    assert "publicly accessible" in error["message"]


@pytest.mark.parametrize("host", ["127.0.0.1", "[::1]", "localhost", "10.1.2.3",
                                  "192.168.0.10"])
def test_test_mode_may_target_loopback_and_private_networks_when_allowed(host, api,
                                                                          allow_local):
    endpoint = create_endpoint(api, f"http://{host}:8001/hook")

    assert endpoint["url"] == f"http://{host}:8001/hook"


@pytest.mark.parametrize("host", ["169.254.169.254", "0.0.0.0",  # noqa: S104
                                  "224.0.0.1", "[fe80::1]"])
def test_link_local_and_reserved_addresses_stay_refused_even_when_local_is_allowed(
        host, api, allow_local):
    response = api.post("/v1/webhook_endpoints",
                        {"url": f"http://{host}/hook", "enabled_events": ["*"]})

    assert response.status_code == 400, response.content
    assert response.json()["error"]["param"] == "url"


def test_live_mode_never_targets_local_addresses_even_when_allowed(account, allow_local):
    response = account.api("live_secret_key").post(
        "/v1/webhook_endpoints", {"url": "https://127.0.0.1/hook", "enabled_events": ["*"]})

    assert response.status_code == 400, response.content
    assert response.json()["error"]["param"] == "url"


@pytest.mark.parametrize(("url", "why"), [
    ("http://hooks.example.test/stripe", "https"),
    ("ftp://hooks.example.test/stripe", "https://"),
    ("https:///nohost", "host"),
    ("hooks.example.test/stripe", "https://"),
    ("https://hooks.example.test:99999/", "Port"),
    ("https://hooks.example.test/a b", "whitespace"),
])
def test_live_mode_needs_a_well_formed_https_url(url, why, account, dns):
    dns["hooks.example.test"] = PUBLIC
    response = account.api("live_secret_key").post(
        "/v1/webhook_endpoints", {"url": url, "enabled_events": ["*"]})

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["param"] == "url"
    assert why in error["message"]


def test_public_names_and_addresses_are_accepted_in_live_mode(account, dns):
    dns["hooks.example.test"] = PUBLIC
    api = account.api("live_secret_key")

    by_name = create_endpoint(api, "https://hooks.example.test/stripe?x=1")
    by_address = create_endpoint(api, f"https://{PUBLIC}:8443/stripe")

    assert by_name["url"] == "https://hooks.example.test/stripe?x=1"
    assert by_address["livemode"] is True


def test_a_name_that_does_not_resolve_is_refused_by_the_check(dns):
    dns["not-yet.example.test"] = None

    with pytest.raises(UnsafeUrl, match="not-yet.example.test does not resolve"):
        url_check("https://not-yet.example.test/hook", livemode=True, allow_local=False)


@pytest.mark.parametrize("livemode", [True, False], ids=["live", "test"])
def test_a_name_that_does_not_resolve_is_refused_at_create(account, dns, livemode):
    # given a name DNS does not know
    dns["typo.example.test"] = None
    api = account.api("live_secret_key" if livemode else "test_secret_key")

    # when an endpoint is registered with it
    response = api.post("/v1/webhook_endpoints",
                        {"url": "https://typo.example.test/hook", "enabled_events": ["*"]})

    # then it is refused at once, naming the URL, instead of failing every delivery later
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert (error["type"], error["param"]) == ("invalid_request_error", "url")
    assert "typo.example.test does not resolve" in error["message"]
    assert not WebhookEndpoint.objects.exists()


def test_a_name_that_does_not_resolve_is_refused_at_update(api, dns):
    # given an endpoint at a name that resolves
    dns["hooks.example.test"] = PUBLIC
    dns["typo.example.test"] = None
    endpoint = create_endpoint(api, "https://hooks.example.test/hook")

    # when its URL is changed to a name that does not
    response = api.post(f"/v1/webhook_endpoints/{endpoint['id']}",
                        {"url": "https://typo.example.test/hook"})

    # then the change is refused and the URL stays
    assert response.status_code == 400, response.content
    assert response.json()["error"]["param"] == "url"
    assert "does not resolve" in response.json()["error"]["message"]
    assert WebhookEndpoint.objects.get(pk=endpoint["id"]).url == (
        "https://hooks.example.test/hook")


def test_a_name_resolving_both_inside_and_outside_is_refused(monkeypatch):
    def getaddrinfo(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.5", port))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    with pytest.raises(UnsafeUrl):
        url_check("https://split.example.test/", livemode=True, allow_local=False)


def test_the_address_is_checked_again_at_delivery_time(account, api, dns, receiver, deliver,
                                                       settings):
    # given an endpoint whose name was public when saved
    port = receiver.server.server_address[1]
    dns["rebind.example.test"] = PUBLIC
    create_endpoint(api, f"http://rebind.example.test:{port}/hook")

    # when the name now points at loopback (DNS rebinding) and an event is sent
    dns["rebind.example.test"] = "127.0.0.1"
    settings.TILL_WEBHOOK_ALLOW_LOCAL = False
    deliver(account.merchant)

    # then nothing was sent, and the attempt says why
    assert receiver.received() == []
    [attempt] = WebhookDeliveryAttempt.objects.all()
    assert attempt.succeeded is False
    assert attempt.status_code is None
    assert attempt.error.startswith("Refused: URL must be publicly accessible")


def test_the_request_goes_to_the_vetted_address_with_the_original_host(account, api, dns,
                                                                       receiver, deliver,
                                                                       allow_local):
    # given a name resolved once, to the receiver's loopback address
    port = receiver.server.server_address[1]
    dns["shop.example.test"] = "127.0.0.1"
    create_endpoint(api, f"http://shop.example.test:{port}/hook?source=till")

    # when
    deliver(account.merchant)

    # then the receiver saw the name the merchant gave, and the path and query
    [request] = receiver.wait_for(1)
    assert request.headers["Host"] == f"shop.example.test:{port}"
    assert request.path == "/hook?source=till"
