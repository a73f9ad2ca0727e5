"""Events and their delivery to webhook endpoints: the outbox.

Events are written by other apps' services inside their own transactions (`event_record`);
the same transaction writes one delivery per subscribed endpoint (the outbox), and a Celery
message is sent once it commits.

Each delivery attempt runs in atomic phases, never holding a lock across the network:
1. claim (`deliveries_claim`): a short transaction locks the delivery (SKIP LOCKED), checks
   the message is the one expected (its attempt count), counts the attempt and leases it;
2. send (`webhooks.sender`), outside any transaction, to the address vetted just then;
3. record (`deliveries_record`): a new transaction stores the attempt and moves the
   delivery on: succeeded, a retry at the next step of the schedule, or given up.
A worker that dies between 1 and 3 leaves a lease that expires; the sweep then re-enqueues
the delivery. Duplicate messages are no-ops, so a delivery is repeated only by a retry.

An event's `created` is core's clock (the time of the change it records, a test clock's for
a customer on one). Everything about delivering it — a delivery's creation, leases, retries,
attempts, `failing_since` — is the wall clock's: it schedules real sends, which the sweep and
the health check measure against real time.
"""

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import orjson
from django.conf import settings
from django.db import models, transaction
from django.db.models import Case, F, When
from django.utils import timezone
from django_fsm import can_proceed
from kombu.exceptions import OperationalError as KombuOperationalError

from core import clock
from core.context import idempotency_key_var, request_id_var
from core.db import db_datetime, execute, insert, placeholders, table
from core.wire import render
from webhooks import selectors, sender
from webhooks.events import EVENT_TYPES
from webhooks.models import (
    Event,
    WebhookDelivery,
    WebhookDeliveryAttempt,
    WebhookEndpoint,
    event_subjects,
)

logger = logging.getLogger("till.webhooks")

# A message is on its way when a delivery is created or swept; if it is lost, the sweep
# enqueues the delivery again after this long.
ENQUEUE_LEASE = timedelta(seconds=30)
# Beyond the request timeout, how long a claimed attempt is presumed alive.
ATTEMPT_LEASE_MARGIN = timedelta(seconds=20)
# A delivery refused by the per-endpoint cap is due again this soon (for the sweep) when its
# endpoint is slow: its oldest attempt in flight has run for SLOW_ATTEMPT.
BUSY_ENDPOINT_DELAY = timedelta(seconds=1)
SLOW_ATTEMPT = timedelta(seconds=1)
# A healthy endpoint at its cap only has a burst in flight: its refused deliveries are sent
# again this many seconds later, not left for the sweep.
BURST_RETRY_SECONDS = 0.1
LOST_ATTEMPT = ("No outcome: the worker making this attempt stopped before recording it "
                "(its lease expired).")
MESSAGE_BATCH = 16
SWEEP_BATCH = 1000
SWEEP_MAX_BATCHES = 10


# -- events --------------------------------------------------------------------------------

def event_record(*, type: str, obj: models.Model,  # noqa: A002 - Stripe's field name
                 previous_attributes: dict[str, Any] | None = None,
                 payload: dict[str, Any] | None = None) -> Event:
    """Records `type` for `obj` (rendered now, as Stripe does) in the caller's transaction,
    with one delivery per enabled endpoint of the merchant and mode that subscribes to it.

    Must run inside the transaction that made the change, so the event and its deliveries
    exist if and only if the change committed; the deliveries are enqueued on commit.
    Costs one query for the endpoints, one insert for the event and one for the deliveries.
    """
    [event] = events_record(EventSpec(type=type, obj=obj,
                                      previous_attributes=previous_attributes,
                                      payload=payload))
    return event


@dataclass(frozen=True)
class EventSpec:
    type: str
    obj: models.Model
    previous_attributes: dict[str, Any] | None = None
    payload: dict[str, Any] | None = None


