"""One message, many deliveries: claimed in one statement and recorded in one transaction,
whatever each one's fate (sent, refused, stale, canceled, its lost attempt recovered).

The worker's hot path is raw SQL run on PostgreSQL and SQLite alike: these tests check what
it reads and writes back, datetimes included, on both.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.webhooks.conftest import create_endpoint, record_event
from webhooks import sender
from webhooks.models import Event, WebhookDelivery, WebhookDeliveryAttempt, WebhookEndpoint
from webhooks.services import outbox as services

pytestmark = pytest.mark.usefixtures("allow_local")


@pytest.fixture
def one_group(monkeypatch) -> None:
    """Records every answer of a message in one transaction (as when they all arrive within
    the gathering window), so the query count does not depend on the machine's speed."""
    concurrently = sender.send_concurrently

    def all_at_once(jobs, send_one, **kwargs):
        yield [outcome for group in concurrently(jobs, send_one, **kwargs)
               for outcome in group]

    monkeypatch.setattr(sender, "send_concurrently", all_at_once)


@pytest.mark.usefixtures("one_group")
def test_a_message_of_several_events_and_endpoints_is_claimed_and_recorded_at_once(
        account, api, receiver, django_assert_max_num_queries):
    # given three endpoints, one of them failing, and two events owed to each
    endpoints = [create_endpoint(api, receiver.url(f"/{name}")) for name in ("a", "b", "c")]
    receiver.respond("/c", 500, then=500)
    events = [record_event(account.merchant, email=f"{n}@example.test") for n in range(2)]
    deliveries = list(WebhookDelivery.objects.order_by("pk"))
    assert len(deliveries) == 6

    # when one message carries all six: claim 2 queries (3 on PostgreSQL: the endpoints'
    # lock), events 1, record 7 (the failing endpoint's failing_since, the attempts, the
    # lock, two groups of updates, two events' counts), whatever the number of deliveries;
    # and a savepoint in and out of each of the two transactions here (tests run inside one)
    endpoints_lock = 1 if connection.features.has_select_for_update else 0
    with django_assert_max_num_queries(10 + endpoints_lock + 4):
        made = services.deliveries_attempt(items=[(d.id, 0) for d in deliveries])

    # then every delivery was attempted once, signed for its own endpoint, with its event
    assert made == 6
    received = receiver.received()
    assert len(received) == 6
    secrets = {f"/{name}": endpoint["secret"] for name, endpoint in zip("abc", endpoints,
                                                                          strict=True)}
    assert sorted((r.path, r.verified_event(secrets[r.path]).id) for r in received) == sorted(
        (f"/{name}", event.id) for name in "abc" for event in events)

    # and each outcome is on record: two successes and a retry on the schedule per event
    now = timezone.now()
    retry = services.retry_delay(livemode=False, attempt=1)
    failing_id = endpoints[2]["id"]
    for delivery in WebhookDelivery.objects.all():
        assert delivery.attempt_count == 1
        assert delivery.in_flight_until is None
        if delivery.endpoint_id == failing_id:
            assert delivery.status == "pending"
            assert now + retry - timedelta(seconds=30) < delivery.next_attempt_at <= now + retry
        else:
            assert delivery.status == "succeeded"
            assert delivery.next_attempt_at is None
            assert now - timedelta(seconds=30) < delivery.succeeded_at <= now
    attempts = WebhookDeliveryAttempt.objects.select_related("delivery")
    assert sorted((a.delivery.endpoint_id == failing_id, a.status_code, a.succeeded, a.error)
                  for a in attempts) == (
        [(False, 200, True, None)] * 4 + [(True, 500, False, "HTTP 500")] * 2)
    assert all(a.response_excerpt and not a.manual and a.duration_ms >= 0 for a in attempts)
    assert [e.pending_webhooks for e in Event.objects.filter(
        pk__in=[e.id for e in events])] == [1, 1]
    assert WebhookEndpoint.objects.get(pk=failing_id).failing_since is not None

    # and the same message again changes nothing
    assert services.deliveries_attempt(items=[(d.id, 0) for d in deliveries]) == 0
    assert len(receiver.received()) == 6


