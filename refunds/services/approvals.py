"""Refund approvals: a refund above the merchant's threshold waits in `pending_approval`
until another principal than its requester approves it, or anyone allowed rejects it."""

from django.db import transaction

from core import clock
from core.actor import Actor
from core.audit import status_change_record
from core.exceptions import InvalidParameter, InvalidRequest, InvalidState
from core.money import CURRENCIES, MAXIMUM_AMOUNT, Money
from core.wire import render
from merchants.models import Merchant
from merchants.selectors import api_key_roll_chain_ids
from payments.models import Charge
from payments.processors import processor_for, processor_for_charge
from refunds import selectors
from refunds.models import Refund
from refunds.services.common import refund_booking, refund_given_back, refund_run_or_recover
from webhooks.services import EventSpec, events_record, previous_attributes


def _refund_awaiting_approval_locked(*, id: str, merchant: Merchant,  # noqa: A002
                                     livemode: bool, action: str) -> tuple[Refund, Charge]:
    """The refund and its charge, locked in the fixed order (charge, then refund), once the
    refund is known to await approval; else the error naming its status."""
    charge_id = selectors.refund_get(id=id, merchant=merchant, livemode=livemode).charge_id
    charge = selectors.charge_get_locked_by_id(id=charge_id)
    refund = selectors.refund_get_locked(id=id, merchant=merchant, livemode=livemode)
    if refund.status != Refund.Status.PENDING_APPROVAL:
        raise InvalidState(
            f"You cannot {action} this refund because it has a status of {refund.status}. "
            f"Only a refund with a status of pending_approval may be "
            f"{ {'approve': 'approved', 'reject': 'rejected'}[action]}.",
            code="refund_unexpected_state", param="id")
    return refund, charge


def _same_principal(requested_by: str, actor: Actor) -> bool:
    """Whether `actor` is who requested the refund: the same dashboard user, the same API
    key, or a key of the same roll chain (a rolled key is the same principal's)."""
    if actor.id == requested_by:
        return True
    if actor.is_api_key and requested_by.startswith("key_"):
        return actor.id in api_key_roll_chain_ids(key_id=requested_by)
    return False


def _self_approval_refused(refund: Refund, actor: Actor) -> InvalidRequest:
    if actor.is_api_key:
        message = (
            f"Refund {refund.id} was requested with this API key (or one rolled from or into "
            "it), which cannot also approve it. Approve it with another secret key, or as an "
            "owner or admin in the dashboard; rejecting it withdraws the request.")
    else:
        message = (
            f"You requested refund {refund.id}, so you cannot also approve it: another owner "
            "or admin must. Rejecting it withdraws your request.")
    return InvalidRequest(message, code="refund_approval_forbidden", param="id")


def refund_approve(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                   actor: Actor) -> Refund:
    """Approves a refund waiting in `pending_approval`, as `actor`, who must not be who
    requested it (`requested_by`: the same user, key or roll chain of keys is refused with
    `refund_approval_forbidden`, changing nothing). Under the charge and refund locks it
    becomes `pending` with its processor call in flight, `refund.updated` and the audit
    record (who approved, when) commit together; then the processor is asked under
    `<re_id>:refund` and the refund settles as any other (`refund_create`'s phases 2-3)."""
    processor_for(merchant=merchant, livemode=livemode)  # live mode without one: refused
    with transaction.atomic(durable=True):
        refund, charge = _refund_awaiting_approval_locked(
            id=id, merchant=merchant, livemode=livemode, action="approve")
        if refund.requested_by is not None and _same_principal(refund.requested_by, actor):
            raise _self_approval_refused(refund, actor)
        # The processor that made the charge refunds it (refused here if it is gone).
        processor = processor_for_charge(merchant=merchant, livemode=livemode, charge=charge)
        source = refund.status
        before = render(refund)
        refund.approve(at=clock.now())
        refund_booking(refund)
        refund.save()
        after = render(refund)
        events_record(EventSpec("refund.updated", refund,
                                previous_attributes=previous_attributes(before, after),
                                payload=after))
        status_change_record(obj=refund, source=source, actor=actor)
    return refund_run_or_recover(refund, processor, actor=actor)


def refund_reject(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                  actor: Actor) -> Refund:
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
        refund_given_back(refund, charge, before=before)
        status_change_record(obj=refund, source=source, actor=actor)
    return refund


def refund_approval_threshold_set(*, merchant: Merchant, threshold: Money) -> Merchant:
    """Makes new refunds in `threshold`'s currency of more than it wait for approval. Other
    currencies' thresholds stay; refunds already waiting keep waiting."""
    return _thresholds_change(merchant, threshold.currency, threshold.amount)


def refund_approval_threshold_clear(*, merchant: Merchant, currency: str) -> Merchant:
    """New refunds in `currency` no longer wait for approval, whatever their amount."""
    return _thresholds_change(merchant, currency, None)


def _thresholds_change(merchant: Merchant, currency: str, amount: int | None) -> Merchant:
    if currency not in CURRENCIES:
        raise InvalidParameter(f"Invalid currency: {currency}.", param="currency")
    if amount is not None and not 0 <= amount <= MAXIMUM_AMOUNT:
        raise InvalidParameter(f"The threshold must be from 0 to {MAXIMUM_AMOUNT} minor units.",
                               param="threshold")
    with transaction.atomic():
        # Locked: two thresholds set at once must both land in the one mapping.
        locked = Merchant.objects.select_for_update().get(pk=merchant.pk)
        thresholds = dict(locked.refund_approval_thresholds)
        if amount is None:
            thresholds.pop(currency, None)
        else:
            thresholds[currency] = amount
        locked.refund_approval_thresholds = thresholds
        locked.save(update_fields=["refund_approval_thresholds"])
    merchant.refund_approval_thresholds = thresholds
    return merchant