def events_record(*specs: EventSpec) -> list[Event]:
    """event_record for several changes of one merchant and mode in one transaction (a
    charge and its payment intent): one query for the endpoints, one insert for all the
    events and one for all their deliveries, in the order given."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("events must be recorded inside the change's transaction")
    for spec in specs:
        if spec.type not in EVENT_TYPES:
            raise ValueError(f"{spec.type} is not in the event catalogue")
    if not specs:
        return []  # nothing happened (an empty batch of changes)
    first = specs[0].obj
    if any((spec.obj.merchant_id, spec.obj.livemode) != (first.merchant_id, first.livemode)
           for spec in specs):
        raise ValueError("events_record takes the events of one merchant and mode")
    subscriptions = selectors.webhook_endpoint_subscriptions(merchant_id=first.merchant_id,
                                                             livemode=first.livemode)
    request_id, idempotency_key = request_id_var.get(), idempotency_key_var.get()
    now, sent_from = clock.now(), timezone.now()
    events, deliveries = [], []
    for index, spec in enumerate(specs):
        data: dict[str, Any] = {
            "object": spec.payload if spec.payload is not None else render(spec.obj)}
        if spec.previous_attributes is not None:
            data["previous_attributes"] = spec.previous_attributes
        endpoint_ids = [pk for pk, enabled in subscriptions
                        if "*" in enabled or spec.type in enabled]
        object_id, related_payment_intent = event_subjects(data["object"])
        event = Event(merchant_id=first.merchant_id, livemode=first.livemode, type=spec.type,
                      api_version=settings.TILL_API_VERSION, data=data, object_id=object_id,
                      related_payment_intent=related_payment_intent,
                      # a microsecond apart: lists show them in the order they happened
                      created=now + timedelta(microseconds=index),
                      request_id=request_id, idempotency_key=idempotency_key,
                      pending_webhooks=len(endpoint_ids))
        events.append(event)
        deliveries.extend(WebhookDelivery(endpoint_id=endpoint_id, event=event,
                                          created=sent_from,
                                          next_attempt_at=sent_from + ENQUEUE_LEASE)
                          for endpoint_id in endpoint_ids)
    insert(*events)
    if deliveries:
        insert(*deliveries)
        _enqueue_on_commit([(delivery.id, 0) for delivery in deliveries])
    return events


def previous_attributes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """Stripe's `previous_attributes`: the old values of the top-level keys that changed."""
    return {key: before.get(key) for key in after if before.get(key) != after.get(key)}


def events_prune(*, batch: int = 1000) -> int:
    """Deletes events older than TILL_EVENT_RETENTION_DAYS with their deliveries and
    attempts, a batch per transaction; returns how many events."""
    before = selectors.event_retention_start()
    total = 0
    while ids := selectors.event_ids_expired(before=before, limit=batch):
        with transaction.atomic(durable=True):
            WebhookDeliveryAttempt.objects.filter(delivery__event_id__in=ids).delete()
            WebhookDelivery.objects.filter(event_id__in=ids).delete()
            Event.objects.filter(pk__in=ids).delete()
        total += len(ids)
    return total


def _events_settle(counts: Counter) -> None:
    """One fewer pending webhook per delivery that left `pending` (succeeded, given up or
    canceled). Events are locked in id order, so concurrent settlements cannot deadlock."""
    counts = Counter({event_id: n for event_id, n in counts.items() if n})
    if not counts:
        return
    if len(counts) == 1:
        # The common case (one event's deliveries per message), on the worker's hot path.
        [(event_id, n)] = counts.items()
        execute(f"UPDATE {table(Event)} SET pending_webhooks = pending_webhooks - %s "  # noqa: S608
                "WHERE id = %s", [n, event_id])
        return
    ids = sorted(counts)
    list(Event.objects.select_for_update().filter(pk__in=ids).order_by("pk")
         .values_list("pk"))
    Event.objects.filter(pk__in=ids).update(pending_webhooks=Case(
        *[When(pk=event_id, then=F("pending_webhooks") - counts[event_id]) for event_id in ids],
        default=F("pending_webhooks"), output_field=models.PositiveIntegerField()))


