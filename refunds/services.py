"""Refunds: every write. Money never goes back twice.

A refund moves in atomic phases (DESIGN.md). Phase 1 locks the charge, checks what remains
unrefunded (the charge's pending and succeeded refunds), creates the refund `pending`, counts
its amount on the charge and records `refund.created` + `charge.refunded`, all in one
transaction: concurrent refunds of one charge queue on its row lock, so together they never
exceed the captured amount. Phase 2 asks the processor, outside any transaction, under the
key `<re_id>:refund`. Phase 3 records the processor's reference and enqueues the settlement,
which later moves the refund to `succeeded`, or to `failed` giving the amount back.
"""

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from api.errors import (
    ApiError,
    ConflictError,
    IdempotencyError,
    InvalidRequestError,
    as_api_error,
)
from api.idempotency import (
    Replay,
    idempotency_key_claim,
    idempotency_key_complete,
    idempotency_key_release,
    request_fingerprint,
)
from api.middleware import actor_var
from core.actor import Actor
from core.exceptions import DomainError
from core.metadata import metadata_apply
from core.money import format_money
from core.wire import render
from disputes import selectors as dispute_selectors
from disputes.funds import chargeback_withdraw_released
from merchants.models import Merchant
from merchants.services import status_change_record
from payments import selectors as payment_selectors
from payments import services as payment_services
from payments.models import Charge, PaymentIntent
from payments.processors import (
    processor_answer_on_commit,
    processor_for,
)
from payments.processors.base import Outcome, ProcessorUnavailable
from refunds import selectors
from refunds.models import Refund, RefundBatch, RefundBatchItem
from webhooks.services import EventSpec, events_record, previous_attributes

logger = logging.getLogger("till.refunds")


def _transition(refund: Refund, source: str) -> None:
    status_change_record(obj=refund, source=source, target=refund.status)


def _charge_to_refund(*, merchant: Merchant, livemode: bool, params: dict[str, Any]
                      ) -> Charge:
    """The charge a refund request names, locked: given as `charge`, or as the
    `payment_intent` whose latest charge it is (which must have succeeded)."""
    intent_id = params.get("payment_intent")
    if intent_id is None:
        charge = selectors.charge_get_locked(id=params["charge"], merchant=merchant,
                                             livemode=livemode, param="charge")
        _check_intent_refundable(charge.payment_intent, param="charge")
        return charge
    intent = payment_selectors.payment_intent_get(id=intent_id, merchant=merchant,
                                                  livemode=livemode, param="payment_intent")
    _check_intent_refundable(intent, param="payment_intent")
    return selectors.charge_get_locked(id=intent.latest_charge_id, merchant=merchant,
                                       livemode=livemode, param="payment_intent")


def _check_intent_refundable(intent: PaymentIntent, *, param: str) -> None:
    status = intent.status
    if status == PaymentIntent.Status.SUCCEEDED:
        return
    if status == PaymentIntent.Status.REQUIRES_CAPTURE:
        advice = "Cancel the PaymentIntent instead to release the uncaptured funds."
    else:
        advice = "Only a PaymentIntent with a status of succeeded can be refunded."
    raise InvalidRequestError(
        f"This PaymentIntent ({intent.id}) cannot be refunded because it has a status of "
        f"{status}. {advice}", code="payment_intent_unexpected_state", param=param)


def _check_refundable(charge: Charge, *, amount: int | None) -> int:
    """The amount to refund (by default what remains), or the error Stripe gives. The
    caller holds the charge's lock, under which every dispute status change happens: a
    charge under an inquiry is refundable as any other, a charged-back one is not."""
    if charge.disputed and not _under_inquiry(charge):
        raise InvalidRequestError(
            f"Charge {charge.id} has been charged back; cannot issue a refund.",
            code="charge_disputed", param="charge")
    if charge.amount_captured <= 0:
        raise InvalidRequestError(
            f"Charge {charge.id} has not been captured, so there is nothing to refund.",
            code="charge_not_refundable", param="charge")
    window = timedelta(days=settings.TILL_REFUND_WINDOW_DAYS)
    if charge.created < timezone.now() - window:
        raise InvalidRequestError(
            f"Charge {charge.id} is older than {settings.TILL_REFUND_WINDOW_DAYS} days and "
            "can no longer be refunded.", code="charge_expired_for_refund", param="charge")
    remaining = charge.amount_captured - selectors.refund_amount_held(charge=charge)
    if remaining <= 0:
        raise InvalidRequestError(f"Charge {charge.id} has already been refunded.",
                                  code="charge_already_refunded", param="charge")
    if amount is None:
        return remaining
    if amount > remaining:
        raise InvalidRequestError(
            f"Refund amount ({format_money(amount, charge.currency)}) is greater than "
            f"unrefunded amount on charge ({format_money(remaining, charge.currency)})",
            param="amount")
    return amount


