"""Events are shown and kept for TILL_EVENT_RETENTION_DAYS; the beat task prunes them."""

from datetime import timedelta

from django.utils import timezone

from tests.webhooks.conftest import create_endpoint, record_event
from webhooks.models import Event, WebhookDelivery, WebhookDeliveryAttempt
from webhooks.services import events_prune


def age(event: Event, days: float) -> None:
    Event.objects.filter(pk=event.pk).update(created=timezone.now() - timedelta(days=days))


def test_events_older_than_the_window_are_neither_listed_nor_retrieved(account, api):
    old, recent = record_event(account.merchant), record_event(account.merchant)
    age(old, 31)
    age(recent, 29)

    listed = [e["id"] for e in api.get("/v1/events").json()["data"]]

    assert listed == [recent.id]
    assert api.get(f"/v1/events/{old.id}").status_code == 404
    assert api.get(f"/v1/events/{recent.id}").status_code == 200


def test_the_window_is_configurable(account, api, settings):
    settings.TILL_EVENT_RETENTION_DAYS = 7
    event = record_event(account.merchant)
    age(event, 8)

    assert api.get("/v1/events").json()["data"] == []


def test_prune_deletes_expired_events_with_their_deliveries(account, api, deliver, receiver,
                                                            allow_local):
    create_endpoint(api, receiver.url())
    old, recent = deliver(account.merchant), deliver(account.merchant)
    age(old, 31)

    assert events_prune() == 1

    assert list(Event.objects.values_list("pk", flat=True)) == [recent.id]
    assert list(WebhookDelivery.objects.values_list("event_id", flat=True)) == [recent.id]
    assert WebhookDeliveryAttempt.objects.count() == 1
    assert events_prune() == 0


def test_delivery_success_filters_events(account, api, deliver, receiver, allow_local):
    create_endpoint(api, receiver.url())
    receiver.respond("/hook", 500)
    undelivered = deliver(account.merchant)
    delivered = deliver(account.merchant)

    failing = api.get("/v1/events", {"delivery_success": "false"}).json()["data"]
    succeeding = api.get("/v1/events", {"delivery_success": "true"}).json()["data"]

    assert [e["id"] for e in failing] == [undelivered.id]
    assert [e["id"] for e in succeeding] == [delivered.id]
