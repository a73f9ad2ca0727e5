"""Idempotency-Key: replays, mismatches, in-flight conflicts, scope, expiry and pruning."""

from datetime import timedelta

import pytest
from django.utils import timezone

from api.idempotency import request_fingerprint
from api.models import IdempotencyKey
from api.tasks import idempotency_keys_prune
from payments import services
from payments.models import Customer
from tests.api.helpers import error_of
from tests.concurrency import run_together
from tests.conftest import Api, needs_postgres
from webhooks.models import Event

KEY = {"Idempotency-Key": "3f1c9a52-2d4e-4a55-9d8e-6c2b0f1e7a01"}


def test_replay_returns_the_first_response_and_creates_one_object(api):
    # given a create with an idempotency key
    first = api.post("/v1/customers", {"email": "a@b.test"}, headers=KEY)
    assert first.status_code == 200, first.content
    assert first["Original-Request"] == first["Request-Id"]
    assert "Idempotent-Replayed" not in first
    # when the client retries it
    again = api.post("/v1/customers", {"email": "a@b.test"}, headers=KEY)
    # then the same status and body, marked as a replay of the first request
    assert again.status_code == 200
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert again["Original-Request"] == first["Request-Id"]
    assert again["Request-Id"] != first["Request-Id"]
    assert again["Idempotency-Key"] == KEY["Idempotency-Key"]
    # and only one customer, and one event, exist
    assert Customer.objects.count() == 1
    assert Event.objects.filter(type="customer.created").count() == 1


def test_json_and_form_retries_of_the_same_parameters_replay(api):
    first = api.post("/v1/customers", {"email": "a@b.test", "metadata": {"k": "v"}},
                     headers=KEY)
    again = api.post_json("/v1/customers", {"email": "a@b.test", "metadata": {"k": "v"}},
                          headers=KEY)
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content


def test_event_records_the_request_and_its_key(api):
    response = api.post("/v1/customers", {"email": "a@b.test"}, headers=KEY)
    event = api.get("/v1/events").json()["data"][0]
    assert event["request"] == {"id": response["Request-Id"],
                                "idempotency_key": KEY["Idempotency-Key"]}


def test_same_key_with_different_parameters_is_an_idempotency_error(api):
    api.post("/v1/customers", {"email": "a@b.test"}, headers=KEY)
    # when the key is reused for another request
    response = api.post("/v1/customers", {"email": "other@b.test"}, headers=KEY)
    # then 400 idempotency_error, with Stripe's message, and nothing new is created
    error = error_of(response, 400)
    assert error["type"] == "idempotency_error"
    assert error["message"] == (
        "Keys for idempotent requests can only be used with the same parameters they were "
        f"first used with. Try using a key other than '{KEY['Idempotency-Key']}' if you meant "
        "to execute a different request.")
    assert Customer.objects.count() == 1


def test_same_key_on_another_endpoint_is_an_idempotency_error(api):
    customer = api.post("/v1/customers", {}, headers=KEY).json()
    response = api.post(f"/v1/customers/{customer['id']}", {}, headers=KEY)
    assert error_of(response, 400)["type"] == "idempotency_error"


def test_mismatch_does_not_spoil_the_stored_response(api):
    first = api.post("/v1/customers", {"email": "a@b.test"}, headers=KEY)
    api.post("/v1/customers", {"email": "other@b.test"}, headers=KEY)
    again = api.post("/v1/customers", {"email": "a@b.test"}, headers=KEY)
    assert again.content == first.content


def test_key_in_flight_is_a_409(account, api):
    # given another request with this key that is still executing
    IdempotencyKey.objects.create(
        merchant=account.merchant, livemode=False, key=KEY["Idempotency-Key"],
        request_fingerprint=request_fingerprint(method="POST", path="/v1/customers",
                                                params={"email": "a@b.test"}),
        request_id="req_first", response_status=None)
    # when the same request arrives
    response = api.post("/v1/customers", {"email": "a@b.test"}, headers=KEY)
    # then 409 idempotency_key_in_use, retryable, and nothing is executed or stored
    error = error_of(response, 409)
    assert error["code"] == "idempotency_key_in_use"
    assert KEY["Idempotency-Key"] in error["message"]
    assert response["Stripe-Should-Retry"] == "true"
    assert not Customer.objects.exists()
    row = IdempotencyKey.objects.get()
    assert (row.request_id, row.response_status) == ("req_first", None)


