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
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_fsm import can_proceed

from api.errors import ApiError, ConflictError, IdempotencyError, InvalidRequestError
from api.idempotency import (
    Replay,
    idempotency_key_claim,
    idempotency_key_complete,
    idempotency_key_release,
    request_fingerprint,
)
from api.objects import render
from api.params import metadata_apply
from merchants.models import Merchant
from merchants.selectors import api_key_roll_chain_ids
from merchants.services import status_change_record
from payments import selectors as payment_selectors
from payments import services as payment_services
from payments.models import Charge, PaymentIntent
from payments.money import format_money
from payments.processors import (
    disputing_card_tokens,
    processor_answer_on_commit,
    processor_for,
)
from payments.processors.base import Outcome, ProcessorUnavailable
from refunds import selectors
from refunds.models import Dispute, Refund, RefundBatch, RefundBatchItem
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
    dispute = selectors.dispute_of_charge(charge_id=charge.id)
    return dispute is not None and dispute.is_inquiry


def refund_create(*, merchant: Merchant, livemode: bool, params: dict[str, Any],
                  actor: str) -> Refund:
    """Refunds a captured charge, given as `charge` or `payment_intent`: all that remains
    unrefunded, or `amount` of it, as asked by `actor` (recorded as its `requested_by`).

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
                                             livemode=livemode, params=params, actor=actor)
    with transaction.atomic(durable=True):
        refund = _refund_accept(merchant=merchant, livemode=livemode, params=params,
                                actor=actor)
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
                                  livemode: bool, params: dict[str, Any],
                                  actor: str) -> Refund:
    """Refunding an uncaptured authorization releases it, as Stripe does: the intent is
    canceled (the processor voids the hold and the charge shows the amount refunded, through
    payments' own service), then a `succeeded` refund of the whole amount records the
    release, with `refund.created` + `charge.refunded`. Only the whole amount: a hold is not
    released in part.

    Recoverable as the payment phases are: first, under the intent and charge locks, the
    refund is written `pending` with its `release` owed (no event yet: nothing happened), so
    a second refund of the charge finds the amount held; then payments cancels the intent
    in its own phases; then the release is recorded. A crash anywhere between leaves the
    owed release for the sweep (`refunds_settle_due`), which finishes the cancel if it never
    began (payments' recovery finishes one in flight) and records it once."""
    param = "payment_intent" if params.get("payment_intent") else "charge"
    if params.get("amount") not in (None, intent.amount_capturable):
        raise InvalidRequestError(
            f"PaymentIntent {intent.id} is uncaptured: refunding it releases the whole "
            f"authorization ({format_money(intent.amount_capturable, intent.currency)}). "
            "Capture the part you keep instead, then refund.", param="amount")
    with transaction.atomic(durable=True):
        intent = payment_selectors.payment_intent_get_locked(id=intent.id, merchant=merchant,
                                                             livemode=livemode)
        charge = selectors.charge_get_locked(id=intent.latest_charge_id, merchant=merchant,
                                             livemode=livemode, param=param)
        _check_releasable(intent, charge, param=param)
        refund = Refund(merchant=merchant, livemode=livemode, charge=charge,
                        payment_intent_id=intent.id, amount=charge.amount,
                        currency=charge.currency, reason=params.get("reason"),
                        requested_by=actor,
                        metadata=metadata_apply({}, params.get("metadata") or {}))
        refund.begin_release(at=timezone.now())
        refund.save()
    try:
        payment_services.payment_intent_cancel(id=intent.id, merchant=merchant,
                                               livemode=livemode)
    except ProcessorUnavailable:
        # The void is in flight with payments (its recovery finishes it); so is the release.
        logger.warning("processor unavailable releasing %s; left for recovery", intent.id)
        return refund
    except InvalidRequestError:
        # Captured or canceled meanwhile: no release of ours happened. Answer as a refund of
        # the intent would now be answered.
        _release_abandon(refund_id=refund.id)
        intent.refresh_from_db()
        _check_intent_refundable(intent, param=param)
        raise
    return _release_record(refund_id=refund.id, actor=actor)


def _check_releasable(intent: PaymentIntent, charge: Charge, *, param: str) -> None:
    """Under the intent and charge locks: still an idle authorization, not being released."""
    if intent.status != PaymentIntent.Status.REQUIRES_CAPTURE:
        _check_intent_refundable(intent, param=param)
        raise InvalidRequestError(  # captured meanwhile: its refund is an ordinary one
            f"PaymentIntent {intent.id} was captured meanwhile; refund it again to refund "
            "what was captured.", code="payment_intent_unexpected_state", param=param)
    if intent.operation is not None:
        raise payment_services.LockTimeoutError
    if selectors.refund_amount_held(charge=charge) > 0:
        raise InvalidRequestError(f"Charge {charge.id} has already been refunded.",
                                  code="charge_already_refunded", param="charge")


def _release_record(*, refund_id: str, actor: str | None = None) -> Refund:
    """The release done (the intent canceled): the refund `succeeded`, with
    `refund.created` + `charge.refunded` and the audit record, under the charge and refund
    locks. Once: a refund whose release is recorded is returned as it is."""
    charge_id = Refund.objects.values_list("charge_id", flat=True).get(pk=refund_id)
    with transaction.atomic(durable=True):
        charge = selectors.charge_get_locked_by_id(id=charge_id)
        refund = selectors.refund_get_locked_by_id(id=refund_id)
        if refund.operation != "release":
            return refund
        refund.mark_succeeded()
        refund.save()
        status_change_record(obj=refund, source="created", target=refund.status,
                             actor=actor or refund.requested_by)
        events_record(EventSpec("refund.created", refund),
                      EventSpec("charge.refunded", charge))
    return refund


def _release_abandon(*, refund_id: str) -> None:
    """The release will not happen (the intent was captured, or canceled by another
    request): the refund written for it goes, unannounced (no event was sent, no money moved
    by it), so the charge's amount is free again."""
    charge_id = Refund.objects.values_list("charge_id", flat=True).get(pk=refund_id)
    with transaction.atomic(durable=True):
        selectors.charge_get_locked_by_id(id=charge_id)
        refund = selectors.refund_get_locked_by_id(id=refund_id)
        if refund.operation == "release":
            refund.delete()


def _release_finish(refund: Refund) -> None:
    """The sweep's part of a release a crash interrupted: the intent's cancel, if it never
    began (one in flight is payments' recovery's to finish), then the release recorded;
    an intent captured meanwhile, or canceled with its cancel failing, abandons it."""
    intent = PaymentIntent.objects.select_related("merchant").get(pk=refund.payment_intent_id)
    if intent.operation is not None:
        return  # payments' own recovery finishes its call first
    if intent.status == PaymentIntent.Status.REQUIRES_CAPTURE:
        try:
            payment_services.payment_intent_cancel(id=intent.id, merchant=intent.merchant,
                                                   livemode=intent.livemode)
        except ProcessorUnavailable:
            return
        except InvalidRequestError:
            pass  # busy, captured or canceled meanwhile: decided below, or next time
        intent.refresh_from_db()
    if intent.operation is not None or intent.status == PaymentIntent.Status.REQUIRES_CAPTURE:
        return
    if intent.status == PaymentIntent.Status.CANCELED:
        _release_record(refund_id=refund.id)
    else:
        _release_abandon(refund_id=refund.id)


def _refund_accept(*, merchant: Merchant, livemode: bool, params: dict[str, Any],
                   actor: str) -> Refund:
    """Phase 1, in the caller's transaction: the refund created `pending` and counted on
    its charge (locked here), with its events and the audit record of who asked for it."""
    charge = _charge_to_refund(merchant=merchant, livemode=livemode, params=params)
    amount = _check_refundable(charge, amount=params.get("amount"))
    refund = Refund(merchant=merchant, livemode=livemode, charge=charge,
                    payment_intent_id=charge.payment_intent_id, amount=amount,
                    currency=charge.currency, reason=params.get("reason"), requested_by=actor,
                    metadata=metadata_apply({}, params.get("metadata") or {}))
    refund.begin_refund(at=timezone.now())
    if _needs_approval(merchant, amount):
        refund.hold_for_approval()
    refund.save()
    status_change_record(obj=refund, source="created", target=refund.status, actor=actor)
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
        _chargeback_withdraw_released(charge, refund.amount)


def _chargeback_withdraw_released(charge: Charge, amount: int) -> None:
    """A refund's `amount` just given back to its (locked) charge (failed, canceled or
    rejected) never reached the customer. If the charge was charged back since the refund
    was counted (an inquiry escalated, withdrawing only what refunds had left), the
    chargeback withdraws that amount too, up to its disputed amount, with
    `charge.dispute.funds_withdrawn`: refunds and chargeback together never exceed what
    was disputed, nor fall short of it. Under an inquiry (the charge can be refunded again)
    or a won chargeback nothing more is withdrawn."""
    if not charge.disputed:
        return
    dispute = selectors.dispute_of_charge_locked(charge_id=charge.id)
    if dispute is None or dispute.status not in (Dispute.Status.NEEDS_RESPONSE,
                                                 Dispute.Status.UNDER_REVIEW,
                                                 Dispute.Status.LOST):
        return
    more = min(amount, dispute.amount - dispute.amount_withdrawn)
    if more <= 0:
        return
    changed = _dispute_withdraw(dispute, charge, amount=dispute.amount_withdrawn + more)
    dispute.save(update_fields=["amount_withdrawn"])
    charge.save(update_fields=changed)
    events_record(EventSpec("charge.dispute.funds_withdrawn", dispute))


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
    except (InvalidRequestError, ProcessorUnavailable):
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
    """The sweep behind the settle messages: finishes processor calls (and releases of
    uncaptured authorizations) interrupted between phases, then settles pending refunds.
    Returns how many refunds left `pending`."""
    before = timezone.now() - timedelta(seconds=settings.TILL_PAYMENT_RECOVERY_SECONDS)
    for pk in selectors.refund_ids_in_flight_since(before=before):
        refund = Refund.objects.select_related("merchant", "charge__payment_method").get(pk=pk)
        try:
            if refund.operation == "release":
                _release_finish(refund)
            else:
                _refund_run(refund, processor_for(merchant=refund.merchant,
                                                  livemode=refund.livemode))
        except (InvalidRequestError, ProcessorUnavailable):
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
        _chargeback_withdraw_released(charge, refund.amount)
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
                       params: dict[str, Any], request_path: str, request_id: str,
                       actor: str) -> Refund:
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
        refund = refund_create(merchant=merchant, livemode=livemode, params=params,
                               actor=actor)
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


def _same_principal(requested_by: str, actor: str) -> bool:
    """Whether `actor` is who requested the refund: the same dashboard user, the same API
    key, or a key of the same roll chain (a rolled key is the same principal's)."""
    if actor == requested_by:
        return True
    if actor.startswith("key_") and requested_by.startswith("key_"):
        return actor in api_key_roll_chain_ids(key_id=requested_by)
    return False


def _self_approval_refused(refund: Refund, actor: str) -> InvalidRequestError:
    if actor.startswith("key_"):
        message = (
            f"Refund {refund.id} was requested with this API key (or one rolled from or into "
            "it), which cannot also approve it. Approve it with another secret key, or as an "
            "owner or admin in the dashboard; rejecting it withdraws the request.")
    else:
        message = (
            f"You requested refund {refund.id}, so you cannot also approve it: another owner "
            "or admin must. Rejecting it withdraws your request.")
    return InvalidRequestError(message, code="refund_approval_forbidden", param="id")


def refund_approve(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                   actor: str) -> Refund:
    """Approves a refund waiting in `pending_approval`, as `actor`, who must not be who
    requested it (`requested_by`: the same user, key or roll chain of keys is refused with
    `refund_approval_forbidden`, changing nothing). Under the charge and refund locks it
    becomes `pending` with its processor call in flight, `refund.updated` and the audit
    record (who approved, when) commit together; then the processor is asked under
    `<re_id>:refund` and the refund settles as any other (`refund_create`'s phases 2-3)."""
    processor = processor_for(merchant=merchant, livemode=livemode)
    with transaction.atomic(durable=True):
        refund, _charge = _refund_awaiting_approval_locked(
            id=id, merchant=merchant, livemode=livemode, action="approve")
        if refund.requested_by is not None and _same_principal(refund.requested_by, actor):
            raise _self_approval_refused(refund, actor)
        source = refund.status
        before = render(refund)
        refund.approve(at=timezone.now())
        refund.save()
        after = render(refund)
        events_record(EventSpec("refund.updated", refund,
                                previous_attributes=previous_attributes(before, after),
                                payload=after))
        status_change_record(obj=refund, source=source, target=refund.status, actor=actor)
    return _refund_run_or_recover(refund, processor)


def refund_reject(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                  actor: str) -> Refund:
    """Rejects a refund waiting in `pending_approval`, as `actor` (who may be its requester:
    withdrawing one's own request moves no money): it is `canceled` and its amount goes
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
        _chargeback_withdraw_released(charge, refund.amount)
        status_change_record(obj=refund, source=source, target=refund.status, actor=actor)
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
                        items: list[tuple[dict[str, Any] | None, dict[str, Any] | None]],
                        actor: str) -> RefundBatch:
    """Accepts a batch of refund requests, each given as (parameters, None) once validated
    or (None, error envelope) when malformed: the batch and its items commit together (a
    malformed item with its error as its outcome), then the items are enqueued in chunks of
    BATCH_CHUNK_SIZE; their refunds are requested by `actor`, who sent the batch (not by
    the worker that makes them). A mode without a processor refuses the whole batch up
    front. Returns the batch as `refund_batch_get` reads it (in eager mode, already
    completed)."""
    processor_for(merchant=merchant, livemode=livemode)
    with transaction.atomic(durable=True):
        batch = RefundBatch.objects.create(merchant=merchant, livemode=livemode,
                                           total_count=len(items), requested_by=actor)
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
        refused: ApiError | None = None
    except ApiError as exc:
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
                    refused: ApiError | None) -> Refund | None:
    """Records one claimed item's outcome in the caller's transaction."""
    try:
        if refused is not None:
            raise refused
        with transaction.atomic():  # a refused item leaves nothing of its refund behind
            refund = _refund_accept(merchant=batch.merchant, livemode=batch.livemode,
                                    params=item.params, actor=batch.requested_by or "till")
    except ApiError as exc:
        item.error = exc.body()["error"]
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


# -- disputes ------------------------------------------------------------------------------

# The network's fee for a dispute, charged when it opens and kept whatever the outcome:
# Stripe's $15, as 1500 minor units of the charge's currency.
DISPUTE_FEE = 1500
# How long the merchant has to answer (Stripe's `evidence_details.due_by` is 7-21 days).
DISPUTE_RESPONSE_DAYS = 7


def _dispute_transition(dispute: Dispute, source: str) -> None:
    status_change_record(obj=dispute, source=source, target=dispute.status)


def dispute_open(*, charge_id: str) -> Dispute | None:
    """Opens the dispute the processor reported for a successful charge (Till's task, after
    the payment commits). Under the charge's lock, together: the dispute and the charge's
    `disputed`, the audit record and `charge.dispute.created`. A chargeback
    (`needs_response`) also withdraws the charge's captured amount (`amount_disputed`) and
    the fee (`dispute_fee`), with `charge.dispute.funds_withdrawn`; an inquiry
    (`warning_needs_response`) withdraws nothing. Safe to run twice: a charge has one
    dispute (a unique constraint); the second run returns it. None when the processor
    reports no dispute for the charge."""
    charge = Charge.objects.select_related("merchant", "payment_method").get(pk=charge_id)
    existing = selectors.dispute_of_charge(charge_id=charge_id)
    if existing is not None:
        return existing
    try:
        processor = processor_for(merchant=charge.merchant, livemode=charge.livemode)
    except InvalidRequestError:
        return None
    expected = processor.dispute_expected(card_token=charge.payment_method.processor_token)
    if expected is None or charge.amount_captured <= 0:
        return None
    status = (Dispute.Status.WARNING_NEEDS_RESPONSE if expected.inquiry
              else Dispute.Status.NEEDS_RESPONSE)
    try:
        with transaction.atomic(durable=True):
            charge = selectors.charge_get_locked_by_id(id=charge_id)
            dispute = Dispute(
                merchant_id=charge.merchant_id, livemode=charge.livemode, charge=charge,
                payment_intent_id=charge.payment_intent_id, amount=charge.amount_captured,
                currency=charge.currency, reason=expected.reason, status=status,
                due_by=timezone.now() + timedelta(days=DISPUTE_RESPONSE_DAYS))
            charge.disputed = True
            changed = ["disputed"]
            if not expected.inquiry:
                changed += _dispute_withdraw(dispute, charge, amount=dispute.amount)
            dispute.save(force_insert=True)
            charge.save(update_fields=changed)
            status_change_record(obj=dispute, source="created", target=dispute.status)
            events_record(EventSpec("charge.dispute.created", dispute),
                          *([] if expected.inquiry
                            else [EventSpec("charge.dispute.funds_withdrawn", dispute)]))
    except IntegrityError:
        return selectors.dispute_of_charge(charge_id=charge_id)
    return dispute


def _dispute_withdraw(dispute: Dispute, charge: Charge, *, amount: int) -> list[str]:
    """A chargeback takes `amount` (its disputed amount, or what refunds left of it) and the
    fee: recorded on the dispute (`amount_withdrawn`) and on its (locked) charge, which the
    caller saves, the charge with the fields returned."""
    dispute.amount_withdrawn = amount
    charge.amount_disputed = amount
    charge.dispute_fee = DISPUTE_FEE
    return ["amount_disputed", "dispute_fee"]


# The sweep behind the opening messages looks this far back: a charge older than this (made
# before its card's bank could be asked, or while beat was down for days) is left alone.
DISPUTE_OPEN_LOOKBACK = timedelta(days=7)


def disputes_open_due() -> int:
    """The sweep behind the opening messages: opens the dispute of every captured charge on
    a disputing card that has none, once its message has had time to arrive (the processor's
    answer time plus TILL_PAYMENT_RECOVERY_SECONDS). Through `dispute_open`, so a charge
    never gets two (its unique constraint), even when the message arrives meanwhile.
    Returns how many it opened."""
    now = timezone.now()
    before = now - timedelta(seconds=settings.TILL_SIMULATED_SETTLEMENT_SECONDS
                             + settings.TILL_PAYMENT_RECOVERY_SECONDS)
    opened = 0
    for charge_id in selectors.charge_ids_awaiting_dispute(
            card_tokens=disputing_card_tokens(), since=now - DISPUTE_OPEN_LOOKBACK,
            before=before):
        if dispute_open(charge_id=charge_id) is not None:
            opened += 1
    return opened


def _dispute_locked(*, id: str, merchant: Merchant, livemode: bool  # noqa: A002
                    ) -> tuple[Dispute, Charge]:
    """The dispute and its charge, locked in order (charge, then dispute)."""
    found = selectors.dispute_get(id=id, merchant=merchant, livemode=livemode)
    return selectors.dispute_with_charge_locked(id=id, charge_id=found.charge_id)


def _evidence_refused(dispute: Dispute) -> InvalidRequestError:
    return InvalidRequestError(
        f"This dispute has a status of {dispute.status}, so evidence can no longer be "
        "submitted or changed. Only a dispute with a status of needs_response or "
        "warning_needs_response accepts evidence.",
        code="dispute_unexpected_state", param="evidence")


def dispute_update(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                   params: dict[str, Any]) -> Dispute:
    """Stores evidence and metadata; with evidence given, `submit` (true unless false, as
    Stripe) sends it to the bank: `needs_response` → `under_review`. Under the charge and
    dispute locks, the change, `charge.dispute.updated` (with the old values) and the audit
    record commit together; the bank's decision is then awaited (a task on commit, the
    sweep behind it). Evidence on a dispute past needs_response is refused (400)."""
    with transaction.atomic(durable=True):
        dispute, _charge = _dispute_locked(id=id, merchant=merchant, livemode=livemode)
        evidence = params.get("evidence")
        submit = params.get("submit", evidence is not None)
        if (evidence is not None or submit) and dispute.status not in Dispute.AWAITING_RESPONSE:
            raise _evidence_refused(dispute)
        source = dispute.status
        before = render(dispute)
        if evidence is not None:
            dispute.add_evidence(evidence=evidence)
        if "metadata" in params:
            dispute.metadata = metadata_apply(dispute.metadata, params["metadata"])
        if submit:
            if dispute.status == Dispute.Status.NEEDS_RESPONSE:
                dispute.submit(at=timezone.now())
            else:
                dispute.submit_inquiry(at=timezone.now())
        dispute.save()
        after = render(dispute)
        changed = previous_attributes(before, after)
        if changed:
            events_record(EventSpec("charge.dispute.updated", dispute,
                                    previous_attributes=changed, payload=after))
        _dispute_transition(dispute, source)
        if submit:
            _dispute_decide_on_commit(dispute)
    return dispute


def _dispute_decide_on_commit(dispute: Dispute) -> None:
    from refunds.tasks import dispute_decide  # tasks import services

    processor_answer_on_commit(dispute_decide, dispute.id)


def dispute_decide(*, id: str) -> Dispute:  # noqa: A002
    """Asks the bank's decision on a dispute under review (outside any transaction, under
    the key `<dp_id>:decide:<submission>`), then records it once under the charge and
    dispute locks, with the audit record:
    - a chargeback won: `charge.dispute.closed` + `charge.dispute.funds_reinstated`, the
      charge's `amount_disputed` back to 0 (the fee stays); lost: `charge.dispute.closed`;
    - an inquiry answered well, or whose charge refunds have given back whole (Stripe: no
      funds are withdrawn once the payment is fully refunded): `warning_closed` and
      `charge.dispute.closed`; otherwise it escalates to a chargeback: `needs_response`
      with a new `due_by`, the fee and what refunds left of the amount withdrawn,
      `charge.dispute.updated` (with the old values) + `charge.dispute.funds_withdrawn`.
    Safe to run twice: a dispute no longer under review is returned as it is."""
    dispute = Dispute.objects.select_related("merchant", "charge").get(pk=id)
    if dispute.status not in Dispute.UNDER_REVIEW_STATUSES:
        return dispute
    try:
        processor = processor_for(merchant=dispute.merchant, livemode=dispute.livemode)
        won = processor.dispute_decide(
            idempotency_key=f"{dispute.id}:decide:{dispute.submission_count}",
            reference=dispute.charge.processor_reference or "", evidence=dispute.evidence)
    except (InvalidRequestError, ProcessorUnavailable):
        return dispute  # no processor to ask now: the next sweep asks again
    with transaction.atomic(durable=True):
        dispute, charge = selectors.dispute_with_charge_locked(id=id, charge_id=dispute.charge_id)
        if dispute.status not in Dispute.UNDER_REVIEW_STATUSES:
            return dispute
        source = dispute.status
        if source == Dispute.Status.WARNING_UNDER_REVIEW:
            _inquiry_decided(dispute, charge, won=won)
        elif won:
            dispute.mark_won()
            dispute.save()
            charge.amount_disputed = 0
            charge.save(update_fields=["amount_disputed"])
            events_record(EventSpec("charge.dispute.closed", dispute),
                          EventSpec("charge.dispute.funds_reinstated", dispute))
        else:
            dispute.mark_lost()
            dispute.save()
            events_record(EventSpec("charge.dispute.closed", dispute))
        _dispute_transition(dispute, source)
    return dispute


def _inquiry_decided(dispute: Dispute, charge: Charge, *, won: bool) -> None:
    """The bank's answer to an inquiry, under the caller's locks (so no refund of the charge
    is counted meanwhile): closed, or escalated to a chargeback that withdraws the fee and
    what the charge's refunds (pending or succeeded) have not given back. A charge refunded
    whole is not charged back: its inquiry closes whatever the evidence."""
    unrefunded = charge.amount_captured - selectors.refund_amount_held(charge=charge)
    if won or unrefunded <= 0:
        dispute.close_inquiry()
        dispute.save()
        events_record(EventSpec("charge.dispute.closed", dispute))
        return
    before = render(dispute)
    dispute.escalate(due_by=timezone.now() + timedelta(days=DISPUTE_RESPONSE_DAYS))
    changed = _dispute_withdraw(dispute, charge, amount=min(dispute.amount, unrefunded))
    dispute.save()
    charge.save(update_fields=changed)
    after = render(dispute)
    events_record(EventSpec("charge.dispute.updated", dispute,
                            previous_attributes=previous_attributes(before, after),
                            payload=after),
                  EventSpec("charge.dispute.funds_withdrawn", dispute))


def disputes_decide_due() -> int:
    """The sweep behind the decision messages: decides disputes and inquiries whose evidence
    was submitted more than TILL_SIMULATED_SETTLEMENT_SECONDS ago. Returns how many it
    decided (closed, or escalated to a chargeback)."""
    before = timezone.now() - timedelta(seconds=settings.TILL_SIMULATED_SETTLEMENT_SECONDS)
    return sum(dispute_decide(id=pk).status not in Dispute.UNDER_REVIEW_STATUSES
               for pk in selectors.dispute_ids_under_review(before=before))


def dispute_expire(*, id: str) -> Dispute:  # noqa: A002
    """Closes a dispute nobody answered by its `due_by`, as Stripe does: a chargeback is
    `lost` (its funds stay withdrawn), an inquiry `warning_closed`; with
    `charge.dispute.closed` and the audit record (by Till), under the charge and dispute
    locks. Safe to run twice: a dispute answered or closed meanwhile is returned as it is."""
    charge_id = selectors.dispute_charge_id(id=id)
    with transaction.atomic(durable=True):
        dispute, _charge = selectors.dispute_with_charge_locked(id=id, charge_id=charge_id)
        if (dispute.status not in Dispute.AWAITING_RESPONSE or dispute.due_by is None
                or dispute.due_by >= timezone.now()):
            return dispute
        source = dispute.status
        if source == Dispute.Status.NEEDS_RESPONSE:
            dispute.mark_lost()
        else:
            dispute.close_inquiry()
        dispute.save()
        events_record(EventSpec("charge.dispute.closed", dispute))
        _dispute_transition(dispute, source)
    return dispute


def disputes_expire_due() -> int:
    """The sweep that closes disputes left unanswered past their due date. Returns how many
    it closed."""
    return sum(dispute_expire(id=pk).status not in Dispute.AWAITING_RESPONSE
               for pk in selectors.dispute_ids_past_due(now=timezone.now()))


def dispute_close(*, id: str, merchant: Merchant, livemode: bool) -> Dispute:  # noqa: A002
    """Accepts the loss: `needs_response` → `lost` (an inquiry, `warning_needs_response`,
    → `warning_closed`), with `charge.dispute.closed` and the audit record, under the charge
    and dispute locks. The withdrawn funds stay withdrawn. Any other status is a 400."""
    with transaction.atomic(durable=True):
        dispute, _charge = _dispute_locked(id=id, merchant=merchant, livemode=livemode)
        source = dispute.status
        if can_proceed(dispute.accept_loss):
            dispute.accept_loss()
        elif source == Dispute.Status.WARNING_NEEDS_RESPONSE:
            dispute.close_inquiry()
        else:
            raise InvalidRequestError(
                f"This dispute has a status of {source} and cannot be closed. Only a "
                "dispute with a status of needs_response or warning_needs_response can be "
                "closed.",
                code="dispute_unexpected_state", param="id")
        dispute.save()
        events_record(EventSpec("charge.dispute.closed", dispute))
        _dispute_transition(dispute, source)
    return dispute
