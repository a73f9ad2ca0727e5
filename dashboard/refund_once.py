"""The dashboard's Refund form refunds once, however often it is submitted.

Each form carries a token, claimed in the API's idempotency table under a prefix no API
client is handed (a unique constraint, not a read-then-write); the refund itself is
`refunds.services.refund_create`, the same as `POST /v1/refunds`.
"""

from typing import Any

from api.errors import ConflictError, IdempotencyError
from api.idempotency import (
    Replay,
    idempotency_key_claim,
    idempotency_key_complete,
    idempotency_key_release,
    request_fingerprint,
)
from core.actor import Actor
from merchants.models import Merchant
from refunds.models import Refund
from refunds.services import refund_create

REFUND_TOKEN_PREFIX = "dashboard-refund:"  # noqa: S105 - a name


class RefundAlreadySubmitted(Exception):  # noqa: N818 - a state, not a failure
    """The refund form was submitted before: nothing more is refunded."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def refund_create_once(*, merchant: Merchant, livemode: bool, token: str,
                       params: dict[str, Any], request_path: str, request_id: str,
                       actor: Actor) -> Refund:
    """`refund_create(**params)`, once per form token.

    A second submission of the same form, while the first runs or after it, raises
    RefundAlreadySubmitted instead of refunding again; the same token with other params
    (`request_path` and `params` make the fingerprint) is refused too. A refused refund
    releases the token, so the corrected form can be sent again.
    """
    try:
        claim = idempotency_key_claim(
            merchant=merchant, livemode=livemode, key=f"{REFUND_TOKEN_PREFIX}{token}",
            fingerprint=request_fingerprint(method="POST", path=request_path, params=params),
            request_id=request_id)
    except ConflictError as exc:
        raise RefundAlreadySubmitted("This refund is already being submitted; its outcome "
                                     "shows here in a moment.") from exc
    except IdempotencyError as exc:
        raise RefundAlreadySubmitted("This form was already used for a refund. Reload the "
                                     "page to make another one.") from exc
    if isinstance(claim, Replay):
        raise RefundAlreadySubmitted("This refund was already submitted; it was not made "
                                     "twice.")
    try:
        refund = refund_create(merchant=merchant, livemode=livemode, actor=actor, **params)
    except BaseException:
        idempotency_key_release(record=claim)
        raise
    idempotency_key_complete(record=claim, status=200, body=refund.id.encode())
    return refund
