"""Subscriptions: create (the first invoice made, finalized and charged at once), update,
cancel, and how a subscription follows its invoices' payments.

Each change is one transaction with the subscription locked; charges happen after it
commits, through invoice_pay (payments' intents), never under a lock. The invoice's payment
outcome (billing.outcomes) moves the subscription in payments' recording transaction:
a paid invoice makes it `active`, a failed renewal `past_due`.
"""

import logging
from datetime import datetime, timedelta
from typing import Any, Literal

from django.db import transaction

from billing import selectors
from billing.models import Invoice, Price, Subscription, SubscriptionItem
from billing.services.common import NO_PAYMENT_METHOD, NO_PAYMENT_METHOD_CODE, invoice_rendered
from billing.services.discounts import DiscountSpec, subscription_discounts_set
from billing.services.inline_prices import inline_prices_insert
from billing.services.invoice_items import invoice_items_release
from billing.services.invoice_payments import invoice_pay
from billing.services.invoices import invoice_amount_due_if_finalized, invoice_finalize_locked
from billing.services.subscription_anchors import AnchorConfig, FirstPeriod, first_period_plan
from billing.services.subscription_collection import subscription_collection_check
from billing.services.subscription_invoice_items import (
    InvoiceItemSpec,
    PlannedInvoiceItem,
    add_invoice_items_check,
    add_invoice_items_create,
)
from billing.services.subscription_invoices import subscription_invoice_make
from billing.services.subscription_terms import (
    ItemSpec,
    cancel_at_check,
    subscription_payment_method_check,
    subscription_prices_check,
    trial_end_check,
    trial_missing_payment_method_check,
)
from core import clock
from core.actor import TILL, Actor
from core.audit import status_change_record
from core.exceptions import (
    DomainError,
    InvalidParameter,
    InvalidRequest,
    ObjectBusy,
)
from core.hooks import PaymentOutcome
from core.metadata import MetadataUpdate, metadata_apply
from core.wire import render
from merchants.models import Merchant
from payments import selectors as payment_selectors
from payments import services as payment_services
from payments.clocks import customer_time
from payments.models import Customer, PaymentIntent, PaymentMethod
from payments.processors import processor_for
from payments.processors.base import ProcessorUnavailable
from webhooks.services import EventSpec, events_record, previous_attributes

logger = logging.getLogger("till.billing")

PAYMENT_BEHAVIORS = ("allow_incomplete", "default_incomplete", "error_if_incomplete")
# How long error_if_incomplete's subscription may stay provisional (hidden) before beat drops
# it as a crash's leftover: far longer than any payment attempt takes.
PROVISIONAL_FOR = timedelta(hours=1)
# How long before a trial's end `customer.subscription.trial_will_end` is sent.
TRIAL_WILL_END_BEFORE = timedelta(days=3)


def subscription_rendered(subscription: Subscription) -> dict[str, Any]:
    """The wire form now (items read afresh: a prefetched list may be stale)."""
    getattr(subscription, "_prefetched_objects_cache", {}).pop("items", None)
    return render(subscription)


def subscription_upcoming_notice_schedule(subscription: Subscription) -> None:
    """When `invoice.upcoming` is due for the current period, set on the subscription (saved
    by the caller): the merchant's `upcoming_invoice_days` before the period's end; none
    when the merchant sends none (0) or when that moment falls before the period began."""
    days = subscription.merchant.upcoming_invoice_days
    at = subscription.current_period_end - timedelta(days=days)
    subscription.upcoming_notice_at = (at if days and at > subscription.current_period_start
                                       else None)


def subscription_updated_record(subscription: Subscription, before: dict[str, Any]) -> None:
    """`customer.subscription.updated` with the old values of what changed; nothing when
    nothing did."""
    after = subscription_rendered(subscription)
    changed = previous_attributes(before, after)
    if changed:
        events_record(EventSpec("customer.subscription.updated", subscription,
                                previous_attributes=changed, payload=after))


