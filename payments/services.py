"""Customers (and, with the payments issue, payment methods and intents)."""

from typing import Any

from django.db import transaction
from django.utils import timezone

from api.objects import render
from api.params import metadata_apply
from merchants.models import Merchant
from payments.models import Customer
from payments.selectors import customer_get_locked
from webhooks.services import event_record, previous_attributes

CUSTOMER_FIELDS = ("email", "name", "description", "phone", "address", "shipping", "balance",
                   "preferred_locales", "tax_exempt")


def _apply_customer_params(customer: Customer, params: dict[str, Any]) -> None:
    for field in CUSTOMER_FIELDS:
        if field in params:
            setattr(customer, field, params[field])
    if "metadata" in params:
        customer.metadata = metadata_apply(customer.metadata, params["metadata"])
    if "invoice_settings" in params:
        settings = dict(customer.invoice_settings)
        settings.update(params["invoice_settings"])
        customer.invoice_settings = settings
    if customer.preferred_locales is None:
        customer.preferred_locales = []


def customer_create(*, merchant: Merchant, livemode: bool, params: dict[str, Any]) -> Customer:
    """Creates a customer and its `customer.created` event in one transaction."""
    customer = Customer(merchant=merchant, livemode=livemode)
    _apply_customer_params(customer, params)
    with transaction.atomic(durable=True):
        customer.save()
        event_record(type="customer.created", obj=customer)
    return customer


def customer_update(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                    params: dict[str, Any]) -> Customer:
    """Updates a customer under its row lock; `customer.updated` carries the old values.

    An update that changes nothing writes no event, as Stripe does.
    """
    with transaction.atomic(durable=True):
        customer = customer_get_locked(id=id, merchant=merchant, livemode=livemode)
        before = render(customer)
        _apply_customer_params(customer, params)
        customer.save()
        after = render(customer)
        changed = previous_attributes(before, after)
        if changed:
            event_record(type="customer.updated", obj=customer, payload=after,
                         previous_attributes=changed)
    return customer


def customer_delete(*, id: str, merchant: Merchant, livemode: bool) -> Customer:  # noqa: A002
    """Deletes a customer (kept as a tombstone: retrieve answers `deleted: true`)."""
    with transaction.atomic(durable=True):
        customer = customer_get_locked(id=id, merchant=merchant, livemode=livemode)
        payload = render(customer)
        customer.deleted_at = timezone.now()
        customer.save(update_fields=["deleted_at"])
        event_record(type="customer.deleted", obj=customer, payload=payload)
    return customer
