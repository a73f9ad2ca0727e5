"""The engine's `cancel_at`: a subscription asked to end at a moment is canceled at that
moment, even mid-period, on Till's clock by beat's task and on a test clock's time by its
advance (billing.services.renewals calls these)."""

from datetime import datetime

from django.db import transaction

from billing import selectors
from billing.models import Subscription
from billing.services.subscription_cancellations import subscription_cancel_locked
from core import clock
from core.actor import TILL


def subscription_cancel_at_due(*, id: str, now: datetime) -> bool:  # noqa: A002
    """Cancels one subscription whose `cancel_at` has come by `now`, if nobody else holds it
    (SKIP LOCKED: that engine cancels it), at the second `cancel_at` names
    (`customer.subscription.deleted`, `cancellation_reason=cancellation_requested`,
    `ended_at` its cancel_at). One already canceled, or whose cancel_at moved or was
    cleared meanwhile, is left alone. Returns whether it was canceled now."""
    with transaction.atomic(durable=True):
        subscription = selectors.subscription_get_locked_by_id(id=id, skip_locked=True)
        if (subscription is None or subscription.status not in Subscription.CANCELABLE
                or subscription.cancel_at is None or subscription.cancel_at > now):
            return False
        with clock.bound(subscription.cancel_at):
            subscription_cancel_locked(subscription, reason="cancellation_requested",
                                       actor=TILL)
    return True


def subscriptions_cancel_at_due(*, now: datetime) -> int:
    """Every subscription (not on a test clock) whose `cancel_at` has come, canceled, each in
    its own transaction. Returns how many were canceled."""
    return sum(subscription_cancel_at_due(id=pk, now=now)
               for pk in selectors.subscription_ids_cancel_at_due(now=now))
