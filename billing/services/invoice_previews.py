"""The upcoming invoice, previewed (`POST /v1/invoices/create_preview`, the legacy
`GET /v1/invoices/upcoming`): what a subscription's next renewal will bill — optionally after
a change of its items, with that change's prorations at `proration_date` — as the engine
itself would make it.

The preview is the real thing, rolled back: in one transaction the subscription (locked) is
changed, its trial ended if the renewal ends it, its period moved and the next invoice made
as a draft (the customer's pending invoice items taken, the balance applied as finalization
would apply it); the caller renders it there, and the transaction is rolled back, so nothing
of it — rows, events, webhooks — remains. One computation, so a preview and the invoice it
foretells cannot drift apart.
"""

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from django.db import transaction

from billing import selectors
from billing.models import Invoice, Subscription, SubscriptionItem
from billing.periods import period_end_after
from billing.services.invoices import invoice_amount_due_if_finalized
from billing.services.subscription_changes import (
    ItemChange,
    subscription_items_change_locked,
    subscription_items_interval,
)
from billing.services.subscription_invoices import subscription_invoice_make
from core import clock
from core.actor import Actor
from core.exceptions import InvalidRequest
from merchants.models import Merchant
from payments import selectors as payment_selectors
from payments.clocks import customer_time

T = TypeVar("T")


class _Preview(Exception):  # noqa: N818 (not an error: the way out of the rolled-back block)
    def __init__(self, result: object) -> None:
        self.result = result


def invoice_preview(*, merchant: Merchant, livemode: bool, actor: Actor,
                    render: Callable[[Invoice], T], customer: str | None = None,
                    subscription: str | None = None, items: list[ItemChange] | None = None,
                    proration_behavior: str = "create_prorations",
                    proration_date: datetime | None = None) -> T:
    """`render(invoice)` of the subscription's next invoice (`billing_reason: upcoming`, a
    draft) as its renewal will make it, after `items` change it if given. The subscription
    is the one named, else the customer's only live one. Nothing is kept. Refused as Stripe
    refuses it when no invoice is coming (no live subscription, or one ending at its period's
    end), and `always_invoice` (whose invoice is made at once, not at the renewal)."""
    if proration_behavior == "always_invoice":
        raise InvalidRequest("Till previews the upcoming renewal: an `always_invoice` change "
                             "is invoiced at once, not at the renewal.",
                             param="subscription_details[proration_behavior]")
    owner = _subscription_of(merchant=merchant, livemode=livemode, customer=customer,
                             subscription=subscription)
    try:
        with transaction.atomic(durable=True):
            locked = selectors.subscription_get_locked(id=owner.id, merchant=merchant,
                                                       livemode=livemode)
            with customer_time(locked.customer):
                if items and subscription_items_interval(locked, items) is not None:
                    raise InvalidRequest(
                        "Till previews the upcoming renewal: moving the items to another "
                        "billing interval restarts the billing cycle and is invoiced at once, "
                        "not at the renewal.", param="subscription_details[items]")
                if items:
                    subscription_items_change_locked(
                        locked, items, proration_behavior=proration_behavior,
                        proration_date=proration_date, actor=actor)
                invoice = _next_invoice(locked, actor=actor)
                raise _Preview(render(invoice))
    except _Preview as preview:
        return preview.result  # type: ignore[return-value]


def _subscription_of(*, merchant: Merchant, livemode: bool, customer: str | None,
                     subscription: str | None) -> Subscription:
    if subscription is not None:
        found = selectors.subscription_get(id=subscription, merchant=merchant,
                                           livemode=livemode, param="subscription")
        if customer is not None and found.customer_id != customer:
            raise InvalidRequest(f"The subscription {subscription} does not belong to the "
                                 f"customer {customer}.", param="customer")
        return found
    if customer is None:
        raise InvalidRequest("Missing required param: customer or subscription.",
                             code="parameter_missing", param="customer")
    owner = payment_selectors.customer_get(id=customer, merchant=merchant, livemode=livemode,
                                           param="customer")
    live = [candidate for candidate in selectors.subscription_list(
        merchant=merchant, livemode=livemode, customer=owner.id)
        if candidate.status in Subscription.RENEWABLE]
    if len(live) != 1:
        raise _none_upcoming(owner.id)
    return live[0]


def _none_upcoming(customer_id: str) -> InvalidRequest:
    return InvalidRequest(f"No upcoming invoices for customer: {customer_id}",
                          code="invoice_upcoming_none")


def _next_invoice(subscription: Subscription, *, actor: Actor) -> Invoice:
    """In the preview's transaction: the renewal's invoice, made as the engine makes it (at
    the period's end), but a hidden draft, with the amount the customer will be asked for."""
    if (subscription.status not in Subscription.RENEWABLE or subscription.cancel_at_period_end
            or (subscription.cancel_at is not None
                and subscription.cancel_at <= subscription.current_period_end)):
        raise _none_upcoming(subscription.customer_id)
    start = subscription.current_period_end
    end = period_end_after(subscription.billing_cycle_anchor, interval=subscription.interval,
                           interval_count=subscription.interval_count, after=start)
    with clock.bound(start):
        if subscription.status == Subscription.Status.TRIALING:
            subscription.end_trial()
        subscription.move_period(start=start, end=end)
        subscription.save()
        SubscriptionItem.objects.filter(subscription=subscription).update(
            current_period_start=start, current_period_end=end)
        invoice = subscription_invoice_make(subscription, reason=Invoice.BillingReason.UPCOMING,
                                            actor=actor, provisional=True)
    invoice.amount_due = invoice_amount_due_if_finalized(invoice)
    invoice.amount_remaining = invoice.amount_due
    return invoice
