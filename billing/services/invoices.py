"""Invoices: create, update and delete a draft, finalize, void, mark uncollectible, send.

Each use case is one transaction with the invoice locked. Finalization takes the customer's
lock too (invoice → customer): the number comes from the customer's sequence and the balance
is applied in the transaction that finalizes, so numbers are gapless and a balance is never
applied twice. Paying is invoice_payments'.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django_fsm import can_proceed

from billing import selectors
from billing.models import Invoice
from billing.services.common import (
    TOTALS_FIELDS,
    default_payment_method_check,
    invoice_rendered,
    invoice_totals_refresh,
    invoice_updated_record,
    transition_record,
)
from billing.services.discounts import (
    DiscountSpec,
    invoice_customer_discount_ids,
    invoice_discounts_set,
)
from billing.services.invoice_items import invoice_items_release, invoice_items_take
from core import clock
from core.actor import Actor
from core.exceptions import InvalidParameter, InvalidRequest, InvalidState
from core.ids import random_token
from core.metadata import MetadataUpdate, metadata_apply
from core.money import Money, minimum_amount
from core.types import NOT_GIVEN, Maybe
from merchants.models import Merchant
from payments import selectors as payment_selectors
from payments import services as payment_services
from payments.models import Customer
from webhooks.services import EventSpec, events_record

# A one-off invoice's currency when neither the request, the customer nor its pending items
# name one (Till's merchants have no default currency of their own yet).
DEFAULT_CURRENCY = "usd"
# Fields a finalized (open) invoice still takes, as Stripe's: nothing that moves money.
OPEN_UPDATABLE = {"auto_advance", "default_payment_method", "description", "footer",
                  "metadata", "days_until_due", "due_date"}
# And a paid, void or uncollectible one.
CLOSED_UPDATABLE = {"metadata", "description", "footer"}


@dataclass(frozen=True, slots=True)
class Due:
    """When a `send_invoice` invoice is due: so many days after it was created, or a date."""

    days_until_due: int | None = None
    due_date: datetime | None = None


def _check_collection(collection_method: str, due: Due) -> None:
    if collection_method == Invoice.CollectionMethod.SEND_INVOICE:
        if due.days_until_due is None and due.due_date is None:
            raise InvalidParameter(
                "You must specify either `due_date` or `days_until_due` when "
                "`collection_method` is `send_invoice`.", code="parameter_missing",
                param="days_until_due")
        if due.days_until_due is not None and due.due_date is not None:
            raise InvalidParameter("You may only specify one of these parameters: "
                                   "days_until_due, due_date.", code="parameters_exclusive",
                                   param="due_date")
    elif due.days_until_due is not None or due.due_date is not None:
        param = "days_until_due" if due.days_until_due is not None else "due_date"
        raise InvalidParameter(
            f"`{param}` can only be set when `collection_method` is `send_invoice`.",
            param=param)


def _apply_due(invoice: Invoice, due: Due) -> None:
    invoice.days_until_due = due.days_until_due
    invoice.due_date = due.due_date
    if due.days_until_due is not None:
        invoice.due_date = invoice.created + timedelta(days=due.days_until_due)


def _auto_finalization(invoice: Invoice) -> None:
    """A draft with auto_advance is finalized by beat's sweep after the draft period."""
    invoice.automatically_finalizes_at = (
        invoice.created + timedelta(seconds=settings.TILL_INVOICE_AUTO_FINALIZE_SECONDS)
        if invoice.auto_advance and invoice.is_draft else None)


