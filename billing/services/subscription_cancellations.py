"""Canceling a subscription now (`DELETE /v1/subscriptions/{id}`), with Stripe's `prorate`
and `invoice_now`:
- `prorate`: the unused time of the paid period is credited, as pending proration items;
- `invoice_now`: the customer's pending items (that credit among them) are invoiced at once,
  in a final invoice finalized (a credit larger than what is owed goes to the customer's
  balance) and, when something is due, charged after the commit;
- neither: the subscription's pending prorations are deleted, as Stripe removes them.
Other pending invoice items stay for the customer's next invoice, as in Stripe.
"""

from django.db import transaction

from billing import selectors
from billing.models import Invoice, Subscription
from billing.services.subscription_changes import subscription_unused_time_credit
from billing.services.subscription_invoices import subscription_invoice_make
from billing.services.subscriptions import (
    subscription_invoice_charge,
    subscription_rendered,
)
from core import clock
from core.actor import TILL, Actor
from core.audit import status_change_record
from core.exceptions import InvalidState
from core.wire import render
from merchants.models import Merchant
from payments.clocks import customer_time
from webhooks.services import EventSpec, events_record


def subscription_cancel(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                        actor: Actor, reason: str = "cancellation_requested",
                        prorate: bool = False, invoice_now: bool = False) -> Subscription:
    """Cancels now (`customer.subscription.deleted`): nothing more is billed. In the one
    transaction that cancels it, under its lock: `prorate` credits an `active`
    subscription's unused time (a trial's, an unpaid period's, is not credited: nothing was
    paid for it); `invoice_now` makes the final invoice of the pending items, if there are
    any (`invoice.created`, `invoice.finalized`); neither deletes its pending prorations
    (`invoiceitem.deleted`). The final invoice is charged after the commit (declined: it
    stays open, the subscription canceled all the same). An ended subscription is refused."""
    invoice = None
    with transaction.atomic(durable=True):
        subscription = selectors.subscription_get_locked(id=id, merchant=merchant,
                                                         livemode=livemode)
        if subscription.status not in Subscription.CANCELABLE:
            raise InvalidState(f"No such subscription to cancel: {subscription.id} is already "
                               f"{subscription.status}.", code="resource_missing")
        with customer_time(subscription.customer):
            if prorate and subscription.status == Subscription.Status.ACTIVE:
                subscription_unused_time_credit(subscription, at=clock.now())
            if not prorate and not invoice_now:
                _pending_prorations_delete(subscription)
            if invoice_now and selectors.invoice_items_pending_locked(
                    customer_id=subscription.customer_id, currency=subscription.currency):
                invoice = subscription_invoice_make(
                    subscription, reason=Invoice.BillingReason.SUBSCRIPTION_UPDATE,
                    actor=actor, item_lines=False)
            subscription_cancel_locked(subscription, reason=reason, actor=actor)
    if (invoice is not None and invoice.status == Invoice.Status.OPEN
            and invoice.collection_method == Invoice.CollectionMethod.CHARGE_AUTOMATICALLY):
        with customer_time(subscription.customer):
            subscription_invoice_charge(invoice, actor=actor)
    return selectors.subscription_get(id=id, merchant=merchant, livemode=livemode)


def _pending_prorations_delete(subscription: Subscription) -> None:
    pending = [item for item in selectors.invoice_items_pending_locked(
        customer_id=subscription.customer_id, currency=subscription.currency)
        if item.proration and item.subscription_id == subscription.id]
    specs = [EventSpec("invoiceitem.deleted", item, payload=render(item)) for item in pending]
    for item in pending:
        pk = item.pk
        item.delete()
        item.id = pk  # Django clears the pk of a deleted row; its event names it
    events_record(*specs)


def customer_subscriptions_cancel(*, customer_id: str) -> int:
    """A deleted customer's subscriptions are canceled now, as Stripe cancels them
    (`customer.subscription.deleted` each, on the customer's time), each in its own
    transaction under its lock; one ended meanwhile is left be. Returns how many."""
    canceled = 0
    for pk in selectors.subscription_ids_of_customer_cancelable(customer_id=customer_id):
        with transaction.atomic(durable=True):
            subscription = selectors.subscription_get_locked_by_id(id=pk)
            if subscription is None or subscription.status not in Subscription.CANCELABLE:
                continue
            subscription_cancel_locked(subscription, reason="cancellation_requested",
                                       actor=TILL)
            canceled += 1
    return canceled


def subscription_cancel_locked(subscription: Subscription, *, reason: str | None,
                               actor: Actor) -> None:
    """Cancels the locked subscription in the caller's transaction, on its customer's time:
    `canceled`, audited, `customer.subscription.deleted`. An ended one is refused."""
    if subscription.status not in Subscription.CANCELABLE:
        raise InvalidState(f"No such subscription to cancel: {subscription.id} is already "
                           f"{subscription.status}.", code="resource_missing")
    with customer_time(subscription.customer):
        source = subscription.status
        subscription.cancel(at=clock.now(), reason=reason)
        subscription.save()
        status_change_record(obj=subscription, source=source, actor=actor)
        events_record(EventSpec("customer.subscription.deleted", subscription,
                                payload=subscription_rendered(subscription)))
