"""Stripe's legacy card surface: card tokens, charges made with a `source`, and a customer's
card sources with its `default_source`.

A legacy charge is made as Stripe makes one today: a PaymentIntent is created and confirmed
under the hood (payment_intent_create), so the charge is the same Charge as any other, with
its outcome, events, refunds and disputes, and the phases, locks and recovery of a payment.
Unlike Stripe, which leaves a legacy charge's `payment_intent` null, Till shows the intent.

A card source is a PaymentMethod with `card_source` set, shown as a Card under the alias
`card_<suffix>` of its `pm_<suffix>` id; it can be given wherever a payment method can.
"""

from typing import Any

from django.db import transaction

from core import clock
from core.actor import Actor
from core.exceptions import DomainError, InvalidRequest
from core.metadata import MetadataUpdate, metadata_apply
from core.wire import render
from merchants.models import Merchant
from payments import selectors
from payments.models import (
    CardSource,
    Charge,
    Customer,
    PaymentMethod,
    Token,
    card_id_of,
)
from payments.processors import processor_for
from payments.processors.base import Processor
from payments.services.capture_and_cancel import payment_intent_capture
from payments.services.common import check_amount, decline_error
from payments.services.payment_intents import payment_intent_create
from payments.services.payment_methods import (
    CardInput,
    payment_method_build,
    payment_method_for_use,
)
from webhooks.services import event_record

NO_CARD = "Cannot charge a customer that has no active card"


def token_create(*, merchant: Merchant, livemode: bool, card: CardInput,
                 billing_details: dict[str, Any] | None = None,
                 client_ip: str | None = None) -> Token:
    """Tokenizes a card into a single-use token (its card kept as a card-source payment
    method, saved with it). Bad numbers, expiries and CVCs are card errors, storing nothing."""
    payment_method = payment_method_build(merchant=merchant, livemode=livemode, card=card,
                                          billing_details=billing_details, card_source=True)
    token = Token(merchant=merchant, livemode=livemode, payment_method=payment_method,
                  client_ip=client_ip)
    with transaction.atomic(durable=True):
        payment_method.save()
        token.save()
    return token


def charge_create(*, merchant: Merchant, livemode: bool, actor: Actor, amount: int,
                  currency: str, source: str | None = None, customer: str | None = None,
                  capture: bool = True, description: str | None = None,
                  metadata: MetadataUpdate | None = None,
                  statement_descriptor: str | None = None,
                  receipt_email: str | None = None) -> Charge:
    """Charges `source` (a card token, one of Stripe's test tokens, or a card of `customer`)
    or, without one, the customer's `default_source`; with `capture=False` the charge is an
    authorization to capture later (charge_capture). A token is used up with the payment
    (in its creating transaction). A decline raises PaymentDeclined naming the failed charge,
    after it is recorded."""
    processor_for(merchant=merchant, livemode=livemode)  # live mode without one: refused
    check_amount(amount, currency)
    if source is None:
        if customer is None:
            raise InvalidRequest("Must provide source or customer.", code="parameter_missing",
                                 param="source")
        owner = selectors.customer_get(id=customer, merchant=merchant, livemode=livemode,
                                       param="customer")
        if owner.default_source_id is None:
            raise InvalidRequest(NO_CARD, code="missing", param="card")
        source = owner.default_source_id
    try:
        intent = payment_intent_create(
            merchant=merchant, livemode=livemode, actor=actor, amount=amount,
            currency=currency, customer=customer, payment_method=source, confirm=True,
            capture_method="automatic" if capture else "manual", description=description,
            metadata=metadata, statement_descriptor=statement_descriptor,
            receipt_email=receipt_email)
    except DomainError as exc:
        if exc.param == "payment_method":  # the charge's name for it
            exc.param = "source"
        raise
    return selectors.charge_get(id=intent.latest_charge_id, merchant=merchant,
                                livemode=livemode)


def charge_capture(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                   actor: Actor, amount: int | None = None) -> Charge:
    """Captures an uncaptured charge, all of it or `amount` (the rest is released), through
    its intent's capture (payment_intent_capture: phased, exactly one of racing captures
    and cancels applies)."""
    processor_for(merchant=merchant, livemode=livemode)  # live mode without one: refused
    charge = selectors.charge_get(id=id, merchant=merchant, livemode=livemode)
    if charge.captured:
        raise InvalidRequest(f"Charge {charge.id} has already been captured.",
                             code="charge_already_captured", charge=charge.id)
    if charge.status == Charge.Status.FAILED:
        raise InvalidRequest(f"Charge {charge.id} has failed and cannot be captured.",
                             code="charge_not_capturable", charge=charge.id)
    if amount is not None and amount > charge.amount:
        raise InvalidRequest(
            f"Amount {amount} requested for capture is greater than the charge's uncaptured "
            f"amount ({charge.amount}).", code="amount_too_large", param="amount")
    payment_intent_capture(id=charge.payment_intent_id, merchant=merchant, livemode=livemode,
                           actor=actor, amount_to_capture=amount)
    return selectors.charge_get(id=id, merchant=merchant, livemode=livemode)