def invoice_create(
        *, merchant: Merchant, livemode: bool, actor: Actor, customer: str,
        currency: str | None = None, collection_method: str | None = None,
        days_until_due: int | None = None, due_date: datetime | None = None,
        auto_advance: bool | None = None, description: str | None = None,
        footer: str | None = None, metadata: MetadataUpdate | None = None,
        pending_invoice_items_behavior: str = "exclude",
        default_payment_method: str | None = None,
        billing_reason: str = Invoice.BillingReason.MANUAL,
        discounts: list[DiscountSpec] | None = None) -> Invoice:
    """Creates a draft invoice for `customer` (`invoice.created`). With
    `pending_invoice_items_behavior="include"` the customer's pending items in the invoice's
    currency become its lines (Stripe's default for this API version is `exclude`: nothing is
    taken). The currency is the one given, else the customer's, else that of the customer's
    oldest pending item when they are included, else usd. `discounts` are redeemed for it
    (billing.services.discounts) and taken off its lines; not given (None), it inherits its
    customer's discount, as Stripe's do ([] : none)."""
    collection_method = collection_method or Invoice.CollectionMethod.CHARGE_AUTOMATICALLY
    due = Due(days_until_due=days_until_due, due_date=due_date)
    _check_collection(collection_method, due)
    include = pending_invoice_items_behavior == "include"
    now = clock.now()
    with transaction.atomic(durable=True):
        owner = payment_selectors.customer_get(id=customer, merchant=merchant,
                                               livemode=livemode, param="customer")
        invoice = Invoice(
            merchant=merchant, livemode=livemode, customer=owner,
            currency=currency or owner.currency or (include and _oldest_pending_currency(
                owner)) or DEFAULT_CURRENCY,
            collection_method=collection_method, auto_advance=bool(auto_advance),
            billing_reason=billing_reason, description=description,
            footer=footer or owner.invoice_settings.get("footer"),
            custom_fields=owner.invoice_settings.get("custom_fields"),
            default_payment_method=default_payment_method_check(default_payment_method, owner,
                                                                of="invoice"),
            metadata=metadata_apply({}, metadata), created=now, period_start=now,
            period_end=now)
        _apply_due(invoice, due)
        _auto_finalization(invoice)
        invoice.save()
        inherited = invoice_customer_discount_ids(invoice) if discounts is None else []
        if include or discounts or inherited:
            if include:
                invoice_items_take(invoice=invoice)
            if discounts:
                invoice_discounts_set(invoice, specs=discounts)
            invoice.discount_ids = invoice.discount_ids or inherited
            invoice_totals_refresh(invoice)
            invoice.save(update_fields=[*TOTALS_FIELDS, "discount_ids"])
        transition_record(invoice, "created", actor)
        events_record(EventSpec("invoice.created", invoice, payload=invoice_rendered(invoice)))
    return invoice


def _oldest_pending_currency(customer: Customer) -> str | None:
    item = (selectors.invoice_item_list(merchant=customer.merchant,
                                        livemode=customer.livemode, customer=customer.id,
                                        pending=True).order_by("created", "pk").first())
    return item.currency if item else None