def _deliveries_save(deliveries: Iterable[WebhookDelivery]) -> None:
    """Writes deliveries after their transitions: one UPDATE per distinct set of values
    (a batch mostly shares them), far cheaper than bulk_update's CASE per row. Raw SQL: on
    the worker's hot path it costs a third of the CPU of the same ORM updates (profiled)."""
    groups: dict[tuple, list[str]] = defaultdict(list)
    for delivery in deliveries:
        groups[(delivery.status, delivery.next_attempt_at, delivery.in_flight_until,
                delivery.succeeded_at)].append(delivery.id)
    for (status, next_attempt_at, in_flight_until, succeeded_at), ids in groups.items():
        execute(f"UPDATE {table(WebhookDelivery)} SET status = %s, next_attempt_at = %s, "  # noqa: S608
                f"in_flight_until = %s, succeeded_at = %s WHERE id IN ({placeholders(ids)})",
                [status, db_datetime(next_attempt_at), db_datetime(in_flight_until),
                 db_datetime(succeeded_at), *ids])


def _attempts_insert(rows: Sequence[tuple[str, sender.SendResult]], *, manual: bool) -> None:
    """Stores attempts, (delivery id, result) each, in one multi-row INSERT (not the ORM's
    bulk_create: about half its CPU for the ten rows of a message, profiled)."""
    insert(*[WebhookDeliveryAttempt(
        delivery_id=delivery_id, attempted_at=result.attempted_at,
        duration_ms=result.duration_ms, status_code=result.status_code,
        response_excerpt=result.response_excerpt, error=result.error,
        succeeded=result.succeeded, manual=manual) for delivery_id, result in rows])


# -- delivery: enqueue, sweep ----------------------------------------------------------------

def _enqueue(items: Sequence[tuple[str, int]], countdown: float | None = None) -> None:
    from webhooks.tasks import deliveries_send  # tasks import services

    try:
        for start in range(0, len(items), MESSAGE_BATCH):
            # A broker that is down must not hold up the caller: two quick retries only.
            deliveries_send.apply_async(
                args=[[list(item) for item in items[start:start + MESSAGE_BATCH]]],
                countdown=countdown, retry=True,
                retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.1,
                              "interval_max": 0.2})
    except (KombuOperationalError, OSError) as exc:
        logger.warning("Could not enqueue %d webhook deliveries (%s); the sweep will send "
                       "them once the broker is back.", len(items), exc)


def _enqueue_on_commit(items: Sequence[tuple[str, int]], countdown: float | None = None
                       ) -> None:
    items = list(items)

    def enqueue_deliveries() -> None:  # named: Django logs a robust hook by its name
        _enqueue(items, countdown=countdown)

    # robust: the change has committed; a failed publish is logged and left to the sweep.
    transaction.on_commit(enqueue_deliveries, robust=True)


def deliveries_sweep(*, now: datetime | None = None) -> int:
    """Enqueues the pending deliveries whose `next_attempt_at` has come: retries that are
    due, messages lost by the broker, attempts whose worker died, deliveries a busy endpoint
    could not take. Each is leased ENQUEUE_LEASE ahead, so it is sent again only if that
    message is lost too. No endpoint is sent more than TILL_WEBHOOK_MAX_IN_FLIGHT at once.
    Concurrent sweeps share the work (SKIP LOCKED). Returns how many were enqueued."""
    total = 0
    for _ in range(SWEEP_MAX_BATCHES):
        now = now or timezone.now()
        with transaction.atomic(durable=True):
            due = selectors.webhook_deliveries_due_locked(
                now=now, limit=SWEEP_BATCH, per_endpoint=settings.TILL_WEBHOOK_MAX_IN_FLIGHT)
            if not due:
                break
            WebhookDelivery.objects.filter(pk__in=[pk for pk, _ in due]).update(
                next_attempt_at=now + ENQUEUE_LEASE)
            _enqueue_on_commit(due)
        total += len(due)
        if len(due) < SWEEP_BATCH:
            break
    return total


# -- delivery: the three phases --------------------------------------------------------------

def retry_delay(*, livemode: bool, attempt: int) -> timedelta | None:
    """How long after failed attempt number `attempt` the next one is due; None when that
    was the last."""
    schedule = (settings.TILL_WEBHOOK_RETRY_SCHEDULE_LIVE if livemode
                else settings.TILL_WEBHOOK_RETRY_SCHEDULE_TEST)
    if attempt > len(schedule):
        return None
    return timedelta(seconds=schedule[attempt - 1])


