"""The billing engine: subscriptions whose period ended are renewed (the period moved, its
invoice made, finalized and then charged), incomplete ones past their 23 hours expire, on
Till's clock by beat's task and on a test clock's time by its advance.

Each subscription is renewed in its own transaction, taken with SKIP LOCKED (another engine
holding it renews it; this one moves on), and the database's one invoice per subscription
and period is the last word: a doubled or concurrent run never bills a period twice. The
charge follows the commit, outside any lock; its outcome moves the subscription
(billing.services.subscriptions.subscription_invoice_outcome_record).
"""

import logging
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction

from billing import selectors
from billing.models import Invoice, Subscription, SubscriptionItem
from billing.periods import period_boundary, period_end_after
from billing.services.dunning import (
    invoice_attempt_failed_without_payment_method,
    invoice_retry,
    invoice_retry_payment_method,
)
from billing.services.invoice_previews import invoice_preview
from billing.services.invoices import invoice_void
from billing.services.subscription_cancel_at import (
    subscription_cancel_at_due,
    subscriptions_cancel_at_due,
)
from billing.services.subscription_cancellations import subscription_cancel_locked
from billing.services.subscription_changes import subscription_pending_update_clear
from billing.services.subscription_invoices import subscription_invoice_make
from billing.services.subscription_pauses import pause_collection_resume_if_due
from billing.services.subscriptions import (
    subscription_invoice_charge,
    subscription_provisional_drop,
    subscription_rendered,
    subscription_upcoming_notice_schedule,
    subscription_updated_record,
)
from core import clock
from core.actor import TILL
from core.audit import status_change_record
from core.db import batched
from core.exceptions import DomainError
from core.memo import request_scope
from core.wire import render
from webhooks.services import EventSpec, events_record

logger = logging.getLogger("till.billing")

# Stripe's time to pay a subscription's first invoice before it is `incomplete_expired`.
INCOMPLETE_EXPIRES_AFTER = timedelta(hours=23)
BATCH = 100


def subscription_renew(*, id: str, now: datetime) -> Invoice | None:  # noqa: A002
    """Renews one subscription whose period ended by `now`, if nobody else holds it: in one
    transaction, the period moves (`customer.subscription.updated`), its invoice is made and
    finalized (`invoice.created`, `invoice.finalized`); after the commit it is charged
    (`invoice.paid` or `invoice.payment_failed`, and `past_due` then). With
    `cancel_at_period_end` (or `cancel_at` reached) it is canceled instead
    (`customer.subscription.deleted`). Returns the renewal's invoice, or None when nothing
    was billed (not due, busy, canceled, or the period already billed)."""
    with request_scope():  # the merchant's webhook endpoints read once, not per event
        return _renew(id=id, now=now)


def _renew(*, id: str, now: datetime) -> Invoice | None:  # noqa: A002
    try:
        with transaction.atomic(durable=True), batched():
            subscription = selectors.subscription_get_locked_by_id(id=id, skip_locked=True)
            if (subscription is None or subscription.status not in Subscription.RENEWABLE
                    or subscription.current_period_end > now):
                return None
            end = subscription.current_period_end
            if subscription.customer.deleted_at is not None:
                # Its customer was deleted (and a crash kept the deletion's cancellation from
                # running): never billed again, canceled now.
                subscription_cancel_locked(subscription, reason="cancellation_requested",
                                           actor=TILL)
                return None
            if subscription.cancel_at_period_end or (
                    subscription.cancel_at is not None and subscription.cancel_at <= end):
                # A cancel_at inside the ended period (the engine was behind) ends it there.
                with clock.bound(min(end, subscription.cancel_at or end)):
                    subscription_cancel_locked(subscription, reason="cancellation_requested",
                                               actor=TILL)
                return None
            before = subscription_rendered(subscription)
            if subscription.status == Subscription.Status.TRIALING:
                with clock.bound(end):
                    if not _trial_over(subscription):
                        return None
            invoice = _period_bill(subscription, before=before)
    except IntegrityError:
        # The period is billed already (a crashed run's invoice): nothing more to bill.
        logger.warning("subscription %s: its period is billed already", id)
        return None
    if (invoice.status == Invoice.Status.OPEN
            and invoice.collection_method == Invoice.CollectionMethod.CHARGE_AUTOMATICALLY):
        # A `send_invoice` invoice was emailed at finalization: its customer pays it.
        if invoice_retry_payment_method(invoice) is None:
            # Nothing to charge (a trial that ended with no card): a failed attempt all the
            # same, and dunning's schedule from it.
            invoice_attempt_failed_without_payment_method(id=invoice.id)
        else:
            subscription_invoice_charge(invoice, actor=TILL)
    return invoice