def invoice_update(
        *, id: str, merchant: Merchant, livemode: bool, actor: Actor,  # noqa: A002
        auto_advance: Maybe[bool] = NOT_GIVEN, collection_method: Maybe[str] = NOT_GIVEN,
        days_until_due: Maybe[int | None] = NOT_GIVEN,
        due_date: Maybe[datetime | None] = NOT_GIVEN,
        default_payment_method: Maybe[str | None] = NOT_GIVEN,
        description: Maybe[str | None] = NOT_GIVEN, footer: Maybe[str | None] = NOT_GIVEN,
        metadata: MetadataUpdate | None = None,
        discounts: Maybe[list[DiscountSpec]] = NOT_GIVEN) -> Invoice:
    """Updates an invoice under its lock (`invoice.updated` with the old values). A draft
    takes every field; an open invoice nothing that moves money (not its collection method);
    a paid, void or uncollectible one only its metadata, description and footer."""
    given = {name for name, value in (
        ("auto_advance", auto_advance), ("collection_method", collection_method),
        ("days_until_due", days_until_due), ("due_date", due_date),
        ("default_payment_method", default_payment_method), ("description", description),
        ("footer", footer), ("discounts", discounts)) if value is not NOT_GIVEN}
    if metadata is not None:
        given.add("metadata")
    with transaction.atomic(durable=True):
        invoice = selectors.invoice_get_locked(id=id, merchant=merchant, livemode=livemode)
        _check_updatable(invoice, given)
        before = invoice_rendered(invoice)
        for field, value in (("auto_advance", auto_advance), ("description", description),
                             ("footer", footer), ("collection_method", collection_method)):
            if value is not NOT_GIVEN:
                setattr(invoice, field, value)
        if default_payment_method is not NOT_GIVEN:
            invoice.default_payment_method = default_payment_method_check(
                default_payment_method, invoice.customer, of="invoice")
        if {"collection_method", "days_until_due", "due_date"} & given:
            due = _due_after_update(invoice, given, days_until_due=days_until_due,
                                    due_date=due_date)
            _check_collection(invoice.collection_method, due)
            _apply_due(invoice, due)
        if discounts is not NOT_GIVEN:
            invoice_discounts_set(invoice, specs=discounts)
            invoice_totals_refresh(invoice)
        invoice.metadata = metadata_apply(invoice.metadata, metadata)
        _auto_finalization(invoice)
        invoice.save()
        invoice_updated_record(invoice, before)
    return invoice


def _due_after_update(invoice: Invoice, given: set[str], *, days_until_due: Maybe[int | None],
                      due_date: Maybe[datetime | None]) -> Due:
    """The due terms an update leaves: the ones given (each replaces both), else the
    invoice's own; none once it is charged automatically again."""
    if "days_until_due" in given or "due_date" in given:
        return Due(days_until_due=None if days_until_due is NOT_GIVEN else days_until_due,
                   due_date=None if due_date is NOT_GIVEN else due_date)
    if invoice.collection_method == Invoice.CollectionMethod.CHARGE_AUTOMATICALLY:
        return Due()
    return Due(days_until_due=invoice.days_until_due,
               due_date=None if invoice.days_until_due is not None else invoice.due_date)


def _check_updatable(invoice: Invoice, given: set[str]) -> None:
    if invoice.is_draft:
        return
    allowed = OPEN_UPDATABLE if invoice.status == Invoice.Status.OPEN else CLOSED_UPDATABLE
    refused = sorted(given - allowed)
    if refused:
        raise InvalidState(
            f"You can't update `{refused[0]}` on an invoice with a status of "
            f"{invoice.status}: only a draft invoice takes it.",
            code="invoice_already_finalized", param=refused[0])


def invoice_delete(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                   actor: Actor) -> Invoice:
    """Deletes a draft for good (`invoice.deleted` carrying it as it was); its invoice items
    are pending again, for the next invoice. A finalized invoice is voided instead."""
    with transaction.atomic(durable=True):
        invoice = selectors.invoice_get_locked(id=id, merchant=merchant, livemode=livemode)
        if not invoice.is_draft:
            raise InvalidState(
                f"You can only delete draft invoices: {invoice.id} has a status of "
                f"{invoice.status}. Void it instead.", code="invoice_already_finalized")
        payload = invoice_rendered(invoice)
        invoice_items_release(invoice=invoice)
        invoice_id = invoice.pk
        invoice.delete()
        invoice.id = invoice_id
        events_record(EventSpec("invoice.deleted", invoice, payload=payload))
    return invoice


def invoice_finalize(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                     actor: Actor, auto_advance: bool | None = None) -> Invoice:
    """Finalizes a draft (see invoice_finalize_locked): `invoice.finalized`, and a zero
    amount due is paid at once. `auto_advance` may be set on the way."""
    with transaction.atomic(durable=True):
        invoice = selectors.invoice_get_locked(id=id, merchant=merchant, livemode=livemode)
        if not invoice.is_draft:
            raise InvalidState("This invoice is already finalized, you can't re-finalize a "
                               "non-draft invoice.", code="invoice_already_finalized")
        if auto_advance is not None:
            invoice.auto_advance = auto_advance
        invoice_finalize_locked(invoice, actor=actor)
    return invoice


