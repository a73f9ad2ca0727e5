"""Invoice items: create, update and delete, pending or on a draft invoice, whose line (and
totals) follow each change in the same transaction."""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction

from billing import selectors
from billing.models import Invoice, InvoiceItem, InvoiceLineItem
from billing.services.common import TOTALS_FIELDS, invoice_rendered, invoice_totals_refresh
from core import clock
from core.actor import Actor
from core.exceptions import InvalidParameter, InvalidRequest, ObjectBusy
from core.metadata import MetadataUpdate, metadata_apply
from core.money import MAXIMUM_AMOUNT
from core.types import NOT_GIVEN, Maybe
from core.wire import render
from merchants.models import Merchant
from payments import selectors as payment_selectors
from payments.models import Customer
from webhooks.services import EventSpec, events_record, previous_attributes

NOT_EDITABLE = ("The invoice this item is on ({invoice}) is no longer a draft: its items "
                "cannot be changed. Create a new invoice item for the next invoice instead.")


def _amount_of(unit_amount_decimal: Decimal, quantity: int) -> int:
    """The unit amount times the quantity, rounded half up to the minor unit."""
    return int((unit_amount_decimal * quantity).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _priced(*, amount: int | None, unit_amount_decimal: Decimal | None,
            quantity: int | None) -> tuple[int, Decimal, int]:
    """(amount, unit amount, quantity) from what was given: a plain `amount` (its own unit
    amount, a quantity of 1) or a unit amount and a quantity (1 by default). The catalogue's
    `price` will be a third way in, resolved to a unit amount here."""
    if amount is not None and unit_amount_decimal is not None:
        raise InvalidParameter("You may only specify one of these parameters: amount, "
                               "unit_amount, unit_amount_decimal.",
                               code="parameters_exclusive", param="amount")
    if amount is None and unit_amount_decimal is None:
        raise InvalidParameter("You must specify either `amount` or `unit_amount` (or "
                               "`unit_amount_decimal`).", code="parameter_missing",
                               param="amount")
    if amount is not None:
        if quantity not in (None, 1):
            raise InvalidParameter("`quantity` can only be given with `unit_amount` or "
                                   "`unit_amount_decimal`: an `amount` is the whole item's.",
                                   param="quantity")
        priced = (amount, Decimal(amount), 1)
    else:
        quantity = 1 if quantity is None else quantity
        priced = (_amount_of(unit_amount_decimal, quantity), unit_amount_decimal, quantity)
    _check_amount(priced[0])
    return priced


def _check_amount(amount: int) -> None:
    if abs(amount) > MAXIMUM_AMOUNT:
        raise InvalidParameter(f"The invoice item's amount must be between -{MAXIMUM_AMOUNT} "
                               f"and {MAXIMUM_AMOUNT}.", code="amount_too_large",
                               param="amount")


def _currency_for(*, currency: str | None, customer: Customer, invoice: Invoice | None) -> str:
    chosen = currency or (invoice.currency if invoice else None) or customer.currency
    if chosen is None:
        raise InvalidParameter("Missing required param: currency.", code="parameter_missing",
                               param="currency")
    if invoice is not None and chosen != invoice.currency:
        raise InvalidRequest(
            f"The invoice item's currency ({chosen}) must be the currency of the invoice "
            f"{invoice.id} ({invoice.currency}).", param="currency")
    return chosen


def _check_on_draft(invoice: Invoice, customer: Customer) -> None:
    if not invoice.is_draft:
        raise InvalidRequest(NOT_EDITABLE.format(invoice=invoice.id),
                             code="invoice_not_editable", param="invoice")
    if invoice.customer_id != customer.id:
        raise InvalidRequest(
            f"The invoice {invoice.id} belongs to another customer ({invoice.customer_id}) "
            f"than this invoice item ({customer.id}).", param="invoice")


def line_from_item(item: InvoiceItem, line: InvoiceLineItem | None = None) -> InvoiceLineItem:
    """The item's line (new, or `line` brought in step), not saved."""
    line = line or InvoiceLineItem(merchant_id=item.merchant_id, livemode=item.livemode,
                                   invoice_id=item.invoice_id, invoice_item=item,
                                   created=item.created)
    for field in ("amount", "currency", "description", "quantity", "unit_amount_decimal",
                  "period_start", "period_end", "proration", "discountable", "metadata",
                  "subscription_item_id", "price_id"):
        setattr(line, field, getattr(item, field))
    return line


def invoice_item_create(
        *, merchant: Merchant, livemode: bool, actor: Actor, customer: str,
        amount: int | None = None, unit_amount_decimal: Decimal | None = None,
        quantity: int | None = None, currency: str | None = None,
        description: str | None = None, period_start: datetime | None = None,
        period_end: datetime | None = None, invoice: str | None = None,
        discountable: bool | None = None, metadata: MetadataUpdate | None = None,
) -> InvoiceItem:
    """Creates an invoice item for `customer` (`invoiceitem.created`): pending, or on the
    draft `invoice` (locked) as a new line, whose totals follow (`invoice.updated`). Its
    period is the moment of creation unless given."""
    priced_amount, unit, quantity = _priced(amount=amount,
                                            unit_amount_decimal=unit_amount_decimal,
                                            quantity=quantity)
    now = clock.now()
    with transaction.atomic(durable=True):
        owner = payment_selectors.customer_get(id=customer, merchant=merchant,
                                               livemode=livemode, param="customer")
        draft = None
        if invoice is not None:
            draft = selectors.invoice_get_locked(id=invoice, merchant=merchant,
                                                 livemode=livemode, param="invoice")
            _check_on_draft(draft, owner)
        item = InvoiceItem(
            merchant=merchant, livemode=livemode, customer=owner, invoice=draft,
            amount=priced_amount, unit_amount_decimal=unit, quantity=quantity,
            currency=_currency_for(currency=currency, customer=owner, invoice=draft),
            description=description, period_start=period_start or now,
            period_end=period_end or period_start or now,
            discountable=True if discountable is None else discountable,
            metadata=metadata_apply({}, metadata), created=now)
        _check_period(item)
        item.save()
        specs = [EventSpec("invoiceitem.created", item)]
        if draft is not None:
            specs += _line_changed(draft, lambda: line_from_item(item).save())
        events_record(*specs)
    return item


def _check_period(item: InvoiceItem) -> None:
    if item.period_end < item.period_start:
        raise InvalidParameter("The period's end must not be before its start.",
                               param="period[end]")


def _line_changed(invoice: Invoice, change) -> list[EventSpec]:
    """Runs `change` (a write to the draft's lines), refreshes the draft's totals and gives
    the `invoice.updated` the change owes (none when the invoice's wire form is unchanged)."""
    before = invoice_rendered(invoice)
    change()
    invoice_totals_refresh(invoice)
    invoice.save(update_fields=TOTALS_FIELDS)
    after = invoice_rendered(invoice)
    changed = previous_attributes(before, after)
    return [EventSpec("invoice.updated", invoice, previous_attributes=changed,
                      payload=after)] if changed else []


def _item_and_invoice_locked(*, id: str, merchant: Merchant,  # noqa: A002
                             livemode: bool) -> tuple[InvoiceItem, Invoice | None]:
    """The item and the invoice it is on, locked in the order invoice → item. An item that
    moved to an invoice between the two reads (an invoice took it) is busy: retry."""
    unlocked = selectors.invoice_item_get(id=id, merchant=merchant, livemode=livemode)
    invoice = (selectors.invoice_get_locked_by_id(id=unlocked.invoice_id)
               if unlocked.invoice_id else None)
    item = selectors.invoice_item_get_locked(id=id, merchant=merchant, livemode=livemode)
    if item.invoice_id != unlocked.invoice_id:
        raise ObjectBusy
    return item, invoice


def _check_editable(item: InvoiceItem, invoice: Invoice | None) -> None:
    if invoice is not None and not invoice.is_draft:
        raise InvalidRequest(NOT_EDITABLE.format(invoice=invoice.id),
                             code="invoice_not_editable", param="id")


def invoice_item_update(
        *, id: str, merchant: Merchant, livemode: bool, actor: Actor,  # noqa: A002
        amount: Maybe[int] = NOT_GIVEN, unit_amount_decimal: Maybe[Decimal] = NOT_GIVEN,
        quantity: Maybe[int] = NOT_GIVEN, description: Maybe[str | None] = NOT_GIVEN,
        period_start: Maybe[datetime] = NOT_GIVEN, period_end: Maybe[datetime] = NOT_GIVEN,
        discountable: Maybe[bool] = NOT_GIVEN, metadata: MetadataUpdate | None = None,
) -> InvoiceItem:
    """Updates an item that is pending or on a draft (`invoice_not_editable` otherwise):
    `invoiceitem.updated` with the old values, and the draft's line and totals in step
    (`invoice.updated`). A new amount replaces the unit amount; a new unit amount or
    quantity recomputes the amount."""
    with transaction.atomic(durable=True):
        item, invoice = _item_and_invoice_locked(id=id, merchant=merchant, livemode=livemode)
        _check_editable(item, invoice)
        before = render(item)
        if amount is not NOT_GIVEN:
            item.amount, item.unit_amount_decimal, item.quantity = _priced(
                amount=amount, quantity=None if quantity is NOT_GIVEN else quantity,
                unit_amount_decimal=None if unit_amount_decimal is NOT_GIVEN
                else unit_amount_decimal)
        elif unit_amount_decimal is not NOT_GIVEN or quantity is not NOT_GIVEN:
            item.amount, item.unit_amount_decimal, item.quantity = _priced(
                amount=None, quantity=item.quantity if quantity is NOT_GIVEN else quantity,
                unit_amount_decimal=item.unit_amount_decimal
                if unit_amount_decimal is NOT_GIVEN else unit_amount_decimal)
        for field, value in (("description", description), ("period_start", period_start),
                             ("period_end", period_end), ("discountable", discountable)):
            if value is not NOT_GIVEN:
                setattr(item, field, value)
        _check_period(item)
        item.metadata = metadata_apply(item.metadata, metadata)
        item.save()
        after = render(item)
        changed = previous_attributes(before, after)
        if not changed:
            return item
        specs = [EventSpec("invoiceitem.updated", item, previous_attributes=changed,
                           payload=after)]
        if invoice is not None:
            specs += _line_changed(invoice, lambda: line_from_item(item, item.line).save())
        events_record(*specs)
    return item


def invoice_item_delete(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                        actor: Actor) -> InvoiceItem:
    """Deletes an item that is pending or on a draft (its line goes with it, and the draft's
    totals follow): `invoiceitem.deleted` carrying the item as it was."""
    with transaction.atomic(durable=True):
        item, invoice = _item_and_invoice_locked(id=id, merchant=merchant, livemode=livemode)
        _check_editable(item, invoice)
        payload = render(item)
        specs = [EventSpec("invoiceitem.deleted", item, payload=payload)]
        if invoice is not None:
            specs += _line_changed(invoice, item.delete)
        else:
            item.delete()
        item.id = payload["id"]  # Django clears the pk of a deleted row
        events_record(*specs)
    return item


def invoice_items_take(*, invoice: Invoice, only: list[str] | None = None) -> list[InvoiceItem]:
    """In the caller's transaction (the new draft saved): the customer's pending items in
    the invoice's currency (those of `only`, when given) move onto it, each with its line
    (totals left to the caller)."""
    items = selectors.invoice_items_pending_locked(customer_id=invoice.customer_id,
                                                   currency=invoice.currency, only=only)
    for item in items:
        item.invoice = invoice
        item.save(update_fields=["invoice"])
    InvoiceLineItem.objects.bulk_create([line_from_item(item) for item in items])
    return items


def invoice_items_release(*, invoice: Invoice) -> None:
    """In the caller's transaction (a draft being deleted): its items become pending again,
    for the next invoice, and their lines go."""
    invoice.lines.all().delete()
    selectors.invoice_items_of(invoice=invoice).update(invoice=None)