def _under_inquiry(charge: Charge) -> bool:
    """Whether the (locked) charge's dispute is an inquiry (`warning_*`). A charge marked
    disputed without its dispute row counts as charged back."""
    dispute = dispute_selectors.dispute_of_charge(charge_id=charge.id)
    return dispute is not None and dispute.is_inquiry


def refund_create(*, merchant: Merchant, livemode: bool, params: dict[str, Any]) -> Refund:
    """Refunds a captured charge, given as `charge` or `payment_intent`: all that remains
    unrefunded, or `amount` of it.

    Guarantees, under the charge's row lock: the charge's pending and succeeded refunds
    never exceed its captured amount; the refund (`pending`), the charge's
    `amount_refunded`/`refunded` and the events `refund.created` + `charge.refunded` commit
    together. The processor is then asked under the key `<re_id>:refund`; the settlement
    task finishes the refund. Above the merchant's approval threshold the refund is counted
    the same way but left `pending_approval`, and the processor is not asked.
    """
    processor = processor_for(merchant=merchant, livemode=livemode)
    held = _uncaptured_intent(merchant=merchant, livemode=livemode, params=params)
    if held is not None:
        return _refund_release_authorization(intent=held, merchant=merchant,
                                             livemode=livemode, params=params)
    with transaction.atomic(durable=True):
        refund = _refund_accept(merchant=merchant, livemode=livemode, params=params)
    return _refund_run_or_recover(refund, processor)


def _uncaptured_intent(*, merchant: Merchant, livemode: bool,
                       params: dict[str, Any]) -> PaymentIntent | None:
    """The intent a refund request names, when it holds an uncaptured authorization."""
    if params.get("payment_intent"):
        intent = payment_selectors.payment_intent_get(
            id=params["payment_intent"], merchant=merchant, livemode=livemode,
            param="payment_intent")
    else:
        intent = payment_selectors.charge_get(id=params["charge"], merchant=merchant,
                                              livemode=livemode, param="charge").payment_intent
    return intent if intent.status == PaymentIntent.Status.REQUIRES_CAPTURE else None


def _refund_release_authorization(*, intent: PaymentIntent, merchant: Merchant,
                                  livemode: bool, params: dict[str, Any]) -> Refund:
    """Refunding an uncaptured authorization releases it, as Stripe does: the intent is
    canceled (the processor voids the hold and the charge shows the amount refunded, through
    payments' own service), then a `succeeded` refund of the whole amount records the
    release, with `refund.created` + `charge.refunded`. Only the whole amount: a hold is not
    released in part."""
    param = "payment_intent" if params.get("payment_intent") else "charge"
    if params.get("amount") not in (None, intent.amount_capturable):
        raise InvalidRequestError(
            f"PaymentIntent {intent.id} is uncaptured: refunding it releases the whole "
            f"authorization ({format_money(intent.amount_capturable, intent.currency)}). "
            "Capture the part you keep instead, then refund.", param="amount")
    try:
        payment_services.payment_intent_cancel(id=intent.id, merchant=merchant,
                                               livemode=livemode,
                                               actor=Actor(actor_var.get()))
    except (InvalidRequestError, DomainError):
        # Captured or canceled meanwhile: answer as a refund of it would now be answered.
        intent.refresh_from_db()
        _check_intent_refundable(intent, param=param)
        raise
    with transaction.atomic(durable=True):
        charge = selectors.charge_get_locked(id=intent.latest_charge_id, merchant=merchant,
                                             livemode=livemode, param=param)
        refund = Refund(merchant=merchant, livemode=livemode, charge=charge,
                        payment_intent_id=intent.id, amount=charge.amount,
                        currency=charge.currency, reason=params.get("reason"),
                        status=Refund.Status.SUCCEEDED,
                        metadata=metadata_apply({}, params.get("metadata") or {}))
        refund.save()
        status_change_record(obj=refund, source="created", target=refund.status)
        events_record(EventSpec("refund.created", refund),
                      EventSpec("charge.refunded", charge))
    return refund


