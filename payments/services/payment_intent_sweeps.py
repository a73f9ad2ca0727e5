"""Till's own work on payment intents, run by Celery (and beat's sweeps): settling a
`processing` payment, expiring uncaptured authorizations, finishing processor calls whose
answer was never recorded; and the same work for the customers of a test clock, as their
clock advances."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import clock
from core.actor import TILL
from core.audit import status_change_record
from core.exceptions import DomainError, PaymentDeclined
from merchants.models import Merchant
from payments import selectors
from payments.clocks import customer_time
from payments.models import Charge, PaymentIntent
from payments.processors import processor_for, processor_for_charge
from payments.processors.base import Outcome
from payments.services.capture_and_cancel import cancel_run, capture_run, payment_intent_cancel
from payments.services.charge_funds import charge_captured
from payments.services.payment_intents import confirm_run
from payments.services.payment_outcomes import (
    charge_for_attempt,
    outcome_record,
    payment_method_after_use,
)

# The phases 2 and 3 of each operation, for the recovery sweep.
OPERATION_RUNS = {"confirm": confirm_run, "capture": capture_run, "cancel": cancel_run}


def payment_intent_settle(*, id: str, unavailable_raises: bool = False  # noqa: A002
                          ) -> PaymentIntent:
    """Asks the processor where a `processing` payment stands and records the answer:
    `charge.succeeded` + `payment_intent.succeeded`, or the failure. Safe to run twice; a
    payment still pending is left for the next sweep. On the customer's time: a customer on
    a test clock settles as its clock passes the settlement's due time.
    `unavailable_raises`: a processor that cannot be asked raises (a caller that retries on
    its own, as the processor's events do) instead of leaving it to the next sweep."""
    intent = PaymentIntent.objects.select_related("latest_charge", "customer").get(pk=id)
    if intent.status != PaymentIntent.Status.PROCESSING:
        return intent
    with customer_time(intent.customer):
        return _payment_intent_settle(intent, unavailable_raises=unavailable_raises)


def _payment_intent_settle(intent: PaymentIntent, *, unavailable_raises: bool
                           ) -> PaymentIntent:
    pk = intent.id
    try:
        processor = processor_for_charge(merchant=intent.merchant, livemode=intent.livemode,
                                         charge=intent.latest_charge)
        settlement = processor.settlement(
            idempotency_key=f"{intent.id}:confirm:{intent.attempt}",
            reference=intent.latest_charge.processor_reference)
    except DomainError:
        if unavailable_raises:
            raise
        return intent  # no processor to ask now (unavailable): the next sweep asks again
    if settlement.outcome == Outcome.PENDING:
        return intent
    with transaction.atomic(durable=True):
        intent = selectors.payment_intent_get_locked_by_id(id=pk)
        if intent.status != PaymentIntent.Status.PROCESSING:
            return intent
        charge = selectors.charge_get_locked_by_id(id=intent.latest_charge_id)
        source = intent.status
        if settlement.outcome == Outcome.SUCCEEDED:
            charge.status = Charge.Status.SUCCEEDED
            charge_captured(charge, merchant=intent.merchant, amount=charge.amount,
                            processor_fee=settlement.fee, also=("status",))
            outcome_record(intent, outcome=Outcome.SUCCEEDED, charge=charge,
                           amount_received=charge.amount)
        else:
            charge.status = Charge.Status.FAILED
            charge.failure_code = settlement.decline.code
            charge.failure_message = settlement.decline.message
            charge.save(update_fields=["status", "failure_code", "failure_message"])
            outcome_record(intent, outcome=Outcome.DECLINED, charge=charge,
                           decline=settlement.decline)
        status_change_record(obj=intent, source=source, actor=TILL)
    return intent


def payment_intent_action_resolve(*, id: str, reference: str) -> PaymentIntent:  # noqa: A002
    """A payment in `requires_action` whose authentication the processor runs itself
    (Stripe's 3-D Secure): asks the processor where its payment `reference` stands now and,
    once the cardholder is done, records that answer as the confirmation's (the charge, the
    outcome, its events and hooks), as a confirmation's last phase does. Safe to run twice;
    a payment still awaiting the cardholder, one Stripe made for another intent or an
    earlier attempt, and one Stripe canceled (Till's intent is canceled through Till) are
    left as they are.
    Raises ProcessorUnavailable when the processor cannot be asked (retried later)."""
    intent = PaymentIntent.objects.select_related("merchant").get(pk=id)
    if intent.status != PaymentIntent.Status.REQUIRES_ACTION or intent.operation is not None:
        return intent
    processor = processor_for(merchant=intent.merchant, livemode=intent.livemode)
    intent_state = getattr(processor, "intent_state", None)
    if intent_state is None:
        return intent  # the simulated processor's 3-D Secure is Till's own page
    made_for, status, result = intent_state(reference=reference)
    # Only the current attempt's payment answers it: an abandoned earlier attempt's does not.
    if made_for != f"{intent.id}:confirm:{intent.attempt}" or status == "canceled" \
            or result.outcome == Outcome.REQUIRES_ACTION:
        return intent
    attempt = intent.attempt
    with transaction.atomic(durable=True):
        intent = selectors.payment_intent_get_locked_by_id(id=id)
        if intent.status != PaymentIntent.Status.REQUIRES_ACTION \
                or intent.operation is not None or intent.attempt != attempt:
            return intent
        source = intent.status
        charge = charge_for_attempt(intent, result, result.outcome, result.decline,
                                    authenticated=True, processor=processor)
        intent.latest_charge = charge
        if result.outcome != Outcome.DECLINED:
            payment_method_after_use(intent)
        outcome_record(intent, outcome=result.outcome, charge=charge, decline=result.decline)
        status_change_record(obj=intent, source=source, actor=TILL)
    return intent


def payment_intents_settle_due() -> int:
    """The sweep behind the settle messages: a lost message only delays a settlement."""
    return sum(payment_intent_settle(id=pk).status != PaymentIntent.Status.PROCESSING
               for pk in selectors.payment_intent_ids_processing())


def payment_intents_expire_authorizations() -> int:
    """Cancels authorizations not captured in time (reason `automatic`, `charge.expired`)."""
    return sum(_authorization_expire(pk)
               for pk in selectors.payment_intent_ids_authorization_expired(now=clock.now()))


def _authorization_expire(pk: str) -> bool:
    intent = PaymentIntent.objects.select_related("merchant").get(pk=pk)
    merchant: Merchant = intent.merchant
    try:
        payment_intent_cancel(id=pk, merchant=merchant, livemode=intent.livemode,
                              actor=TILL, cancellation_reason="automatic", expired=True)
    except DomainError:
        return False  # captured or canceled meanwhile, or busy: the next run sees it
    return True


def payment_intents_clock_advance(*, clock_id: str, merchant_id: str, livemode: bool,
                                  until: datetime) -> None:
    """Payments' advance handler (core.hooks), for a test clock moving to `until`: its
    customers' holds expire and their pending payments settle, in the order they fall due,
    each with the clock bound to its due time. Safe to run twice: what is done is no longer
    due."""
    settles_after = timedelta(seconds=settings.TILL_SIMULATED_SETTLEMENT_SECONDS)
    for due, kind, pk in selectors.payment_intents_due_on_test_clock(
            clock_id=clock_id, until=until, settles_after=settles_after):
        with clock.bound(due):
            if kind == "expire":
                _authorization_expire(pk)
            else:
                payment_intent_settle(id=pk)


def payment_intents_recover() -> int:
    """Finishes processor calls whose answer was never recorded (a crash between phases):
    the same call again, with the same idempotency key, gets the processor's first answer,
    which is then recorded. Returns how many were finished."""
    # Leases are real time (payment_intents._begin_confirm), whatever clock a customer is on.
    before = timezone.now() - timedelta(seconds=settings.TILL_PAYMENT_RECOVERY_SECONDS)
    finished = 0
    for pk in selectors.payment_intent_ids_in_flight_since(before=before):
        intent = PaymentIntent.objects.select_related(
            "payment_method", "latest_charge", "merchant").get(pk=pk)
        run = OPERATION_RUNS.get(intent.operation)
        if run is None:
            continue
        try:
            # A confirmation goes to the mode's processor; a capture or void to the one
            # that made the authorization.
            processor = (processor_for(merchant=intent.merchant, livemode=intent.livemode)
                         if intent.operation == "confirm" else processor_for_charge(
                             merchant=intent.merchant, livemode=intent.livemode,
                             charge=intent.latest_charge))
            run(intent, processor, actor=TILL)
        except PaymentDeclined:
            pass  # recorded as the intent's outcome; nobody awaits it here
        except DomainError:
            continue  # no answer yet (the processor unavailable): the next sweep asks again
        finished += 1
    return finished