# -- create --------------------------------------------------------------------------------

def subscription_create(
        *, merchant: Merchant, livemode: bool, actor: Actor, customer: str,
        items: list[ItemSpec], default_payment_method: str | None = None,
        payment_behavior: str = "allow_incomplete", off_session: bool = False,
        collection_method: str | None = None, days_until_due: int | None = None,
        description: str | None = None,
        metadata: MetadataUpdate | None = None, trial_period_days: int | None = None,
        trial_end: datetime | Literal["now"] | None = None,
        trial_missing_payment_method: str | None = None,
        discounts: list[DiscountSpec] | None = None,
        cancel_at: datetime | None = None, billing_cycle_anchor: datetime | None = None,
        billing_cycle_anchor_config: AnchorConfig | None = None,
        backdate_start_date: datetime | None = None,
        proration_behavior: str = "create_prorations",
        add_invoice_items: list[InvoiceItemSpec] | None = None) -> Subscription:
    """Creates a subscription (`customer.subscription.created`, `incomplete`) and its first
    invoice, for the first period from now, finalized and charged at once (after the
    subscription's transaction commits). Paid: `active` (by the payment's outcome, in the
    transaction that records it). Declined: it stays `incomplete`, its invoice open, for 23
    hours. `default_incomplete`: nothing is charged now. `error_if_incomplete`: the payment
    comes first, and a decline is raised with nothing of the subscription created.
    With a trial (`trial_period_days`, or `trial_end` later than now): `trialing`, its first
    period the trial, billed by a paid invoice for nothing; no payment method is needed
    until the trial ends (the engine then bills the first paid period, or does what
    `trial_missing_payment_method` says when there is nothing to charge).
    `discounts` (billing.services.discounts) are redeemed with it and apply to its invoices,
    the first one included. `cancel_at` (in the future): the engine cancels it then.
    `collection_method=send_invoice` (with `days_until_due`): `active` at once, no payment
    method needed; its invoices (first and renewals) are finalized due `days_until_due` days
    later and emailed to the customer (`invoice.sent`), never charged by the engine.
    `billing_cycle_anchor` (or `_config`), `backdate_start_date` and `proration_behavior`
    lay its periods out (billing.services.subscription_anchors): the time before a later
    anchor, or since a backdated start, is prorated on the first invoice (free with
    `none`). Items' `price_data` make inactive prices (billing.services.inline_prices);
    `add_invoice_items` are one-time lines of the first invoice only. Nothing is written
    before every check has passed."""
    if payment_behavior not in PAYMENT_BEHAVIORS:
        raise InvalidParameter(f"Invalid payment_behavior: must be one of "
                               f"{', '.join(PAYMENT_BEHAVIORS)}.", param="payment_behavior")
    send_invoice = subscription_collection_check(collection_method, days_until_due)
    if payment_behavior != "default_incomplete" and not send_invoice:
        # A mode without a processor is refused before anything is made, as `pay` refuses.
        processor_for(merchant=merchant, livemode=livemode)
    owner = payment_selectors.customer_get(id=customer, merchant=merchant, livemode=livemode,
                                           param="customer")
    prices = subscription_prices_check(items, merchant=merchant, livemode=livemode)
    added = add_invoice_items_check(add_invoice_items or [], merchant=merchant,
                                    livemode=livemode, currency=prices[0].currency)
    method = subscription_payment_method_check(default_payment_method, owner)
    method_id = (method.id if method else
                 owner.invoice_settings.get("default_payment_method"))
    missing = trial_missing_payment_method_check(trial_missing_payment_method)
    with customer_time(owner):
        trial = trial_end_check(trial_period_days, trial_end, now=clock.now())
        cancel_at = cancel_at_check(cancel_at, cancel_at_period_end=None, now=clock.now())
        layout = first_period_plan(
            now=clock.now(), interval=prices[0].recurring_interval,
            interval_count=prices[0].recurring_interval_count, trial_end=trial,
            billing_cycle_anchor=billing_cycle_anchor,
            anchor_config=billing_cycle_anchor_config,
            backdate_start_date=backdate_start_date, proration_behavior=proration_behavior)
        if (method_id is None and payment_behavior != "default_incomplete" and trial is None
                and not send_invoice):
            raise InvalidRequest(NO_PAYMENT_METHOD, code=NO_PAYMENT_METHOD_CODE)
        if payment_behavior == "error_if_incomplete" and trial is None and not send_invoice:
            _paid_first_check(owner, discounts=discounts, items=items, added=added)
            return _create_paid_first(owner, items, prices, method=method, method_id=method_id,
                                      actor=actor, description=description, metadata=metadata,
                                      cancel_at=cancel_at, layout=layout,
                                      anchor_config=billing_cycle_anchor_config)
        with transaction.atomic(durable=True):
            subscription = _subscription_make(owner, items, prices, method=method,
                                              description=description, metadata=metadata,
                                              actor=actor, trial_end=trial, cancel_at=cancel_at,
                                              missing_payment_method=missing,
                                              days_until_due=days_until_due, layout=layout,
                                              anchor_config=billing_cycle_anchor_config)
            if discounts:
                subscription_discounts_set(subscription, specs=discounts, actor=actor)
            add_invoice_items_create(subscription, added)
            invoice = subscription_invoice_make(
                subscription, reason=Invoice.BillingReason.SUBSCRIPTION_CREATE, actor=actor,
                backdated_from=layout.backdated_from)
            _activate_if_paid(subscription, invoice)
            subscription.save()
        if (payment_behavior == "allow_incomplete" and invoice.status == Invoice.Status.OPEN
                and not send_invoice):
            subscription_invoice_charge(invoice, actor=actor, off_session=off_session)
    return selectors.subscription_get(id=subscription.id, merchant=merchant, livemode=livemode)


