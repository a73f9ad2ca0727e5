"""Idempotency-Key handling (Stripe's rules, after Brandur Leach's Postgres pattern).

- The key is claimed by inserting its row in a committed transaction of its own; the unique
  constraint makes exactly one of any number of concurrent requests the owner.
- Others with the same key get a 409 `idempotency_key_in_use` while the owner runs, the stored
  response with `Idempotent-Replayed: true` once it is done, and a 400 `idempotency_error` if
  their parameters differ.
- Failures before execution (authentication, rate limits, parameter validation) release the
  key, as Stripe does, so the same key can be retried.
- Keys live TILL_IDEMPOTENCY_KEY_TTL_HOURS; an expired key runs as a new request.
"""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import orjson
from django.conf import settings
from django.db import IntegrityError, connection
from django.utils import timezone

from api.errors import ConflictError, IdempotencyError, ParameterError
from api.models import IdempotencyKey
from core.db import db_datetime, execute, insert, table, unique_insert
from merchants.models import Merchant

MAX_KEY_LENGTH = 255
_BODY = IdempotencyKey._meta.get_field("response_body")


@dataclass(frozen=True)
class Replay:
    status: int
    body: bytes
    original_request_id: str


def request_fingerprint(*, method: str, path: str, params: Any) -> str:
    """A keyed hash of the request: a body may hold a card number, and an unkeyed hash of
    a card number can be reversed by trying the few numbers a BIN and Luhn leave."""
    canonical = orjson.dumps([method, path, params], option=orjson.OPT_SORT_KEYS)
    return hmac.new(settings.SECRET_KEY.encode(), b"idempotency:" + canonical,
                    hashlib.sha256).hexdigest()


def _expired_before() -> Any:
    return timezone.now() - timedelta(hours=settings.TILL_IDEMPOTENCY_KEY_TTL_HOURS)


def idempotency_key_claim(*, merchant: Merchant, livemode: bool, key: str, fingerprint: str,
                          request_id: str) -> IdempotencyKey | Replay:
    """Claims `key` for this request, or answers with the replay or the error that applies."""
    if not key or len(key) > MAX_KEY_LENGTH or "\x00" in key:  # PostgreSQL stores no NUL
        raise ParameterError(
            f"Invalid Idempotency-Key: must be 1 to {MAX_KEY_LENGTH} characters, without NUL "
            "characters.", param="Idempotency-Key")
    for _ in range(2):
        try:
            record = IdempotencyKey(merchant=merchant, livemode=livemode, key=key,
                                    request_fingerprint=fingerprint, request_id=request_id)
            with unique_insert():
                insert(record)
            return record
        except IntegrityError:
            existing = IdempotencyKey.objects.filter(
                merchant=merchant, livemode=livemode, key=key).first()
        if existing is None:
            continue  # released or pruned between our insert and our read: claim again
        if existing.created < _expired_before():
            IdempotencyKey.objects.filter(pk=existing.pk, created=existing.created).delete()
            continue
        if existing.request_fingerprint != fingerprint:
            raise IdempotencyError(
                "Keys for idempotent requests can only be used with the same parameters they "
                f"were first used with. Try using a key other than '{key}' if you meant to "
                "execute a different request.")
        if existing.response_status is None:
            raise ConflictError(
                "There is currently another in-progress request using this Idempotent Key "
                "(that probably means you submitted twice, and the other request is still "
                "going through): " + key + ". Please try again later.",
                code="idempotency_key_in_use", headers={"Stripe-Should-Retry": "true"})
        return Replay(status=existing.response_status, body=bytes(existing.response_body),
                      original_request_id=existing.request_id)
    raise ConflictError("This idempotency key is being recycled; please retry.",
                        code="idempotency_key_in_use", headers={"Stripe-Should-Retry": "true"})


def _claimed(record: IdempotencyKey) -> tuple[str, list[Any]]:
    """The WHERE clause of the row `record` claimed: its key, as created at that instant (the
    hot path's `insert` does not read the row's id back)."""
    return (f"merchant_id = %s AND livemode = %s AND {connection.ops.quote_name('key')} = %s "
            "AND created = %s",
            [record.merchant_id, record.livemode, record.key, db_datetime(record.created)])


def idempotency_key_complete(*, record: IdempotencyKey, status: int, body: bytes) -> None:
    where, params = _claimed(record)
    execute(f"UPDATE {table(IdempotencyKey)} SET response_status = %s, "  # noqa: S608
            f"response_body = %s, completed_at = %s WHERE {where}",
            [status, _BODY.get_db_prep_save(body, connection), db_datetime(timezone.now()),
             *params])


def idempotency_key_release(*, record: IdempotencyKey) -> None:
    where, params = _claimed(record)
    execute(f"DELETE FROM {table(IdempotencyKey)} WHERE {where}", params)  # noqa: S608


def idempotency_keys_prune() -> int:
    """Deletes keys older than the retention; returns how many."""
    deleted, _ = IdempotencyKey.objects.filter(created__lt=_expired_before()).delete()
    return deleted