def _trial_over(subscription: Subscription) -> bool:
    """A trial's end, in the caller's transaction (the subscription locked): `active`, its
    first paid period billed next — or, with no payment method to charge, what the merchant
    chose: canceled (`customer.subscription.deleted`), paused (`.updated`, `.paused`: nothing
    is billed until it is resumed), or billed anyway (`create_invoice`, Stripe's default: the
    invoice then fails for want of a payment method). Returns whether the period is billed."""
    behavior = subscription.trial_missing_payment_method
    chargeable = (subscription.collection_method == Subscription.CollectionMethod.SEND_INVOICE
                  or subscription.default_payment_method_id is not None
                  or subscription.customer.invoice_settings.get("default_payment_method"))
    if not chargeable and behavior == Subscription.MissingPaymentMethod.CANCEL:
        subscription_cancel_locked(subscription, reason=None, actor=TILL)
        return False
    before = subscription_rendered(subscription)
    source = subscription.status
    if not chargeable and behavior == Subscription.MissingPaymentMethod.PAUSE:
        subscription.pause()
        subscription.save()
        status_change_record(obj=subscription, source=source, actor=TILL)
        subscription_updated_record(subscription, before)
        events_record(EventSpec("customer.subscription.paused", subscription,
                                payload=subscription_rendered(subscription)))
        return False
    subscription.end_trial()
    status_change_record(obj=subscription, source=source, actor=TILL)
    return True


def _period_bill(subscription: Subscription, *, before: dict[str, Any]) -> Invoice:
    """The next period and its invoice, in the caller's transaction (the subscription
    locked), made now: on Till's clock when the engine runs, on a test clock at the instant
    the period ended (its advance binds each due time). `customer.subscription.updated`
    tells what changed since `before`."""
    start = subscription.current_period_end
    end = period_end_after(subscription.billing_cycle_anchor, interval=subscription.interval,
                           interval_count=subscription.interval_count, after=start)
    pause_collection_resume_if_due(subscription, at=start)
    subscription.move_period(start=start, end=end)
    subscription_upcoming_notice_schedule(subscription)
    SubscriptionItem.objects.filter(subscription=subscription).update(
        current_period_start=start, current_period_end=end)
    subscription.save()
    subscription_updated_record(subscription, before)
    invoice = subscription_invoice_make(
        subscription, reason=Invoice.BillingReason.SUBSCRIPTION_CYCLE, actor=TILL)
    subscription.save(update_fields=["latest_invoice"])
    return invoice


def subscription_expire(*, id: str, now: datetime) -> bool:  # noqa: A002
    """An incomplete subscription whose first invoice went unpaid for 23 hours: its open
    invoice voided (`invoice.voided`), then `incomplete_expired`
    (`customer.subscription.deleted`, as Stripe ends it). Returns whether it expired."""
    with transaction.atomic(durable=True):
        subscription = selectors.subscription_get_locked_by_id(id=id, skip_locked=True)
        if (subscription is None or subscription.status != Subscription.Status.INCOMPLETE
                or subscription.created + INCOMPLETE_EXPIRES_AFTER > now):
            return False
        invoice_id = subscription.latest_invoice_id
    invoice = selectors.invoice_get_by_id(id=invoice_id) if invoice_id else None
    if invoice is not None and invoice.status in Invoice.PAYABLE:
        try:
            invoice_void(id=invoice.id, merchant=invoice.merchant, livemode=invoice.livemode,
                         actor=TILL)
        except DomainError as exc:
            # Paid meanwhile (the subscription is active now), or busy: the next run sees.
            logger.info("incomplete subscription %s keeps its invoice: %s", id, exc)
            return False
    with transaction.atomic(durable=True):
        subscription = selectors.subscription_get_locked_by_id(id=id)
        if subscription is None or subscription.status != Subscription.Status.INCOMPLETE:
            return False
        source = subscription.status
        subscription.expire(at=now)
        subscription.save()
        status_change_record(obj=subscription, source=source, actor=TILL)
        events_record(EventSpec("customer.subscription.deleted", subscription,
                                payload=subscription_rendered(subscription)))
    return True


