"""Setup intents: saving a card for later, validated by the processor (3-D Secure where the
card asks for it on setup), in atomic phases like a payment's confirmation."""

from typing import Any

from django.db import transaction
from django_fsm import can_proceed

from core.actor import Actor
from core.audit import status_change_record
from core.exceptions import InvalidState, PaymentDeclined
from core.metadata import MetadataUpdate, metadata_apply
from core.phases import phased
from core.types import NOT_GIVEN, Maybe
from core.wire import render
from merchants.models import Merchant
from payments import selectors
from payments.models import SetupIntent
from payments.processors import processor_for
from payments.processors.base import Decline
from payments.services.common import (
    client_secret_check,
    decline_error,
    next_action,
)
from payments.services.payment_methods import (
    payment_method_check_usable,
    payment_method_for_use,
    payment_method_from_processor,
)
from webhooks.services import event_record

SETUP_CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "requires_action")


def _setup_unexpected_state(setup_intent: SetupIntent, action: str) -> InvalidState:
    done = {"confirm": "confirmed", "cancel": "canceled"}[action]
    return InvalidState(
        f"You cannot {action} this SetupIntent because it has a status of "
        f"{setup_intent.status}. Only a SetupIntent with one of the following statuses may be "
        f"{done}: {', '.join(SETUP_CONFIRMABLE)}.", code="setup_intent_unexpected_state",
        setup_intent=setup_intent)


def setup_intent_create(*, merchant: Merchant, livemode: bool, actor: Actor,
                        customer: str | None = None, payment_method: str | None = None,
                        confirm: bool = False, usage: str | None = None,
                        payment_method_types: list[str] | None = None,
                        description: str | None = None, return_url: str | None = None,
                        metadata: MetadataUpdate | None = None) -> SetupIntent:
    """Creates a SetupIntent (`setup_intent.created`); with `confirm`, confirms it."""
    processor_for(merchant=merchant, livemode=livemode)
    if payment_method:
        payment_method = payment_method_from_processor(id=payment_method, merchant=merchant,
                                                       livemode=livemode)
    setup_intent = SetupIntent(
        merchant=merchant, livemode=livemode, usage=usage or "off_session",
        payment_method_types=payment_method_types or ["card"],
        description=description, return_url=return_url, metadata=metadata_apply({}, metadata))
    with transaction.atomic(durable=True):
        if customer:
            setup_intent.customer = selectors.customer_get(
                id=customer, merchant=merchant, livemode=livemode, param="customer")
        if payment_method:
            method = payment_method_for_use(id=payment_method, merchant=merchant,
                                            livemode=livemode, customer=setup_intent.customer)
            setup_intent.set_payment_method(payment_method=method)
        setup_intent.save()
        status_change_record(obj=setup_intent, source="created", actor=actor)
        event_record(type="setup_intent.created", obj=setup_intent)
    if confirm:
        return setup_intent_confirm(id=setup_intent.id, merchant=merchant, livemode=livemode,
                                    actor=actor)
    return setup_intent


def setup_intent_update(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                        actor: Actor, customer: Maybe[str] = NOT_GIVEN,
                        payment_method: Maybe[str] = NOT_GIVEN,
                        description: Maybe[str | None] = NOT_GIVEN,
                        metadata: MetadataUpdate | None = None) -> SetupIntent:
    if payment_method:
        payment_method = payment_method_from_processor(id=payment_method, merchant=merchant,
                                                       livemode=livemode)
    with transaction.atomic(durable=True):
        setup_intent = selectors.setup_intent_get_locked(id=id, merchant=merchant,
                                                         livemode=livemode)
        source = setup_intent.status
        if (customer is not NOT_GIVEN or payment_method is not NOT_GIVEN) and (
                source not in SETUP_CONFIRMABLE):
            raise _setup_unexpected_state(setup_intent, "confirm")
        if description is not NOT_GIVEN:
            setup_intent.description = description
        setup_intent.metadata = metadata_apply(setup_intent.metadata, metadata)
        if customer is not NOT_GIVEN:
            setup_intent.customer = selectors.customer_get(
                id=customer, merchant=merchant, livemode=livemode, param="customer")
        if payment_method:
            method = payment_method_for_use(id=payment_method, merchant=merchant,
                                            livemode=livemode, customer=setup_intent.customer)
            setup_intent.set_payment_method(payment_method=method)
        setup_intent.save()
        status_change_record(obj=setup_intent, source=source, actor=actor)
    return setup_intent


def setup_intent_confirm(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                         actor: Actor, payment_method: str | None = None,
                         return_url: str | None = None,
                         client_secret: str | None = None) -> SetupIntent:
    """Validates the card with the processor and saves it: `succeeded` (the payment method
    attached to the customer, ready for off-session use when `usage=off_session`),
    `requires_action` for cards that authenticate on setup, or back to
    `requires_payment_method` with `last_setup_error` and PaymentDeclined."""
    processor = processor_for(merchant=merchant, livemode=livemode)
    if payment_method:
        payment_method = payment_method_from_processor(id=payment_method, merchant=merchant,
                                                       livemode=livemode)
    with transaction.atomic(durable=True):
        setup_intent = selectors.setup_intent_get_locked(id=id, merchant=merchant,
                                                         livemode=livemode)
        client_secret_check(intent=setup_intent, client_secret=client_secret)
        if not can_proceed(setup_intent.begin_confirm):
            raise _setup_unexpected_state(setup_intent, "confirm")
        if payment_method:
            setup_intent.payment_method = payment_method_for_use(
                id=payment_method, merchant=merchant, livemode=livemode,
                customer=setup_intent.customer)
        if setup_intent.payment_method is None:
            raise InvalidState(
                "You cannot confirm this SetupIntent because it's missing a payment method.",
                code="setup_intent_unexpected_state", param="payment_method",
                setup_intent=setup_intent)
        payment_method_check_usable(setup_intent.payment_method, setup_intent.customer)
        if return_url:
            setup_intent.return_url = return_url
        setup_intent.begin_confirm()
        setup_intent.save()
    return _setup_run(setup_intent, processor, actor=actor)


