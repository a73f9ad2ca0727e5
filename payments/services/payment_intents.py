"""Payment intents: create, update, confirm and 3-D Secure's answer (capture and cancel:
payments.services.capture_and_cancel).

They move money in atomic phases (core.phases): a short transaction locks the intent, checks
the transition, marks the processor call in flight and commits; the call runs outside any
transaction with an idempotency key made of the intent's id and attempt; a new transaction
records the answer (payment_outcomes). A request that finds a call in flight is refused as
busy (`lock_timeout` on the wire; SDKs retry it); a call whose answer was never recorded is
finished by `payment_intents_recover` (payment_intent_tasks), which asks again with the same
key.
"""

from typing import Any

from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed

from core.actor import Actor
from core.audit import status_change_record
from core.exceptions import (
    InvalidRequest,
    InvalidState,
    PaymentDeclined,
    SecretKeyRequired,
)
from core.metadata import MetadataUpdate, metadata_apply
from core.phases import phase_one, phased
from core.request_writes import result_here
from core.types import NOT_GIVEN, Maybe
from merchants.models import Merchant
from payments import selectors
from payments.clocks import customer_time
from payments.models import PaymentIntent
from payments.processors import processor_for
from payments.processors.base import AuthorizeRequest, Decline, Outcome, Processor
from payments.services.common import (
    CONFIRMABLE,
    ConfirmOptions,
    already_recorded,
    attempt_in_flight,
    check_amount,
    client_secret_check,
    refuse_if_busy,
    unexpected_state,
)
from payments.services.payment_methods import (
    payment_method_check_usable,
    payment_method_for_use,
    payment_method_from_processor,
)
from payments.services.payment_outcomes import (
    charge_for_attempt,
    outcome_record,
    payment_method_after_use,
)
from payments.services.receipts import receipt_email_changed
from webhooks.services import event_record

# Fields any update may change; the rest only before the intent is confirmed.
ALWAYS_UPDATABLE = {"metadata", "description", "receipt_email", "shipping"}


def payment_intent_create(
        *, merchant: Merchant, livemode: bool, actor: Actor, amount: int, currency: str,
        customer: str | None = None, payment_method: str | None = None,
        payment_method_types: list[str] | None = None, confirm: bool = False,
        capture_method: str | None = None, confirmation_method: str | None = None,
        setup_future_usage: str | None = None, off_session: bool = False,
        return_url: str | None = None, error_on_requires_action: bool = False,
        description: str | None = None, receipt_email: str | None = None,
        statement_descriptor: str | None = None, statement_descriptor_suffix: str | None = None,
        shipping: dict[str, Any] | None = None, metadata: MetadataUpdate | None = None,
        purpose: str = "", invoice: str | None = None,
) -> PaymentIntent:
    """Creates an intent (`payment_intent.created`): `requires_payment_method`, or
    `requires_confirmation` with a payment method. With `confirm` it is confirmed at once
    (see payment_intent_confirm): the creating transaction is the confirmation's first
    phase, so a create that cannot be confirmed creates nothing. `purpose` (an app's, never
    the wire's: "invoice" for billing) adds that purpose's outcome handlers to those every
    intent has. `invoice` (billing's) is the id of the invoice the intent pays: the database
    takes one intent per invoice, and a second one's create raises IntegrityError before
    anything reaches the processor."""
    processor = processor_for(merchant=merchant, livemode=livemode)
    check_amount(amount, currency)
    if payment_method:
        payment_method = payment_method_from_processor(id=payment_method, merchant=merchant,
                                                       livemode=livemode)
    # Read before anything is timed: the intent's times are its customer's (payments.clocks).
    owner = (selectors.customer_get(id=customer, merchant=merchant, livemode=livemode,
                                    param="customer") if customer else None)
    with customer_time(owner):
        intent = PaymentIntent(
            merchant=merchant, livemode=livemode, amount=amount, currency=currency,
            customer=owner, payment_method_types=payment_method_types or ["card"],
            description=description, receipt_email=receipt_email, shipping=shipping,
            statement_descriptor=statement_descriptor, return_url=return_url,
            statement_descriptor_suffix=statement_descriptor_suffix, purpose=purpose,
            invoice_id=invoice,
            setup_future_usage=setup_future_usage, metadata=metadata_apply({}, metadata),
            confirmation_method=confirmation_method or "automatic")
        if capture_method is not None:
            intent.capture_method = capture_method
        with phase_one():
            if payment_method:
                method = payment_method_for_use(id=payment_method, merchant=merchant,
                                                livemode=livemode, customer=intent.customer)
                intent.set_payment_method(payment_method=method)
            if confirm:
                # Phase 1 of the confirmation in the creating transaction: the intent is born
                # with its processor call in flight. Its payment method is already set (a
                # magic id must not make a second one).
                _confirm_prepare(intent, merchant=merchant, livemode=livemode,
                                 payment_method=None, options=ConfirmOptions(
                                     return_url=return_url, off_session=off_session,
                                     setup_future_usage=setup_future_usage,
                                     error_on_requires_action=error_on_requires_action,
                                     receipt_email=receipt_email, capture_method=capture_method))
            intent.save()
            status_change_record(obj=intent, source="created", actor=actor)
            event_record(type="payment_intent.created", obj=intent)
            if not confirm:
                result_here(intent)
        if confirm:
            return confirm_run(intent, processor, actor=actor)
        return intent


