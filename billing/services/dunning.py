"""Dunning: a renewal whose payment failed is retried on the merchant's schedule (days after
the first failure: Merchant.dunning_retry_days), then the merchant's final actions apply.

The failure itself is recorded by the outcome hook in payments' transaction: the invoice's
`next_payment_attempt` is set there (billing.services.invoice_payments), and when none
follows (the schedule spent, or a hard decline, which is never retried) the final actions
apply in that same transaction (`dunning_final_actions_record`): the subscription canceled
(`customer.subscription.deleted`), `unpaid` or left `past_due`
(`customer.subscription.updated`), the invoice left open or marked uncollectible
(`invoice.marked_uncollectible`). Stripe applies them when no retry follows, so a hard
decline takes them at once.

A retry (`invoice_retry`) takes the invoice with SKIP LOCKED, counts the attempt and leases
it (its `next_payment_attempt` an hour on, so a crash before the charge retries it later and
a second engine skips it), commits, then charges through `invoice_pay`, outside any lock:
the outcome replaces the lease with the schedule's next time (a charge refused before any
payment was made counts as a failed attempt all the same). A new default payment method
retries a past-due subscription's open invoice at once (`subscription_retry_with_new_default`).
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction

from billing import selectors
from billing.dunning import next_attempt_at
from billing.models import Invoice, Subscription
from billing.services.common import invoice_rendered, transition_record
from billing.services.invoice_payments import invoice_pay
from billing.services.subscription_cancellations import subscription_cancel_locked
from billing.services.subscriptions import (
    subscription_invoice_outcome_record,
    subscription_rendered,
    subscription_updated_record,
)
from core import clock
from core.actor import TILL
from core.audit import status_change_record
from core.exceptions import DomainError
from core.hooks import PaymentOutcome
from merchants.models import Merchant
from payments.clocks import customer_time
from payments.models import PaymentIntent
from payments.processors.base import ProcessorUnavailable
from webhooks.services import EventSpec, events_record

logger = logging.getLogger("till.billing")

# How long a retry holds its invoice before another engine may take it again: the outcome of
# its charge replaces it; only a crash (or no outcome) leaves it to run out.
RETRY_LEASE = timedelta(hours=1)
BATCH = 100


def invoice_retry_payment_method(invoice: Invoice) -> str | None:
    """What a retry charges, in Stripe's order: the subscription's default payment method,
    else the customer's `invoice_settings.default_payment_method`."""
    subscription = invoice.subscription
    return ((subscription.default_payment_method_id if subscription is not None else None)
            or invoice.customer.invoice_settings.get("default_payment_method"))


def _charge(invoice: Invoice, method: str) -> None:
    """The invoice charged through `invoice_pay` (no lock held); a decline is recorded by
    its outcome, not raised."""
    try:
        with customer_time(invoice.customer):
            invoice_pay(id=invoice.id, merchant=invoice.merchant, livemode=invoice.livemode,
                        actor=TILL, payment_method=method, off_session=True)
    except (DomainError, ProcessorUnavailable) as exc:
        logger.info("retry of invoice %s did not succeed: %s", invoice.id, exc)


def invoice_retry(*, id: str, now: datetime) -> bool:  # noqa: A002
    """One automatic retry of a subscription's open invoice whose `next_payment_attempt`
    has come by `now`, unless another process holds it: the attempt counted
    (`attempt_count`), the invoice leased, then charged after the commit. No payment method
    to charge: no retry (a new default retries it). Returns whether a retry was made."""
    with transaction.atomic(durable=True):
        invoice = selectors.invoice_get_locked_unless_busy(id=id)
        if (invoice is None or invoice.status != Invoice.Status.OPEN
                or invoice.subscription_id is None or invoice.next_payment_attempt is None
                or invoice.next_payment_attempt > now):
            return False
        method = invoice_retry_payment_method(invoice)
        if method is None:
            invoice.next_payment_attempt = None
            invoice.save(update_fields=["next_payment_attempt"])
            logger.info("invoice %s has no payment method to retry with", id)
            return False
        invoice.attempt_count += 1
        lease = invoice.next_payment_attempt = now + RETRY_LEASE
        invoice.save(update_fields=["attempt_count", "next_payment_attempt"])
    _charge(invoice, method)
    _unanswered_record(id, lease=lease)
    return True


def _payment_under_way(invoice: Invoice) -> bool:
    """Its payment was accepted and has not settled yet: the outcome will come."""
    intent = invoice.payment_intent
    return intent is not None and intent.status in (PaymentIntent.Status.PROCESSING,
                                                    PaymentIntent.Status.REQUIRES_CAPTURE,
                                                    PaymentIntent.Status.SUCCEEDED)


def _unanswered_record(id: str, *, lease: datetime) -> None:  # noqa: A002
    """A retry whose charge recorded no outcome (refused before the processor answered: the
    payment method unusable, the processor unreachable) still counts as a failed attempt:
    the lease gives way to the schedule's next time, or, none following, to the final
    actions; otherwise the invoice would be retried every lease, without end. An outcome
    recorded meanwhile (the lease replaced) or a paid invoice leave it as it is."""
    with transaction.atomic(durable=True):
        invoice = selectors.invoice_get_locked_by_id(id=id)
        if (invoice is None or invoice.status != Invoice.Status.OPEN
                or invoice.next_payment_attempt != lease or _payment_under_way(invoice)):
            return
        invoice.next_payment_attempt = next_attempt_at(
            first_attempt_at=invoice.finalized_at or clock.now(),
            attempt_count=invoice.attempt_count,
            retry_days=invoice.merchant.dunning_retry_days)
        invoice.save(update_fields=["next_payment_attempt"])
        dunning_final_actions_record(invoice=invoice, outcome=PaymentOutcome.FAILED)