def subscription_pending_update_expire(*, id: str, now: datetime) -> bool:  # noqa: A002
    """A pending update whose time ran out: its invoice voided (`invoice.voided`), which
    discards it (`customer.subscription.pending_update_expired`: billing.services.
    subscriptions). Returns whether it lapsed (False: paid meanwhile, or not due)."""
    subscription = Subscription.objects.filter(pk=id).only(
        "pending_update_invoice", "pending_update_expires_at").first()
    if (subscription is None or subscription.pending_update_expires_at is None
            or subscription.pending_update_expires_at > now):
        return False
    invoice = selectors.invoice_get_by_id(id=subscription.pending_update_invoice_id)
    if invoice is not None and invoice.status in Invoice.PAYABLE:
        try:
            invoice_void(id=invoice.id, merchant=invoice.merchant, livemode=invoice.livemode,
                         actor=TILL)
            return True
        except DomainError as exc:
            # Paid meanwhile (the update applied), or its payment busy: the next run sees.
            logger.info("pending update of %s keeps its invoice: %s", id, exc)
            return False
    # Its invoice is gone or settled another way: nothing left to wait for.
    with transaction.atomic(durable=True):
        subscription = selectors.subscription_get_locked_by_id(id=id)
        if subscription is None or subscription.pending_update_expires_at is None:
            return False
        subscription_pending_update_clear(subscription)
        subscription.save()
    return True


def subscription_overdue_mark(*, id: str, now: datetime) -> bool:  # noqa: A002
    """A `send_invoice` subscription whose latest invoice is still open past its due date is
    `past_due` (`customer.subscription.updated`), as Stripe's; paying the invoice (a charge
    or out of band) makes it `active` again. Returns whether it moved (False: held, paid
    meanwhile, or not due)."""
    with transaction.atomic(durable=True):
        subscription = selectors.subscription_get_locked_by_id(id=id, skip_locked=True)
        if subscription is None or not selectors.subscription_ids_overdue_exists(id=id,
                                                                                  now=now):
            return False
        before = subscription_rendered(subscription)
        subscription.mark_past_due()
        subscription.save()
        status_change_record(obj=subscription, source=Subscription.Status.ACTIVE, actor=TILL)
        subscription_updated_record(subscription, before)
    return True


def subscriptions_renew_due(*, now: datetime | None = None) -> int:
    """Beat's engine on Till's clock: every subscription whose period ended is renewed, and
    every incomplete one past its 23 hours expires, in batches, each in its own
    transaction; one another engine holds is skipped (it is that engine's). Customers on a
    test clock wait for their clock. Returns how many subscriptions moved."""
    now = now or clock.now()
    moved, seen = 0, set()
    while True:
        ids = [pk for pk in selectors.subscription_ids_renewal_due(now=now, limit=BATCH)
               if pk not in seen]
        if not ids:
            break
        seen.update(ids)
        moved += sum(subscription_renew(id=pk, now=now) is not None for pk in ids)
    return moved + _housekeeping(now)