def _paid_first_check(owner: Customer, *, discounts: list[DiscountSpec] | None,
                      items: list[ItemSpec], added: list[PlannedInvoiceItem]) -> None:
    """What `error_if_incomplete` cannot take yet: its first charge is taken before any
    invoice (or discount) exists, and a provisional subscription makes nothing it would have
    to announce (inline prices) or take back."""
    if discounts or owner.discount_id:
        raise InvalidRequest("Discounts (the subscription's or its customer's) with "
                             "`payment_behavior=error_if_incomplete` are not "
                             "supported by Till yet.", param="discounts")
    for index, item in enumerate(items):
        if item.price_data is not None:
            raise InvalidRequest("`price_data` with `payment_behavior=error_if_incomplete` is "
                                 "not supported by Till yet.",
                                 param=f"items[{index}][price_data]")
    if added:
        raise InvalidRequest("`add_invoice_items` with `payment_behavior=error_if_incomplete` "
                             "is not supported by Till yet.", param="add_invoice_items")


def _subscription_make(owner: Customer, items: list[ItemSpec], prices: list[Price], *,
                       method: PaymentMethod | None, description: str | None,
                       metadata: MetadataUpdate | None, actor: Actor, layout: FirstPeriod,
                       provisional: bool = False, trial_end: datetime | None = None,
                       cancel_at: datetime | None = None,
                       missing_payment_method: str = Subscription.MissingPaymentMethod
                       .CREATE_INVOICE, days_until_due: int | None = None,
                       anchor_config: AnchorConfig | None = None) -> Subscription:
    """The subscription and its items (their inline prices inserted first), saved, in the
    caller's transaction, laid out as `layout` says (with a trial, its first period the
    trial), with `customer.subscription.created` — unless `provisional`: hidden and
    unannounced until its first payment succeeds (see _create_paid_first)."""
    now = clock.now()
    first = prices[0]
    start, end = layout.period_start, layout.period_end
    inline_prices_insert(prices)
    subscription = Subscription(
        merchant=owner.merchant, livemode=owner.livemode, customer=owner,
        currency=first.currency, default_payment_method=method, description=description,
        interval=first.recurring_interval, interval_count=first.recurring_interval_count,
        billing_cycle_anchor=layout.anchor, current_period_start=start,
        current_period_end=end, start_date=layout.start_date, created=now,
        metadata=metadata_apply({}, metadata),
        billing_cycle_anchor_config=anchor_config.to_json() if anchor_config else None,
        prorate_to_anchor=layout.prorate,
        provisional_until=clock.wall_now() + PROVISIONAL_FOR if provisional else None,
        trial_missing_payment_method=missing_payment_method, cancel_at=cancel_at,
        canceled_at=now if cancel_at else None)
    if days_until_due is not None:
        subscription.collection_method = Subscription.CollectionMethod.SEND_INVOICE
        subscription.days_until_due = days_until_due
        if trial_end is None:
            # Stripe's: a send_invoice subscription is created `active`, its first invoice
            # open for the customer to pay once it is sent.
            subscription.activate()
    if trial_end is not None:
        subscription.start_trial(start=now, end=trial_end,
                                 will_end_at=max(trial_end - TRIAL_WILL_END_BEFORE, now))
    subscription_upcoming_notice_schedule(subscription)
    subscription.save()
    SubscriptionItem.objects.bulk_create([SubscriptionItem(
        merchant=owner.merchant, livemode=owner.livemode, subscription=subscription,
        price=price, quantity=item.quantity, current_period_start=start,
        current_period_end=end, created=now) for item, price in zip(items, prices,
                                                                    strict=True)])
    status_change_record(obj=subscription, source="created", actor=actor)
    if not provisional:
        events_record(EventSpec("customer.subscription.created", subscription,
                                payload=subscription_rendered(subscription)))
    return subscription


