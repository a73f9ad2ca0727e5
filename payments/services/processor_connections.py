"""Connecting a merchant's own Stripe account to a mode, and disconnecting it.

From the moment a mode is connected its money moves through that account; disconnected,
the mode returns to its default (test mode: the simulated processor; live mode: none).
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from core import clock
from core.actor import Actor
from core.exceptions import InvalidParameter
from core.ids import random_token
from core.vault import secret_encrypt, secret_hint, secret_reencrypt
from merchants.models import Merchant
from merchants.selectors import merchant_get_locked
from payments import selectors
from payments.processors.models import ProcessorConnection
from payments.processors.stripe import StripeProcessor

_FLAG = {False: "test_processor_connected", True: "live_processor_connected"}
# The Stripe events Till applies (payments.services.inbound_events), registered at connect.
INBOUND_EVENTS = [
    "payment_intent.succeeded", "payment_intent.payment_failed",
    "payment_intent.requires_action", "payment_intent.canceled",
    "charge.refunded", "refund.updated", "refund.failed",
]


def inbound_url(inbound_id: str) -> str:
    """The connection's inbound URL, on TILL_PUBLIC_URL: where Stripe sends its events."""
    return settings.TILL_PUBLIC_URL.rstrip("/") + reverse("inbound:stripe",
                                                          args=[inbound_id])


def _check_key_mode(*, secret_key: str, publishable_key: str, livemode: bool) -> None:
    """A key of the right kind for the mode: a secret or restricted key (never a
    publishable one where the secret goes), and the mode's own keys."""
    mode = "live" if livemode else "test"
    if not secret_key.startswith((f"sk_{mode}_", f"rk_{mode}_")):
        raise InvalidParameter(
            f"The secret key for {mode} mode must be a Stripe {mode} secret or restricted "
            f"key (sk_{mode}_… or rk_{mode}_…).", code="processor_key_invalid",
            param="secret_key")
    if publishable_key and not publishable_key.startswith(f"pk_{mode}_"):
        raise InvalidParameter(
            f"The publishable key for {mode} mode must be a Stripe {mode} publishable key "
            f"(pk_{mode}_…).", code="processor_key_invalid", param="publishable_key")


def processor_connect(*, merchant: Merchant, livemode: bool, actor: Actor, secret_key: str,
                      publishable_key: str, webhook_secret: str = "") -> ProcessorConnection:
    """Connects the merchant's Stripe account to a mode, replacing any connection it had.

    The key is verified first with a harmless call to Stripe (its balance; the account's id
    is read when the key may): a key Stripe refuses raises InvalidRequest and stores
    nothing. Then Till's inbound URL (a new one) is registered at the account for the
    events Till applies, and the endpoint's signing secret kept; when the key may not
    register it, the connection is made all the same, with `webhook_problem` saying why
    (an operator registers the URL at Stripe and passes its `webhook_secret`, whsec_…, which
    also skips the registration). Keys and secret are stored encrypted (core.vault) and
    the key shown again only as its hint. The connection and the merchant's flag change in
    one transaction, under the merchant's lock; `actor` is recorded as who connected it."""
    secret_key, publishable_key = secret_key.strip(), publishable_key.strip()
    webhook_secret = webhook_secret.strip()
    _check_key_mode(secret_key=secret_key, publishable_key=publishable_key, livemode=livemode)
    if webhook_secret and not webhook_secret.startswith("whsec_"):
        raise InvalidParameter("A Stripe webhook signing secret starts with whsec_.",
                               code="processor_key_invalid", param="webhook_secret")
    probe = ProcessorConnection(merchant=merchant, livemode=livemode)
    processor = StripeProcessor(probe, secret_key=secret_key)
    account_id = processor.account_verify()
    probe.account_id = account_id
    inbound_id = f"pcon_{random_token(24)}"
    endpoint_id, problem = "", ""
    if not webhook_secret:
        endpoint_id, webhook_secret, problem = processor.webhook_endpoint_register(
            url=inbound_url(inbound_id), events=INBOUND_EVENTS)
    with transaction.atomic(durable=True):
        locked = merchant_get_locked(id=merchant.id)
        connection, _ = ProcessorConnection.objects.update_or_create(
            merchant=locked, livemode=livemode, defaults={
                "kind": ProcessorConnection.Kind.STRIPE,
                "secret_key_encrypted": secret_encrypt(secret_key),
                "secret_key_hint": secret_hint(secret_key),
                "publishable_key": publishable_key, "account_id": account_id,
                "inbound_id": inbound_id, "webhook_endpoint_id": endpoint_id,
                "connected_at": clock.now(), "connected_by": actor.id,
                "webhook_secret_encrypted": secret_encrypt(webhook_secret)
                if webhook_secret else ""})
        _flag_set(locked, livemode=livemode, connected=True)
    setattr(merchant, _FLAG[livemode], True)
    connection.webhook_problem = problem  # not stored: what the caller shows the operator
    return connection


def processor_disconnect(*, merchant: Merchant, livemode: bool) -> bool:
    """Disconnects the mode's processor (the mode returns to its default); False if none
    was connected. The key is deleted with the connection."""
    with transaction.atomic(durable=True):
        locked = merchant_get_locked(id=merchant.id)
        deleted, _ = ProcessorConnection.objects.filter(merchant=locked,
                                                        livemode=livemode).delete()
        _flag_set(locked, livemode=livemode, connected=False)
    setattr(merchant, _FLAG[livemode], False)
    return bool(deleted)


def _flag_set(merchant: Merchant, *, livemode: bool, connected: bool) -> None:
    setattr(merchant, _FLAG[livemode], connected)
    merchant.save(update_fields=[_FLAG[livemode]])


def processor_secrets_rotate(*, with_development_key: bool = False) -> int:
    """Re-encrypts every stored processor key with the newest of TILL_SECRET_KEYS (after a
    new key was put first; the old one can then be dropped). `with_development_key`: the
    key derived from SECRET_KEY may decrypt too, to move off the development default.
    Returns how many keys were re-encrypted; each row under its own lock."""
    rotated = 0
    for pk in selectors.processor_connection_ids():
        with transaction.atomic(durable=True):
            connection = selectors.processor_connection_get_locked(pk=pk)
            connection.secret_key_encrypted = secret_reencrypt(
                connection.secret_key_encrypted, with_development_key=with_development_key)
            if connection.webhook_secret_encrypted:
                connection.webhook_secret_encrypted = secret_reencrypt(
                    connection.webhook_secret_encrypted,
                    with_development_key=with_development_key)
            connection.save(update_fields=["secret_key_encrypted", "webhook_secret_encrypted"])
        rotated += 1
    return rotated
