"""Idempotency-Key handling (Stripe's rules, after Brandur Leach's Postgres pattern).

- The key is claimed by inserting its row in a committed transaction of its own; the unique
  constraint makes exactly one of any number of concurrent requests the owner.
- Others with the same key get a 409 `idempotency_key_in_use` while the owner runs, the stored
  response with `Idempotent-Replayed: true` once it is done, and a 400 `idempotency_error` if
  their parameters differ.
- Failures before execution (authentication, rate limits, parameter validation) release the
  key, as Stripe does, so the same key can be retried.
- Keys live TILL_IDEMPOTENCY_KEY_TTL_HOURS; an expired key runs as a new request.
- On the hot path (a view with `folds_idempotency`) the claim and the stored response ride
  in the change's own transactions instead (`FoldedKey`, core.request_writes): the claim is
  written with the first transaction's rows, so a concurrent request with the same key fails
  that transaction on the constraint and is answered as above; the response is stored by the
  transaction that makes the result final.
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
from rest_framework.response import Response

from api.errors import ConflictError, IdempotencyError, ParameterError
from api.models import IdempotencyKey
from api.renderers import JSONRenderer
from core.db import db_datetime, execute, insert, table, unique_insert, write
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
    idempotency_key_check(key)
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


def idempotency_key_check(key: str) -> None:
    if not key or len(key) > MAX_KEY_LENGTH or "\x00" in key:  # PostgreSQL stores no NUL
        raise ParameterError(
            f"Invalid Idempotency-Key: must be 1 to {MAX_KEY_LENGTH} characters, without NUL "
            "characters.", param="Idempotency-Key")


def _claimed(record: IdempotencyKey) -> tuple[str, list[Any]]:
    """The WHERE clause of the row `record` claimed: its key, as created at that instant (the
    hot path's `insert` does not read the row's id back)."""
    return (f"merchant_id = %s AND livemode = %s AND {connection.ops.quote_name('key')} = %s "
            "AND created = %s",
            [record.merchant_id, record.livemode, record.key, db_datetime(record.created)])


def idempotency_key_complete(*, record: IdempotencyKey, status: int, body: bytes) -> None:
    """Stores the response (held with the transaction's writes inside core.db.batched)."""
    write(*_completion(record, status, body), model=IdempotencyKey)


def _completion(record: IdempotencyKey, status: int, body: bytes) -> tuple[str, list[Any]]:
    where, params = _claimed(record)
    return (f"UPDATE {table(IdempotencyKey)} SET response_status = %s, "  # noqa: S608
            f"response_body = %s, completed_at = %s WHERE {where}",
            [status, _BODY.get_db_prep_save(body, connection), db_datetime(timezone.now()),
             *params])


def idempotency_key_finish(*, record: IdempotencyKey, status: int, body: bytes) -> bool:
    """For a folded key, after its request: stores the response now; False when the claim
    is not there (it rolled back with the change's transaction)."""
    return execute(*_completion(record, status, body)) > 0


def idempotency_key_store(*, merchant: Merchant, livemode: bool, key: str, fingerprint: str,
                          request_id: str, status: int, body: bytes) -> bool:
    """The key with its response at once, for a folded request that ended before claiming
    it (nothing was written). False when another request has the key: answer as it does."""
    record = IdempotencyKey(merchant=merchant, livemode=livemode, key=key,
                            request_fingerprint=fingerprint, request_id=request_id,
                            response_status=status, response_body=body,
                            completed_at=timezone.now())
    try:
        with unique_insert():
            insert(record)
    except IntegrityError:
        return False
    return True


def idempotency_key_taken(error: IntegrityError) -> bool:
    """Whether a folded change's transaction failed on the key's constraint: another request
    has the key."""
    text = str(error)
    return "idempotency_key_unique" in text or IdempotencyKey._meta.db_table in text


class FoldedKey:
    """The key of a request whose service offers its transactions (core.request_writes):
    claimed with the first one's writes, its response stored by the one that makes the
    result final. The view renders that result here, once, and answers with it. A service
    that returns has committed every transaction it opened; one that raises may have rolled
    back the claim, which the view finds out when it stores its answer
    (`idempotency_key_finish`)."""

    def __init__(self, *, merchant: Merchant, livemode: bool, key: str, fingerprint: str,
                 request_id: str, model: type) -> None:
        self.record = IdempotencyKey(merchant=merchant, livemode=livemode, key=key,
                                     request_fingerprint=fingerprint, request_id=request_id)
        self.model = model
        self.render: Any = None  # the result's wire form: set by the view
        self.claimed = False  # in a transaction (committed if the service returns)
        self.response: tuple[object, Response] | None = None  # (result, its response)

    def claim(self) -> None:
        if self.claimed:
            return
        self.claimed = True
        insert(self.record)  # held with the transaction's first statement

    def result(self, obj: object) -> None:
        if not isinstance(obj, self.model) or not self.claimed or self.render is None:
            return
        data = self.render(obj)
        body = JSONRenderer().render(data)
        idempotency_key_complete(record=self.record, status=200, body=body)
        response = Response(data, status=200)
        response.content = body  # rendered: DRF sends it as it is
        response["Content-Type"] = JSONRenderer.media_type
        self.response = (obj, response)

    def response_for(self, obj: object) -> Response | None:
        """The response stored for `obj`, if it was."""
        if self.response is not None and self.response[0] is obj:
            return self.response[1]
        return None


def idempotency_key_release(*, record: IdempotencyKey) -> None:
    where, params = _claimed(record)
    execute(f"DELETE FROM {table(IdempotencyKey)} WHERE {where}", params)  # noqa: S608


def idempotency_keys_prune() -> int:
    """Deletes keys older than the retention; returns how many."""
    deleted, _ = IdempotencyKey.objects.filter(created__lt=_expired_before()).delete()
    return deleted