def _refund_accept(*, merchant: Merchant, livemode: bool, params: dict[str, Any]) -> Refund:
    """Phase 1, in the caller's transaction: the refund created `pending` and counted on
    its charge (locked here), with its events."""
    charge = _charge_to_refund(merchant=merchant, livemode=livemode, params=params)
    amount = _check_refundable(charge, amount=params.get("amount"))
    refund = Refund(merchant=merchant, livemode=livemode, charge=charge,
                    payment_intent_id=charge.payment_intent_id, amount=amount,
                    currency=charge.currency, reason=params.get("reason"),
                    metadata=metadata_apply({}, params.get("metadata") or {}))
    refund.begin_refund(at=timezone.now())
    if _needs_approval(merchant, amount):
        refund.hold_for_approval()
    refund.save()
    _charge_refunded_by(charge, amount)
    events_record(EventSpec("refund.created", refund), EventSpec("charge.refunded", charge))
    return refund


def _needs_approval(merchant: Merchant, amount: int) -> bool:
    threshold = merchant.refund_approval_threshold
    return threshold is not None and amount > threshold


def _refund_run_or_recover(refund: Refund, processor) -> Refund:
    if refund.operation != "refund":
        return refund  # waiting for approval: nothing to ask the processor yet
    try:
        return _refund_run(refund, processor)
    except ProcessorUnavailable:
        # Accepted and counted: the recovery sweep asks again under the same key.
        logger.warning("processor unavailable for refund %s; left for recovery", refund.id)
        return refund


def _charge_refunded_by(charge: Charge, amount: int) -> None:
    """Counts `amount` on the charge (negative: gives it back); the caller holds its lock.
    `amount_refunded` also holds what a partial capture released, so the charge is fully
    refunded when it reaches the whole amount charged."""
    charge.amount_refunded = max(charge.amount_refunded + amount, 0)
    charge.refunded = charge.amount_refunded >= charge.amount and charge.amount_captured > 0
    charge.save(update_fields=["amount_refunded", "refunded"])


def _refund_run(refund: Refund, processor) -> Refund:
    """Phases 2 and 3: the processor call, then its answer recorded once."""
    charge = refund.charge
    result = processor.refund(idempotency_key=f"{refund.id}:refund",
                              reference=charge.processor_reference or "", amount=refund.amount,
                              currency=refund.currency,
                              card_token=charge.payment_method.processor_token)
    with transaction.atomic(durable=True):
        charge = selectors.charge_get_locked_by_id(id=refund.charge_id)
        refund = selectors.refund_get_locked_by_id(id=refund.id)
        if refund.operation != "refund":
            return refund
        source = refund.status
        refund.mark_accepted(reference=result.reference)
        if result.outcome == Outcome.SUCCEEDED:
            _refund_settled(refund, charge, succeeded=True)
        elif result.outcome == Outcome.DECLINED:
            _refund_settled(refund, charge, succeeded=False,
                            failure_reason=_failure_reason(result.decline))
        else:
            refund.save()
            _settle_on_commit(refund)
        _transition(refund, source)
    return refund


def _failure_reason(decline) -> str:
    known = {"declined", "expired_or_canceled_card", "insufficient_funds",
             "lost_or_stolen_card", "merchant_request", "charge_for_pending_refund_disputed"}
    code = decline.code if decline is not None else None
    return code if code in known else "unknown"


def _refund_settled(refund: Refund, charge: Charge, *, succeeded: bool,
                    failure_reason: str | None = None) -> None:
    """Records a refund's final answer under the charge's lock: `refund.updated` and
    `charge.refund.updated`; a failure also gives the amount back to the charge and sends
    `refund.failed` first."""
    before = render(refund)
    if succeeded:
        refund.mark_succeeded()
    else:
        refund.mark_failed(failure_reason=failure_reason)
        _charge_refunded_by(charge, -refund.amount)
    refund.save()
    after = render(refund)
    changed = previous_attributes(before, after)
    events_record(*([] if succeeded else [EventSpec("refund.failed", refund, payload=after)]),
                  EventSpec("refund.updated", refund, previous_attributes=changed,
                            payload=after),
                  EventSpec("charge.refund.updated", refund, previous_attributes=changed,
                            payload=after))
    if not succeeded:
        chargeback_withdraw_released(charge=charge, amount=refund.amount)


