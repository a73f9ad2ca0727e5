"""The audit record: every service that moves an object through its state machine records
the move here, in its own transaction."""

from typing import Any, Protocol

from core.actor import Actor
from core.context import request_id_var
from core.db import insert
from core.models import StatusChange


class Transitioned(Protocol):
    """What the record needs of an object: any tenant model with a status."""

    pk: Any
    merchant_id: str
    livemode: bool
    status: str


def status_change_record(*, obj: Transitioned, source: str, actor: Actor) -> None:
    """Records that `obj` went from `source` to its current status (in the caller's
    transaction), with who moved it — the API key, the dashboard user or Till itself — and
    the request it was part of. Nothing is recorded when the status did not change."""
    if source == obj.status:
        return
    insert(StatusChange(merchant_id=obj.merchant_id, livemode=obj.livemode, object_id=obj.pk,
                        source=source, target=obj.status, actor=actor.id,
                        request_id=request_id_var.get()))
