"""Secrets Till keeps for others (a merchant's Stripe secret key), encrypted at rest.

`cryptography`'s MultiFernet over TILL_SECRET_KEYS (Fernet keys, newest first): new values are
encrypted with the first key, any key of the list decrypts, and `secrets_rotate` re-encrypts
every stored value with the first. Without TILL_SECRET_KEYS a key derived from SECRET_KEY is
used, for development only (the README says why that is not enough in production).
"""

import base64
import hashlib
import logging
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("till.vault")


class SecretUnreadable(Exception):  # noqa: N818 - read as "raise SecretUnreadable"
    """A stored secret that none of the configured keys decrypts (a key was dropped from
    TILL_SECRET_KEYS before `secrets_rotate` re-encrypted with its successor)."""


def development_key() -> str:
    """The Fernet key derived from SECRET_KEY, used when TILL_SECRET_KEYS is not set."""
    digest = hashlib.sha256(b"till-vault:" + settings.SECRET_KEY.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def _fernet(key: str) -> Fernet:
    try:
        return Fernet(key.encode())
    except ValueError as exc:
        raise ImproperlyConfigured(
            "TILL_SECRET_KEYS holds a value that is not a Fernet key (32 url-safe base64 "
            "bytes; make one with `python -c 'from cryptography.fernet import Fernet; "
            "print(Fernet.generate_key().decode())'`).") from exc


@cache
def _keys(keys: tuple[str, ...], with_development_key: bool) -> MultiFernet:
    if not keys:
        logger.warning("TILL_SECRET_KEYS is not set: stored secrets are encrypted with a key "
                       "derived from SECRET_KEY (development only).")
        keys = (development_key(),)
    elif with_development_key:
        keys = (*keys, development_key())
    return MultiFernet([_fernet(key) for key in keys])


def _multi(*, with_development_key: bool = False) -> MultiFernet:
    return _keys(tuple(settings.TILL_SECRET_KEYS), with_development_key)


def secret_encrypt(plain: str) -> str:
    return _multi().encrypt(plain.encode()).decode()


def secret_decrypt(token: str) -> str:
    try:
        return _multi().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("No key in TILL_SECRET_KEYS decrypts this secret.") from exc


def secret_reencrypt(token: str, *, with_development_key: bool = False) -> str:
    """`token` encrypted anew with the newest key; `with_development_key` also lets the key
    derived from SECRET_KEY decrypt it (moving off the development default)."""
    try:
        return _multi(with_development_key=with_development_key).rotate(
            token.encode()).decode()
    except InvalidToken as exc:
        raise SecretUnreadable("No key in TILL_SECRET_KEYS decrypts this secret.") from exc


def secret_hint(secret: str) -> str:
    """What may be shown of a key again: its prefix and last four (`sk_live_…abcd`)."""
    parts = secret.split("_", 2)
    prefix = f"{parts[0]}_{parts[1]}_" if len(parts) == 3 else ""
    return f"{prefix}…{secret[-4:]}"
