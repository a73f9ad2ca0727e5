"""Customers: create (on a test clock, if asked), update, delete (a tombstone), each with its
event, on the customer's time (payments.clocks)."""

from typing import Any

from django.db import transaction

from core import hooks
from core.exceptions import InvalidRequest, InvalidState, NotFound
from core.hooks import customer_deleted_dispatch, default_payment_method_change_dispatch
from core.metadata import MetadataUpdate, metadata_apply
from core.types import NOT_GIVEN, Maybe
from core.wire import render
from merchants.models import Merchant
from payments import selectors
from payments.clocks import customer_time
from payments.models import Customer, PaymentMethod, TestClock
from payments.processors import processor_for
from payments.selectors import customer_get_locked
from payments.services.legacy import card_source_add
from payments.services.payment_methods import (
    payment_method_attach_to,
    payment_method_from_processor,
)
from webhooks.services import event_record, previous_attributes

# Stripe's limit of customers on one test clock.
TEST_CLOCK_MAX_CUSTOMERS = 3


def _customer_apply(customer: Customer, *, changes: dict[str, Any],
                    metadata: MetadataUpdate | None,
                    invoice_settings: dict[str, Any] | None) -> None:
    for field, value in changes.items():
        if value is not NOT_GIVEN:
            setattr(customer, field, value)
    customer.metadata = metadata_apply(customer.metadata, metadata)
    if invoice_settings is not None:
        merged = {**customer.invoice_settings, **invoice_settings}
        default = merged.get("default_payment_method")
        if default is not None:
            _check_default_payment_method(customer, default)
        customer.invoice_settings = merged
    if customer.preferred_locales is None:
        customer.preferred_locales = []


def customer_create(*, merchant: Merchant, livemode: bool, email: str | None = None,
                    name: str | None = None, description: str | None = None,
                    phone: str | None = None, address: dict[str, Any] | None = None,
                    shipping: dict[str, Any] | None = None, balance: int = 0,
                    preferred_locales: list[str] | None = None, tax_exempt: str = "none",
                    metadata: MetadataUpdate | None = None,
                    invoice_settings: dict[str, Any] | None = None,
                    test_clock: str | None = None, coupon: str | None = None,
                    promotion_code: str | None = None, payment_method: str | None = None,
                    source: str | None = None) -> Customer:
    """Creates a customer and its `customer.created` event in one transaction.

    `payment_method`: a payment method (or a test id, `pm_card_visa`) attached to it, as
    Stripe's create takes one (`payment_method.attached`; not made the default: that is
    `invoice_settings.default_payment_method`). `source`: a card token, made its first
    card source and its `default_source`. Either is validated by the processor first; a
    decline or a missing one creates nothing.

    `coupon` or `promotion_code`: its discount, applied by billing (core.hooks) in the same
    transaction; a refusal makes nothing.

    With `test_clock` (test mode), the customer lives on that clock from now on: created at
    its frozen time, as is everything done for it later. The clock is locked while its
    customers are counted, so concurrent creates cannot pass Stripe's limit of three."""
    customer = Customer(merchant=merchant, livemode=livemode)
    # The payment method attached here may be the invoices' default in the same request (as
    # Stripe lets it): that default is set once it is attached.
    default_attached = (payment_method is not None and invoice_settings is not None
                        and invoice_settings.get("default_payment_method") == payment_method)
    if default_attached:
        invoice_settings = {**invoice_settings, "default_payment_method": None}
    _customer_apply(customer, changes={
        "email": email, "name": name, "description": description, "phone": phone,
        "address": address, "shipping": shipping, "balance": balance,
        "preferred_locales": preferred_locales or [], "tax_exempt": tax_exempt},
        metadata=metadata, invoice_settings=invoice_settings)
    processor = (processor_for(merchant=merchant, livemode=livemode)
                 if payment_method is not None or source is not None else None)
    if payment_method is not None:
        payment_method = payment_method_from_processor(id=payment_method, merchant=merchant,
                                                       livemode=livemode,
                                                       param="payment_method")
    with transaction.atomic(durable=True):
        if test_clock is not None:
            customer.test_clock = _test_clock_joinable(id=test_clock, merchant=merchant,
                                                       livemode=livemode)
        with customer_time(customer) as now:
            customer.created = now
            customer.save()
            card = None
            if source is not None:
                card = card_source_add(customer, source=source, merchant=merchant,
                                       processor=processor)
                customer.default_source_id = card.id
                customer.save(update_fields=["default_source"])
            if payment_method is not None:
                attached = payment_method_attach_to(customer, id=payment_method,
                                                    merchant=merchant, processor=processor,
                                                    param="payment_method")
                if default_attached:
                    customer.invoice_settings = {**customer.invoice_settings,
                                                 "default_payment_method": attached.id}
                    customer.save(update_fields=["invoice_settings"])
            if coupon is not None or promotion_code is not None:
                hooks.customer_discount_apply(customer=customer, coupon=coupon,
                                              promotion_code=promotion_code)
            event_record(type="customer.created", obj=customer)
            if card is not None:
                event_record(type="customer.source.created", obj=card)
    return customer


