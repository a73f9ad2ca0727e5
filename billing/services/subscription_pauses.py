"""Pausing a subscription's collection (Stripe's `pause_collection`): its status stays and
its periods keep moving, but each invoice it makes meanwhile is not collected — left a
draft (`keep_as_draft`, not advanced), or finalized and then marked uncollectible
(`mark_uncollectible`) or voided (`void`) — until it is cleared, or until `resumes_at`: the
first period that starts then or later is collected again."""

from dataclasses import dataclass
from datetime import datetime

from billing.models import Invoice, Subscription
from billing.services.common import invoice_rendered, transition_record
from core import clock
from core.actor import Actor
from core.exceptions import InvalidParameter
from webhooks.services import EventSpec, events_record


@dataclass(frozen=True, slots=True)
class PauseCollectionSpec:
    behavior: str
    resumes_at: datetime | None = None


def pause_collection_apply(subscription: Subscription,
                           pause: PauseCollectionSpec | None) -> None:
    """An update's `pause_collection` (the subscription locked, saved by the caller): set,
    or cleared with None. `resumes_at` must be in the future."""
    if pause is None:
        subscription.pause_collection_behavior = None
        subscription.pause_collection_resumes_at = None
        return
    if pause.behavior not in Subscription.PauseCollection.values:
        raise InvalidParameter(
            f"Invalid pause_collection[behavior]: must be one of "
            f"{', '.join(Subscription.PauseCollection.values)}.",
            param="pause_collection[behavior]")
    if pause.resumes_at is not None and pause.resumes_at <= clock.now():
        raise InvalidParameter("pause_collection[resumes_at] must be in the future.",
                               param="pause_collection[resumes_at]")
    subscription.pause_collection_behavior = pause.behavior
    subscription.pause_collection_resumes_at = pause.resumes_at


def pause_collection_resume_if_due(subscription: Subscription, *, at: datetime) -> None:
    """The engine, as a period starts at `at` (the subscription locked, saved by the
    caller): a pause whose `resumes_at` has come is over, so this period is collected."""
    resumes_at = subscription.pause_collection_resumes_at
    if resumes_at is not None and resumes_at <= at:
        pause_collection_apply(subscription, None)


def paused_invoice_keep_as_draft(subscription: Subscription, invoice: Invoice) -> bool:
    """`keep_as_draft`: the new draft is left as it is, never advanced nor charged. Returns
    whether it was (the caller then neither finalizes nor charges it)."""
    if subscription.pause_collection_behavior != Subscription.PauseCollection.KEEP_AS_DRAFT:
        return False
    invoice.auto_advance = False
    invoice.save(update_fields=["auto_advance"])
    return True


def paused_invoice_close(subscription: Subscription, invoice: Invoice, *,
                         actor: Actor) -> None:
    """`mark_uncollectible` / `void`: the just-finalized invoice, still open (one with
    nothing due is paid already), is marked uncollectible (`invoice.marked_uncollectible`)
    or voided (`invoice.voided`) in the caller's transaction: nothing charges it."""
    behavior = subscription.pause_collection_behavior
    if behavior is None or invoice.status != Invoice.Status.OPEN:
        return
    source, now = invoice.status, clock.now()
    if behavior == Subscription.PauseCollection.VOID:
        invoice.void(at=now)
        event = "invoice.voided"
    else:
        invoice.mark_uncollectible(at=now)
        event = "invoice.marked_uncollectible"
    invoice.next_payment_attempt = None
    invoice.save()
    transition_record(invoice, source, actor)
    events_record(EventSpec(event, invoice, payload=invoice_rendered(invoice)))