def _balance_applied(total: Money, balance: Money) -> tuple[Money, Money]:
    """(amount due, ending balance): the customer's balance (negative: a credit) applied
    to the total, as Stripe does. A credit pays what it can and the rest of it stays; a
    debt is added; an amount due below the currency's minimum charge is not charged but
    carried to the customer's balance for the next invoice."""
    owed = total + balance
    if owed.amount <= 0:
        return Money.zero(total.currency), owed
    if owed.amount < minimum_amount(total.currency):
        return Money.zero(total.currency), owed
    return owed, Money.zero(total.currency)


def invoice_amount_due_if_finalized(invoice: Invoice) -> int:
    """What the draft would ask its customer for if it were finalized now: its total with the
    customer's balance applied as finalization applies it (nothing is locked or changed)."""
    customer, currency = invoice.customer, invoice.currency
    balance = customer.balance if customer.currency in (None, currency) else 0
    amount_due, _ = _balance_applied(Money(invoice.total, currency), Money(balance, currency))
    return amount_due.amount


def invoice_finalize_locked(invoice: Invoice, *, actor: Actor) -> None:
    """Finalizes the locked draft in the caller's transaction: its totals fixed, the
    customer (locked here) gives its balance and its next sequence number (the invoice's
    number, `<invoice_prefix>-0001`), the customer's details are copied, and the invoice is
    `open` (`invoice.finalized`). Nothing due: `paid` at once (`invoice.paid` and
    `invoice.payment_succeeded`), as Stripe pays a zero-amount invoice."""
    customer = payment_selectors.customer_get_locked(id=invoice.customer_id,
                                                     merchant=invoice.merchant,
                                                     livemode=invoice.livemode)
    currency = invoice.currency
    invoice_totals_refresh(invoice)
    # A balance is in the customer's currency: one in another currency is not applied.
    applies = customer.currency in (None, currency)
    balance = Money(customer.balance if applies else 0, currency)
    amount_due, ending = _balance_applied(Money(invoice.total, currency), balance)
    if applies:
        sequence = payment_services.customer_invoice_finalized(
            customer=customer, ending_balance=ending.amount, currency=currency)
    else:
        sequence = payment_services.customer_invoice_finalized(
            customer=customer, ending_balance=customer.balance, currency=customer.currency)
        ending = balance
    source, now = invoice.status, clock.now()
    invoice.finalize(at=now, number=f"{customer.invoice_prefix}-{sequence:04d}",
                     starting_balance=balance.amount, ending_balance=ending.amount,
                     amount_due=amount_due.amount, hosted_token=random_token(40))
    for field in ("email", "name", "phone", "address", "shipping", "tax_exempt"):
        setattr(invoice, f"customer_{field}", getattr(customer, field))
    invoice.customer = customer
    automatic = invoice.auto_advance and amount_due.amount > 0
    if automatic and invoice.collection_method == Invoice.CollectionMethod.CHARGE_AUTOMATICALLY:
        invoice.next_payment_attempt = now  # beat's sweep attempts it
    invoice.save()
    transition_record(invoice, source, actor)
    specs = [EventSpec("invoice.finalized", invoice, payload=invoice_rendered(invoice))]
    if amount_due.amount == 0:
        source = invoice.status
        invoice.mark_paid(at=now, amount_paid=0)
        invoice.save()
        transition_record(invoice, source, actor)
        paid = invoice_rendered(invoice)
        specs += [EventSpec("invoice.paid", invoice, payload=paid),
                  EventSpec("invoice.payment_succeeded", invoice, payload=paid)]
    elif automatic and invoice.collection_method == Invoice.CollectionMethod.SEND_INVOICE:
        specs += _sent(invoice, required=False)
    events_record(*specs)


