"""A processor's events in (Stripe's webhooks to a connection's inbound URL): verified,
stored once, applied later by Celery.

Receiving answers fast and does nothing else: the signature is checked against the
connection's signing secret, the event stored (Stripe's event id is unique per connection,
so a redelivery is stored once and applied once) and its application enqueued on commit.
Applying goes through the handler its type's app registered (core.hooks): payments applies
payment intents' events here; refunds applies refunds'. Every handler re-reads the object
from Stripe and records only a forward change through the same services the sweeps use, so
late, duplicate and out-of-order deliveries change nothing that is already so.
"""

from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from core.db import unique_insert
from core.exceptions import DomainError, InvalidRequest, NotFound
from core.hooks import ProcessorEventResult, on_processor_event, processor_event_dispatch
from payments import selectors
from payments.models import Charge, PaymentIntent
from payments.processors.models import InboundEvent, ProcessorConnection
from payments.processors.stripe import stripe_event_verify
from payments.services.payment_intent_sweeps import (
    payment_intent_action_resolve,
    payment_intent_settle,
)

# An event not applied this long after it came (a lost message, a failure) is retried.
RETRY_AFTER = timedelta(minutes=1)
_ERROR_LENGTH = 2000


def inbound_event_receive(*, inbound_id: str, payload: bytes, signature: str
                          ) -> InboundEvent:
    """Stores the event Stripe sent to the inbound URL `inbound_id` and enqueues its
    application once stored. NotFound for no such URL; InvalidRequest (nothing stored) for
    a signature that does not verify with the connection's signing secret, a connection
    without one, or an event of the other mode. A redelivery returns the stored event
    without enqueueing it again."""
    connection = selectors.processor_connection_for_inbound(inbound_id=inbound_id)
    if connection is None:
        raise NotFound("No such inbound endpoint.")
    secret = connection.webhook_secret
    if not secret:
        raise InvalidRequest("This connection has no webhook signing secret yet: connect "
                             "again with --webhook-secret.", code="signature_invalid")
    event = stripe_event_verify(payload=payload, signature=signature, secret=secret)
    if bool(event.get("livemode")) != connection.livemode:
        raise InvalidRequest("The event is of the other mode.", code="livemode_mismatch")
    obj = _event_object(event)
    with transaction.atomic(durable=True):
        try:
            with unique_insert():
                stored = InboundEvent.objects.create(
                    connection=connection, event_id=str(event["id"])[:100],
                    type=str(event["type"])[:100], object_id=str(obj.get("id") or "")[:100],
                    payload=event)
        except IntegrityError:
            return InboundEvent.objects.get(connection=connection, event_id=event["id"])
        _apply_on_commit(stored.pk)
    return stored


def inbound_event_apply(*, id: int) -> InboundEvent:  # noqa: A002
    """Applies one stored event through its type's handler and marks it processed with the
    handler's result. Safe to run twice (the handlers record only forward changes); a
    failure (Stripe unreachable) is kept in `error` and the event left for the retry
    sweep."""
    event = InboundEvent.objects.select_related("connection__merchant").get(pk=id)
    if event.processed_at is not None:
        return event
    try:
        outcome = processor_event_dispatch(type=event.type, connection=event.connection,
                                           obj=_event_object(event.payload))
    except DomainError as error:
        InboundEvent.objects.filter(pk=id).update(error=str(error)[:_ERROR_LENGTH])
        event.refresh_from_db()
        return event
    InboundEvent.objects.filter(pk=id, processed_at__isnull=True).update(
        processed_at=timezone.now(), result=outcome.result, note=outcome.note[:300], error="")
    event.refresh_from_db()
    return event


def inbound_event_ids_due() -> list[int]:
    """The events still unprocessed a minute after they came: beat's sweep enqueues them."""
    return selectors.inbound_event_ids_unprocessed(before=timezone.now() - RETRY_AFTER)


def _apply_on_commit(pk: int) -> None:
    from payments.tasks import inbound_event_apply  # tasks import services

    def enqueue_inbound_event() -> None:  # named: Django logs a robust hook by its name
        inbound_event_apply.delay(pk)

    transaction.on_commit(enqueue_inbound_event, robust=True)


def _event_object(event: dict[str, Any]) -> dict[str, Any]:
    obj = (event.get("data") or {}).get("object")
    return obj if isinstance(obj, dict) else {}


# -- payments' own events --------------------------------------------------------------------

@on_processor_event("payment_intent.succeeded", "payment_intent.payment_failed",
                    "payment_intent.requires_action", "payment_intent.canceled",
                    "payment_intent.processing")
def payment_intent_event_apply(*, connection: ProcessorConnection, obj: dict[str, Any]
                               ) -> ProcessorEventResult:
    """A Stripe PaymentIntent changed: Till's intent behind it, if it is still waiting on
    Stripe (`processing`: an asynchronous result; `requires_action`: 3-D Secure run by
    Stripe), is brought up to where Stripe's stands now, read back from Stripe."""
    reference = str(obj.get("id") or "")
    intent = _intent_behind(connection, reference=reference, obj=obj)
    if intent is None:
        return ProcessorEventResult("ignored", f"No payment intent of Till's is {reference}.")
    waiting = intent.status
    if waiting == PaymentIntent.Status.PROCESSING:
        intent = payment_intent_settle(id=intent.id, unavailable_raises=True)
    elif waiting == PaymentIntent.Status.REQUIRES_ACTION:
        intent = payment_intent_action_resolve(id=intent.id, reference=reference)
    if intent.status == waiting:
        return ProcessorEventResult("unchanged", f"{intent.id} is {intent.status}.")
    return ProcessorEventResult("applied", f"{intent.id}: {waiting} → {intent.status}.")


def _intent_behind(connection: ProcessorConnection, *, reference: str, obj: dict[str, Any]
                   ) -> PaymentIntent | None:
    """Till's intent a Stripe PaymentIntent was made for, in the connection's merchant and
    mode: by the metadata Till set on it, else by the charge that references it."""
    scope = {"merchant_id": connection.merchant_id, "livemode": connection.livemode}
    till_id = str((obj.get("metadata") or {}).get("till_payment_intent") or "")
    if till_id:
        return PaymentIntent.objects.filter(pk=till_id, **scope).first()
    charge = (Charge.objects.filter(processor_reference=reference, **scope)
              .exclude(processor_reference="").order_by("-created").first())
    if not reference or charge is None:
        return None
    return PaymentIntent.objects.filter(pk=charge.payment_intent_id).first()