def _settle_on_commit(refund: Refund) -> None:
    from refunds.tasks import refund_settle  # tasks import services

    processor_answer_on_commit(refund_settle, refund.id)


def refund_settle(*, id: str) -> Refund:  # noqa: A002
    """Asks the processor where a pending refund stands and records the answer. Safe to run
    twice; a refund still pending is left for the next sweep."""
    refund = Refund.objects.select_related("merchant").get(pk=id)
    if refund.status != Refund.Status.PENDING or refund.operation is not None:
        return refund
    try:
        processor = processor_for(merchant=refund.merchant, livemode=refund.livemode)
        status = processor.refund_status(idempotency_key=f"{refund.id}:refund",
                                         reference=refund.processor_reference or "")
    except (InvalidRequestError, DomainError, ProcessorUnavailable):
        return refund  # no processor to ask now: the next sweep asks again
    if status.outcome == Outcome.PENDING:
        return refund
    with transaction.atomic(durable=True):
        charge = selectors.charge_get_locked_by_id(id=refund.charge_id)
        refund = selectors.refund_get_locked_by_id(id=id)
        if refund.status != Refund.Status.PENDING or refund.operation is not None:
            return refund
        source = refund.status
        succeeded = status.outcome == Outcome.SUCCEEDED
        _refund_settled(refund, charge, succeeded=succeeded,
                        failure_reason=None if succeeded else _failure_reason(status.decline))
        _transition(refund, source)
    return refund


def refunds_settle_due() -> int:
    """The sweep behind the settle messages: finishes processor calls interrupted between
    phases, then settles pending refunds. Returns how many refunds left `pending`."""
    before = timezone.now() - timedelta(seconds=settings.TILL_PAYMENT_RECOVERY_SECONDS)
    for pk in selectors.refund_ids_in_flight_since(before=before):
        refund = Refund.objects.select_related("merchant", "charge__payment_method").get(pk=pk)
        try:
            _refund_run(refund, processor_for(merchant=refund.merchant,
                                              livemode=refund.livemode))
        except (InvalidRequestError, DomainError, ProcessorUnavailable):
            continue
    return sum(refund_settle(id=pk).status != Refund.Status.PENDING
               for pk in selectors.refund_ids_pending())


def refund_update(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                  params: dict[str, Any]) -> Refund:
    """Updates a refund's metadata under its row lock; `refund.updated` carries the old
    values (none when nothing changed)."""
    with transaction.atomic(durable=True):
        refund = selectors.refund_get_locked(id=id, merchant=merchant, livemode=livemode)
        if "metadata" not in params:
            return refund
        before = render(refund)
        refund.metadata = metadata_apply(refund.metadata, params["metadata"])
        refund.save(update_fields=["metadata"])
        after = render(refund)
        changed = previous_attributes(before, after)
        if changed:
            events_record(EventSpec("refund.updated", refund, previous_attributes=changed,
                                    payload=after))
    return refund


def refund_cancel(*, id: str, merchant: Merchant, livemode: bool) -> Refund:  # noqa: A002
    """Cancels a refund that awaits an action (`requires_action`, the only status Stripe
    lets a refund be canceled from; card refunds never are): the amount goes back to the
    charge, with `refund.updated` and `charge.refund.updated`."""
    charge_id = selectors.refund_get(id=id, merchant=merchant, livemode=livemode).charge_id
    with transaction.atomic(durable=True):
        charge = selectors.charge_get_locked_by_id(id=charge_id)
        refund = selectors.refund_get_locked(id=id, merchant=merchant, livemode=livemode)
        if refund.status != Refund.Status.REQUIRES_ACTION or not can_proceed(refund.cancel):
            raise InvalidRequestError(
                f"You cannot cancel this refund because it has a status of {refund.status}. "
                "Only a refund with a status of requires_action may be canceled.",
                code="refund_unexpected_state", param="id")
        source = refund.status
        before = render(refund)
        refund.cancel()
        refund.save()
        _charge_refunded_by(charge, -refund.amount)
        after = render(refund)
        changed = previous_attributes(before, after)
        events_record(EventSpec("refund.updated", refund, previous_attributes=changed,
                                payload=after),
                      EventSpec("charge.refund.updated", refund, previous_attributes=changed,
                                payload=after))
        chargeback_withdraw_released(charge=charge, amount=refund.amount)
        _transition(refund, source)
    return refund