def payment_intent_update(
        *, id: str, merchant: Merchant, livemode: bool, actor: Actor,  # noqa: A002
        amount: Maybe[int] = NOT_GIVEN, currency: Maybe[str] = NOT_GIVEN,
        customer: Maybe[str | None] = NOT_GIVEN, payment_method: Maybe[str] = NOT_GIVEN,
        capture_method: Maybe[str] = NOT_GIVEN, setup_future_usage: Maybe[str] = NOT_GIVEN,
        description: Maybe[str | None] = NOT_GIVEN, receipt_email: Maybe[str | None] = NOT_GIVEN,
        statement_descriptor_suffix: Maybe[str] = NOT_GIVEN,
        shipping: Maybe[dict[str, Any] | None] = NOT_GIVEN,
        metadata: MetadataUpdate | None = None) -> PaymentIntent:
    """Updates an intent under its lock. Amount, currency, customer, payment method and the
    like change only before confirmation; a new payment method on an intent that needed one
    (or an action) makes it `requires_confirmation` again."""
    fields = {"amount": amount, "currency": currency, "capture_method": capture_method,
              "setup_future_usage": setup_future_usage, "description": description,
              "receipt_email": receipt_email,
              "statement_descriptor_suffix": statement_descriptor_suffix, "shipping": shipping}
    given = {name for name, value in fields.items() if value is not NOT_GIVEN}
    given |= {name for name, value in (("customer", customer),
                                       ("payment_method", payment_method))
              if value is not NOT_GIVEN}
    if metadata is not None:
        given.add("metadata")
    if payment_method:
        payment_method = payment_method_from_processor(id=payment_method, merchant=merchant,
                                                       livemode=livemode)
    with transaction.atomic(durable=True):
        intent = selectors.payment_intent_get_locked(id=id, merchant=merchant,
                                                     livemode=livemode)
        refuse_if_busy(intent)
        source = intent.status
        restricted = sorted(given - ALWAYS_UPDATABLE)
        if restricted and intent.status not in CONFIRMABLE:
            raise InvalidState(
                f"You cannot update {restricted[0]} on a PaymentIntent with a status "
                f"of {intent.status}.", code="payment_intent_unexpected_state",
                param=restricted[0], payment_intent=intent)
        for field, value in fields.items():
            if value is not NOT_GIVEN:
                setattr(intent, field, value)
        if amount is not NOT_GIVEN or currency is not NOT_GIVEN:
            check_amount(intent.amount, intent.currency)
        intent.metadata = metadata_apply(intent.metadata, metadata)
        if customer is not NOT_GIVEN:
            intent.customer = (selectors.customer_get(id=customer, merchant=merchant,
                                                      livemode=livemode, param="customer")
                               if customer else None)
        if payment_method:
            method = payment_method_for_use(id=payment_method, merchant=merchant,
                                            livemode=livemode, customer=intent.customer)
            intent.set_payment_method(payment_method=method)
        intent.save()
        status_change_record(obj=intent, source=source, actor=actor)
        receipt_email_changed(intent, receipt_email)  # after success, Stripe sends it then
    return intent