def invoice_void(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                 actor: Actor) -> Invoice:
    """Voids an open or uncollectible invoice (`invoice.voided`). Its payment intent is
    canceled first (`void_invoice`): a payment in flight, or one a `pay` started since,
    makes the void wait (busy: retry), and one that succeeded leaves the invoice paid, which
    cannot be voided."""
    from billing.services.invoice_payments import (  # a sibling's, which imports this one
        invoice_check_no_live_intent,
        invoice_intent_cancel,
    )
    from billing.services.subscription_pending_updates import (  # imports this one too
        subscription_pending_update_discard,
    )

    invoice = selectors.invoice_get(id=id, merchant=merchant, livemode=livemode)
    _check_voidable(invoice)
    invoice_intent_cancel(invoice, reason="void_invoice", actor=actor)
    with transaction.atomic(durable=True):
        invoice = selectors.invoice_get_locked(id=id, merchant=merchant, livemode=livemode)
        _check_voidable(invoice)
        invoice_check_no_live_intent(invoice)
        source = invoice.status
        invoice.void(at=clock.now())
        invoice.save()
        transition_record(invoice, source, actor)
        events_record(EventSpec("invoice.voided", invoice, payload=invoice_rendered(invoice)))
        if invoice.subscription_id is not None:
            subscription_pending_update_discard(invoice=invoice)
    return invoice


def _check_voidable(invoice: Invoice) -> None:
    if not can_proceed(invoice.void):
        raise InvalidState(
            f"You can only void an open or uncollectible invoice: {invoice.id} has a status "
            f"of {invoice.status}." + (" Delete the draft instead." if invoice.is_draft
                                       else ""))


def invoice_mark_uncollectible(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                               actor: Actor) -> Invoice:
    """Marks an open invoice uncollectible (`invoice.marked_uncollectible`): it stays
    payable, and voidable."""
    with transaction.atomic(durable=True):
        invoice = selectors.invoice_get_locked(id=id, merchant=merchant, livemode=livemode)
        if not can_proceed(invoice.mark_uncollectible):
            raise InvalidState(
                f"You can only mark an open invoice as uncollectible: {invoice.id} has a "
                f"status of {invoice.status}.")
        source = invoice.status
        invoice.mark_uncollectible(at=clock.now())
        invoice.save()
        transition_record(invoice, source, actor)
        events_record(EventSpec("invoice.marked_uncollectible", invoice,
                                payload=invoice_rendered(invoice)))
    return invoice


def invoice_send(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                 actor: Actor) -> Invoice:
    """Emails a finalized invoice to its customer (`invoice.sent`; the email goes through
    Django's backend from a Celery task once the event commits). A draft must be finalized
    first, a void invoice is not sent; a customer needs an email address."""
    with transaction.atomic(durable=True):
        invoice = selectors.invoice_get_locked(id=id, merchant=merchant, livemode=livemode)
        if invoice.status in (Invoice.Status.DRAFT, Invoice.Status.VOID):
            raise InvalidState(f"You can't send an invoice with a status of {invoice.status}"
                               + (": finalize it first." if invoice.is_draft else "."))
        events_record(*_sent(invoice))
    return invoice


def _sent(invoice: Invoice, *, required: bool = True) -> list[EventSpec]:
    """The email owed for a finalized invoice (sent once the transaction commits), and its
    `invoice.sent`. A customer without an email address: refused when the merchant asked,
    nothing sent when it was automatic."""
    if not (invoice.customer_email or invoice.customer.email):
        if not required:
            return []
        raise InvalidRequest(f"The customer {invoice.customer_id} has no email address to "
                             "send the invoice to.", param="customer")

    def enqueue_email() -> None:
        from billing.tasks import invoice_email_send  # tasks import services

        invoice_email_send.delay(invoice.id)

    transaction.on_commit(enqueue_email, robust=True)
    return [EventSpec("invoice.sent", invoice, payload=invoice_rendered(invoice))]
