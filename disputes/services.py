"""Disputes: every write. A charge has one dispute.

A dispute is opened by Till when the processor reports the card's bank disputes a charge
(the payment's outcome hook enqueues it; a sweep finds lost messages). The merchant answers
with evidence or accepts the loss; the bank's decision is asked of the processor outside any
transaction, then recorded under the charge and dispute locks (in that order). What a
dispute withdraws from or gives back to the merchant is recorded on the charge by
`disputes.funds`.
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django_fsm import can_proceed

from core import clock
from core.actor import TILL, Actor
from core.audit import status_change_record
from core.exceptions import DomainError, InvalidState
from core.metadata import MetadataUpdate, metadata_apply
from core.wire import render
from disputes import funds, selectors
from disputes.models import Dispute
from merchants.models import Merchant
from payments.models import Charge
from payments.processors import (
    disputing_card_tokens,
    processor_answer_on_commit,
    processor_for,
)
from payments.processors.base import ProcessorUnavailable
from webhooks.services import EventSpec, events_record, previous_attributes

# How long the merchant has to answer (Stripe's `evidence_details.due_by` is 7-21 days).
DISPUTE_RESPONSE_DAYS = 7


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
    except DomainError:
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
                due_by=clock.now() + timedelta(days=DISPUTE_RESPONSE_DAYS))
            charge.disputed = True
            changed = ["disputed"]
            if not expected.inquiry:
                changed += funds.chargeback_withdraw(dispute=dispute, charge=charge,
                                                     amount=dispute.amount)
            dispute.save(force_insert=True)
            charge.save(update_fields=changed)
            status_change_record(obj=dispute, source="created", actor=TILL)
            events_record(EventSpec("charge.dispute.created", dispute),
                          *([] if expected.inquiry
                            else [EventSpec("charge.dispute.funds_withdrawn", dispute)]))
    except IntegrityError:
        return selectors.dispute_of_charge(charge_id=charge_id)
    return dispute


# The sweep behind the opening messages looks this far back: a charge older than this (made
# before its card's bank could be asked, or while beat was down for days) is left alone.
DISPUTE_OPEN_LOOKBACK = timedelta(days=7)


def disputes_open_due() -> int:
    """The sweep behind the opening messages: opens the dispute of every captured charge on
    a disputing card that has none, once its message has had time to arrive (the processor's
    answer time plus TILL_PAYMENT_RECOVERY_SECONDS). Through `dispute_open`, so a charge
    never gets two (its unique constraint), even when the message arrives meanwhile.
    Returns how many it opened."""
    now = clock.now()
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


def _evidence_refused(dispute: Dispute) -> InvalidState:
    return InvalidState(
        f"This dispute has a status of {dispute.status}, so evidence can no longer be "
        "submitted or changed. Only a dispute with a status of needs_response or "
        "warning_needs_response accepts evidence.",
        code="dispute_unexpected_state", param="evidence")


def dispute_update(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                   actor: Actor, evidence: dict[str, Any] | None = None,
                   submit: bool | None = None,
                   metadata: MetadataUpdate | None = None) -> Dispute:
    """Stores evidence and metadata; with evidence given, `submit` (true unless false, as
    Stripe) sends it to the bank: `needs_response` → `under_review`. Under the charge and
    dispute locks, the change, `charge.dispute.updated` (with the old values) and the audit
    record commit together; the bank's decision is then awaited (a task on commit, the
    sweep behind it). Evidence on a dispute past needs_response is refused (400)."""
    with transaction.atomic(durable=True):
        dispute, _charge = _dispute_locked(id=id, merchant=merchant, livemode=livemode)
        if submit is None:
            submit = evidence is not None
        if (evidence is not None or submit) and dispute.status not in Dispute.AWAITING_RESPONSE:
            raise _evidence_refused(dispute)
        source = dispute.status
        before = render(dispute)
        if evidence is not None:
            dispute.add_evidence(evidence=evidence)
        dispute.metadata = metadata_apply(dispute.metadata, metadata)
        if submit:
            if dispute.status == Dispute.Status.NEEDS_RESPONSE:
                dispute.submit(at=clock.now())
            else:
                dispute.submit_inquiry(at=clock.now())
        dispute.save()
        after = render(dispute)
        changed = previous_attributes(before, after)
        if changed:
            events_record(EventSpec("charge.dispute.updated", dispute,
                                    previous_attributes=changed, payload=after))
        status_change_record(obj=dispute, source=source, actor=actor)
        if submit:
            _dispute_decide_on_commit(dispute)
    return dispute


def _dispute_decide_on_commit(dispute: Dispute) -> None:
    from disputes.tasks import dispute_decide  # tasks import services

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
    except (DomainError, ProcessorUnavailable):
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
            funds.chargeback_reinstate(dispute=dispute, charge=charge)
            events_record(EventSpec("charge.dispute.closed", dispute),
                          EventSpec("charge.dispute.funds_reinstated", dispute))
        else:
            dispute.mark_lost()
            dispute.save()
            events_record(EventSpec("charge.dispute.closed", dispute))
        status_change_record(obj=dispute, source=source, actor=TILL)
    return dispute


def _inquiry_decided(dispute: Dispute, charge: Charge, *, won: bool) -> None:
    """The bank's answer to an inquiry, under the caller's locks (so no refund of the charge
    is counted meanwhile): closed, or escalated to a chargeback that withdraws the fee and
    what the charge's refunds (pending or succeeded) have not given back. A charge refunded
    whole is not charged back: its inquiry closes whatever the evidence."""
    unrefunded = funds.charge_amount_unrefunded(charge=charge)
    if won or unrefunded <= 0:
        dispute.close_inquiry()
        dispute.save()
        events_record(EventSpec("charge.dispute.closed", dispute))
        return
    before = render(dispute)
    dispute.escalate(due_by=clock.now() + timedelta(days=DISPUTE_RESPONSE_DAYS))
    changed = funds.chargeback_withdraw(dispute=dispute, charge=charge,
                                        amount=min(dispute.amount, unrefunded))
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
    before = clock.now() - timedelta(seconds=settings.TILL_SIMULATED_SETTLEMENT_SECONDS)
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
                or dispute.due_by >= clock.now()):
            return dispute
        source = dispute.status
        if source == Dispute.Status.NEEDS_RESPONSE:
            dispute.mark_lost()
        else:
            dispute.close_inquiry()
        dispute.save()
        events_record(EventSpec("charge.dispute.closed", dispute))
        status_change_record(obj=dispute, source=source, actor=TILL)
    return dispute


def disputes_expire_due() -> int:
    """The sweep that closes disputes left unanswered past their due date. Returns how many
    it closed."""
    return sum(dispute_expire(id=pk).status not in Dispute.AWAITING_RESPONSE
               for pk in selectors.dispute_ids_past_due(now=clock.now()))


def dispute_close(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                  actor: Actor) -> Dispute:
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
            raise InvalidState(
                f"This dispute has a status of {source} and cannot be closed. Only a "
                "dispute with a status of needs_response or warning_needs_response can be "
                "closed.",
                code="dispute_unexpected_state", param="id")
        dispute.save()
        events_record(EventSpec("charge.dispute.closed", dispute))
        status_change_record(obj=dispute, source=source, actor=actor)
    return dispute