# -- a customer's card sources ------------------------------------------------------------

def card_source_create(*, customer_id: str, merchant: Merchant, livemode: bool,
                       source: str, metadata: MetadataUpdate | None = None) -> PaymentMethod:
    """Adds a card to a customer from a token (used up) or one of Stripe's test tokens,
    after the processor validates the card (the decline cards fail here, adding nothing):
    `customer.source.created` and `payment_method.attached`. The customer's first card
    becomes its `default_source` (`customer.updated`)."""
    _token_check(source)
    processor = processor_for(merchant=merchant, livemode=livemode)
    with transaction.atomic(durable=True):
        customer = selectors.customer_get_locked(id=customer_id, merchant=merchant,
                                                 livemode=livemode)
        card = card_source_add(customer, source=source, merchant=merchant,
                               processor=processor, metadata=metadata)
        event_record(type="customer.source.created", obj=card)
        if customer.default_source_id is None:
            _default_source_set(customer, card.id)
    return card


def _token_check(source: str) -> None:
    if not source.startswith("tok_"):
        raise InvalidRequest(f"No such token: '{source}'", code="resource_missing",
                             param="source")


def card_source_add(customer: Customer, *, source: str, merchant: Merchant,
                    processor: Processor, metadata: MetadataUpdate | None = None
                    ) -> CardSource:
    """Within the caller's transaction: the card of token `source` (used up) as a card
    source of `customer`, once `processor` validates it; the caller records its event and
    makes it the default source. A refusal raises, for the caller to roll back."""
    _token_check(source)
    card = payment_method_for_use(id=source, merchant=merchant, livemode=customer.livemode,
                                  customer=None, param="source")
    decline = processor.verify_card(card_token=card.processor_token)
    if decline is not None:
        raise decline_error(decline)
    card = CardSource.of(card)
    card.customer = customer
    card.card_source = True
    card.metadata = metadata_apply(card.metadata, metadata)
    card.save(update_fields=["customer", "card_source", "metadata"])
    return card


def card_source_update(*, customer_id: str, id: str, merchant: Merchant,  # noqa: A002
                       livemode: bool, name: str | None = None,
                       address: dict[str, Any] | None = None, exp_month: int | None = None,
                       exp_year: int | None = None,
                       metadata: MetadataUpdate | None = None) -> PaymentMethod:
    """A card source's holder name, billing address, expiry and metadata:
    `customer.source.updated`."""
    with transaction.atomic(durable=True):
        customer = selectors.customer_get(id=customer_id, merchant=merchant,
                                          livemode=livemode)
        card = selectors.card_source_get(id=id, customer=customer, locked=True,
                                        param="card")
        if name is not None:
            card.billing_details = {**card.billing_details, "name": name}
        if address:
            card.billing_details = {**card.billing_details, "address": {
                **(card.billing_details.get("address") or {}), **address}}
        expiry = {k: v for k, v in (("exp_month", exp_month), ("exp_year", exp_year))
                  if v is not None}
        if expiry:
            card.card = {**card.card, **expiry}
        card.metadata = metadata_apply(card.metadata, metadata)
        card.save(update_fields=["billing_details", "card", "metadata"])
        event_record(type="customer.source.updated", obj=card)
    return card


def card_source_delete(*, customer_id: str, id: str, merchant: Merchant,  # noqa: A002
                       livemode: bool) -> PaymentMethod:
    """Removes a card from its customer for good (it cannot be used again):
    `customer.source.deleted`. If it was the `default_source`, the customer's newest other
    card takes its place (none: null), as on Stripe."""
    with transaction.atomic(durable=True):
        customer = selectors.customer_get_locked(id=customer_id, merchant=merchant,
                                                 livemode=livemode)
        card = selectors.card_source_get(id=id, customer=customer, locked=True,
                                        param="card")
        payload = render(card)
        if customer.invoice_settings.get("default_payment_method") == card.id:
            customer.invoice_settings = {**customer.invoice_settings,
                                         "default_payment_method": None}
            customer.save(update_fields=["invoice_settings"])
        card.customer = None
        card.consumed_at = clock.now()
        card.save(update_fields=["customer", "consumed_at"])
        event_record(type="customer.source.deleted", obj=card, payload=payload)
        if customer.default_source_id == card.id:
            newest = selectors.card_source_list(customer=customer).order_by(
                "-created", "-id").values_list("pk", flat=True).first()
            _default_source_set(customer, newest)
    return card


def _default_source_set(customer: Customer, payment_method_id: str | None) -> None:
    previous = customer.default_source_id
    customer.default_source_id = payment_method_id
    customer.save(update_fields=["default_source"])
    event_record(type="customer.updated", obj=customer, previous_attributes={
        "default_source": card_id_of(previous) if previous else None})
