"""The API request log: a row per request a merchant's key made, written after the response
(one INSERT), with the key's last use at most once a minute, pruned after
TILL_REQUEST_LOG_DAYS."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from api.models import RequestLog
from api.request_log import request_logs_prune
from api.tasks import request_logs_prune as request_logs_prune_task
from merchants.models import ApiKey


def _secret_key(account) -> ApiKey:
    return ApiKey.objects.get(merchant=account.merchant, livemode=False,
                              kind=ApiKey.Kind.SECRET)


def test_a_successful_post_is_logged_with_its_object_and_idempotency_key(account, api):
    # when a customer is created under an idempotency key
    response = api.post("/v1/customers", {"email": "a@b.test"},
                        headers={"Idempotency-Key": "order-1"})
    assert response.status_code == 200, response.content

    # then one row says what happened, under the key's redacted form
    [entry] = RequestLog.objects.filter(merchant=account.merchant)
    key = _secret_key(account)
    assert (entry.method, entry.path, entry.status) == ("POST", "/v1/customers", 200)
    assert entry.livemode is False
    assert entry.api_key_id == key.id and entry.api_key_redacted == key.redacted
    assert account.key() not in entry.api_key_redacted
    assert entry.request_id == response["Request-Id"]
    assert entry.idempotency_key == "order-1"
    assert entry.object_ids == [response.json()["id"]]
    assert entry.error_type == entry.error_message == ""
    assert entry.duration_ms >= 0


def test_an_idempotent_replay_is_logged_with_the_object_it_returned(account, api):
    first = api.post("/v1/customers", {"email": "a@b.test"}, headers={"Idempotency-Key": "k"})
    replay = api.post("/v1/customers", {"email": "a@b.test"}, headers={"Idempotency-Key": "k"})
    assert replay["Idempotent-Replayed"] == "true"
    entries = RequestLog.objects.filter(merchant=account.merchant).order_by("created")
    assert [e.object_ids for e in entries] == [[first.json()["id"]]] * 2


def test_an_error_is_logged_with_its_type_code_message_and_param(account, api):
    # when a request fails validation
    response = api.post("/v1/payment_intents", {"amount": "-5", "currency": "usd"})
    assert response.status_code == 400
    error = response.json()["error"]

    # then its row keeps the error as the envelope carried it
    [entry] = RequestLog.objects.filter(merchant=account.merchant)
    assert entry.status == 400
    assert (entry.error_type, entry.error_code or None, entry.error_message,
            entry.error_param) == (error["type"], error.get("code"), error["message"],
                                   error["param"])
    assert entry.status_class == "4xx"


def test_secrets_in_the_query_string_are_redacted(account, api):
    api.get("/v1/customers", {"client_secret": "pi_x_secret_abc", "limit": 1})
    [entry] = RequestLog.objects.filter(merchant=account.merchant)
    assert "pi_x_secret_abc" not in entry.path
    assert entry.path == "/v1/customers?client_secret=[REDACTED]&limit=1"


def test_requests_no_key_authenticated_are_not_in_any_merchants_log(account):
    from tests.conftest import Api

    assert Api(None).get("/v1/customers").status_code == 401
    assert Api("sk_test_wrong").get("/v1/customers").status_code == 401
    assert not RequestLog.objects.exists()


def test_each_mode_has_its_own_log(account):
    account.api("live_secret_key").get("/v1/customers")
    account.api().get("/v1/customers")
    assert sorted(RequestLog.objects.values_list("livemode", flat=True)) == [False, True]


def test_logging_costs_one_insert_and_the_last_use_once_a_minute(account, api):
    # given a key never used
    key = _secret_key(account)
    assert key.last_used_at is None

    # when it makes its first request, its last use is written beside the log's row
    with CaptureQueriesContext(connection) as first:
        api.get("/v1/customers")
    writes = [q["sql"] for q in first.captured_queries
              if q["sql"].startswith(("INSERT", "UPDATE"))]
    assert len(writes) == 2
    key.refresh_from_db()
    used = key.last_used_at
    assert used is not None and timezone.now() - used < timedelta(seconds=5)

    # and a second request within the minute writes only its log row
    with CaptureQueriesContext(connection) as second:
        api.get("/v1/customers")
    writes = [q["sql"] for q in second.captured_queries
              if q["sql"].startswith(("INSERT", "UPDATE"))]
    assert len(writes) == 1 and writes[0].startswith("INSERT")
    key.refresh_from_db()
    assert key.last_used_at == used

    # when the recorded use is over a minute old, the next request moves it
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=used - timedelta(minutes=2))
    api.get("/v1/customers")
    key.refresh_from_db()
    assert key.last_used_at > used - timedelta(minutes=2)
    assert RequestLog.objects.filter(merchant=account.merchant).count() == 3


def test_a_log_that_cannot_be_written_fails_no_request(account, api, monkeypatch):
    # given the log's table refusing writes
    def refuse(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("api.request_log.insert", refuse)
    # then requests still succeed
    assert api.post("/v1/customers", {"email": "a@b.test"}).status_code == 200


def test_entries_older_than_the_retention_are_pruned(account, api, settings):
    # given entries of today and of 31 days ago, kept 30 days
    settings.TILL_REQUEST_LOG_DAYS = 30
    api.get("/v1/customers")
    api.get("/v1/customers")
    old = RequestLog.objects.order_by("created").first()
    RequestLog.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=31))

    # when beat's prune runs
    assert request_logs_prune_task.apply().get() == 1

    # then only today's remains; a shorter retention prunes it too
    assert RequestLog.objects.count() == 1
    assert request_logs_prune(now=timezone.now() + timedelta(days=31)) == 1
    assert not RequestLog.objects.exists()
