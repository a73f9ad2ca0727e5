"""Refunding an uncaptured authorization: the hold is released (the intent canceled through
payments' own service) and a refund of the whole amount records it, recoverably."""

import logging

from django.db import transaction

from core import clock
from core.actor import TILL, Actor
from core.audit import status_change_record
from core.exceptions import DomainError, InvalidRequest, InvalidState, ObjectBusy
from core.metadata import MetadataUpdate, metadata_apply
from core.money import format_money
from merchants.models import Merchant
from payments import selectors as payment_selectors
from payments import services as payment_services
from payments.models import Charge, PaymentIntent
from payments.processors import processor_for_charge
from payments.processors.base import ProcessorUnavailable
from refunds import selectors
from refunds.models import Refund
from refunds.services.common import check_intent_refundable
from webhooks.services import EventSpec, events_record

logger = logging.getLogger("till.refunds")


def uncaptured_intent(*, merchant: Merchant, livemode: bool, charge: str | None,
                      payment_intent: str | None) -> PaymentIntent | None:
    """The intent a refund request names, when it holds an uncaptured authorization."""
    if payment_intent:
        intent = payment_selectors.payment_intent_get(
            id=payment_intent, merchant=merchant, livemode=livemode, param="payment_intent")
    else:
        intent = payment_selectors.charge_get(id=charge, merchant=merchant,
                                              livemode=livemode, param="charge").payment_intent
    return intent if intent.status == PaymentIntent.Status.REQUIRES_CAPTURE else None


def refund_release_authorization(*, intent: PaymentIntent, merchant: Merchant,
                                 livemode: bool, actor: Actor, param: str,
                                 amount: int | None, reason: str | None,
                                 metadata: MetadataUpdate | None) -> Refund:
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
    if amount not in (None, intent.amount_capturable):
        raise InvalidRequest(
            f"PaymentIntent {intent.id} is uncaptured: refunding it releases the whole "
            f"authorization ({format_money(intent.amount_capturable, intent.currency)}). "
            "Capture the part you keep instead, then refund.", param="amount")
    with transaction.atomic(durable=True):
        intent = payment_selectors.payment_intent_get_locked(id=intent.id, merchant=merchant,
                                                             livemode=livemode)
        charge = selectors.charge_get_locked(id=intent.latest_charge_id, merchant=merchant,
                                             livemode=livemode, param=param)
        _check_releasable(intent, charge, param=param)
        # The processor that made the hold voids it: refused now if it is gone.
        processor_for_charge(merchant=merchant, livemode=livemode, charge=charge)
        refund = Refund(merchant=merchant, livemode=livemode, charge=charge,
                        payment_intent_id=intent.id, amount=charge.amount,
                        currency=charge.currency, reason=reason, requested_by=actor.id,
                        metadata=metadata_apply({}, metadata))
        refund.begin_release(at=clock.now())
        refund.save()
    try:
        payment_services.payment_intent_cancel(id=intent.id, merchant=merchant,
                                               livemode=livemode, actor=actor)
    except ProcessorUnavailable:
        # The void is in flight with payments (its recovery finishes it); so is the release.
        logger.warning("processor unavailable releasing %s; left for recovery", intent.id)
        return refund
    except DomainError:
        # Captured or canceled meanwhile: no release of ours happened. Answer as a refund of
        # the intent would now be answered.
        _release_abandon(refund_id=refund.id)
        intent.refresh_from_db()
        check_intent_refundable(intent, param=param)
        raise
    return _release_record(refund_id=refund.id, actor=actor)


def _check_releasable(intent: PaymentIntent, charge: Charge, *, param: str) -> None:
    """Under the intent and charge locks: still an idle authorization, not being released."""
    if intent.status != PaymentIntent.Status.REQUIRES_CAPTURE:
        check_intent_refundable(intent, param=param)
        raise InvalidState(  # captured meanwhile: its refund is an ordinary one
            f"PaymentIntent {intent.id} was captured meanwhile; refund it again to refund "
            "what was captured.", code="payment_intent_unexpected_state", param=param)
    if intent.operation is not None:
        raise ObjectBusy
    if selectors.refund_amount_held(charge=charge) > 0:
        raise InvalidState(f"Charge {charge.id} has already been refunded.",
                           code="charge_already_refunded", param="charge")


def _release_record(*, refund_id: str, actor: Actor | None = None) -> Refund:
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
        status_change_record(obj=refund, source="created", actor=actor or (
            Actor(refund.requested_by) if refund.requested_by else TILL))
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


def release_finish(refund: Refund) -> None:
    """The sweep's part of a release a crash interrupted: the intent's cancel, if it never
    began (one in flight is payments' recovery's to finish), then the release recorded;
    an intent captured meanwhile, or canceled with its cancel failing, abandons it."""
    intent = PaymentIntent.objects.select_related("merchant").get(pk=refund.payment_intent_id)
    if intent.operation is not None:
        return  # payments' own recovery finishes its call first
    if intent.status == PaymentIntent.Status.REQUIRES_CAPTURE:
        try:
            payment_services.payment_intent_cancel(id=intent.id, merchant=intent.merchant,
                                                   livemode=intent.livemode, actor=TILL)
        except ProcessorUnavailable:
            return
        except DomainError:
            pass  # busy, captured or canceled meanwhile: decided below, or next time
        intent.refresh_from_db()
    if intent.operation is not None or intent.status == PaymentIntent.Status.REQUIRES_CAPTURE:
        return
    if intent.status == PaymentIntent.Status.CANCELED:
        _release_record(refund_id=refund.id)
    else:
        _release_abandon(refund_id=refund.id)
