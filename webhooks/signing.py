"""Stripe's webhook signature scheme, byte for byte (STRIPE_SEMANTICS §9).

`Stripe-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]`: each v1 is HMAC-SHA256 over
`"<t>.<raw body>"`, keyed with the whole `whsec_…` string as UTF-8 (not base64-decoded). One
v1 per secret still signing, so a rolled secret keeps verifying through its grace period.
Official SDKs (`stripe.Webhook.construct_event`) verify it as they verify Stripe's.
"""

import hashlib
import hmac
from collections.abc import Iterable

from core.ids import random_token

SECRET_PREFIX = "whsec_"  # noqa: S105 - a prefix, not a credential


def new_signing_secret() -> str:
    """`whsec_` and 32 base62 characters (about 190 bits)."""
    return SECRET_PREFIX + random_token(32)


def compute_signature(*, payload: bytes, secret: str, timestamp: int) -> str:
    signed = str(timestamp).encode() + b"." + payload
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(*, payload: bytes, secrets: Iterable[str], timestamp: int) -> str:
    """The `Stripe-Signature` value for `payload`, signed at `timestamp` by each secret."""
    parts = [f"t={timestamp}"]
    parts.extend(f"v1={compute_signature(payload=payload, secret=secret, timestamp=timestamp)}"
                 for secret in secrets)
    return ",".join(parts)
