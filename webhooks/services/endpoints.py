"""Webhook endpoints: create (with a URL vetted against request forgery), update, delete,
roll the signing secret, and disable one that keeps failing."""

import logging
from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from core import clock, memo
from core.exceptions import InvalidParameter, InvalidRequest
from core.metadata import MetadataUpdate, metadata_apply
from core.types import NOT_GIVEN, Maybe
from merchants.models import Merchant
from webhooks import selectors
from webhooks.models import WebhookEndpoint
from webhooks.services.outbox import _deliveries_save, _events_settle, event_record
from webhooks.signing import new_signing_secret
from webhooks.urlguard import UnsafeUrl, url_check

logger = logging.getLogger("till.webhooks")

MAX_ENDPOINTS_PER_MODE = 16

def _url_vetted(url: str, *, livemode: bool) -> str:
    try:
        url_check(url, livemode=livemode, allow_local=settings.TILL_WEBHOOK_ALLOW_LOCAL)
    except UnsafeUrl as exc:
        raise InvalidParameter(f"Invalid URL: {exc}.", param="url") from exc
    return url


def webhook_endpoint_create(*, merchant: Merchant, livemode: bool, url: str,
                            enabled_events: list[str], description: str | None = None,
                            api_version: str | None = None,
                            metadata: MetadataUpdate | None = None) -> WebhookEndpoint:
    """Creates an endpoint with a new signing secret (shown once, by the caller).

    The URL is checked for server-side request forgery first. At most 16 endpoints per
    merchant and mode: the merchant's row is locked while counting, so two concurrent
    creates cannot both take the last place.
    """
    url = _url_vetted(url, livemode=livemode)
    endpoint = WebhookEndpoint(
        merchant=merchant, livemode=livemode, url=url, enabled_events=enabled_events,
        description=description, api_version=api_version, secret=new_signing_secret(),
        metadata=metadata_apply({}, metadata))
    with transaction.atomic(durable=True):
        existing = selectors.webhook_endpoint_quota_lock(merchant=merchant, livemode=livemode)
        if existing >= MAX_ENDPOINTS_PER_MODE:
            mode = "live" if livemode else "test"
            raise InvalidRequest(
                f"You have reached the maximum of {MAX_ENDPOINTS_PER_MODE} {mode} webhook "
                "endpoints. Delete one before creating another.",
                code="webhook_endpoint_limit_reached")
        endpoint.save()
        memo.forget(selectors.SUBSCRIPTIONS)
    return endpoint


def webhook_endpoint_update(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                            url: Maybe[str] = NOT_GIVEN,
                            enabled_events: Maybe[list[str]] = NOT_GIVEN,
                            description: Maybe[str | None] = NOT_GIVEN,
                            disabled: bool | None = None,
                            metadata: MetadataUpdate | None = None) -> WebhookEndpoint:
    """Updates an endpoint under its row lock. `disabled=true` cancels its pending
    deliveries (Stripe stops retrying); `disabled=false` enables it with a clean record."""
    if url is not NOT_GIVEN:
        _url_vetted(url, livemode=livemode)
    changes: dict[str, Any] = {"url": url, "enabled_events": enabled_events,
                               "description": description}
    with transaction.atomic(durable=True):
        endpoint = selectors.webhook_endpoint_get_locked(id=id, merchant=merchant,
                                                         livemode=livemode)
        for field, value in changes.items():
            if value is not NOT_GIVEN:
                setattr(endpoint, field, value)
        endpoint.metadata = metadata_apply(endpoint.metadata, metadata)
        if disabled is True and can_proceed(endpoint.disable):
            endpoint.disable(reason=WebhookEndpoint.DisabledReason.REQUESTED)
            _deliveries_cancel(endpoint_id=endpoint.id)
        elif disabled is False and can_proceed(endpoint.enable):
            endpoint.enable()
        endpoint.save()
        memo.forget(selectors.SUBSCRIPTIONS)
    return endpoint


def webhook_endpoint_delete(*, id: str, merchant: Merchant,  # noqa: A002
                            livemode: bool) -> WebhookEndpoint:
    """Deletes an endpoint: kept with its history (soft delete), never sent to again; its
    pending deliveries are canceled."""
    with transaction.atomic(durable=True):
        endpoint = selectors.webhook_endpoint_get_locked(id=id, merchant=merchant,
                                                         livemode=livemode)
        endpoint.deleted_at = clock.now()
        endpoint.save(update_fields=["deleted_at"])
        memo.forget(selectors.SUBSCRIPTIONS)
        _deliveries_cancel(endpoint_id=endpoint.id)
    return endpoint


def webhook_endpoint_roll_secret(*, id: str, merchant: Merchant,  # noqa: A002
                                 livemode: bool, expires_at: datetime | None = None
                                 ) -> WebhookEndpoint:
    """Gives the endpoint a new signing secret (returned once, by the caller). The old one
    keeps signing a second `v1` until `expires_at` (default TILL_WEBHOOK_SECRET_ROLL_GRACE_
    HOURS from now; now or earlier ends it at once)."""
    # The wall clock: deliveries are signed with the secrets valid at the real time of sending.
    now = timezone.now()
    if expires_at is None:
        expires_at = now + timedelta(hours=settings.TILL_WEBHOOK_SECRET_ROLL_GRACE_HOURS)
    with transaction.atomic(durable=True):
        endpoint = selectors.webhook_endpoint_get_locked(id=id, merchant=merchant,
                                                         livemode=livemode)
        endpoint.roll_secret(secret=new_signing_secret(),
                             previous_expires_at=max(expires_at, now))
        endpoint.save(update_fields=["secret", "previous_secret",
                                     "previous_secret_expires_at"])
    return endpoint


def webhook_endpoint_disable_failing(*, id: str) -> WebhookEndpoint | None:  # noqa: A002
    """Disables an endpoint whose deliveries have failed, with no success, for
    TILL_WEBHOOK_DISABLE_AFTER_DAYS; cancels its pending deliveries and tells the merchant
    with a `webhook_endpoint.disabled` event. Re-checked under the lock: a success in the
    meantime, or an endpoint already disabled, leaves it alone (returns None)."""
    # The wall clock, as `failing_since` is: real days of failed sends.
    cutoff = timezone.now() - timedelta(days=settings.TILL_WEBHOOK_DISABLE_AFTER_DAYS)
    with transaction.atomic(durable=True):
        endpoint = selectors.webhook_endpoint_get_locked_by_id(id=id)
        if (endpoint is None or not endpoint.is_active or endpoint.failing_since is None
                or endpoint.failing_since > cutoff):
            return None
        endpoint.disable(reason=WebhookEndpoint.DisabledReason.FAILING)
        endpoint.save(update_fields=["status", "disabled_reason"])
        memo.forget(selectors.SUBSCRIPTIONS)
        _deliveries_cancel(endpoint_id=endpoint.id)
        event_record(type="webhook_endpoint.disabled", obj=endpoint)
    logger.warning("Disabled webhook endpoint %s: failing since %s", endpoint.id,
                   endpoint.failing_since.isoformat())
    return endpoint


def _deliveries_cancel(*, endpoint_id: str) -> int:
    """Cancels an endpoint's pending deliveries (in the caller's transaction, which holds
    the endpoint's lock). An attempt already in flight is still recorded when it ends."""
    deliveries = selectors.webhook_deliveries_pending_locked(endpoint_id=endpoint_id)
    for delivery in deliveries:
        delivery.cancel()
    _deliveries_save(deliveries)
    _events_settle(Counter(delivery.event_id for delivery in deliveries))
    return len(deliveries)