def deliveries_claim(*, items: Iterable[tuple[str, int]]) -> list[WebhookDelivery]:
    """Phase 1: claims the deliveries of one message for an attempt each.

    A delivery is claimed only if it is still pending, has no attempt in flight, and has
    had exactly the attempts the message says (so a duplicate or stale message is a
    no-op), and its endpoint has fewer than TILL_WEBHOOK_MAX_IN_FLIGHT attempts in flight.
    Else it waits: for the sweep when the endpoint is slow (an attempt has run for
    SLOW_ATTEMPT), so a dead endpoint's backlog stays in the table; for a message of its own
    a moment later when the endpoint only has a burst in flight. Claimed deliveries have
    their attempt counted and are leased for the timeout plus a margin. Deliveries whose
    endpoint was disabled or deleted are canceled. Returns the claimed ones with their
    endpoint (not their event: deliveries_attempt reads each event once). Five statements
    however many deliveries: the endpoints locked (on PostgreSQL: claims for one endpoint
    take turns, so the cap is exact), the deliveries locked with the in-flight counts, the
    update, and BEGIN/COMMIT.
    """
    expected = {delivery_id: int(count) for delivery_id, count in items}
    now = timezone.now()
    lease = timedelta(seconds=settings.TILL_WEBHOOK_TIMEOUT) + ATTEMPT_LEASE_MARGIN
    with transaction.atomic(durable=True):
        selectors.webhook_endpoints_of_deliveries_lock(ids=expected)
        candidates = selectors.webhook_deliveries_claimable_locked(ids=expected, now=now)
        rows = [delivery for delivery in candidates.deliveries
                if delivery.attempt_count == expected[delivery.id]]
        if not rows:
            return []
        inactive = [delivery for delivery in rows if not delivery.endpoint.is_active]
        if inactive:
            for delivery in inactive:
                delivery.cancel()
            _deliveries_save(inactive)
            _events_settle(Counter(delivery.event_id for delivery in inactive))
            rows = [delivery for delivery in rows if delivery.endpoint.is_active]
            if not rows:
                return []
        lost = [delivery for delivery in rows if delivery.in_flight_until is not None]
        if lost:
            # An attempt whose lease ran out: its worker died before recording it.
            WebhookDeliveryAttempt.objects.bulk_create([WebhookDeliveryAttempt(
                delivery_id=delivery.id, attempted_at=delivery.in_flight_until - lease,
                duration_ms=0, succeeded=False, error=LOST_ATTEMPT) for delivery in lost])
        busy = {endpoint_id: count for endpoint_id, (count, _) in candidates.in_flight.items()}
        slow = {endpoint_id for endpoint_id, (_, oldest_lease) in candidates.in_flight.items()
                if oldest_lease - lease <= now - SLOW_ATTEMPT}
        claimed: list[WebhookDelivery] = []
        waiting: list[WebhookDelivery] = []  # a slow endpoint's: the sweep sends them
        again: list[WebhookDelivery] = []  # a healthy endpoint's burst: sent again shortly
        for delivery in rows:
            if busy.get(delivery.endpoint_id, 0) >= settings.TILL_WEBHOOK_MAX_IN_FLIGHT:
                (waiting if delivery.endpoint_id in slow else again).append(delivery)
                continue
            busy[delivery.endpoint_id] = busy.get(delivery.endpoint_id, 0) + 1
            claimed.append(delivery)
        lease_until = now + lease
        if claimed:
            ids = [delivery.id for delivery in claimed]
            # Raw: the hot path's one write in this phase (see _deliveries_save).
            execute(f"UPDATE {table(WebhookDelivery)} "  # noqa: S608
                    "SET attempt_count = attempt_count + 1, in_flight_until = %s, "
                    f"next_attempt_at = %s WHERE id IN ({placeholders(ids)})",
                    [db_datetime(lease_until), db_datetime(lease_until), *ids])
        if waiting:
            WebhookDelivery.objects.filter(pk__in=[d.id for d in waiting]).update(
                next_attempt_at=now + BUSY_ENDPOINT_DELAY, in_flight_until=None)
        if again:
            WebhookDelivery.objects.filter(pk__in=[d.id for d in again]).update(
                next_attempt_at=now + ENQUEUE_LEASE, in_flight_until=None)
            _enqueue_on_commit([(d.id, d.attempt_count) for d in again],
                               countdown=BURST_RETRY_SECONDS)
    for delivery in claimed:
        delivery.attempt_count += 1
        delivery.in_flight_until = delivery.next_attempt_at = lease_until
    return claimed


