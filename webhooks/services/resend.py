"""Manual resends: a delivery sent again outside its schedule (the dashboard's Resend,
`POST /v1/events/{id}/retry`)."""

import orjson
from django.db import transaction
from django.utils import timezone

from core.exceptions import InvalidRequest
from core.wire import render
from merchants.models import Merchant
from webhooks import selectors, sender
from webhooks.models import Event, WebhookDelivery
from webhooks.services.outbox import deliveries_record


def webhook_delivery_resend(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Queues one manual attempt of a delivery, outside its schedule (recorded with
    manual=true; a failure changes nothing, a success marks it succeeded)."""
    from webhooks.tasks import delivery_resend  # tasks import services

    if not delivery.endpoint.is_active:
        raise InvalidRequest(
            f"Webhook endpoint {delivery.endpoint_id} is disabled; enable it to resend.",
            param="webhook_endpoint")
    def enqueue_resend() -> None:
        delivery_resend.delay(delivery.id)

    transaction.on_commit(enqueue_resend, robust=True)
    return delivery


def event_retry(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                webhook_endpoint: str) -> Event:
    """`POST /v1/events/{id}/retry` (what `stripe events resend` calls): resends an event
    to one endpoint it was sent to."""
    event = selectors.event_get(id=id, merchant=merchant, livemode=livemode)
    endpoint = selectors.webhook_endpoint_get(id=webhook_endpoint, merchant=merchant,
                                              livemode=livemode, param="webhook_endpoint")
    delivery = selectors.webhook_delivery_for_event(event=event, endpoint=endpoint)
    if delivery is None:
        raise InvalidRequest(
            f"Event {event.id} was not sent to webhook endpoint {endpoint.id}: the endpoint "
            "does not subscribe to its type, or was created after it.",
            param="webhook_endpoint")
    delivery.endpoint = endpoint
    webhook_delivery_resend(delivery=delivery)
    return event


def delivery_attempt_manual(*, delivery_id: str) -> bool:
    """Makes the manual attempt queued by webhook_delivery_resend; returns its success."""
    delivery = selectors.webhook_delivery_get(id=delivery_id)
    if delivery is None or not delivery.endpoint.is_active:
        return False
    endpoint = delivery.endpoint
    now = timezone.now()
    result = sender.send(url=endpoint.url, livemode=endpoint.livemode,
                         payload=orjson.dumps(render(delivery.event)),
                         secrets=endpoint.signing_secrets(now))
    deliveries_record(outcomes=[(delivery, result)], manual=True)
    return result.succeeded
