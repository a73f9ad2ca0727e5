"""The API keys on the home page: listing, rolling (shown once) and revoking."""

import re

import pytest
from django.utils import timezone

from merchants.models import ApiKey
from tests.conftest import Api
from tests.dashboard.helpers import key_row, switch_mode

NEW_KEY = re.compile(r'value="(sk_test_[A-Za-z0-9]+)"')


def customers_status(token: str) -> int:
    return Api(token).get("/v1/customers").status_code


def test_home_shows_the_merchant_and_the_modes_keys(owner, account):
    response = owner.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert account.merchant.name in html and account.merchant.id in html
    # publishable keys in full, secret keys only redacted
    assert account.key("test_publishable_key") in html
    assert account.key("test_secret_key") not in html
    assert key_row(account.key("test_secret_key")).redacted in html
    # and only this mode's keys
    assert account.key("live_publishable_key") not in html
    assert "Test mode" in html


def test_no_secret_key_or_hash_ever_appears(owner, account):
    html = owner.get("/").content.decode()

    for key in ApiKey.objects.filter(merchant=account.merchant):
        assert key.key_hash not in html
    for name in ("test_secret_key", "live_secret_key"):
        assert account.key(name) not in html


def test_roll_shows_the_new_key_once_and_the_old_key_works_during_grace(owner, account):
    # given
    old_token = account.key("test_secret_key")
    old = key_row(old_token)

    # when
    response = owner.post(f"/keys/{old.id}/roll/", {"expires_in": "1h"})

    # then the next page shows the new key once, with the warning
    assert response.status_code == 302
    assert response["Location"] == "/"
    page = owner.get("/")
    html = page.content.decode()
    new_token = NEW_KEY.search(html).group(1)
    assert "won&#x27;t be shown again" in html or "won't be shown again" in html
    assert "no-store" in page["Cache-Control"]
    assert new_token != old_token
    assert new_token not in owner.get("/").content.decode()
    # and both keys authenticate while the old one's grace lasts
    assert customers_status(old_token) == 200
    assert customers_status(new_token) == 200
    old.refresh_from_db()
    remaining = old.expires_at - timezone.now()
    assert remaining.total_seconds() == pytest.approx(3600, abs=60)
    assert "expires in" in html


def test_the_new_key_is_not_stored_in_the_session_after_it_is_shown(owner, account):
    old = key_row(account.key("test_secret_key"))
    owner.post(f"/keys/{old.id}/roll/", {"expires_in": "24h"})

    html = owner.get("/").content.decode()

    new_token = NEW_KEY.search(html).group(1)
    assert new_token not in str(dict(owner.session.items()))


def test_roll_with_expiry_now_stops_the_old_key(owner, account):
    old_token = account.key("test_secret_key")

    owner.post(f"/keys/{key_row(old_token).id}/roll/", {"expires_in": "now"})

    new_token = NEW_KEY.search(owner.get("/").content.decode()).group(1)
    assert customers_status(old_token) == 401
    assert customers_status(new_token) == 200


def test_roll_rejects_an_unknown_expiry(owner, account):
    old = key_row(account.key("test_secret_key"))

    response = owner.post(f"/keys/{old.id}/roll/", {"expires_in": "forever"}, follow=True)

    assert b"Choose when the old key should expire" in response.content
    old.refresh_from_db()
    assert old.expires_at is None and old.rolled_into is None


def test_revoke_asks_for_confirmation_then_stops_the_key(owner, account):
    token = account.key("test_secret_key")
    key = key_row(token)

    confirm = owner.get(f"/keys/{key.id}/revoke/")
    assert confirm.status_code == 200
    assert b"Revoke key" in confirm.content
    assert customers_status(token) == 200  # asking changes nothing

    response = owner.post(f"/keys/{key.id}/revoke/", follow=True)

    assert response.status_code == 200
    assert f"Revoked {key.redacted}" in response.content.decode()
    assert customers_status(token) == 401


def test_an_admin_can_roll_and_revoke(admin_member, account):
    key = key_row(account.key("test_secret_key"))

    assert admin_member.post(f"/keys/{key.id}/roll/", {"expires_in": "1h"}).status_code == 302
    assert admin_member.post(f"/keys/{key.id}/revoke/").status_code == 302


def test_a_developer_can_roll_and_revoke(developer, account):
    key = key_row(account.key("test_secret_key"))

    assert developer.post(f"/keys/{key.id}/roll/", {"expires_in": "1h"}).status_code == 302
    assert developer.post(f"/keys/{key.id}/revoke/").status_code == 302
    key.refresh_from_db()
    assert key.rolled_into is not None and key.revoked_at is not None


def test_support_may_not_roll_or_revoke(support, account):
    client = support
    token = account.key("test_secret_key")
    key = key_row(token)

    assert client.post(f"/keys/{key.id}/roll/", {"expires_in": "now"}).status_code == 403
    assert client.get(f"/keys/{key.id}/revoke/").status_code == 403
    assert client.post(f"/keys/{key.id}/revoke/").status_code == 403

    key.refresh_from_db()
    assert key.rolled_into is None and key.revoked_at is None
    assert customers_status(token) == 200
    # and the page offers them no buttons
    assert b"Roll key" not in client.get("/").content


def test_another_merchants_key_is_a_404(owner, other_account):
    key = key_row(other_account.key("test_secret_key"))

    assert owner.post(f"/keys/{key.id}/roll/", {"expires_in": "now"}).status_code == 404
    assert owner.get(f"/keys/{key.id}/revoke/").status_code == 404
    assert owner.post(f"/keys/{key.id}/revoke/").status_code == 404

    key.refresh_from_db()
    assert key.rolled_into is None and key.revoked_at is None


def test_rolling_a_revoked_key_is_refused(owner, account):
    key = key_row(account.key("test_secret_key"))
    owner.post(f"/keys/{key.id}/revoke/")

    response = owner.post(f"/keys/{key.id}/roll/", {"expires_in": "1h"}, follow=True)

    assert b"Only an active key can be rolled" in response.content
    assert b"Revoked and expired keys (1)" in response.content


def test_roll_needs_a_post(owner, account):
    key = key_row(account.key("test_secret_key"))

    assert owner.get(f"/keys/{key.id}/roll/").status_code == 405


def test_live_mode_lists_the_live_keys(owner, account):
    switch_mode(owner, "live")

    html = owner.get("/").content.decode()

    assert account.key("live_publishable_key") in html
    assert account.key("test_publishable_key") not in html
    assert "Live mode API keys" in html