def invoice_attempt_failed_without_payment_method(*, id: str) -> None:  # noqa: A002
    """A renewal's first automatic attempt with nothing to charge (a trial that ended with
    no card, its end behaviour `create_invoice`) fails as a decline does: the invoice
    attempted, `invoice.payment_failed` with the schedule's `next_payment_attempt`, the
    subscription `past_due`, and the final actions at once if no retry follows."""
    with transaction.atomic(durable=True):
        invoice = selectors.invoice_get_locked_by_id(id=id)
        if invoice is None or invoice.status != Invoice.Status.OPEN:
            return
        invoice.attempted = True
        invoice.attempt_count += 1
        invoice.next_payment_attempt = next_attempt_at(
            first_attempt_at=invoice.finalized_at or clock.now(),
            attempt_count=invoice.attempt_count,
            retry_days=invoice.merchant.dunning_retry_days)
        invoice.save(update_fields=["attempted", "attempt_count", "next_payment_attempt"])
        events_record(EventSpec("invoice.payment_failed", invoice,
                                payload=invoice_rendered(invoice)))
        subscription_invoice_outcome_record(invoice=invoice, outcome=PaymentOutcome.FAILED)
        dunning_final_actions_record(invoice=invoice, outcome=PaymentOutcome.FAILED)


def invoices_retry_due(*, now: datetime | None = None) -> int:
    """Beat's dunning on Till's clock: every subscription invoice whose retry is due, in
    batches, each in its own transaction; one another process holds is skipped. Customers on
    a test clock wait for their clock. Returns how many retries were made."""
    now = now or clock.now()
    retried, seen = 0, set()
    while True:
        ids = [pk for pk in selectors.invoice_ids_retry_due(now=now, limit=BATCH)
               if pk not in seen]
        if not ids:
            return retried
        seen.update(ids)
        retried += sum(invoice_retry(id=pk, now=now) for pk in ids)


def dunning_final_actions_record(*, invoice: Invoice, outcome: PaymentOutcome) -> None:
    """In payments' recording transaction, after the invoice and its subscription took the
    outcome (both locked, in that order): a renewal's failure after which no retry follows
    takes the merchant's final actions. The subscription's applies while this invoice is its
    latest and it is `past_due`; the invoice's while it is open. Each is taken once: what it
    leaves does not take it again."""
    if (outcome == PaymentOutcome.SUCCEEDED or invoice.status != Invoice.Status.OPEN
            or invoice.subscription_id is None or invoice.next_payment_attempt is not None
            or invoice.billing_reason != Invoice.BillingReason.SUBSCRIPTION_CYCLE):
        return
    merchant = invoice.merchant
    subscription = selectors.subscription_get_locked_by_id(id=invoice.subscription_id)
    if (subscription is not None and subscription.latest_invoice_id == invoice.id
            and subscription.status == Subscription.Status.PAST_DUE):
        action = merchant.dunning_subscription_action
        if action == Merchant.DunningSubscriptionAction.CANCEL:
            subscription_cancel_locked(subscription, reason="payment_failed", actor=TILL)
        elif action == Merchant.DunningSubscriptionAction.MARK_UNPAID:
            before = subscription_rendered(subscription)
            subscription.mark_unpaid()
            subscription.save()
            status_change_record(obj=subscription, source=Subscription.Status.PAST_DUE,
                                 actor=TILL)
            subscription_updated_record(subscription, before)
    if merchant.dunning_invoice_action == Merchant.DunningInvoiceAction.MARK_UNCOLLECTIBLE:
        source = invoice.status
        invoice.mark_uncollectible(at=clock.now())
        invoice.save()
        transition_record(invoice, source, TILL)
        events_record(EventSpec("invoice.marked_uncollectible", invoice,
                                payload=invoice_rendered(invoice)))


def subscription_retry_with_new_default(*, subscription_id: str) -> bool:
    """A past-due (or unpaid) subscription's open latest invoice charged at once with the
    payment method now first in Stripe's order (after the change that made it the default
    committed; no lock held). Not an automatic retry: `attempt_count` stays, and a decline
    leaves the schedule as it was. Returns whether a charge was attempted."""
    subscription = selectors.subscription_with_open_past_due_invoice(id=subscription_id)
    if subscription is None:
        return False
    invoice = subscription.latest_invoice
    if invoice.collection_method != Invoice.CollectionMethod.CHARGE_AUTOMATICALLY:
        return False  # a sent invoice is the customer's to pay, never charged by Till
    method = invoice_retry_payment_method(invoice)
    if method is None:
        return False
    _charge(invoice, method)
    return True


def customer_default_payment_method_changed(*, customer_id: str,
                                            payment_method_id: str) -> None:
    """Billing's handler (core.hooks) for a customer's new
    `invoice_settings.default_payment_method`: each of its past-due subscriptions without a
    default of its own (that one comes first in Stripe's order) retries its open invoice."""
    for subscription_id in selectors.subscription_ids_past_due_of_customer(
            customer_id=customer_id, without_default_payment_method=True):
        subscription_retry_with_new_default(subscription_id=subscription_id)

