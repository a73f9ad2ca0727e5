"""Merchants, their dashboard logins and their API keys."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core import clock
from core.exceptions import InvalidParameter
from core.ids import random_token
from merchants.models import (
    UPCOMING_INVOICE_DAYS_MAX,
    ApiKey,
    Membership,
    Merchant,
    dunning_retry_days_problem,
    hash_api_key,
)
from merchants.selectors import api_key_get_locked, merchant_get_locked


@dataclass(frozen=True)
class IssuedKey:
    """A key as issued: the only moment its secret token exists outside the client."""

    key: ApiKey
    token: str


@dataclass(frozen=True)
class CreatedMerchant:
    merchant: Merchant
    keys: dict[str, str]  # "test_secret_key" -> "sk_test_…", and so on


def _issue_key(*, merchant: Merchant, livemode: bool, kind: str) -> IssuedKey:
    key = ApiKey(merchant=merchant, livemode=livemode, kind=kind)
    token = key.prefix + random_token(48)
    key.key_hash = hash_api_key(token)
    key.redacted = f"{key.prefix}…{token[-4:]}"
    if kind == ApiKey.Kind.PUBLISHABLE:
        key.publishable_token = token
    key.save()
    return IssuedKey(key=key, token=token)


def merchant_create(*, name: str, email: str, password: str) -> CreatedMerchant:
    """Creates a merchant, its owner login and a secret and publishable key per mode.

    The secret tokens are returned once and stored only as hashes.
    """
    email = email.strip().lower()
    with transaction.atomic(durable=True):
        merchant = Merchant.objects.create(name=name, email=email)
        user = get_user_model().objects.create_user(username=email, email=email,
                                                    password=password)
        Membership.objects.create(user=user, merchant=merchant, role=Membership.Role.OWNER)
        keys = {}
        for livemode, mode in ((False, "test"), (True, "live")):
            for kind in (ApiKey.Kind.SECRET, ApiKey.Kind.PUBLISHABLE):
                issued = _issue_key(merchant=merchant, livemode=livemode, kind=kind)
                keys[f"{mode}_{kind}_key"] = issued.token
    return CreatedMerchant(merchant=merchant, keys=keys)


def api_key_roll(*, key_id: str, merchant: Merchant,
                 expires_at: datetime | None = None) -> IssuedKey:
    """Issues a replacement for a key; the old one keeps working until `expires_at`.

    Defaults to TILL_KEY_ROLL_GRACE_HOURS from now; `expires_at` of now ends it at once.
    """
    # The wall clock, not core's: authentication checks a key's expiry against real time.
    now = timezone.now()
    if expires_at is None:
        expires_at = now + timedelta(hours=settings.TILL_KEY_ROLL_GRACE_HOURS)
    with transaction.atomic(durable=True):
        old = api_key_get_locked(key_id=key_id, merchant=merchant)
        if not old.is_active(now):
            raise ValueError("Only an active key can be rolled.")
        issued = _issue_key(merchant=merchant, livemode=old.livemode, kind=old.kind)
        old.expires_at = max(expires_at, now)
        old.rolled_into = issued.key
        old.save(update_fields=["expires_at", "rolled_into"])
    return issued


def api_key_revoke(*, key_id: str, merchant: Merchant) -> ApiKey:
    """Revokes a key at once. Idempotent: revoking twice keeps the first time."""
    with transaction.atomic(durable=True):
        key = api_key_get_locked(key_id=key_id, merchant=merchant)
        if key.revoked_at is None:
            key.revoked_at = clock.now()
            key.save(update_fields=["revoked_at"])
    return key


def merchant_dunning_set(*, merchant: Merchant, retry_days: list[int],
                         subscription_action: str, invoice_action: str) -> Merchant:
    """Sets how a failed renewal is retried: the days after its first failure on which it
    is retried (increasing, at most 4, each from 1 to 60: Stripe's custom schedule), and
    what the subscription and its invoice become when the last retry fails. Under the
    merchant's lock; invoices already in dunning follow the new schedule from their next
    attempt. Bad input changes nothing (InvalidParameter naming the field)."""
    problem = dunning_retry_days_problem(retry_days)
    if problem is not None:
        raise InvalidParameter(problem, param="retry_days")
    if subscription_action not in Merchant.DunningSubscriptionAction.values:
        raise InvalidParameter(
            f"Invalid subscription_action: must be one of "
            f"{', '.join(Merchant.DunningSubscriptionAction.values)}.",
            param="subscription_action")
    if invoice_action not in Merchant.DunningInvoiceAction.values:
        raise InvalidParameter(
            f"Invalid invoice_action: must be one of "
            f"{', '.join(Merchant.DunningInvoiceAction.values)}.", param="invoice_action")
    with transaction.atomic(durable=True):
        locked = merchant_get_locked(id=merchant.pk)
        locked.dunning_retry_days = list(retry_days)
        locked.dunning_subscription_action = subscription_action
        locked.dunning_invoice_action = invoice_action
        locked.save(update_fields=["dunning_retry_days", "dunning_subscription_action",
                                   "dunning_invoice_action"])
    merchant.dunning_retry_days = locked.dunning_retry_days
    merchant.dunning_subscription_action = subscription_action
    merchant.dunning_invoice_action = invoice_action
    return merchant


def merchant_upcoming_invoice_days_set(*, merchant: Merchant, days: int) -> Merchant:
    """Sets how many days before a renewal `invoice.upcoming` is sent (0: never), under the
    merchant's lock; subscriptions follow it from their next period. Out of range (0 to 45)
    is refused, changing nothing."""
    if not 0 <= days <= UPCOMING_INVOICE_DAYS_MAX:
        raise InvalidParameter(f"upcoming_invoice_days must be between 0 and "
                               f"{UPCOMING_INVOICE_DAYS_MAX}.", param="upcoming_invoice_days")
    with transaction.atomic(durable=True):
        locked = merchant_get_locked(id=merchant.pk)
        locked.upcoming_invoice_days = days
        locked.save(update_fields=["upcoming_invoice_days"])
    merchant.upcoming_invoice_days = days
    return merchant


BRAND_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")


def merchant_brand_color_set(*, merchant: Merchant, color: str) -> Merchant:
    """Sets the colour of the merchant's hosted invoice and receipt pages and invoice PDFs
    (`#rrggbb`, stored lowercase), under the merchant's lock; anything else is refused,
    changing nothing."""
    if not BRAND_COLOR.match(color or ""):
        raise InvalidParameter("brand_color must be a colour as #rrggbb.", param="brand_color")
    with transaction.atomic(durable=True):
        locked = merchant_get_locked(id=merchant.pk)
        locked.brand_color = color.lower()
        locked.save(update_fields=["brand_color"])
    merchant.brand_color = color.lower()
    return merchant