def deliveries_attempt(*, items: Iterable[tuple[str, int]]) -> int:
    """One message's work: claim, send in parallel (outside any transaction), record as the
    answers come. Each event is read and rendered once, however many endpoints it goes to.
    Returns how many attempts were made."""
    claimed = deliveries_claim(items=items)
    if not claimed:
        return 0
    events = selectors.events_by_id(ids={delivery.event_id for delivery in claimed})
    payloads = {event_id: orjson.dumps(render(event)) for event_id, event in events.items()}
    # An event pruned since the claim took its deliveries with it: nothing left to send.
    claimed = [delivery for delivery in claimed if delivery.event_id in payloads]
    now = timezone.now()

    def send_one(delivery: WebhookDelivery) -> sender.SendResult:
        endpoint = delivery.endpoint
        return sender.send(url=endpoint.url, livemode=endpoint.livemode,
                           payload=payloads[delivery.event_id],
                           secrets=endpoint.signing_secrets(now))

    for outcomes in sender.send_concurrently(claimed, send_one):
        deliveries_record(outcomes=outcomes)
    return len(claimed)


def deliveries_record(*, outcomes: Sequence[tuple[WebhookDelivery, sender.SendResult]],
                      manual: bool = False) -> None:
    """Phase 3: stores each attempt and moves its delivery on, in one transaction.

    Success: the delivery succeeded (from failed or canceled too, on a manual resend).
    Failure of the attempt in flight: a retry at the next step of the schedule, or given up
    when it is exhausted; a stale attempt (its lease expired and another took over) or a
    manual one changes nothing. Endpoints' `failing_since` follows, and an endpoint failing
    for TILL_WEBHOOK_DISABLE_AFTER_DAYS is disabled afterwards. Locks in the order
    endpoint, delivery, event.
    """
    now = timezone.now()
    disable_cutoff = now - timedelta(days=settings.TILL_WEBHOOK_DISABLE_AFTER_DAYS)
    recovered, failing, to_disable = set(), set(), set()
    for delivery, result in outcomes:
        endpoint = delivery.endpoint
        if result.succeeded:
            if endpoint.failing_since is not None:
                recovered.add(endpoint.id)
        elif not manual:
            if endpoint.failing_since is None:
                failing.add(endpoint.id)
            elif endpoint.failing_since <= disable_cutoff and endpoint.is_active:
                to_disable.add(endpoint.id)
    failing -= recovered
    by_id = {delivery.id: (delivery, result) for delivery, result in outcomes}
    with transaction.atomic(durable=True):
        for endpoint_id in sorted(recovered | failing):
            if endpoint_id in recovered:
                WebhookEndpoint.objects.filter(pk=endpoint_id).update(failing_since=None)
            else:
                WebhookEndpoint.objects.filter(pk=endpoint_id, failing_since__isnull=True
                                               ).update(failing_since=now)
        _attempts_insert([(delivery.id, result) for delivery, result in outcomes],
                         manual=manual)
        changed: list[WebhookDelivery] = []
        settled: Counter = Counter()
        for current in selectors.webhook_deliveries_locked(ids=by_id):
            attempted, result = by_id[current.id]
            was_pending = current.status == WebhookDelivery.Status.PENDING
            if result.succeeded:
                if not can_proceed(current.mark_succeeded):
                    continue
                current.mark_succeeded(at=now)
            elif (manual or not was_pending or current.in_flight_until is None
                  or current.attempt_count != attempted.attempt_count):
                continue
            elif (delay := retry_delay(livemode=attempted.endpoint.livemode,
                                       attempt=current.attempt_count)) is None:
                current.give_up()
            else:
                current.schedule_retry(at=now + delay)
            changed.append(current)
            if was_pending and current.status != WebhookDelivery.Status.PENDING:
                settled[current.event_id] += 1
        _deliveries_save(changed)
        _events_settle(settled)
    if to_disable:
        # endpoints.py builds on this module's outbox; it is imported here, when needed.
        from webhooks.services.endpoints import webhook_endpoint_disable_failing

        for endpoint_id in sorted(to_disable):
            webhook_endpoint_disable_failing(id=endpoint_id)