def _test_clock_joinable(*, id: str, merchant: Merchant, livemode: bool  # noqa: A002
                         ) -> TestClock:
    """The clock a new customer joins, locked: of this merchant, in test mode, not deleted,
    not advancing (its advance works through the customers it has), with room left."""
    test_clock = selectors.test_clock_get_locked(id=id, merchant=merchant, livemode=livemode,
                                                 param="test_clock")
    if test_clock.status == TestClock.Status.ADVANCING:
        raise InvalidState(
            f"The test clock {test_clock.id} is advancing: add customers to it once its "
            "status is ready.", param="test_clock")
    if selectors.customer_count_on_test_clock(test_clock=test_clock) >= \
            TEST_CLOCK_MAX_CUSTOMERS:
        raise InvalidRequest(
            f"The test clock {test_clock.id} already has {TEST_CLOCK_MAX_CUSTOMERS} "
            f"customers, the most a test clock can have.", param="test_clock")
    return test_clock


def customer_update(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                    email: Maybe[str | None] = NOT_GIVEN, name: Maybe[str | None] = NOT_GIVEN,
                    description: Maybe[str | None] = NOT_GIVEN,
                    phone: Maybe[str | None] = NOT_GIVEN,
                    address: Maybe[dict[str, Any] | None] = NOT_GIVEN,
                    shipping: Maybe[dict[str, Any] | None] = NOT_GIVEN,
                    balance: Maybe[int] = NOT_GIVEN,
                    preferred_locales: Maybe[list[str] | None] = NOT_GIVEN,
                    tax_exempt: Maybe[str] = NOT_GIVEN,
                    metadata: MetadataUpdate | None = None,
                    invoice_settings: dict[str, Any] | None = None,
                    coupon: Maybe[str | None] = NOT_GIVEN,
                    promotion_code: Maybe[str | None] = NOT_GIVEN,
                    default_source: Maybe[str | None] = NOT_GIVEN) -> Customer:
    """Updates a customer under its row lock; `customer.updated` carries the old values.
    `default_source` (a `card_` id) must be one of its card sources.
    `coupon` / `promotion_code` replace its discount (billing's, through core.hooks; None
    or empty: removed).

    Only what is given changes (None clears a field). An update that changes nothing writes
    no event, as Stripe does."""
    with transaction.atomic(durable=True):
        customer = customer_get_locked(id=id, merchant=merchant, livemode=livemode)
        before = render(customer)
        old_default = customer.invoice_settings.get("default_payment_method")
        _customer_apply(customer, changes={
            "email": email, "name": name, "description": description, "phone": phone,
            "address": address, "shipping": shipping, "balance": balance,
            "preferred_locales": preferred_locales, "tax_exempt": tax_exempt},
            metadata=metadata, invoice_settings=invoice_settings)
        if default_source is not NOT_GIVEN:
            customer.default_source_id = (selectors.card_source_get(
                id=default_source, customer=customer, param="default_source").id
                if default_source else None)
        with customer_time(customer):
            customer.save()
            if coupon is not NOT_GIVEN or promotion_code is not NOT_GIVEN:
                hooks.customer_discount_apply(
                    customer=customer, coupon=None if coupon is NOT_GIVEN else coupon,
                    promotion_code=None if promotion_code is NOT_GIVEN else promotion_code)
            after = render(customer)
            changed = previous_attributes(before, after)
            if changed:
                event_record(type="customer.updated", obj=customer, payload=after,
                             previous_attributes=changed)
    new_default = customer.invoice_settings.get("default_payment_method")
    if new_default and new_default != old_default:
        # Committed: the apps above may act on the new card (billing retries an open
        # past-due invoice with it), outside any lock.
        default_payment_method_change_dispatch(customer_id=customer.id,
                                               payment_method_id=new_default)
    return customer


def customer_delete(*, id: str, merchant: Merchant, livemode: bool) -> Customer:  # noqa: A002
    """Deletes a customer (kept as a tombstone: retrieve answers `deleted: true`)."""
    with transaction.atomic(durable=True):
        customer = customer_get_locked(id=id, merchant=merchant, livemode=livemode)
        customer_delete_locked(customer)
    return customer