def _setup_run(setup_intent: SetupIntent, processor, *, actor: Actor) -> SetupIntent:
    """Asks the processor about the card (outside any transaction), then records the
    answer under the lock, unless another confirmation got there first."""
    token = setup_intent.payment_method.processor_token
    passed = setup_intent.three_d_secure_passed

    def ask() -> tuple[Decline | None, bool]:
        decline = processor.verify_card(card_token=token)
        return decline, (decline is None and not passed
                         and processor.setup_requires_authentication(card_token=token))

    setup_intent, error = phased(
        call=ask,
        lock=lambda: SetupIntent.objects.select_for_update(of=("self",)).select_related(
            "payment_method").get(pk=setup_intent.pk),
        in_flight=lambda current: (current.attempt == setup_intent.attempt
                                   and current.status in SETUP_CONFIRMABLE),
        record=lambda current, answer: _setup_record(current, *answer, actor=actor),
        recorded=lambda current: (current, None))
    if error is not None:
        raise error
    return setup_intent


def _setup_record(setup_intent: SetupIntent, decline: Decline | None,
                  needs_authentication: bool, *, actor: Actor
                  ) -> tuple[SetupIntent, PaymentDeclined | None]:
    source = setup_intent.status
    error = None
    if decline is not None:
        error = _setup_failed(setup_intent, decline)
    elif needs_authentication:
        setup_intent.require_action(next_action=next_action(
            setup_intent, page="pages:authenticate_setup"))
        setup_intent.save()
        event_record(type="setup_intent.requires_action", obj=setup_intent)
    else:
        _setup_succeeded(setup_intent)
    status_change_record(obj=setup_intent, source=source, actor=actor)
    return setup_intent, error


def _setup_failed(setup_intent: SetupIntent, decline: Decline) -> PaymentDeclined:
    error: dict[str, Any] = {
        "type": "card_error", "code": decline.code, "decline_code": decline.decline_code,
        "message": decline.message, "param": decline.param,
        "payment_method": render(setup_intent.payment_method)}
    setup_intent.mark_failed(error={k: v for k, v in error.items() if v is not None})
    setup_intent.save()
    event_record(type="setup_intent.setup_failed", obj=setup_intent)
    return decline_error(decline, setup_intent=setup_intent)


def _setup_succeeded(setup_intent: SetupIntent) -> None:
    method = setup_intent.payment_method
    setup_intent.mark_succeeded()
    setup_intent.save()
    changed = []
    if setup_intent.usage == "off_session" and not method.off_session_ready:
        method.off_session_ready = True
        changed.append("off_session_ready")
    attach = setup_intent.customer_id is not None and method.customer_id is None
    if attach:
        method.customer_id = setup_intent.customer_id
        changed.append("customer")
    if changed:
        method.save(update_fields=changed)
    if attach:
        event_record(type="payment_method.attached", obj=method)
    event_record(type="setup_intent.succeeded", obj=setup_intent)


def setup_intent_authenticate(*, id: str, client_secret: str,  # noqa: A002
                              succeeded: bool, actor: Actor) -> SetupIntent:
    """The cardholder's answer on the 3-D Secure page for a SetupIntent: passed, the card is
    saved; failed, back to `requires_payment_method` with
    `setup_intent_authentication_failure`. Never raises a card error."""
    with transaction.atomic(durable=True):
        setup_intent = SetupIntent.objects.select_for_update(of=("self",)).select_related(
            "payment_method").get(pk=id)
        client_secret_check(intent=setup_intent, client_secret=client_secret)
        if setup_intent.status != SetupIntent.Status.REQUIRES_ACTION:
            return setup_intent
        source = setup_intent.status
        if not succeeded:
            _setup_failed(setup_intent, Decline(
                code="setup_intent_authentication_failure",
                message="The latest attempt to set up the payment method has failed because "
                        "authentication failed."))
            status_change_record(obj=setup_intent, source=source, actor=actor)
            return setup_intent
        setup_intent.three_d_secure_passed = True
        setup_intent.begin_confirm()
        setup_intent.save()
    processor = processor_for(merchant=setup_intent.merchant, livemode=setup_intent.livemode)
    try:
        return _setup_run(setup_intent, processor, actor=actor)
    except PaymentDeclined:
        return SetupIntent.objects.get(pk=id)


def setup_intent_cancel(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                        actor: Actor, cancellation_reason: str | None = None) -> SetupIntent:
    with transaction.atomic(durable=True):
        setup_intent = selectors.setup_intent_get_locked(id=id, merchant=merchant,
                                                         livemode=livemode)
        if not can_proceed(setup_intent.cancel):
            raise _setup_unexpected_state(setup_intent, "cancel")
        source = setup_intent.status
        setup_intent.cancel(reason=cancellation_reason)
        setup_intent.save()
        event_record(type="setup_intent.canceled", obj=setup_intent)
        status_change_record(obj=setup_intent, source=source, actor=actor)
    return setup_intent
