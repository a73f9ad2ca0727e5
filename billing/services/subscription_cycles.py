"""Moving a subscription's billing cycle on an update, as Stripe Billing does (classic billing
mode): `billing_cycle_anchor=now` and `trial_end` on `POST /v1/subscriptions/{id}`.

- `billing_cycle_anchor=now`, or `trial_end=now` on a trialing subscription: the cycle
  restarts now. A new period from now, anchored now (a trial ends: `active`), invoiced at
  once (`billing_reason: subscription_update`) with every item's full period and the unused
  time of the period cut short credited to the second (billing.prorations), unless
  `proration_behavior=none` or the period was a trial's (free); charged after the commit.
- `trial_end` a future moment: the subscription is trialing until then. A trial moves its
  end (the current period's end, which anchors the cycle); an active subscription starts one
  now, its unused paid time credited (pending for the next invoice; invoiced at once, as a
  credit, with `always_invoice`), nothing charged.
- Items moved to another billing interval (all of them: one interval per subscription): the
  cycle restarts now at the new interval, as `billing_cycle_anchor=now` (Stripe's), the old
  prices' unused time credited per `proration_behavior`; a trial (or a trial the update
  gives) keeps its end, and its first paid period is at the new interval.
Runs in the update's transaction with the subscription locked, on its customer's time: the
caller credits (subscription_cycle_credit) before it changes the items, then moves the
cycle (subscription_cycle_move) after.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from billing.models import Invoice, Subscription, SubscriptionItem
from billing.periods import period_end_after
from billing.services.common import NO_PAYMENT_METHOD, NO_PAYMENT_METHOD_CODE
from billing.services.subscription_changes import (
    PRORATION_BEHAVIORS,
    subscription_unused_time_credit,
)
from billing.services.subscription_invoices import subscription_invoice_make
from billing.services.subscription_terms import trial_end_check
from billing.services.subscriptions import (
    TRIAL_WILL_END_BEFORE,
    subscription_upcoming_notice_schedule,
)
from core import clock
from core.actor import Actor
from core.audit import status_change_record
from core.exceptions import InvalidParameter, InvalidRequest

ANCHORS = ("now", "unchanged")
_PAID = (Subscription.Status.ACTIVE, Subscription.Status.PAST_DUE)


@dataclass(frozen=True, slots=True)
class CycleMove:
    """What an update does to the cycle, at `at`: restart it now, or make the subscription
    trialing until `trial_end` (neither: a trial goes on as it is); and the billing interval
    it moves to (None: its own)."""

    at: datetime
    restarts: bool = False
    trial_end: datetime | None = None
    interval: tuple[str, int] | None = None


def subscription_cycle_plan(subscription: Subscription, *,
                            billing_cycle_anchor: str | None,
                            trial_end: datetime | Literal["now"] | None,
                            payment_behavior: str, proration_behavior: str,
                            proration_date: datetime | None,
                            interval: tuple[str, int] | None = None) -> CycleMove | None:
    """The cycle move the update asks for (None: none), checked as Stripe checks it, on the
    customer's time, before anything changes. `interval`: the one the update's items move
    to (billing.services.subscription_changes.subscription_items_interval)."""
    if billing_cycle_anchor is not None and billing_cycle_anchor not in ANCHORS:
        raise InvalidParameter("Invalid billing_cycle_anchor: must be one of now, unchanged.",
                               param="billing_cycle_anchor")
    now = clock.now()
    anchor_now = billing_cycle_anchor == "now"
    if trial_end is None and not anchor_now and interval is None:
        return None
    param = ("trial_end" if trial_end is not None else
             "billing_cycle_anchor" if anchor_now else "items")
    if proration_behavior not in PRORATION_BEHAVIORS:
        raise InvalidParameter(f"Invalid proration_behavior: must be one of "
                               f"{', '.join(PRORATION_BEHAVIORS)}.",
                               param="proration_behavior")
    if payment_behavior != "allow_incomplete":
        raise InvalidRequest(f"`{param}` cannot be used with `payment_behavior="
                             f"{payment_behavior}` (Till holds only items in an update "
                             "waiting for its payment).", param=param)
    if proration_date is not None:
        raise InvalidRequest(f"`proration_date` cannot be used with `{param}` in Till: the "
                             "cycle moves, and its unused time is credited, at the moment of "
                             "the update.", param="proration_date")
    if subscription.pending_update_invoice_id is not None:
        raise InvalidRequest(
            f"This subscription has a pending update waiting for its invoice "
            f"{subscription.pending_update_invoice_id} to be paid: pay or void that invoice "
            f"before moving its billing cycle.", param=param)
    trialing = subscription.status == Subscription.Status.TRIALING
    if trial_end is not None and trial_end != "now":
        if anchor_now:
            raise InvalidRequest("billing_cycle_anchor=now cannot be combined with a trial_end "
                                 "in the future: the cycle is anchored at the trial's end.",
                                 param="billing_cycle_anchor")
        if not trialing and subscription.status != Subscription.Status.ACTIVE:
            raise InvalidRequest(f"A trial can be given only to an active or trialing "
                                 f"subscription: {subscription.id} is {subscription.status}.",
                                 param="trial_end")
        return CycleMove(at=now, trial_end=trial_end_check(None, trial_end, now=now),
                         interval=interval)
    if trialing and trial_end is None and not anchor_now:
        return CycleMove(at=now, interval=interval)  # the trial goes on
    if trial_end == "now" and not trialing:
        raise InvalidRequest(f"trial_end=now ends a trial, and {subscription.id} is not "
                             f"trialing (it is {subscription.status}).", param="trial_end")
    if not trialing and subscription.status not in _PAID:
        raise InvalidRequest(f"The billing cycle of a subscription that is "
                             f"{subscription.status} cannot be reset.",
                             param=param)
    if (subscription.collection_method == Subscription.CollectionMethod.CHARGE_AUTOMATICALLY
            and subscription.default_payment_method_id is None
            and subscription.customer.invoice_settings.get("default_payment_method") is None):
        # The new period is charged at once: with nothing to charge, nothing moves.
        raise InvalidRequest(NO_PAYMENT_METHOD, code=NO_PAYMENT_METHOD_CODE, param=param)
    return CycleMove(at=now, restarts=True, interval=interval)


def subscription_cycle_credit(subscription: Subscription, move: CycleMove, *,
                              proration_behavior: str) -> None:
    """Before the items change: the unused time of the paid period the move cuts short, of
    every item as it is, credited as pending proration items (none for a trial's period,
    free, nor with `proration_behavior=none`)."""
    cuts_short = move.restarts or move.trial_end is not None
    if cuts_short and proration_behavior != "none" and subscription.status in _PAID:
        subscription_unused_time_credit(subscription, at=move.at)


def subscription_cycle_move(subscription: Subscription, move: CycleMove, *,
                            proration_behavior: str, actor: Actor) -> Invoice | None:
    """After the items changed (their prorations left to the move): the new cycle laid out
    (see the module), saved by the caller. Returns the invoice made now (finalized; the
    caller charges it after the commit), if any."""
    source = subscription.status
    if move.interval is not None:
        subscription.interval, subscription.interval_count = move.interval
    if move.restarts:
        end = period_end_after(move.at, interval=subscription.interval,
                               interval_count=subscription.interval_count, after=move.at)
        if source == Subscription.Status.TRIALING:
            subscription.end_trial()
            subscription.trial_end = move.at
        _period_set(subscription, start=move.at, end=end, anchor=move.at)
    elif move.trial_end is not None:
        trialing = source == Subscription.Status.TRIALING
        start = subscription.current_period_start if trialing else move.at
        subscription.set_trial(start=subscription.trial_start if trialing else move.at,
                               end=move.trial_end, will_end_at=max(
                                   move.trial_end - TRIAL_WILL_END_BEFORE, move.at))
        _period_set(subscription, start=start, end=move.trial_end, anchor=move.trial_end)
    if subscription.status != source:
        status_change_record(obj=subscription, source=source, actor=actor)
    if move.restarts:
        return subscription_invoice_make(subscription,
                                         reason=Invoice.BillingReason.SUBSCRIPTION_UPDATE,
                                         actor=actor)
    if (proration_behavior == "always_invoice" and source in _PAID
            and move.trial_end is not None):
        return subscription_invoice_make(subscription,
                                         reason=Invoice.BillingReason.SUBSCRIPTION_UPDATE,
                                         actor=actor, item_lines=False)
    return None


def _period_set(subscription: Subscription, *, start: datetime, end: datetime,
                anchor: datetime) -> None:
    subscription.billing_cycle_anchor = anchor
    subscription.billing_cycle_anchor_config = None  # the anchor follows it no longer
    subscription.move_period(start=start, end=end)
    subscription_upcoming_notice_schedule(subscription)
    SubscriptionItem.objects.filter(subscription=subscription).update(
        current_period_start=start, current_period_end=end)