def subscriptions_renew_due_fan_out(*, now: datetime | None = None) -> int:
    """Beat's engine on Till's clock, shared by the workers: the ids of every subscription
    whose period ended, in batches of BATCH, each batch a task of its own
    (`billing.tasks.subscriptions_renew_batch`: any worker takes it); the expiries, trials'
    notices and provisional drops done here, as `subscriptions_renew_due` does them. A
    subscription still queued when beat runs again is sent twice: its second batch finds it
    renewed (or held, SKIP LOCKED) and moves on, and the one invoice per period stays the
    database's last word. Returns how many renewals were sent plus how many moved here."""
    from billing.tasks import subscriptions_renew_batch  # tasks import services

    now = now or clock.now()
    ids = selectors.subscription_ids_renewal_due(now=now, limit=None)
    for start in range(0, len(ids), BATCH):
        subscriptions_renew_batch.delay(ids[start:start + BATCH])
    return len(ids) + _housekeeping(now)


def subscriptions_renew_batch(*, ids: list[str], now: datetime | None = None) -> int:
    """One batch of the fan-out, on Till's clock: each subscription renewed in its own
    transaction and charged after its commit (subscription_renew); one another worker holds,
    already renewed, or no longer due is skipped. Returns how many were billed."""
    now = now or clock.now()
    return sum(subscription_renew(id=pk, now=now) is not None for pk in ids)


def _housekeeping(now: datetime) -> int:
    """The engine's other duties on Till's clock: pending updates past their time
    discarded, incomplete subscriptions past their 23 hours expired, trials' three-day
    notices, those whose `cancel_at` came canceled, upcoming invoices announced, provisional
    subscriptions dropped. Returns how many subscriptions expired or were canceled."""
    moved = 0
    for pk in selectors.subscription_ids_pending_update_expired(now=now):
        subscription_pending_update_expire(id=pk, now=now)
    for pk in selectors.subscription_ids_incomplete_expired(
            now=now, before=now - INCOMPLETE_EXPIRES_AFTER):
        moved += subscription_expire(id=pk, now=now)
    for pk in selectors.subscription_ids_trial_will_end_due(now=now):
        subscription_trial_will_end_notify(id=pk, now=now)
    moved += subscriptions_cancel_at_due(now=now)
    for pk in selectors.subscription_ids_upcoming_notice_due(now=now):
        subscription_upcoming_notify(id=pk, now=now)
    for pk in selectors.subscription_ids_overdue(now=now):
        subscription_overdue_mark(id=pk, now=now)
    subscriptions_provisional_drop_due()
    return moved


def subscription_upcoming_notify(*, id: str, now: datetime) -> bool:  # noqa: A002
    """`invoice.upcoming`, once per period, the merchant's days before the renewal: the
    renewal's invoice as a preview makes it (no id, as Stripe's). None is sent when no
    invoice is coming after all (canceled at the period's end). Returns whether sent."""
    subscription = selectors.subscription_get_by_id(id=id)
    if (subscription is None or subscription.upcoming_notice_at is None
            or subscription.upcoming_notice_at > now):
        return False
    period_end = subscription.current_period_end
    try:
        upcoming = invoice_preview(merchant=subscription.merchant,
                                   livemode=subscription.livemode, actor=TILL,
                                   render=_upcoming_payload, subscription=id)
    except DomainError as exc:
        logger.info("subscription %s has no upcoming invoice to announce: %s", id, exc)
        upcoming = None
    with transaction.atomic(durable=True):
        subscription = selectors.subscription_get_locked_by_id(id=id, skip_locked=True)
        if (subscription is None or subscription.upcoming_notice_at is None
                or subscription.current_period_end != period_end):
            return False
        subscription.upcoming_notice_at = None
        subscription.save(update_fields=["upcoming_notice_at"])
        if upcoming is not None:
            events_record(EventSpec("invoice.upcoming", subscription, payload=upcoming))
    return upcoming is not None


def _upcoming_payload(invoice: Invoice) -> dict[str, Any]:
    payload = render(invoice)
    del payload["id"]
    return payload


def subscription_trial_will_end_notify(*, id: str, now: datetime) -> bool:  # noqa: A002
    """`customer.subscription.trial_will_end`, once, three days before a trial ends (at once
    for a shorter trial). Returns whether it was sent now."""
    with transaction.atomic(durable=True):
        subscription = selectors.subscription_get_locked_by_id(id=id, skip_locked=True)
        if (subscription is None or subscription.status != Subscription.Status.TRIALING
                or subscription.trial_will_end_at is None
                or subscription.trial_will_end_at > now):
            return False
        subscription.trial_will_end_at = None
        subscription.save(update_fields=["trial_will_end_at"])
        events_record(EventSpec("customer.subscription.trial_will_end", subscription,
                                payload=subscription_rendered(subscription)))
    return True


