"""Django admin for operators: every registered model's pages load; keys stay read-only."""

import pytest
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.urls import reverse

from api.models import IdempotencyKey
from merchants.models import ApiKey, Merchant
from payments.models import Customer
from tests.conftest import Api
from tests.dashboard.helpers import key_row, new_customer
from webhooks.models import Event

READ_ONLY = [ApiKey, Customer, Event, IdempotencyKey]


def admin_url(model, view: str, *args) -> str:
    # The admin escapes `_` in primary keys (`acct_1A…` would otherwise unquote to `acct\x1a…`).
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}",
                   args=[quote(arg) for arg in args])


@pytest.fixture
def some_data(account):
    new_customer(account, email="jenny@example.test")
    account.api().post("/v1/customers", {"email": "x@example.test"},
                       headers={"Idempotency-Key": "k-1"})


def test_admin_needs_a_staff_login(owner):
    assert owner.get("/admin/").status_code == 302


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m.__name__)
def test_every_changelist_loads(superuser, some_data, model):
    response = superuser.get(admin_url(model, "changelist"))

    assert response.status_code == 200


@pytest.mark.parametrize("model", [Merchant, *READ_ONLY], ids=lambda m: m.__name__)
def test_every_change_page_loads(superuser, some_data, model):
    obj = model.objects.first()

    response = superuser.get(admin_url(model, "change", obj.pk))

    assert response.status_code == 200


def test_the_till_models_are_registered():
    for model in (Merchant, *READ_ONLY):
        assert admin.site.is_registered(model)


def test_key_pages_never_show_the_hash(superuser, account):
    key = key_row(account.key("test_secret_key"))

    changelist = superuser.get(admin_url(ApiKey, "changelist")).content.decode()
    change = superuser.get(admin_url(ApiKey, "change", key.id)).content.decode()

    for html in (changelist, change):
        assert key.key_hash not in html
        assert "key_hash" not in html
        assert account.key("test_secret_key") not in html
    assert key.redacted in changelist


@pytest.mark.parametrize("model", [Merchant, *READ_ONLY], ids=lambda m: m.__name__)
def test_nothing_is_added_from_the_admin(superuser, model):
    assert superuser.get(admin_url(model, "add")).status_code == 403


def test_keys_cannot_be_edited_from_the_admin(superuser, account):
    key = key_row(account.key("test_secret_key"))

    response = superuser.post(admin_url(ApiKey, "change", key.id),
                              {"key_hash": "0" * 64, "revoked_at": "2020-01-01 00:00:00"})

    assert response.status_code == 403
    reloaded = ApiKey.objects.get(pk=key.pk)
    assert reloaded.key_hash == key.key_hash and reloaded.revoked_at is None


def test_revoke_action_goes_through_the_service(superuser, account):
    token = account.key("test_secret_key")
    key = key_row(token)

    response = superuser.post(admin_url(ApiKey, "changelist"),
                              {"action": "revoke_selected", "_selected_action": [key.id]})

    assert response.status_code == 302
    key.refresh_from_db()
    assert key.revoked_at is not None
    assert Api(token).get("/v1/customers").status_code == 401


def test_customer_search_by_email_and_mode_filter(superuser, account):
    jenny = new_customer(account, email="jenny@example.test")
    live = new_customer(account, livemode=True, email="live@example.test")
    url = admin_url(Customer, "changelist")

    by_email = superuser.get(url, {"q": "jenny@example.test"}).content.decode()
    by_id = superuser.get(url, {"q": jenny.id}).content.decode()
    live_only = superuser.get(url, {"livemode__exact": "1"}).content.decode()

    assert jenny.id in by_email and live.id not in by_email
    assert jenny.id in by_id and live.id not in by_id
    assert live.id in live_only and jenny.id not in live_only


def test_merchant_page_shows_its_memberships(superuser, account):
    html = superuser.get(admin_url(Merchant, "change", account.merchant.pk)).content.decode()

    assert "owner" in html and "memberships" in html.lower()
