"""`GET /v1/admin/processors/health` and the admin's Processor health page: per processor and
mode, the last 5 and 60 minutes of the call log (success rate, error rate by kind, p50/p95
latency) and the last failure; for operators only (an operator token or a staff session),
never a merchant's key."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from api.models import OperatorToken
from payments.models import ProcessorCall
from tests.api.helpers import error_of
from tests.dashboard.helpers import PASSWORD, logged_in, owner_of
from tests.stripe_support import stripe_connect

pytestmark = pytest.mark.django_db

URL = "/v1/admin/processors/health"


@pytest.fixture
def superuser(db) -> Client:
    return logged_in(get_user_model().objects.create_superuser(
        username="ops@till.test", email="ops@till.test", password=PASSWORD))


@pytest.fixture
def owner(account) -> Client:
    return logged_in(owner_of(account))


@pytest.fixture
def token() -> str:
    out = StringIO()
    call_command("operator_token_create", "--name", "monitoring", stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def health(token: str):
    return Client().get(URL, HTTP_AUTHORIZATION=f"Bearer {token}")


def logged(account, *, minutes_ago: float, latency: int, outcome: str = "succeeded",
           livemode: bool = False, **fields) -> ProcessorCall:
    call = ProcessorCall.objects.create(
        merchant=account.merchant, livemode=livemode, processor="stripe",
        operation="payment_intents.create", outcome=outcome, latency_ms=latency, **fields)
    # `created` is the wall clock's when the call is logged: set as if it were then.
    ProcessorCall.objects.filter(pk=call.pk).update(
        created=timezone.now() - timedelta(minutes=minutes_ago))
    return call


def test_the_last_5_and_60_minutes_of_calls(account, token):
    # given, in the last 5 minutes, 8 successes, a refusal and an outage
    for n in range(1, 9):
        logged(account, minutes_ago=1, latency=10 * n)
    logged(account, minutes_ago=2, latency=500, outcome="refused", http_status=401,
           error_code="api_key_expired",
           response={"error": {"message": "Expired API Key provided: sk_test_****abcd"}})
    logged(account, minutes_ago=3, latency=30000, outcome="unavailable")
    # and, half an hour ago, 10 slow successes; two hours ago, a call no window holds
    for _ in range(10):
        logged(account, minutes_ago=30, latency=1000)
    logged(account, minutes_ago=120, latency=99999, outcome="unavailable")

    response = health(token)

    assert response.status_code == 200
    body = response.json()
    assert body["object"] == "processor_health" and body["windows"] == ["5m", "60m"]
    [stripe_test] = body["data"]
    assert (stripe_test["processor"], stripe_test["livemode"]) == ("stripe", False)
    recent, hour = stripe_test["windows"]["5m"], stripe_test["windows"]["60m"]
    assert recent == {"calls": 10, "succeeded": 8, "success_rate": 0.8,
                      "error_rate": {"declined": 0.0, "refused": 0.1, "unavailable": 0.1},
                      "latency_ms": {"p50": 50, "p95": 30000}}
    assert hour == {"calls": 20, "succeeded": 18, "success_rate": 0.9,
                    "error_rate": {"declined": 0.0, "refused": 0.05, "unavailable": 0.05},
                    "latency_ms": {"p50": 1000, "p95": 1000}}
    # the last failure is the refusal (the outage came before it)
    last = stripe_test["last_error"]
    assert (last["outcome"], last["http_status"], last["code"]) == (
        "refused", 401, "api_key_expired")
    assert last["message"] == "Expired API Key provided: sk_test_****abcd"


def test_each_mode_is_reported_apart_and_declines_are_not_failures(account, token):
    logged(account, minutes_ago=1, latency=100, livemode=True)
    logged(account, minutes_ago=1, latency=200, livemode=True, outcome="declined",
           error_code="card_declined")

    [live] = health(token).json()["data"]

    assert live["livemode"] is True
    assert live["windows"]["5m"]["error_rate"] == {"declined": 0.5, "refused": 0.0,
                                                   "unavailable": 0.0}
    assert live["last_error"] is None


def test_a_connected_processor_without_calls_shows_empty_windows(account, token, stripe_api):
    stripe_connect(account)
    ProcessorCall.objects.all().delete()  # the key's verification, forgotten

    [item] = health(token).json()["data"]

    assert item["windows"]["60m"] == {
        "calls": 0, "succeeded": 0, "success_rate": None,
        "error_rate": {"declined": None, "refused": None, "unavailable": None},
        "latency_ms": {"p50": None, "p95": None}}


def test_stripes_real_calls_are_counted(account, token, stripe_api):
    # given a connection at localstripe (a balance read, then two calls it cannot answer)
    stripe_connect(account)

    [item] = health(token).json()["data"]

    assert item["windows"]["5m"]["calls"] == ProcessorCall.objects.count() >= 1
    assert item["windows"]["5m"]["latency_ms"]["p50"] is not None


def test_no_processor_no_calls_an_empty_report(db, token):
    assert health(token).json()["data"] == []


@pytest.mark.parametrize("key", ["test_secret_key", "live_secret_key",
                                 "test_publishable_key"])
def test_a_merchants_key_is_refused(account, key):
    response = account.api(key).get(URL)

    error = error_of(response, 403)
    assert error["type"] == "invalid_request_error" and error["code"] == "operators_only"


@pytest.mark.parametrize("header", [None, "Bearer till_op_guessed", "Bearer nonsense",
                                    "Basic dXNlcjpwYXNz"])
def test_without_an_operator_token_it_is_a_401(db, header):
    headers = {"HTTP_AUTHORIZATION": header} if header else {}

    error = error_of(Client().get(URL, **headers), 401)

    assert "for Till's operators" in error["message"]


def test_a_revoked_token_stops_working(token):
    assert health(token).status_code == 200

    call_command("operator_token_revoke", "--name", "monitoring", stdout=StringIO())

    error_of(health(token), 401)


def test_tokens_are_kept_as_their_hash_and_named_once(token):
    row = OperatorToken.objects.get()
    assert token.startswith("till_op_") and len(token) == 48
    assert token not in row.token_hash and row.hint == f"till_op_…{token[-4:]}"
    with pytest.raises(CommandError, match="exists already"):
        call_command("operator_token_create", "--name", "monitoring", stdout=StringIO(),
                     stderr=StringIO())
    with pytest.raises(CommandError, match="No operator token"):
        call_command("operator_token_revoke", "--name", "nobody", stdout=StringIO())


def test_a_staff_session_may_and_a_merchants_may_not(superuser, owner):
    assert superuser.get(URL).status_code == 200
    error_of(owner.get(URL), 401)


def test_the_admin_page_shows_the_report(superuser, owner, account):
    logged(account, minutes_ago=1, latency=42)
    logged(account, minutes_ago=1, latency=42, outcome="unavailable",
           response={"error": {"message": "Stripe timed out"}})

    html = superuser.get("/admin/processors/health/").content.decode()

    assert "Processor health" in html and "last 5m" in html and "last 60m" in html
    assert "Stripe timed out" in html and "50%" in html
    assert owner.get("/admin/processors/health/").status_code == 302  # to the admin login


def test_the_cost_does_not_grow_with_the_log(account, token, django_assert_max_num_queries):
    for mode in (False, True):
        for n in range(30):
            logged(account, minutes_ago=n % 50, latency=n, livemode=mode,
                   outcome="refused" if n % 7 == 0 else "succeeded")

    # the token (1), the counts (1), the connections (1), per mode: 2 windows × 2
    # percentiles and the last failure
    with django_assert_max_num_queries(3 + 2 * 5 + 1):
        assert health(token).status_code == 200
