"""Rolling and revoking API keys (merchants.services)."""

import pytest
from django.conf import settings

from merchants.models import ApiKey, Merchant, hash_api_key
from merchants.selectors import api_key_get_by_token
from merchants.services import api_key_revoke, api_key_roll
from tests.conftest import Api


def key_row(token: str) -> ApiKey:
    return ApiKey.objects.get(key_hash=hash_api_key(token))


def status(token: str) -> int:
    return Api(token).get("/v1/customers").status_code


def error_code(token: str) -> str | None:
    return Api(token).get("/v1/customers").json()["error"].get("code")


def test_rolled_key_works_until_its_grace_period_ends(account, clock):
    # given
    old = account.key("test_secret_key")

    # when
    issued = api_key_roll(key_id=key_row(old).id, merchant=account.merchant)

    # then both work during the grace period
    assert issued.token.startswith("sk_test_") and issued.token != old
    assert status(old) == 200
    assert status(issued.token) == 200
    clock.advance(hours=settings.TILL_KEY_ROLL_GRACE_HOURS, seconds=-1)
    assert status(old) == 200
    # and only the new one after it
    clock.advance(seconds=2)
    assert status(old) == 401
    assert error_code(old) == "api_key_expired"
    assert status(issued.token) == 200


def test_roll_with_an_expiry_of_now_ends_the_old_key_at_once(account, clock):
    old = account.key("test_secret_key")

    issued = api_key_roll(key_id=key_row(old).id, merchant=account.merchant,
                          expires_at=clock.now)

    assert status(old) == 401
    assert status(issued.token) == 200


def test_the_new_key_keeps_the_mode_and_kind(account):
    old = account.key("live_publishable_key")

    issued = api_key_roll(key_id=key_row(old).id, merchant=account.merchant)

    assert issued.token.startswith("pk_live_")
    assert (issued.key.livemode, issued.key.kind) == (True, ApiKey.Kind.PUBLISHABLE)


def test_rolling_an_expired_key_fails_and_issues_nothing(account, clock):
    # given a key already rolled and past its grace period
    old = account.key("test_secret_key")
    api_key_roll(key_id=key_row(old).id, merchant=account.merchant)
    clock.advance(hours=settings.TILL_KEY_ROLL_GRACE_HOURS + 1)
    keys_before = ApiKey.objects.count()

    # when / then
    with pytest.raises(ValueError, match="active"):
        api_key_roll(key_id=key_row(old).id, merchant=account.merchant)
    assert ApiKey.objects.count() == keys_before


def test_rolling_a_revoked_key_fails(account):
    old = account.key("test_secret_key")
    api_key_revoke(key_id=key_row(old).id, merchant=account.merchant)

    with pytest.raises(ValueError, match="active"):
        api_key_roll(key_id=key_row(old).id, merchant=account.merchant)


def test_another_merchants_key_cannot_be_rolled_or_revoked(account, other_account):
    theirs = key_row(other_account.key("test_secret_key"))

    with pytest.raises(ApiKey.DoesNotExist):
        api_key_roll(key_id=theirs.id, merchant=account.merchant)
    with pytest.raises(ApiKey.DoesNotExist):
        api_key_revoke(key_id=theirs.id, merchant=account.merchant)
    assert status(other_account.key("test_secret_key")) == 200


def test_revoked_key_stops_at_once_and_the_others_keep_working(account):
    # given
    revoked = account.key("test_secret_key")

    # when
    api_key_revoke(key_id=key_row(revoked).id, merchant=account.merchant)

    # then
    assert status(revoked) == 401
    assert "Invalid API Key provided" in Api(revoked).get("/v1/customers").json()["error"][
        "message"]
    assert status(account.key("live_secret_key")) == 200


def test_revoking_twice_keeps_the_first_time(account, clock):
    key_id = key_row(account.key("test_secret_key")).id
    first = api_key_revoke(key_id=key_id, merchant=account.merchant).revoked_at

    clock.advance(minutes=5)
    second = api_key_revoke(key_id=key_id, merchant=account.merchant).revoked_at

    assert second == first


def test_the_hand_written_key_lookup_reads_what_the_orm_reads(account):
    # given a key whose row and merchant have values of every kind (times, booleans, nulls)
    token = account.key("live_secret_key")
    api_key_roll(key_id=key_row(token).id, merchant=account.merchant)

    # when the authentication lookup reads it
    found = api_key_get_by_token(token=token)

    # then the key and its merchant are what the ORM loads, field by field and typed alike
    expected = ApiKey.objects.select_related("merchant").get(key_hash=hash_api_key(token))
    for field in ApiKey._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    for field in Merchant._meta.concrete_fields:
        assert getattr(found.merchant, field.attname) == getattr(expected.merchant,
                                                                 field.attname), field.name
    assert found.expires_at is not None and found.expires_at.tzinfo is not None
    assert found.livemode is True
    assert found._state.adding is False
    assert api_key_get_by_token(token="sk_test_nobodyhasthis") is None