def _activate_if_paid(subscription: Subscription, invoice: Invoice) -> None:
    """A first invoice with nothing due is paid at finalization: the subscription starts
    `active` (its `.updated` follows the `.created`, as for a charged one). A trial's stays
    `trialing`."""
    if (invoice.status != Invoice.Status.PAID
            or subscription.status != Subscription.Status.INCOMPLETE):
        return
    before = subscription_rendered(subscription)
    source = subscription.status
    subscription.activate()
    subscription.save()
    status_change_record(obj=subscription, source=source, actor=TILL)
    subscription_updated_record(subscription, before)


def _create_paid_first(owner: Customer, items: list[ItemSpec], prices: list[Price], *,
                       method: PaymentMethod | None, method_id: str, actor: Actor,
                       description: str | None, metadata: MetadataUpdate | None,
                       layout: FirstPeriod, cancel_at: datetime | None = None,
                       anchor_config: AnchorConfig | None = None) -> Subscription:
    """`error_if_incomplete`: the subscription and its first invoice are made first, but
    provisional (hidden from every read, unannounced), and the invoice's amount is charged
    then. The payment's success reveals them in the transaction that records it
    (subscription_provisional_reveal): `active`, the invoice paid, so no crash can leave money
    taken for a subscription that does not exist. Anything else — a decline (raised, Stripe's
    402), 3-D Secure wanted — cancels the payment and drops them: nothing is created. What a
    crash leaves provisional, beat's engine drops (subscriptions_provisional_drop_due)."""
    with transaction.atomic(durable=True):
        subscription = _subscription_make(owner, items, prices, method=method,
                                          description=description, metadata=metadata,
                                          actor=actor, provisional=True, cancel_at=cancel_at,
                                          layout=layout, anchor_config=anchor_config)
        invoice = subscription_invoice_make(
            subscription, reason=Invoice.BillingReason.SUBSCRIPTION_CREATE, actor=actor,
            provisional=True, backdated_from=layout.backdated_from)
        subscription.save(update_fields=["latest_invoice"])
        amount = invoice_amount_due_if_finalized(invoice)
    intent: PaymentIntent | None = None
    try:
        if amount == 0:
            # Nothing to charge: revealed now, its invoice paid at finalization.
            with transaction.atomic(durable=True):
                _provisional_reveal(invoice.id)
        else:
            intent = _first_intent_make(invoice, amount=amount, method_id=method_id,
                                        actor=actor)
            intent = payment_services.payment_intent_confirm(
                id=intent.id, merchant=owner.merchant, livemode=owner.livemode, actor=actor,
                off_session=True)
    except (DomainError, ProcessorUnavailable):
        subscription_provisional_drop(id=subscription.id, actor=actor)
        raise
    if intent is not None and intent.status != PaymentIntent.Status.SUCCEEDED:
        subscription_provisional_drop(id=subscription.id, actor=actor)
        raise InvalidRequest("The subscription's first payment was not completed, and "
                             "`payment_behavior=error_if_incomplete` creates nothing then.",
                             code="subscription_payment_intent_requires_action",
                             payment_intent=intent)
    return subscription