def test_parameter_failure_is_not_stored(api):
    # given a request with a key that fails validation
    failed = api.post("/v1/customers", {"balance": "abc"}, headers=KEY)
    assert error_of(failed, 400)["code"] == "parameter_invalid_integer"
    # when it is retried with the same key and fixed parameters
    fixed = api.post("/v1/customers", {"balance": "100"}, headers=KEY)
    # then it runs as a new request
    assert fixed.status_code == 200, fixed.content
    assert "Idempotent-Replayed" not in fixed
    assert fixed.json()["balance"] == 100
    # and that success is what the key now replays
    again = api.post("/v1/customers", {"balance": "100"}, headers=KEY)
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == fixed.content


def test_malformed_body_is_not_stored(api):
    api.client.generic("POST", "/v1/customers", '{"email": ', content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {api.key}",
                       HTTP_IDEMPOTENCY_KEY=KEY["Idempotency-Key"])
    fixed = api.post("/v1/customers", {"email": "a@b.test"}, headers=KEY)
    assert fixed.status_code == 200, fixed.content
    assert "Idempotent-Replayed" not in fixed


def test_not_found_after_execution_began_is_stored(api):
    # a 404 for a missing object is an outcome of execution: Stripe replays it
    first = api.post("/v1/customers/cus_missing", {"name": "x"}, headers=KEY)
    error_of(first, 404)
    again = api.post("/v1/customers/cus_missing", {"name": "x"}, headers=KEY)
    assert again["Idempotent-Replayed"] == "true"
    assert again.status_code == 404
    assert again.content == first.content


def test_server_error_is_stored_and_replayed(api, monkeypatch):
    # given a create that fails unexpectedly once execution has begun
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "customer_create", broken)
    first = api.post("/v1/customers", {"email": "a@b.test"}, headers=KEY)
    error_of(first, 500)
    monkeypatch.undo()
    # when it is retried with the same key
    again = api.post("/v1/customers", {"email": "a@b.test"}, headers=KEY)
    # then Stripe's rule: the 500 is what the key answers
    assert again.status_code == 500
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content
    assert not Customer.objects.exists()


def test_keys_are_per_merchant(account, other_account):
    mine = account.api().post("/v1/customers", {"email": "a@b.test"}, headers=KEY)
    theirs = other_account.api().post("/v1/customers", {"email": "a@b.test"}, headers=KEY)
    assert "Idempotent-Replayed" not in theirs
    assert mine.json()["id"] != theirs.json()["id"]
    assert Customer.objects.count() == 2


def test_keys_are_per_mode(account):
    test = account.api("test_secret_key").post("/v1/customers", {"email": "a@b.test"},
                                               headers=KEY)
    live = account.api("live_secret_key").post("/v1/customers", {"email": "a@b.test"},
                                               headers=KEY)
    assert "Idempotent-Replayed" not in live
    assert (test.json()["livemode"], live.json()["livemode"]) == (False, True)
    assert Customer.objects.count() == 2


def test_expired_key_runs_as_a_new_request(api, settings):
    # given a key first used longer ago than the retention
    first = api.post("/v1/customers", {"email": "a@b.test"}, headers=KEY)
    old = timezone.now() - timedelta(hours=settings.TILL_IDEMPOTENCY_KEY_TTL_HOURS, minutes=1)
    IdempotencyKey.objects.update(created=old)
    # when it is used again, even with other parameters
    again = api.post("/v1/customers", {"email": "other@b.test"}, headers=KEY)
    # then it runs afresh, and is the key's new first response
    assert again.status_code == 200, again.content
    assert "Idempotent-Replayed" not in again
    assert again.json()["id"] != first.json()["id"]
    third = api.post("/v1/customers", {"email": "other@b.test"}, headers=KEY)
    assert third["Idempotent-Replayed"] == "true"
    assert third.content == again.content


