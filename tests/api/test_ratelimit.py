"""Per-key rate limits: X-RateLimit-* on every API response, 429 rate_limit when exceeded."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache

from api.models import IdempotencyKey
from payments.models import Customer
from tests.api.helpers import error_of

HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset")


@pytest.fixture
def limit_of_three(settings, frozen_rate_clock):
    settings.TILL_RATE_LIMIT_TEST = 3
    return frozen_rate_clock


@pytest.mark.parametrize(("method", "path", "params", "status"), [
    ("GET", "/v1/customers", {}, 200),
    ("POST", "/v1/customers", {"email": "a@b.test"}, 200),
    ("POST", "/v1/customers", {"balance": "abc"}, 400),
    ("GET", "/v1/customers/cus_missing", {}, 404),
    ("GET", "/v1/events", {}, 200),
    ("PUT", "/v1/customers", {}, 404),
])
def test_every_api_response_carries_the_headers(api, settings, frozen_rate_clock, method,
                                                path, params, status):
    # when any authenticated request is answered, success or error
    if method == "GET":
        response = api.get(path, params)
    elif method == "POST":
        response = api.post(path, params)
    else:
        response = api.client.generic(method, path, HTTP_AUTHORIZATION=f"Bearer {api.key}")
    # then it tells the client its budget for the current window
    assert response.status_code == status, response.content
    assert response["X-RateLimit-Limit"] == str(settings.TILL_RATE_LIMIT_TEST)
    assert response["X-RateLimit-Remaining"] == str(settings.TILL_RATE_LIMIT_TEST - 1)
    # the window is one second long and ends after the request was made
    assert int(response["X-RateLimit-Reset"]) == int(frozen_rate_clock) + 1


def test_remaining_counts_down(api, limit_of_three):
    remaining = [api.get("/v1/customers")["X-RateLimit-Remaining"] for _ in range(3)]
    assert remaining == ["2", "1", "0"]


def test_fourth_request_in_a_second_is_a_429(api, limit_of_three):
    # given a key that has used its three requests this second
    for _ in range(3):
        assert api.get("/v1/customers").status_code == 200
    # when it sends a fourth
    response = api.post("/v1/customers", {"email": "a@b.test"})
    # then 429 rate_limit, typed invalid_request_error as on Stripe's wire, and retryable
    error = error_of(response, 429)
    assert error["type"] == "invalid_request_error"
    assert error["code"] == "rate_limit"
    assert error["message"].startswith("Request rate limit exceeded.")
    assert response["Stripe-Should-Retry"] == "true"
    assert response["X-RateLimit-Limit"] == "3"
    assert response["X-RateLimit-Remaining"] == "0"
    assert int(response["X-RateLimit-Reset"]) == int(limit_of_three) + 1
    assert response["Request-Id"].startswith("req_")
    # and nothing was executed
    assert not Customer.objects.exists()


def test_429_is_not_stored_for_idempotency(api, limit_of_three):
    key = {"Idempotency-Key": "rate-limited-create"}
    for _ in range(3):
        api.get("/v1/customers")
    # given a create refused by the rate limiter
    error_of(api.post("/v1/customers", {"email": "a@b.test"}, headers=key), 429)
    assert not IdempotencyKey.objects.exists()
    # when the next window opens and the client retries with the same key
    cache.clear()
    retry = api.post("/v1/customers", {"email": "a@b.test"}, headers=key)
    # then it runs as a first request
    assert retry.status_code == 200, retry.content
    assert "Idempotent-Replayed" not in retry
    assert Customer.objects.count() == 1


def test_limits_are_per_key(account, other_account, limit_of_three):
    mine = account.api()
    for _ in range(3):
        mine.get("/v1/customers")
    error_of(mine.get("/v1/customers"), 429)
    # another merchant is unaffected
    theirs = other_account.api().get("/v1/customers")
    assert theirs.status_code == 200
    assert theirs["X-RateLimit-Remaining"] == "2"
    # and so is the same merchant's live key, which has the live limit
    live = account.api("live_secret_key").get("/v1/customers")
    assert live.status_code == 200


def test_live_keys_have_the_live_limit(account, settings, frozen_rate_clock):
    settings.TILL_RATE_LIMIT_LIVE = 7
    settings.TILL_RATE_LIMIT_TEST = 3
    response = account.api("live_secret_key").get("/v1/customers")
    assert response["X-RateLimit-Limit"] == "7"
    assert response["X-RateLimit-Remaining"] == "6"


def test_the_next_second_has_a_fresh_budget(api, settings, monkeypatch):
    settings.TILL_RATE_LIMIT_TEST = 3
    second = [1_900_000_000.5]
    clock = SimpleNamespace(time=lambda: second[0])
    monkeypatch.setattr("django_ratelimit.core.time", clock)
    monkeypatch.setattr("api.ratelimit.time", clock)
    for _ in range(3):
        api.get("/v1/customers")
    error_of(api.get("/v1/customers"), 429)
    # when the clock reaches the advertised reset
    second[0] = float(int(api.get("/v1/customers")["X-RateLimit-Reset"]))
    # then requests are allowed again
    response = api.get("/v1/customers")
    assert response.status_code == 200
    assert response["X-RateLimit-Remaining"] == "2"


# -- requests no valid key answers for: counted per client address ----------------------

@pytest.fixture
def anonymous_limit_of_three(settings, frozen_rate_clock):
    settings.TILL_RATE_LIMIT_ANONYMOUS = 3
    return frozen_rate_clock


@pytest.mark.parametrize(("headers", "path", "status"), [
    ({}, "/v1/customers", 401),
    ({"HTTP_AUTHORIZATION": "Bearer sk_test_wrongwrongwrong"}, "/v1/customers", 401),
    ({}, "/v1/nothing_here", 404),
    ({}, "/v1/openapi.json", 200),
])
def test_responses_without_a_valid_key_carry_the_headers_too(db, client, anonymous_limit_of_three,
                                                             headers, path, status):
    response = client.get(path, **headers)

    assert response.status_code == status
    assert response["X-RateLimit-Limit"] == "3"
    assert response["X-RateLimit-Remaining"] == "2"
    assert int(response["X-RateLimit-Reset"]) == int(anonymous_limit_of_three) + 1


def test_guessing_keys_is_slowed_to_the_anonymous_limit(db, client, api,
                                                        anonymous_limit_of_three):
    # given three wrong keys from one address within a second
    for guess in range(3):
        response = client.get("/v1/customers", HTTP_AUTHORIZATION=f"Bearer sk_test_guess{guess}")
        assert response.status_code == 401
    # when a fourth comes
    response = client.get("/v1/customers", HTTP_AUTHORIZATION="Bearer sk_test_guess4")
    # then it is refused as rate limited, retryable, in the one envelope
    error = error_of(response, 429)
    assert (error["type"], error["code"]) == ("invalid_request_error", "rate_limit")
    assert response["Stripe-Should-Retry"] == "true"
    assert response["X-RateLimit-Remaining"] == "0"
    # and a valid key, which has a budget of its own, is not held back
    assert api.get("/v1/customers").status_code == 200


def test_another_address_has_its_own_anonymous_budget(db, client, anonymous_limit_of_three):
    for _ in range(3):
        client.get("/v1/customers")
    assert client.get("/v1/customers").status_code == 429

    response = client.get("/v1/customers", REMOTE_ADDR="192.0.2.7")

    assert response.status_code == 401
    assert response["X-RateLimit-Remaining"] == "2"


def test_a_request_without_a_client_address_is_counted_not_refused(db, client,
                                                                    anonymous_limit_of_three):
    # a WSGI server on a Unix socket may set no REMOTE_ADDR at all
    response = client.get("/v1/customers", REMOTE_ADDR="")

    assert response.status_code == 401
    assert response["X-RateLimit-Remaining"] == "2"


def test_an_ipv6_client_is_counted_by_its_64(db, client, anonymous_limit_of_three):
    for host in ("2001:db8::1", "2001:db8::2", "2001:db8::3"):
        client.get("/v1/customers", REMOTE_ADDR=host)

    assert client.get("/v1/customers", REMOTE_ADDR="2001:db8::4").status_code == 429
    assert client.get("/v1/customers", REMOTE_ADDR="2001:db8:0:1::1").status_code == 401