def _first_intent_make(invoice: Invoice, *, amount: int, method_id: str,
                       actor: Actor) -> PaymentIntent:
    """The provisional invoice's one payment intent (purpose `subscription_create`: its
    outcome reveals the subscription, billing.outcomes), linked under the invoice's lock."""
    intent = payment_services.payment_intent_create(
        merchant=invoice.merchant, livemode=invoice.livemode, actor=actor, amount=amount,
        currency=invoice.currency, customer=invoice.customer_id, payment_method=method_id,
        purpose="subscription_create", invoice=invoice.id)
    with transaction.atomic(durable=True):
        current = selectors.invoice_get_locked_by_id(id=invoice.id)
        if current is not None:
            current.payment_intent = intent
            current.save(update_fields=["payment_intent"])
    if current is None:  # dropped meanwhile (a sweep judged it a crash's leftover)
        raise ObjectBusy
    return intent


def subscription_provisional_reveal(*, intent: PaymentIntent, outcome: PaymentOutcome) -> bool:
    """In payments' recording transaction: error_if_incomplete's first payment succeeded, so
    its provisional subscription and invoice are revealed, in Stripe's order of events
    (`customer.subscription.created`, `invoice.created`, `invoice.finalized`); the invoice
    then follows its payment as any invoice does (paid, the subscription `active`). Returns
    whether it should: False for any other outcome, which leaves them provisional for their
    creator (or beat) to drop."""
    if outcome != PaymentOutcome.SUCCEEDED or intent.invoice_id is None:
        return False
    return _provisional_reveal(intent.invoice_id)


def _provisional_reveal(invoice_id: str) -> bool:
    """The caller's transaction: the provisional invoice locked, then its subscription (the
    lock order), revealed and the invoice finalized (the customer locked by finalization)."""
    invoice = selectors.invoice_get_locked_by_id(id=invoice_id)
    if invoice is None:
        logger.error("invoice %s of a first subscription payment does not exist", invoice_id)
        return False
    if not invoice.provisional:
        return True  # revealed already: the invoice follows its payment
    subscription = selectors.subscription_get_locked_by_id(id=invoice.subscription_id)
    subscription.provisional_until = None
    subscription.save(update_fields=["provisional_until"])
    invoice.provisional = False
    invoice.save(update_fields=["provisional"])
    events_record(EventSpec("customer.subscription.created", subscription,
                            payload=subscription_rendered(subscription)),
                  EventSpec("invoice.created", invoice, payload=invoice_rendered(invoice)))
    invoice_finalize_locked(invoice, actor=TILL)
    _activate_if_paid(subscription, invoice)
    return True