def subscriptions_provisional_drop_due(*, now: datetime | None = None) -> int:
    """Beat's housekeeping, on Till's own time: error_if_incomplete subscriptions a crash left
    provisional (hidden, their first payment never finished) are dropped, their payment
    canceled first; one whose payment is in flight is left for the next run. Returns how many
    were dropped."""
    now = now or clock.wall_now()
    return sum(subscription_provisional_drop(id=pk, actor=TILL)
               for pk in selectors.subscription_ids_provisional_expired(now=now))


def subscriptions_clock_advance(*, clock_id: str, merchant_id: str, livemode: bool,
                                until: datetime) -> None:
    """Billing's advance handler (core.hooks): the clock's customers' subscriptions renewed
    and expired, and their failed invoices retried (dunning), up to `until`, one due time at
    a time in time order, each with the clock bound to it, so a year of monthly renewals
    runs in one advance. Safe to run twice:
    what is done is no longer due."""
    while True:
        due = selectors.subscriptions_due_on_test_clock(
            clock_id=clock_id, until=until, incomplete_after=INCOMPLETE_EXPIRES_AFTER)
        if not due:
            return
        at, kind, pk = due[0]
        with clock.bound(at):
            if kind == "retry":
                done = invoice_retry(id=pk, now=at)
            elif kind == "renew":
                done = subscription_renew(id=pk, now=at) is not None
            elif kind == "trial_will_end":
                done = subscription_trial_will_end_notify(id=pk, now=at)
            elif kind == "upcoming":
                done = subscription_upcoming_notify(id=pk, now=at)
            elif kind == "overdue":
                done = subscription_overdue_mark(id=pk, now=at)
            elif kind == "cancel_at":
                done = subscription_cancel_at_due(id=pk, now=at)
            elif kind == "pending_update":
                done = subscription_pending_update_expire(id=pk, now=at)
            else:
                done = subscription_expire(id=pk, now=at)
        if not done and _still_due(pk, kind=kind, at=at):
            # Held by another process (or its period billed): leave it to the next advance
            # rather than spin.
            logger.warning("subscription %s on clock %s could not %s", pk, clock_id, kind)
            return


def test_clock_advance_bound(*, clock_id: str, frozen_time: datetime) -> datetime | None:
    """How far one advance of a test clock may go, as Stripe limits it: two intervals of the
    shortest subscription running on it (None: none runs there)."""
    return min((period_boundary(frozen_time, interval=interval, interval_count=count,
                                periods=2)
                for interval, count in selectors.subscription_intervals_on_test_clock(
                    clock_id=clock_id)), default=None)


def _still_due(pk: str, *, kind: str, at: datetime) -> bool:
    if kind == "retry":
        return Invoice.objects.filter(pk=pk, status=Invoice.Status.OPEN,
                                      next_payment_attempt__lte=at).exists()
    subscription = Subscription.objects.filter(pk=pk).only(
        "status", "current_period_end", "cancel_at", "pending_update_expires_at").first()
    if subscription is None:
        return False
    if kind == "pending_update":
        return (subscription.pending_update_expires_at is not None
                and subscription.pending_update_expires_at <= at)
    if kind == "renew":
        return (subscription.status in Subscription.RENEWABLE
                and subscription.current_period_end <= at)
    if kind == "trial_will_end":
        return subscription.status == Subscription.Status.TRIALING
    if kind == "upcoming":
        return subscription.upcoming_notice_at is not None
    if kind == "overdue":
        return selectors.subscription_ids_overdue_exists(id=pk, now=at)
    if kind == "cancel_at":
        return (subscription.status in Subscription.CANCELABLE
                and subscription.cancel_at is not None and subscription.cancel_at <= at)
    return subscription.status == Subscription.Status.INCOMPLETE
