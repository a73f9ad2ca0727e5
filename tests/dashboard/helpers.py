"""Plain helpers for the dashboard tests (fixtures are in conftest.py)."""

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.test import Client

from merchants.models import ApiKey, Membership, hash_api_key
from payments.models import Customer
from payments.services import customer_create
from tests.conftest import Account
from webhooks.models import WebhookEndpoint
from webhooks.services import webhook_endpoint_create

PASSWORD = "correct horse battery staple"
PUBLIC_URL = "https://93.184.215.14/webhooks"  # a public address: no DNS, never sent to


def owner_of(account: Account):
    return Membership.objects.get(merchant=account.merchant, role=Membership.Role.OWNER).user


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def member(account: Account, role: str, email: str) -> Client:
    """A client logged in as a new login with `role` at the account's merchant."""
    user = get_user_model().objects.create_user(username=email, email=email, password=PASSWORD)
    Membership.objects.create(user=user, merchant=account.merchant, role=role)
    return logged_in(user)


def key_row(token: str) -> ApiKey:
    return ApiKey.objects.get(key_hash=hash_api_key(token))


def new_customer(account: Account, *, livemode: bool = False, **params: Any) -> Customer:
    return customer_create(merchant=account.merchant, livemode=livemode, **params)


def switch_mode(client: Client, mode: str) -> None:
    response = client.post("/mode/", {"mode": mode, "next": "/"})
    assert response.status_code == 302, response.content


def new_endpoint(account: Account, *, livemode: bool = False, url: str = PUBLIC_URL,
                 events: list[str] | None = None) -> WebhookEndpoint:
    return webhook_endpoint_create(merchant=account.merchant, livemode=livemode,
                                   url=url, enabled_events=events or ["*"])


def disabled_for_failing(endpoint: WebhookEndpoint, *, since: datetime) -> WebhookEndpoint:
    """The endpoint as Till leaves it after days of failed deliveries."""
    endpoint.failing_since = since
    endpoint.disable(reason=WebhookEndpoint.DisabledReason.FAILING)
    endpoint.save()
    return endpoint