def subscription_provisional_drop(*, id: str, actor: Actor) -> bool:  # noqa: A002
    """Drops a provisional subscription whose first payment did not succeed: the payment
    canceled first (so it can never succeed afterwards), then the subscription, its items and
    its draft invoice deleted, as if never made. A payment still in flight, or one that
    succeeded meanwhile (which revealed them), leaves them be. Returns whether dropped."""
    subscription = selectors.subscription_provisional_get(id=id)
    if subscription is None:
        return False
    invoice_id = subscription.latest_invoice_id
    intent = payment_selectors.payment_intent_of_invoice(
        invoice_id=invoice_id, merchant=subscription.merchant,
        livemode=subscription.livemode) if invoice_id else None
    if intent is not None and intent.status != PaymentIntent.Status.CANCELED:
        try:
            payment_services.payment_intent_cancel(
                id=intent.id, merchant=intent.merchant, livemode=intent.livemode, actor=actor,
                cancellation_reason=PaymentIntent.CancellationReason.ABANDONED)
        except DomainError as exc:  # in flight, or succeeded: not this caller's to drop
            logger.info("provisional subscription %s kept: its payment %s is %s (%s)", id,
                        intent.id, intent.status, exc)
            return False
    with transaction.atomic(durable=True):
        invoice = selectors.invoice_get_locked_by_id(id=invoice_id) if invoice_id else None
        subscription = selectors.subscription_get_locked_by_id(id=id)
        if subscription is None or not subscription.is_provisional:
            return False
        if invoice is not None:
            invoice_items_release(invoice=invoice)  # pending again, for the next invoice
            invoice.delete()
        subscription.items.all().delete()
        subscription.delete()
    return True


def subscription_invoice_charge(invoice: Invoice, *, actor: Actor,
                                off_session: bool = True) -> bool:
    """Charges a subscription's open invoice (no lock held); the outcome moves the
    subscription. A decline is recorded on the invoice, not raised. Returns whether paid."""
    try:
        paid = invoice_pay(id=invoice.id, merchant=invoice.merchant, livemode=invoice.livemode,
                           actor=actor, off_session=off_session)
    except (DomainError, ProcessorUnavailable) as exc:
        logger.info("payment of subscription invoice %s did not succeed: %s", invoice.id, exc)
        return False
    return paid.status == Invoice.Status.PAID


# -- the invoices' outcomes ----------------------------------------------------------------

def subscription_invoice_outcome_record(*, invoice: Invoice, outcome: PaymentOutcome) -> None:
    """In payments' recording transaction, after the invoice took its outcome (the invoice
    locked, then the subscription here): the subscription's latest invoice paid makes it
    `active` (from `incomplete` or `past_due`); a renewal's payment failing makes an active
    one `past_due` (its retries: billing.services.dunning).
    `customer.subscription.updated` when the status moved."""
    if invoice.subscription_id is None:
        return
    subscription = selectors.subscription_get_locked_by_id(id=invoice.subscription_id)
    if subscription is not None and subscription.pending_update_invoice_id == invoice.id:
        from billing.services.subscription_pending_updates import (  # imports this one
            subscription_pending_update_outcome,
        )

        subscription_pending_update_outcome(subscription, invoice, outcome)
        return
    if subscription is None or subscription.latest_invoice_id != invoice.id:
        return
    before = subscription_rendered(subscription)
    source = subscription.status
    if outcome == PaymentOutcome.SUCCEEDED and invoice.status == Invoice.Status.PAID:
        if source not in (Subscription.Status.INCOMPLETE, Subscription.Status.PAST_DUE,
                          Subscription.Status.UNPAID):
            return
        subscription.activate()
    elif (outcome in (PaymentOutcome.FAILED, PaymentOutcome.REQUIRES_ACTION)
          and invoice.billing_reason in (Invoice.BillingReason.SUBSCRIPTION_CYCLE,
                                         Invoice.BillingReason.SUBSCRIPTION_UPDATE)
          and source == Subscription.Status.ACTIVE):
        subscription.mark_past_due()
    else:
        return
    subscription.save()
    status_change_record(obj=subscription, source=source, actor=TILL)
    subscription_updated_record(subscription, before)