def test_a_batch_claim_takes_what_it_may_and_settles_the_rest(account, api, receiver):
    # given four deliveries of one message, owed to four endpoints: one fresh, one whose
    # message is stale, one whose endpoint was deleted, one whose worker died mid-attempt
    ids = [create_endpoint(api, receiver.url(f"/{n}"))["id"] for n in range(4)]
    event = record_event(account.merchant)
    by_endpoint = {d.endpoint_id: d for d in WebhookDelivery.objects.all()}
    fresh, stale, orphan, lost = (by_endpoint[endpoint_id] for endpoint_id in ids)
    WebhookEndpoint.objects.filter(pk=orphan.endpoint_id).update(deleted_at=timezone.now())
    lease = timedelta(seconds=10) + services.ATTEMPT_LEASE_MARGIN
    expired = (timezone.now() - timedelta(seconds=5)).replace(microsecond=123456)
    WebhookDelivery.objects.filter(pk=lost.pk).update(attempt_count=1, in_flight_until=expired)

    # when the message arrives
    claimed = services.deliveries_claim(items=[(fresh.id, 0), (stale.id, 3), (orphan.id, 0),
                                               (lost.id, 1)])

    # then the fresh one and the lost one are claimed, leased, with their endpoint
    assert sorted(d.id for d in claimed) == sorted([fresh.id, lost.id])
    for delivery in claimed:
        stored = WebhookDelivery.objects.get(pk=delivery.pk)
        assert stored.in_flight_until == delivery.in_flight_until > timezone.now()
        assert stored.next_attempt_at == stored.in_flight_until
        assert stored.attempt_count == delivery.attempt_count
        assert delivery.endpoint.id == delivery.endpoint_id
        assert delivery.endpoint.url == receiver.url(f"/{ids.index(delivery.endpoint_id)}")
        assert delivery.endpoint.signing_secrets(timezone.now()) == [
            WebhookEndpoint.objects.get(pk=delivery.endpoint_id).secret]
        # what was not read is deferred, so a save() could not overwrite it with defaults
        assert {"enabled_events", "metadata"} <= delivery.endpoint.get_deferred_fields()
    assert WebhookDelivery.objects.get(pk=lost.pk).attempt_count == 2
    # and the lost attempt is on record, dated when it began
    [recovered] = WebhookDeliveryAttempt.objects.filter(delivery=lost)
    assert recovered.error == services.LOST_ATTEMPT and not recovered.succeeded
    assert recovered.attempted_at == expired - lease
    # and the stale message's delivery is untouched, the deleted endpoint's canceled
    stale.refresh_from_db()
    assert (stale.status, stale.attempt_count, stale.in_flight_until) == ("pending", 0, None)
    orphan.refresh_from_db()
    assert orphan.status == "canceled"
    event.refresh_from_db()
    assert event.pending_webhooks == 3


def test_a_claim_counts_the_attempts_other_messages_have_in_flight(account, api, receiver,
                                                                   settings):
    # given an endpoint allowed two attempts at once, one of them already under way
    settings.TILL_WEBHOOK_MAX_IN_FLIGHT = 2
    create_endpoint(api, receiver.url())
    for n in range(3):
        record_event(account.merchant, email=f"{n}@example.test")
    first, second, third = WebhookDelivery.objects.order_by("created", "id")
    assert services.deliveries_claim(items=[(first.id, 0)])

    # when a message for the other two arrives
    claimed = services.deliveries_claim(items=[(second.id, 0), (third.id, 0)])

    # then only one more is claimed (the first by id); the other waits
    assert [d.id for d in claimed] == [min(second.id, third.id)]
    assert WebhookDelivery.objects.filter(in_flight_until__isnull=False).count() == 2
    waiting = WebhookDelivery.objects.get(pk=max(second.id, third.id))
    assert waiting.attempt_count == 0 and waiting.in_flight_until is None


def test_a_late_success_after_a_cancel_is_recorded_without_settling_twice(account, api,
                                                                        receiver):
    # given an attempt in flight when its endpoint was disabled (its delivery canceled)
    endpoint = create_endpoint(api, receiver.url())
    event = record_event(account.merchant)
    delivery = WebhookDelivery.objects.get()
    [claimed] = services.deliveries_claim(items=[(delivery.id, 0)])
    assert api.post(f"/v1/webhook_endpoints/{endpoint['id']}",
                    {"disabled": "true"}).status_code == 200
    event.refresh_from_db()
    assert event.pending_webhooks == 0

    # when its success is recorded
    result = sender.SendResult(attempted_at=timezone.now(), duration_ms=3, status_code=200,
                               response_excerpt="{}", error=None)
    services.deliveries_record(outcomes=[(claimed, result)])

    # then it succeeded, and the event's count did not go below zero
    delivery.refresh_from_db()
    assert delivery.status == "succeeded"
    event.refresh_from_db()
    assert event.pending_webhooks == 0
    assert WebhookDeliveryAttempt.objects.filter(delivery=delivery, succeeded=True).count() == 1
