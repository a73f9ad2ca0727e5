"""A subscription's invoices as its periods make them: the lines of the current period (a
trial's for nothing; a first period that ends on a later anchor prorated, as Stripe prorates
it; a backdated start's elapsed time), the customer's pending items, finalized.

Runs in the caller's transaction, the subscription locked: creation, renewal, resumption,
an update invoiced at once, a preview.
"""

from datetime import datetime
from decimal import Decimal

from billing import selectors
from billing.models import Invoice, InvoiceLineItem, Subscription, SubscriptionItem
from billing.periods import intervals_between
from billing.pricing import price_line_amount
from billing.prorations import prorated, proration_description
from billing.services.common import (
    TOTALS_FIELDS,
    invoice_rendered,
    invoice_totals_refresh,
    transition_record,
)
from billing.services.discounts import subscription_invoice_discount_ids
from billing.services.invoice_items import invoice_items_take
from billing.services.invoices import invoice_finalize_locked
from billing.services.subscription_collection import subscription_invoice_collection
from billing.services.subscription_pauses import (
    paused_invoice_close,
    paused_invoice_keep_as_draft,
)
from core import clock
from core.actor import Actor
from webhooks.services import EventSpec, events_record

# What a prorated line's unit amount keeps of an amount split over a quantity.
_UNIT_PLACES = Decimal("1e-12")


def subscription_invoice_make(subscription: Subscription, *, reason: str, actor: Actor,
                              provisional: bool = False, item_lines: bool = True,
                              backdated_from: datetime | None = None,
                              only_items: list[str] | None = None) -> Invoice:
    """In the caller's transaction (the subscription locked): the invoice of the
    subscription's current period (`invoice.created`), one line per item, finalized
    (`invoice.finalized`; paid at once when nothing is due). The database refuses a second
    invoice for the same period (IntegrityError, for the caller). `provisional` (a
    provisional subscription's first invoice): a hidden draft, with no event, which the
    payment's success finalizes (subscription_provisional_reveal). Without `item_lines`
    (an update invoiced at once): only the pending items, for the moment it is made.
    `backdated_from` (a creation backdated before its current period): each item's elapsed
    time from then to the period's start, on a line of its own. `only_items`: of the
    customer's pending items, only these ones come along (an `error_if_incomplete` update's)."""
    customer = subscription.customer
    now = clock.now()
    invoice = Invoice(
        merchant=subscription.merchant, livemode=subscription.livemode, customer=customer,
        currency=subscription.currency, subscription=subscription,
        collection_method=Invoice.CollectionMethod.CHARGE_AUTOMATICALLY, auto_advance=True,
        billing_reason=reason, footer=customer.invoice_settings.get("footer"),
        custom_fields=customer.invoice_settings.get("custom_fields"),
        default_payment_method=subscription.default_payment_method, created=now,
        discount_ids=subscription_invoice_discount_ids(subscription),
        period_start=subscription.current_period_start if item_lines else now,
        period_end=subscription.current_period_end if item_lines else now,
        provisional=provisional)
    subscription_invoice_collection(subscription, invoice)
    invoice.save()
    lines: list[InvoiceLineItem] = []
    if item_lines:
        for item in selectors.subscription_items(subscription=subscription):
            if backdated_from is not None and backdated_from < item.current_period_start:
                lines += _backdated_line(subscription, invoice, item, since=backdated_from,
                                         now=now)
            lines.append(_period_line(subscription, invoice, item, now=now))
    InvoiceLineItem.objects.bulk_create(lines)
    # The customer's pending invoice items (a change's prorations among them) come along,
    # as Stripe's subscription invoices take them.
    invoice_items_take(invoice=invoice, only=only_items)
    invoice_totals_refresh(invoice)
    invoice.save(update_fields=TOTALS_FIELDS)
    transition_record(invoice, "created", actor)
    subscription.latest_invoice = invoice
    if provisional:
        return invoice
    events_record(EventSpec("invoice.created", invoice, payload=invoice_rendered(invoice)))
    if paused_invoice_keep_as_draft(subscription, invoice):
        return invoice
    invoice_finalize_locked(invoice, actor=actor)
    if invoice.next_payment_attempt is not None:
        # The engine charges it itself, right after this commits: the invoices' sweep must
        # not attempt it too. A failure sets it again: dunning's next retry.
        invoice.next_payment_attempt = None
        invoice.save(update_fields=["next_payment_attempt"])
    paused_invoice_close(subscription, invoice, actor=actor)
    return invoice


def _line(subscription: Subscription, invoice: Invoice, item: SubscriptionItem, *,
          amount: int, description: str, unit: Decimal, start: datetime, end: datetime,
          proration: bool, now: datetime) -> InvoiceLineItem:
    return InvoiceLineItem(
        merchant=subscription.merchant, livemode=subscription.livemode, invoice=invoice,
        type=InvoiceLineItem.Type.SUBSCRIPTION, subscription_item=item, price=item.price,
        amount=amount, currency=subscription.currency, description=description,
        quantity=item.quantity, unit_amount_decimal=unit, created=now, period_start=start,
        period_end=end, proration=proration)


def _period_line(subscription: Subscription, invoice: Invoice, item: SubscriptionItem, *,
                 now: datetime) -> InvoiceLineItem:
    """The item's line for the current period: free in a trial (Stripe's "Trial period
    for"); prorated (or free, with `proration_behavior=none`) when the period is the time
    before a later anchor; else the price's full amount."""
    start, end = subscription.current_period_start, subscription.current_period_end
    name = item.price.product.name
    full = f"{item.quantity} × {name}"
    if subscription.status == Subscription.Status.TRIALING:
        return _line(subscription, invoice, item, amount=0, unit=Decimal(0), start=start,
                     end=end, description=f"Trial period for {name}", proration=False,
                     now=now)
    if end <= subscription.billing_cycle_anchor:
        if not subscription.prorate_to_anchor:
            return _line(subscription, invoice, item, amount=0, unit=Decimal(0), start=start,
                         end=end, description=full, proration=False, now=now)
        return _prorated_line(subscription, invoice, item, start=start, end=end, now=now)
    return _line(subscription, invoice, item,
                 amount=price_line_amount(item.price, item.quantity),
                 unit=item.price.amount_per_unit or Decimal(0), start=start, end=end,
                 description=full, proration=False, now=now)


def _backdated_line(subscription: Subscription, invoice: Invoice, item: SubscriptionItem, *,
                    since: datetime, now: datetime) -> list[InvoiceLineItem]:
    """A backdated start's elapsed time before the current period, as one prorated line
    (Stripe's classic billing); none with `proration_behavior=none`."""
    if not subscription.prorate_to_anchor:
        return []
    return [_prorated_line(subscription, invoice, item, start=since,
                           end=item.current_period_start, now=now)]


def _prorated_line(subscription: Subscription, invoice: Invoice, item: SubscriptionItem, *,
                   start: datetime, end: datetime, now: datetime) -> InvoiceLineItem:
    share = intervals_between(start, end, interval=subscription.interval,
                              interval_count=subscription.interval_count)
    amount = prorated(price_line_amount(item.price, item.quantity), share)
    return _line(subscription, invoice, item, amount=amount,
                 unit=(Decimal(amount) / max(item.quantity, 1)).quantize(_UNIT_PLACES),
                 start=start, end=end, proration=True, now=now,
                 description=proration_description(credit=False, quantity=item.quantity,
                                                   product=item.price.product.name, at=start))