def payment_intent_confirm(
        *, id: str, merchant: Merchant, livemode: bool, actor: Actor,  # noqa: A002
        payment_method: str | None = None, return_url: str | None = None,
        off_session: bool = False, setup_future_usage: str | None = None,
        error_on_requires_action: bool = False, receipt_email: str | None = None,
        capture_method: str | None = None, client_secret: str | None = None) -> PaymentIntent:
    """Confirms an intent: authorizes (and captures, unless manual) with the processor.

    Phase 1 locks the intent, applies the options and marks the attempt in flight; phase 2
    asks the processor, outside any transaction, with the key `<id>:confirm:<attempt>`;
    phase 3 records the answer: `succeeded`, `requires_capture`, `processing`,
    `requires_action` (3-D Secure) or back to `requires_payment_method` with
    `last_payment_error` — then PaymentDeclined carrying the intent, after the commit.
    Concurrent confirms of one intent make one processor call: the others are refused as
    busy. `client_secret`: the proof a publishable key's caller gives (None: a secret key).
    """
    processor = processor_for(merchant=merchant, livemode=livemode)
    if payment_method:
        payment_method = payment_method_from_processor(id=payment_method, merchant=merchant,
                                                       livemode=livemode)
    with phase_one():
        intent = selectors.payment_intent_get_locked(id=id, merchant=merchant,
                                                     livemode=livemode)
        client_secret_check(intent=intent, client_secret=client_secret)
        if client_secret is not None:
            # What only the merchant decides: how the money is captured, and charging the
            # customer in their absence.
            for param, value in (("capture_method", capture_method),
                                 ("off_session", off_session)):
                if value not in (None, False):
                    raise InvalidRequest(
                        f"The parameter {param} can only be set on confirmation with a "
                        "secret API key.", code="parameter_unknown", param=param)
        if (client_secret is not None
                and intent.confirmation_method == PaymentIntent.ConfirmationMethod.MANUAL):
            # The merchant's server decides when such an intent is paid, not the browser.
            raise SecretKeyRequired(
                "This PaymentIntent has confirmation_method=manual: confirm it from your "
                "server with a secret API key.")
        refuse_if_busy(intent)
        _confirm_prepare(intent, merchant=merchant, livemode=livemode,
                         payment_method=payment_method, options=ConfirmOptions(
                             return_url=return_url, off_session=off_session,
                             setup_future_usage=setup_future_usage,
                             error_on_requires_action=error_on_requires_action,
                             receipt_email=receipt_email, capture_method=capture_method))
        intent.save()
    # The answer is recorded on the customer's time (read by phase 1): its test clock's, if any.
    with customer_time(intent.customer):
        return confirm_run(intent, processor, actor=actor)


def _confirm_prepare(intent: PaymentIntent, *, merchant: Merchant, livemode: bool,
                     payment_method: str | None, options: ConfirmOptions) -> None:
    """Phase 1's checks and changes, in the caller's transaction (the intent locked, or new):
    the confirmation's options applied and the attempt marked in flight."""
    if not can_proceed(intent.begin_confirm):
        raise unexpected_state(intent, "confirm", CONFIRMABLE)
    if payment_method:
        method = payment_method_for_use(id=payment_method, merchant=merchant,
                                        livemode=livemode, customer=intent.customer)
        intent.payment_method = method
    if intent.payment_method is None:
        raise InvalidState(
            "You cannot confirm this PaymentIntent because it's missing a payment method. "
            "Update the PaymentIntent with a payment method and then confirm it again.",
            code="payment_intent_unexpected_state", param="payment_method",
            payment_intent=intent)
    payment_method_check_usable(intent.payment_method, intent.customer)
    for field in ("return_url", "receipt_email", "setup_future_usage", "capture_method"):
        value = getattr(options, field)
        if value is not None:
            setattr(intent, field, value)
    if intent.setup_future_usage and intent.customer is None:
        raise InvalidRequest("You must provide a customer to use setup_future_usage.",
                             param="setup_future_usage")
    intent.off_session = options.off_session
    _begin_confirm(intent, off_session=intent.off_session,
                   error_on_requires_action=options.error_on_requires_action)


def _begin_confirm(intent: PaymentIntent, *, off_session: bool,
                   error_on_requires_action: bool) -> None:
    """Marks the confirmation in flight; a 3-D Secure passed since the last attempt goes
    with it to the processor (once)."""
    # `at` starts the in-flight lease, real time whatever clock the customer lives on.
    intent.begin_confirm(at=timezone.now(), options={
        "authenticated": intent.three_d_secure_passed, "off_session": off_session,
        "error_on_requires_action": error_on_requires_action})
    intent.three_d_secure_passed = False