def customer_discount_delete(*, id: str, merchant: Merchant,  # noqa: A002
                             livemode: bool) -> dict[str, Any]:
    """Takes the customer's discount off (`customer.discount.deleted`, billing's, through
    core.hooks) under the customer's lock; returns the discount as it was, in its wire form
    (billing renders it: payments knows no discount). None to take off is a 404."""
    with transaction.atomic(durable=True):
        customer = customer_get_locked(id=id, merchant=merchant, livemode=livemode)
        discount = hooks.customer_discount_render(customer)
        if discount is None:
            raise NotFound(f"No active discount for customer: '{id}'", param="customer")
        with customer_time(customer):
            hooks.customer_discount_apply(customer=customer, coupon=None, promotion_code=None)
    return discount


def customer_delete_locked(customer: Customer) -> None:
    """customer_delete's work for a customer locked in the caller's transaction (a test
    clock's deletion deletes its customers so): the tombstone and `customer.deleted`, on the
    customer's time; after the commit, the apps above are told (core.hooks)."""
    with customer_time(customer) as now:
        payload = render(customer)
        customer.deleted_at = now
        customer.save(update_fields=["deleted_at"])
        event_record(type="customer.deleted", obj=customer, payload=payload)
    # Committed: the apps above end what the customer had (billing: its subscriptions).
    customer_id = customer.id
    transaction.on_commit(lambda: customer_deleted_dispatch(customer_id=customer_id))


def _check_default_payment_method(customer: Customer, payment_method_id: str) -> None:
    """`invoice_settings.default_payment_method` must be attached to this customer."""
    param = "invoice_settings[default_payment_method]"
    if customer._state.adding or not PaymentMethod.objects.filter(
            pk=payment_method_id, customer_id=customer.pk).exists():
        raise InvalidRequest(
            f"No such PaymentMethod: '{payment_method_id}'; it must be attached to the "
            f"customer {customer.pk or ''} first.".replace("  ", " "),
            code="resource_missing", param=param)


def customer_default_payment_method_record(*, customer_id: str, payment_method_id: str
                                           ) -> Customer:
    """In the caller's transaction (an app above payments completing what a customer paid or
    saved a card for: a Checkout Session), the customer locked here: `payment_method_id`,
    attached to it, becomes its `invoice_settings.default_payment_method`
    (`customer.updated` with the old value). Once the transaction commits, the apps above
    hear of the new default as from customer_update (billing retries an open invoice)."""
    customer = selectors.customer_get_locked_by_id(id=customer_id)
    old_default = customer.invoice_settings.get("default_payment_method")
    if old_default == payment_method_id:
        return customer
    _check_default_payment_method(customer, payment_method_id)
    before = render(customer)
    customer.invoice_settings = {**customer.invoice_settings,
                                 "default_payment_method": payment_method_id}
    customer.save(update_fields=["invoice_settings"])
    after = render(customer)
    event_record(type="customer.updated", obj=customer, payload=after,
                 previous_attributes=previous_attributes(before, after))
    transaction.on_commit(lambda: default_payment_method_change_dispatch(
        customer_id=customer_id, payment_method_id=payment_method_id))
    return customer


def customer_discount_record(*, customer: Customer, discount_id: str | None) -> None:
    """For billing, in its transaction with `customer` locked: the customer's discount is
    now `discount_id` (None: it has none). Its events are billing's (customer.discount.*)."""
    customer.discount_id = discount_id
    customer.save(update_fields=["discount_id"])


def customer_invoice_finalized(*, customer: Customer, ending_balance: int,
                               currency: str) -> int:
    """For billing's finalization of an invoice, in its transaction, with `customer` locked
    (selectors.customer_get_locked): takes the customer's next invoice sequence number and
    leaves its balance at `ending_balance`, in `currency` (the customer's currency from then
    on). The sequence moves only with the finalization that used it, so numbers have no
    gaps. `customer.updated` when the balance or currency changed. Returns the number taken.
    """
    sequence = customer.next_invoice_sequence
    previous = {field: getattr(customer, field) for field in ("balance", "currency")
                if getattr(customer, field) != {"balance": ending_balance,
                                                "currency": currency}[field]}
    customer.next_invoice_sequence = sequence + 1
    customer.balance = ending_balance
    customer.currency = currency
    customer.save(update_fields=["next_invoice_sequence", "balance", "currency"])
    if previous:
        event_record(type="customer.updated", obj=customer, previous_attributes=previous)
    return sequence