# A refund form of the dashboard claims its token in the API's idempotency table, under a
# prefix no API client is handed: one refund per form, however often it is submitted.
REFUND_TOKEN_PREFIX = "dashboard-refund:"  # noqa: S105 - a name


class RefundAlreadySubmitted(Exception):  # noqa: N818 - a state, not a failure
    """The refund form was submitted before: nothing more is refunded."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def refund_create_once(*, merchant: Merchant, livemode: bool, token: str,
                       params: dict[str, Any], request_path: str, request_id: str) -> Refund:
    """`refund_create`, once per form token (the dashboard's Refund form).

    The token is claimed by inserting it in the idempotency table (a unique constraint, not
    a read-then-write): a second submission of the same form, while the first runs or after
    it, raises RefundAlreadySubmitted instead of refunding again; the same token with other
    params (`request_path` and `params` make the fingerprint) is refused too. A refused refund
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
        refund = refund_create(merchant=merchant, livemode=livemode, params=params)
    except BaseException:
        idempotency_key_release(record=claim)
        raise
    idempotency_key_complete(record=claim, status=200, body=refund.id.encode())
    return refund


def _refund_awaiting_approval_locked(*, id: str, merchant: Merchant,  # noqa: A002
                                     livemode: bool, action: str) -> tuple[Refund, Charge]:
    """The refund and its charge, locked in the fixed order (charge, then refund), once the
    refund is known to await approval; else the error naming its status."""
    charge_id = selectors.refund_get(id=id, merchant=merchant, livemode=livemode).charge_id
    charge = selectors.charge_get_locked_by_id(id=charge_id)
    refund = selectors.refund_get_locked(id=id, merchant=merchant, livemode=livemode)
    if refund.status != Refund.Status.PENDING_APPROVAL:
        raise InvalidRequestError(
            f"You cannot {action} this refund because it has a status of {refund.status}. "
            f"Only a refund with a status of pending_approval may be "
            f"{ {'approve': 'approved', 'reject': 'rejected'}[action]}.",
            code="refund_unexpected_state", param="id")
    return refund, charge


def refund_approve(*, id: str, merchant: Merchant, livemode: bool) -> Refund:  # noqa: A002
    """Approves a refund waiting in `pending_approval`: under the charge and refund locks it
    becomes `pending` with its processor call in flight, `refund.updated` and the audit
    record (who approved, when) commit together; then the processor is asked under
    `<re_id>:refund` and the refund settles as any other (`refund_create`'s phases 2-3)."""
    processor = processor_for(merchant=merchant, livemode=livemode)
    with transaction.atomic(durable=True):
        refund, _charge = _refund_awaiting_approval_locked(
            id=id, merchant=merchant, livemode=livemode, action="approve")
        source = refund.status
        before = render(refund)
        refund.approve(at=timezone.now())
        refund.save()
        after = render(refund)
        events_record(EventSpec("refund.updated", refund,
                                previous_attributes=previous_attributes(before, after),
                                payload=after))
        _transition(refund, source)
    return _refund_run_or_recover(refund, processor)


def refund_reject(*, id: str, merchant: Merchant, livemode: bool) -> Refund:  # noqa: A002
    """Rejects a refund waiting in `pending_approval`: it is `canceled` and its amount goes
    back to the charge, with `refund.updated` + `charge.refund.updated` and the audit record,
    in one transaction under the charge and refund locks. The processor was never asked."""
    with transaction.atomic(durable=True):
        refund, charge = _refund_awaiting_approval_locked(
            id=id, merchant=merchant, livemode=livemode, action="reject")
        source = refund.status
        before = render(refund)
        refund.reject()
        refund.save()
        _charge_refunded_by(charge, -refund.amount)
        after = render(refund)
        changed = previous_attributes(before, after)
        events_record(EventSpec("refund.updated", refund, previous_attributes=changed,
                                payload=after),
                      EventSpec("charge.refund.updated", refund, previous_attributes=changed,
                                payload=after))
        chargeback_withdraw_released(charge=charge, amount=refund.amount)
        _transition(refund, source)
    return refund


def refund_approval_threshold_set(*, merchant: Merchant, threshold: int | None) -> Merchant:
    """Sets the amount (minor units) above which new refunds wait for approval; None turns
    approvals off. Refunds already waiting keep waiting."""
    merchant.refund_approval_threshold = threshold
    merchant.save(update_fields=["refund_approval_threshold"])
    return merchant


# -- batches -------------------------------------------------------------------------------

BATCH_MAX_ITEMS = 1000
# Items per Celery message: several workers share a batch, and a redelivered message redoes
# little (items with an outcome are skipped).
BATCH_CHUNK_SIZE = 50


def _batch_item_params(params: dict[str, Any]) -> dict[str, Any]:
    """An item's validated parameters as stored JSON (metadata applied to nothing)."""
    stored = {name: params[name] for name in ("payment_intent", "charge", "amount", "reason")
              if name in params}
    if "metadata" in params:
        stored["metadata"] = metadata_apply({}, params["metadata"])
    return stored


def refund_batch_create(*, merchant: Merchant, livemode: bool,
                        items: list[tuple[dict[str, Any] | None, dict[str, Any] | None]]
                        ) -> RefundBatch:
    """Accepts a batch of refund requests, each given as (parameters, None) once validated
    or (None, error envelope) when malformed: the batch and its items commit together (a
    malformed item with its error as its outcome), then the items are enqueued in chunks of
    BATCH_CHUNK_SIZE. A mode without a processor refuses the whole batch up front. Returns
    the batch as `refund_batch_get` reads it (in eager mode, already completed)."""
    processor_for(merchant=merchant, livemode=livemode)
    with transaction.atomic(durable=True):
        batch = RefundBatch.objects.create(merchant=merchant, livemode=livemode,
                                           total_count=len(items))
        RefundBatchItem.objects.bulk_create(
            RefundBatchItem(batch=batch, index=index, error=error,
                            params=_batch_item_params(params) if params is not None else {})
            for index, (params, error) in enumerate(items))
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
        refused: ApiError | DomainError | None = None
    except (ApiError, DomainError) as exc:
        processor, refused = None, exc
    processed = 0
    while True:
        with transaction.atomic(durable=True):
            item = selectors.refund_batch_item_claim(batch_id=batch_id, start=start, stop=stop)
            if item is None:
                break
            refund = _batch_item_run(item, batch, refused=refused)
        processed += 1
        if refund is not None:
            _refund_run_or_recover(refund, processor)
    _refund_batch_complete_if_done(batch_id=batch_id)
    return processed


def _batch_item_run(item: RefundBatchItem, batch: RefundBatch, *,
                    refused: ApiError | DomainError | None) -> Refund | None:
    """Records one claimed item's outcome in the caller's transaction."""
    try:
        if refused is not None:
            raise refused
        with transaction.atomic():  # a refused item leaves nothing of its refund behind
            refund = _refund_accept(merchant=batch.merchant, livemode=batch.livemode,
                                    params=item.params)
    except (ApiError, DomainError) as exc:
        item.error = as_api_error(exc).body()["error"]
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
        batch.mark_completed(at=timezone.now())
        batch.save()
        status_change_record(obj=batch, source=source, target=batch.status)


# A batch still processing this long after it was accepted has lost a message (or a worker).
BATCH_RESUME_AFTER = timedelta(minutes=2)


def refund_batches_resume() -> int:
    """The sweep behind the chunk messages: finishes batches still processing
    BATCH_RESUME_AFTER after they were accepted, by running every item that has no outcome
    (items a live worker holds are skipped; none is refunded twice). Returns how many
    batches it worked on."""
    stalled = selectors.refund_batch_ids_stalled(before=timezone.now() - BATCH_RESUME_AFTER)
    for batch_id, total in stalled:
        refund_batch_process(batch_id=batch_id, start=0, stop=total)
    return len(stalled)
