"""API keys: Bearer or HTTP Basic, secret vs publishable, rolling, revoking, and modes."""

import base64
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from api.auth import NO_KEY_MESSAGE
from merchants.models import ApiKey
from merchants.services import api_key_revoke, api_key_roll
from payments.models import Customer
from tests.api.helpers import error_of
from tests.conftest import Api


def _key_row(account, *, livemode: bool = False, kind: str = ApiKey.Kind.SECRET) -> ApiKey:
    return ApiKey.objects.get(merchant=account.merchant, livemode=livemode, kind=kind)


def _basic(user: str, password: str = "") -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_bearer_key_authenticates(account, api):
    response = api.get("/v1/customers")
    assert response.status_code == 200, response.content


def test_basic_auth_with_the_key_as_user_name_authenticates(account):
    # given curl's `-u sk_test_…:` form
    client = APIClient()
    # when it creates a customer
    response = client.post("/v1/customers", "email=a%40b.test",
                           content_type="application/x-www-form-urlencoded",
                           HTTP_AUTHORIZATION=_basic(account.key()))
    # then the key's merchant owns it
    assert response.status_code == 200, response.content
    assert Customer.objects.get(pk=response.json()["id"]).merchant == account.merchant


def test_basic_auth_ignores_the_password(account):
    response = APIClient().get("/v1/customers",
                               HTTP_AUTHORIZATION=_basic(account.key(), "anything"))
    assert response.status_code == 200, response.content


@pytest.mark.parametrize("header", [None, "", "Bearer", "Bearer ", "Token abc"])
def test_missing_key_is_a_401(db, header):
    extra = {} if header is None else {"HTTP_AUTHORIZATION": header}
    response = APIClient().get("/v1/customers", **extra)
    error = error_of(response, 401)
    assert error == {"type": "invalid_request_error", "message": NO_KEY_MESSAGE}
    assert error["message"].startswith("You did not provide an API key.")


def test_unknown_key_is_a_401_with_the_key_redacted(db):
    # given a well-formed key Till never issued
    token = "sk_test_" + "Z" * 44 + "wxyz"
    # when it is used
    response = Api(token).get("/v1/customers")
    # then 401 names it redacted, never in full
    error = error_of(response, 401)
    assert error == {"type": "invalid_request_error",
                     "message": "Invalid API Key provided: sk_test_****wxyz"}
    assert token.encode() not in response.content


def test_basic_credentials_that_are_not_base64_are_a_401(db):
    response = APIClient().get("/v1/customers", HTTP_AUTHORIZATION="Basic !!!not-base64")
    error_of(response, 401)


@pytest.mark.parametrize(("method", "path"), [("GET", "/v1/customers"),
                                              ("POST", "/v1/customers"),
                                              ("GET", "/v1/events")])
def test_publishable_key_is_refused_on_secret_endpoints(account, method, path):
    # when a publishable key reaches an endpoint that needs the secret key
    api = account.api("test_publishable_key")
    response = api.get(path) if method == "GET" else api.post(path, {"email": "a@b.test"})
    # then 401 secret_key_required, and nothing is written
    error = error_of(response, 401)
    assert error["type"] == "invalid_request_error"
    assert error["code"] == "secret_key_required"
    assert not Customer.objects.exists()


def test_rolled_key_works_during_grace_and_stops_after(account, monkeypatch):
    # given the test secret key rolled with an hour of grace
    old_token = account.key()
    now = timezone.now()
    issued = api_key_roll(key_id=_key_row(account).id, merchant=account.merchant,
                          expires_at=now + timedelta(hours=1))
    # then both keys work during the grace period
    assert Api(old_token).get("/v1/customers").status_code == 200
    assert Api(issued.token).get("/v1/customers").status_code == 200
    # when the clock passes the expiry
    later = now + timedelta(hours=1, seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    # then the old key is refused, redacted, and the new one still works
    error = error_of(Api(old_token).get("/v1/customers"), 401)
    assert error["code"] == "api_key_expired"
    assert error["message"] == f"Expired API Key provided: sk_test_****{old_token[-4:]}"
    assert Api(issued.token).get("/v1/customers").status_code == 200


def test_key_rolled_without_grace_stops_at_once(account):
    old_token = account.key()
    issued = api_key_roll(key_id=_key_row(account).id, merchant=account.merchant,
                          expires_at=timezone.now())
    error_of(Api(old_token).get("/v1/customers"), 401)
    assert Api(issued.token).get("/v1/customers").status_code == 200


def test_revoked_key_is_a_401(account):
    token = account.key()
    api_key_revoke(key_id=_key_row(account).id, merchant=account.merchant)
    error = error_of(Api(token).get("/v1/customers"), 401)
    assert error["message"] == f"Invalid API Key provided: sk_test_****{token[-4:]}"


def test_revoking_one_key_leaves_the_others(account):
    api_key_revoke(key_id=_key_row(account).id, merchant=account.merchant)
    assert account.api("live_secret_key").get("/v1/customers").status_code == 200


def test_live_key_creates_and_sees_only_live_objects(account):
    # given a customer in each mode
    test_api, live_api = account.api("test_secret_key"), account.api("live_secret_key")
    test_customer = test_api.post("/v1/customers", {"email": "t@b.test"}).json()
    live_customer = live_api.post("/v1/customers", {"email": "l@b.test"}).json()
    # then each records its mode
    assert test_customer["livemode"] is False
    assert live_customer["livemode"] is True
    # and each key sees only its own mode's objects
    assert [c["id"] for c in live_api.get("/v1/customers").json()["data"]] == [
        live_customer["id"]]
    assert [c["id"] for c in test_api.get("/v1/customers").json()["data"]] == [
        test_customer["id"]]
    assert error_of(live_api.get(f"/v1/customers/{test_customer['id']}"), 404)
    assert error_of(test_api.get(f"/v1/customers/{live_customer['id']}"), 404)
    # events follow the mode too
    live_events = live_api.get("/v1/events").json()["data"]
    assert [e["data"]["object"]["id"] for e in live_events] == [live_customer["id"]]
    assert all(e["livemode"] is True for e in live_events)


def test_a_key_sees_only_its_merchants_objects(account, other_account):
    mine = account.api().post("/v1/customers", {"email": "me@b.test"}).json()
    theirs = other_account.api().post("/v1/customers", {"email": "them@b.test"}).json()
    listed = account.api().get("/v1/customers").json()["data"]
    assert [c["id"] for c in listed] == [mine["id"]]
    error_of(account.api().post(f"/v1/customers/{theirs['id']}", {"name": "x"}), 404)
    error_of(account.api().delete(f"/v1/customers/{theirs['id']}"), 404)
    assert Customer.objects.get(pk=theirs["id"]).deleted_at is None