def confirm_run(intent: PaymentIntent, processor, *, actor: Actor) -> PaymentIntent:
    """Phases 2 and 3 of a confirmation marked in flight; raises the card error, if any,
    once the outcome is committed."""
    options = intent.operation_options or {}
    method = intent.payment_method
    request = AuthorizeRequest(
        idempotency_key=f"{intent.id}:confirm:{intent.attempt}", amount=intent.amount,
        currency=intent.currency, card_token=method.processor_token,
        capture=intent.capture_method != PaymentIntent.CaptureMethod.MANUAL,
        settle_async=intent.capture_method == PaymentIntent.CaptureMethod.AUTOMATIC_ASYNC,
        off_session=options.get("off_session", False),
        authenticated=options.get("authenticated", False),
        card_set_up=method.off_session_ready,
        cvc_check=method.card.get("checks", {}).get("cvc_check"), payment_intent=intent.id,
        customer=intent.customer_id, setup_future_usage=intent.setup_future_usage,
        card_saved=method.customer_id is not None and method.customer_id == intent.customer_id)
    intent, error = phased(
        call=lambda: processor.authorize(request),
        lock=lambda: selectors.payment_intent_get_locked_by_id(id=intent.id),
        in_flight=attempt_in_flight("confirm", intent.attempt),
        record=lambda current, result: _confirm_record(current, result, actor=actor,
                                                       processor=processor),
        recorded=already_recorded)
    if error is not None:
        raise error
    return intent


def _confirm_record(intent: PaymentIntent, result, *, actor: Actor, processor: Processor
                    ) -> tuple[PaymentIntent, PaymentDeclined | None]:
    """Phase 3 of a confirmation: the processor's answer for the locked intent."""
    options = intent.operation_options or {}
    source = intent.status
    intent.end_operation()
    outcome, decline = result.outcome, result.decline
    if outcome == Outcome.REQUIRES_ACTION and options.get("error_on_requires_action"):
        outcome = Outcome.DECLINED
        decline = Decline(code="authentication_required",
                          decline_code="authentication_not_handled",
                          message="This payment required an authentication action to "
                                  "complete, but `error_on_requires_action` was set.")
    charge = None
    if outcome != Outcome.REQUIRES_ACTION:
        charge = charge_for_attempt(intent, result, outcome, decline,
                                    authenticated=options.get("authenticated", False),
                                    processor=processor)
        intent.latest_charge = charge
        if outcome != Outcome.DECLINED:
            payment_method_after_use(intent)
    error = outcome_record(intent, outcome=outcome, charge=charge, decline=decline,
                           processor_action=result.next_action)
    status_change_record(obj=intent, source=source, actor=actor)
    if error is None:
        result_here(intent)
    return intent, error


def payment_intent_authenticate(*, id: str, client_secret: str,  # noqa: A002
                                succeeded: bool, actor: Actor) -> PaymentIntent:
    """The cardholder's answer on the 3-D Secure page. Passed: the payment goes on to the
    processor (or waits in `requires_confirmation` for a manual confirmation). Failed: back
    to `requires_payment_method` with `payment_intent_authentication_failure`. Never raises
    a card error: the page shows the intent's outcome."""
    with phase_one():
        intent = selectors.payment_intent_get_locked_by_id(id=id)
        client_secret_check(intent=intent, client_secret=client_secret)
        refuse_if_busy(intent)
        if intent.status != PaymentIntent.Status.REQUIRES_ACTION:
            return intent
        source = intent.status
        if not succeeded:
            outcome_record(intent, outcome=Outcome.DECLINED, decline=Decline(
                code="payment_intent_authentication_failure",
                message="The provided PaymentMethod has failed authentication. You can "
                        "provide payment_method_data or a new PaymentMethod to attempt to "
                        "fulfill this PaymentIntent again."))
            status_change_record(obj=intent, source=source, actor=actor)
            return intent
        intent.three_d_secure_passed = True
        if intent.confirmation_method == PaymentIntent.ConfirmationMethod.MANUAL:
            # The merchant's server confirms again, and the payment goes on then.
            intent.set_payment_method(payment_method=intent.payment_method)
            intent.save()
            status_change_record(obj=intent, source=source, actor=actor)
            return intent
        _begin_confirm(intent, off_session=False, error_on_requires_action=False)
        intent.save()
    processor = processor_for(merchant=intent.merchant, livemode=intent.livemode)
    try:
        return confirm_run(intent, processor, actor=actor)
    except PaymentDeclined:
        return selectors.payment_intent_get(id=id, merchant=intent.merchant,
                                            livemode=intent.livemode)