def test_key_within_retention_still_replays(api, settings):
    first = api.post("/v1/customers", {"email": "a@b.test"}, headers=KEY)
    recent = timezone.now() - timedelta(hours=settings.TILL_IDEMPOTENCY_KEY_TTL_HOURS,
                                        minutes=-1)
    IdempotencyKey.objects.update(created=recent)
    again = api.post("/v1/customers", {"email": "a@b.test"}, headers=KEY)
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content


def test_prune_deletes_only_expired_keys(account, settings):
    # given keys on either side of the retention
    now = timezone.now()
    ttl = timedelta(hours=settings.TILL_IDEMPOTENCY_KEY_TTL_HOURS)
    for key, created in [("old", now - ttl - timedelta(minutes=1)),
                         ("older", now - ttl - timedelta(days=3)),
                         ("fresh", now - ttl + timedelta(minutes=5)),
                         ("new", now)]:
        IdempotencyKey.objects.create(merchant=account.merchant, livemode=False, key=key,
                                      request_fingerprint="f", request_id="req_x",
                                      created=created, response_status=200,
                                      response_body=b"{}")
    # when the periodic task runs
    deleted = idempotency_keys_prune.apply().get()
    # then the expired keys are gone and the others kept
    assert deleted == 2
    assert set(IdempotencyKey.objects.values_list("key", flat=True)) == {"fresh", "new"}


def test_get_ignores_the_key(api):
    api.post("/v1/customers", {"email": "a@b.test"})
    first = api.get("/v1/customers", headers=KEY)
    api.post("/v1/customers", {"email": "b@b.test"})
    again = api.get("/v1/customers", headers=KEY)
    assert "Idempotent-Replayed" not in again
    assert len(again.json()["data"]) == 2 != len(first.json()["data"])
    assert not IdempotencyKey.objects.exists()


def test_delete_ignores_the_key(api):
    customer = api.post("/v1/customers", {}).json()
    first = api.delete(f"/v1/customers/{customer['id']}", headers=KEY)
    again = api.delete(f"/v1/customers/{customer['id']}", headers=KEY)
    assert first.status_code == 200
    assert "Idempotent-Replayed" not in again
    error_of(again, 404)
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize("key", ["", "k" * 256])
def test_key_of_bad_length_is_a_400(api, key):
    response = api.post("/v1/customers", {}, headers={"Idempotency-Key": key})
    error = error_of(response, 400)
    assert error["param"] == "Idempotency-Key"
    assert not Customer.objects.exists()


def test_key_of_the_longest_length_works(api):
    key = {"Idempotency-Key": "k" * 255}
    first = api.post("/v1/customers", {}, headers=key)
    again = api.post("/v1/customers", {}, headers=key)
    assert again["Idempotent-Replayed"] == "true"
    assert again.content == first.content


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_create_one_customer(account, roomy_rate_limit):
    # given sixteen clients sending the same create with the same key at the same moment
    token = account.key()
    apis = [Api(token) for _ in range(16)]
    # when they all run
    responses = run_together(16, lambda i: apis[i].post(
        "/v1/customers", {"email": "race@b.test"}, headers=KEY), timeout=60)
    # then exactly one customer exists
    assert Customer.objects.count() == 1
    customer_id = Customer.objects.get().id
    # and every answer is that customer or a retryable 409
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {200, 409}, statuses
    assert 200 in statuses
    for response in responses:
        if response.status_code == 200:
            assert response.json()["id"] == customer_id
        else:
            assert error_of(response, 409)["code"] == "idempotency_key_in_use"
    assert sum("Idempotent-Replayed" not in r for r in responses
               if r.status_code == 200) == 1
    assert Event.objects.filter(type="customer.created").count() == 1
