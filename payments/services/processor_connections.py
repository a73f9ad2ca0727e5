"""Connecting a merchant's own Stripe account to a mode, and disconnecting it.

From the moment a mode is connected its money moves through that account; disconnected,
the mode returns to its default (test mode: the simulated processor; live mode: none).
"""

from django.db import transaction

from core.exceptions import InvalidParameter
from core.vault import secret_encrypt, secret_hint, secret_reencrypt
from merchants.models import Merchant
from merchants.selectors import merchant_get_locked
from payments import selectors
from payments.processors.models import ProcessorConnection
from payments.processors.stripe import StripeProcessor

_FLAG = {False: "test_processor_connected", True: "live_processor_connected"}


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


def processor_connect(*, merchant: Merchant, livemode: bool, secret_key: str,
                      publishable_key: str) -> ProcessorConnection:
    """Connects the merchant's Stripe account to a mode, replacing any connection it had.

    The key is verified first with a harmless call to Stripe (its balance; the account's id
    is read when the key may): a key Stripe refuses raises InvalidRequest and stores
    nothing. The stored key is encrypted (core.vault) and shown again only as its hint.
    The connection and the merchant's flag change in one transaction, under the merchant's
    lock."""
    secret_key, publishable_key = secret_key.strip(), publishable_key.strip()
    _check_key_mode(secret_key=secret_key, publishable_key=publishable_key, livemode=livemode)
    probe = ProcessorConnection(merchant=merchant, livemode=livemode)
    account_id = StripeProcessor(probe, secret_key=secret_key).account_verify()
    with transaction.atomic(durable=True):
        locked = merchant_get_locked(id=merchant.id)
        connection, _ = ProcessorConnection.objects.update_or_create(
            merchant=locked, livemode=livemode, defaults={
                "kind": ProcessorConnection.Kind.STRIPE,
                "secret_key_encrypted": secret_encrypt(secret_key),
                "secret_key_hint": secret_hint(secret_key),
                "publishable_key": publishable_key, "account_id": account_id})
        _flag_set(locked, livemode=livemode, connected=True)
    setattr(merchant, _FLAG[livemode], True)
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
            connection.save(update_fields=["secret_key_encrypted"])
        rotated += 1
    return rotated
