"""Refund batches (Till's `POST /v1/refunds/batch`): up to BATCH_MAX_ITEMS refunds accepted
at once and worked through by Celery in chunks, each item once."""

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction

from core import clock
from core.actor import TILL, Actor
from core.audit import status_change_record
from core.exceptions import DomainError, InvalidParameter
from core.metadata import MetadataUpdate, metadata_apply
from core.wire import render_error
from merchants.models import Merchant
from payments.processors import processor_for, processor_for_charge
from refunds import selectors
from refunds.models import Refund, RefundBatch, RefundBatchItem
from refunds.services.common import refund_run_or_recover
from refunds.services.refunds import refund_accept

logger = logging.getLogger("till.refunds")


BATCH_MAX_ITEMS = 1000
# Items per Celery message: several workers share a batch, and a redelivered message redoes
# little (items with an outcome are skipped).
BATCH_CHUNK_SIZE = 50


@dataclass(frozen=True, slots=True)
class RefundRequest:
    """One refund a batch asks for: `refund_accept`'s arguments, kept with the batch (as
    JSON) until a worker makes it."""

    payment_intent: str | None = None
    charge: str | None = None
    amount: int | None = None
    reason: str | None = None
    metadata: MetadataUpdate | None = None

    def stored(self) -> dict[str, Any]:
        """As the item keeps it: the arguments given, metadata applied to nothing."""
        stored = {name: getattr(self, name) for name in ("payment_intent", "charge", "amount",
                                                          "reason")
                  if getattr(self, name) is not None}
        if self.metadata is not None:
            stored["metadata"] = metadata_apply({}, self.metadata)
        return stored


def refund_batch_create(*, merchant: Merchant, livemode: bool,
                        items: list[RefundRequest | InvalidParameter],
                        actor: Actor) -> RefundBatch:
    """Accepts a batch of refund requests, each a RefundRequest, or the InvalidParameter that
    refused it when it was malformed: the batch and its items commit together (a malformed
    item with its error, in the API's form, as its outcome), then the items are enqueued in
    chunks of BATCH_CHUNK_SIZE; their refunds are requested by `actor`, who sent the batch
    (not by the worker that makes them). A mode without a processor refuses the whole batch
    up front. Returns the batch as `refund_batch_get` reads it (in eager mode, already
    completed)."""
    processor_for(merchant=merchant, livemode=livemode)
    with transaction.atomic(durable=True):
        batch = RefundBatch.objects.create(merchant=merchant, livemode=livemode,
                                           total_count=len(items), requested_by=actor.id)
        RefundBatchItem.objects.bulk_create(
            RefundBatchItem(batch=batch, index=index,
                            params=item.stored() if isinstance(item, RefundRequest) else {},
                            error=None if isinstance(item, RefundRequest)
                            else render_error(item))
            for index, item in enumerate(items))
        for start in range(0, len(items), BATCH_CHUNK_SIZE):
            _batch_chunk_on_commit(batch.id, start, min(start + BATCH_CHUNK_SIZE, len(items)))
    return selectors.refund_batch_get(id=batch.id, merchant=merchant, livemode=livemode)


def _batch_chunk_on_commit(batch_id: str, start: int, stop: int) -> None:
    from refunds.tasks import refund_batch_process

    def enqueue_chunk() -> None:
        refund_batch_process.delay(batch_id, start, stop)

    # One callback per chunk, each robust: a chunk that fails to enqueue is not the others'.
    transaction.on_commit(enqueue_chunk, robust=True)


def refund_batch_process(*, batch_id: str, start: int, stop: int) -> int:
    """Refunds the batch's items `[start, stop)` that have no outcome yet, one transaction
    each: the item is claimed under its row lock (skipping items another worker holds), and
    its refund (through `refund_create`'s phase 1, so every rule, lock and event applies) or
    its error envelope commits with it. Safe to run twice: an item with an outcome is never
    processed again, so nothing is refunded twice. The processor is asked after each commit,
    as `refund_create` does. Returns how many items this run processed."""
    batch = RefundBatch.objects.select_related("merchant").get(pk=batch_id)
    try:
        processor = processor_for(merchant=batch.merchant, livemode=batch.livemode)
        refused: DomainError | None = None
    except DomainError as exc:
        processor, refused = None, exc
    processed = 0
    while True:
        with transaction.atomic(durable=True):
            item = selectors.refund_batch_item_claim(batch_id=batch_id, start=start, stop=stop)
            if item is None:
                break
            refund = _batch_item_run(item, batch, refused=refused)
        processed += 1
        if refund is not None and processor is not None:
            # Accepted only if the processor that made its charge is still connected
            # (refund_accept): that one is asked.
            refund_run_or_recover(refund, processor_for_charge(
                merchant=batch.merchant, livemode=batch.livemode, charge=refund.charge),
                actor=TILL)
    _refund_batch_complete_if_done(batch_id=batch_id)
    return processed


def _batch_item_run(item: RefundBatchItem, batch: RefundBatch, *,
                    refused: DomainError | None) -> Refund | None:
    """Records one claimed item's outcome in the caller's transaction."""
    try:
        if refused is not None:
            raise refused
        with transaction.atomic():  # a refused item leaves nothing of its refund behind
            refund = refund_accept(
                merchant=batch.merchant, livemode=batch.livemode,
                actor=Actor(batch.requested_by) if batch.requested_by else TILL,
                **item.params)
    except DomainError as exc:
        item.error = render_error(exc)
        item.save(update_fields=["error"])
        return None
    except Exception:  # noqa: BLE001 - one bad item never blocks the others
        logger.exception("refund batch %s item %s failed unexpectedly", batch.id, item.index)
        item.error = {"type": "api_error",
                      "message": "An unexpected error occurred while refunding this item."}
        item.save(update_fields=["error"])
        return None
    item.refund = refund
    item.save(update_fields=["refund"])
    return refund


def _refund_batch_complete_if_done(*, batch_id: str) -> None:
    """Marks the batch completed, under its row lock, once no item awaits an outcome: the
    last chunk to finish does it."""
    with transaction.atomic(durable=True):
        batch = selectors.refund_batch_get_locked_by_id(id=batch_id)
        if (batch.status != RefundBatch.Status.PROCESSING
                or selectors.refund_batch_items_open(batch_id=batch_id)):
            return
        source = batch.status
        batch.mark_completed(at=clock.now())
        batch.save()
        status_change_record(obj=batch, source=source, actor=TILL)


# A batch still processing this long after it was accepted has lost a message (or a worker).
BATCH_RESUME_AFTER = timedelta(minutes=2)


def refund_batches_resume() -> int:
    """The sweep behind the chunk messages: finishes batches still processing
    BATCH_RESUME_AFTER after they were accepted, by running every item that has no outcome
    (items a live worker holds are skipped; none is refunded twice). Returns how many
    batches it worked on."""
    stalled = selectors.refund_batch_ids_stalled(before=clock.now() - BATCH_RESUME_AFTER)
    for batch_id, total in stalled:
        refund_batch_process(batch_id=batch_id, start=0, stop=total)
    return len(stalled)
