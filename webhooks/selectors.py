from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from django.conf import settings
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Window
from django.db.models.functions import RowNumber

from core import clock
from core.db import (
    Reader,
    converted,
    db_datetime,
    execute,
    fetch_as,
    lock_clause,
    placeholders,
    table,
)
from core.exceptions import NotFound
from core.memo import remembered
from merchants.models import Merchant
from webhooks.models import Event, WebhookDelivery, WebhookDeliveryAttempt, WebhookEndpoint


def event_retention_start(now: datetime | None = None) -> datetime:
    """The oldest `created` still shown: TILL_EVENT_RETENTION_DAYS back from now."""
    return (now or clock.now()) - timedelta(days=settings.TILL_EVENT_RETENTION_DAYS)


def event_list(*, merchant: Merchant, livemode: bool, type: str | None = None,  # noqa: A002
               types: list[str] | None = None,
               delivery_success: bool | None = None) -> QuerySet[Event]:
    """Events of the retention window. `delivery_success=False`: events still pending or
    given up at some endpoint; True: the others (Stripe's filter)."""
    events = Event.objects.filter(merchant=merchant, livemode=livemode,
                                  created__gte=event_retention_start())
    if delivery_success is not None:
        undelivered = Exists(WebhookDelivery.objects.filter(
            event=OuterRef("pk"), status__in=[WebhookDelivery.Status.PENDING,
                                              WebhookDelivery.Status.FAILED]))
        events = events.filter(~undelivered if delivery_success else undelivered)
    if type:
        # Stripe accepts one wildcard: `customer.*`
        events = (events.filter(type__startswith=type[:-1]) if type.endswith(".*")
                  else events.filter(type=type))
    if types:
        events = events.filter(type__in=types)
    return events


def event_get(*, id: str, merchant: Merchant, livemode: bool) -> Event:  # noqa: A002
    event = Event.objects.filter(pk=id, merchant=merchant, livemode=livemode,
                                 created__gte=event_retention_start()).first()
    if event is None:
        raise NotFound(f"No such event: '{id}'", param="id")
    return event


def event_list_recent(*, merchant: Merchant, livemode: bool, limit: int) -> list[Event]:
    """The merchant's `limit` latest events in a mode, newest first."""
    return list(Event.objects.filter(merchant=merchant, livemode=livemode)
                .order_by("-created", "-id")[:limit])


def event_list_for_object(*, merchant: Merchant, livemode: bool,
                          object_id: str) -> QuerySet[Event]:
    """The events about one object (its `data.object.id`), newest first."""
    return (Event.objects.filter(merchant=merchant, livemode=livemode, object_id=object_id)
            .order_by("-created", "-id"))


def event_list_for_objects(*, merchant: Merchant, livemode: bool,
                           object_ids: Iterable[str]) -> QuerySet[Event]:
    """The events about any of these objects, newest first (a test clock's, its customers'
    and their subscriptions' and invoices')."""
    return (Event.objects.filter(merchant=merchant, livemode=livemode,
                                 object_id__in=list(object_ids))
            .order_by("-created", "-id"))


def event_list_for_payment(*, merchant: Merchant, livemode: bool,
                           payment_intent_id: str) -> QuerySet[Event]:
    """The events about a payment and everything hanging off it, newest first: the intent's
    own, and its charges', refunds' and disputes' (whose objects name it in
    `payment_intent`, as Stripe's do)."""
    return (Event.objects.filter(merchant=merchant, livemode=livemode,
                                 related_payment_intent=payment_intent_id)
            .order_by("-created", "-id"))


# -- webhook endpoints -----------------------------------------------------------------------

def webhook_endpoint_list(*, merchant: Merchant, livemode: bool) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(merchant=merchant, livemode=livemode,
                                          deleted_at__isnull=True)


def _endpoint_missing(id: str, param: str) -> NotFound:  # noqa: A002
    return NotFound(f"No such webhook endpoint: '{id}'", param=param)


def webhook_endpoint_get(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                         param: str = "id") -> WebhookEndpoint:
    """An endpoint of this merchant and mode; another's, the other mode's or a deleted one
    is a 404 naming `param`."""
    endpoint = webhook_endpoint_list(merchant=merchant, livemode=livemode).filter(pk=id).first()
    if endpoint is None:
        raise _endpoint_missing(id, param)
    return endpoint


def webhook_endpoint_get_locked(*, id: str, merchant: Merchant,  # noqa: A002
                                livemode: bool) -> WebhookEndpoint:
    endpoint = (WebhookEndpoint.objects.select_for_update(of=("self",))
                .filter(pk=id, merchant=merchant, livemode=livemode, deleted_at__isnull=True)
                .first())
    if endpoint is None:
        raise _endpoint_missing(id, "id")
    return endpoint


def webhook_endpoint_get_locked_by_id(*, id: str) -> WebhookEndpoint | None:  # noqa: A002
    """For Till's own processes (auto-disable): any endpoint by id, locked."""
    return WebhookEndpoint.objects.select_for_update(of=("self",)).filter(pk=id).first()


def webhook_endpoint_quota_lock(*, merchant: Merchant, livemode: bool) -> int:
    """Locks the merchant's row (serialising endpoint creation per merchant) and returns how
    many endpoints it has in this mode: the count cannot change until commit."""
    Merchant.objects.select_for_update().filter(pk=merchant.pk).values_list("pk").first()
    return webhook_endpoint_list(merchant=merchant, livemode=livemode).count()


def webhook_endpoint_subscriptions(*, merchant_id: str, livemode: bool
                                   ) -> list[tuple[str, list[str]]]:
    """(id, enabled_events) of the enabled endpoints of a merchant and mode: one query; at
    most 16 rows, so which event types they want is decided in Python. Hand-written SQL:
    every change that records events makes this read (see core.db). Read once per request
    (core.memo): a create-and-confirm's two transactions share it. An endpoint created while
    a request runs gets the events of the requests that start after it."""
    def read() -> list[tuple[str, list[str]]]:
        rows = fetch_as(_subscriptions_sql(), [merchant_id, livemode,
                                               WebhookEndpoint.Status.ENABLED], _SUBSCRIPTION)
        return [(endpoint.id, endpoint.enabled_events) for (endpoint,) in rows]

    return remembered((SUBSCRIPTIONS, merchant_id, livemode), read)


SUBSCRIPTIONS = "webhook_endpoint_subscriptions"  # core.memo's key


_SUBSCRIPTION = Reader(WebhookEndpoint, {"id", "enabled_events"})


@cache
def _subscriptions_sql() -> str:
    # Identifiers from the model's metadata; the values are parameters.
    return (f"SELECT {_SUBSCRIPTION.columns('e')} FROM {table(WebhookEndpoint)} e "  # noqa: S608
            "WHERE merchant_id = %s AND livemode = %s AND deleted_at IS NULL AND status = %s "
            "ORDER BY id")


def webhook_endpoints_attempts_in_flight(*, endpoint_ids: Iterable[str],
                                         now: datetime) -> dict[str, int]:
    """Attempts under way per endpoint (their lease not yet expired)."""
    return dict(WebhookDelivery.objects
                .filter(endpoint_id__in=list(endpoint_ids), in_flight_until__gt=now)
                .values("endpoint_id").annotate(n=Count("pk"))
                .values_list("endpoint_id", "n"))


# -- deliveries --------------------------------------------------------------------------------

# The worker's hot path (claim, record) is raw SQL: claim and record were two thirds of a
# delivery's app CPU, mostly the ORM compiling these few statements and building three models
# per row, not the database (profiled, docs/performance.md). Written once for PostgreSQL and
# SQLite; the lock clauses are added where the database has them.

_CLAIM_DELIVERY = Reader(WebhookDelivery, {
    "id", "endpoint_id", "event_id", "status", "attempt_count", "in_flight_until"})
# What sending and recording use: address, mode, secrets, state.
_CLAIM_ENDPOINT = Reader(WebhookEndpoint, {
    "id", "merchant_id", "livemode", "url", "status", "secret", "previous_secret",
    "previous_secret_expires_at", "failing_since", "deleted_at"})
_RECORD_DELIVERY = Reader(WebhookDelivery, {
    "id", "event_id", "status", "attempt_count", "next_attempt_at", "in_flight_until",
    "succeeded_at"})


@dataclass(frozen=True)
class ClaimCandidates:
    """What a claim decides on: the deliveries (each with its endpoint, not its event) and,
    per endpoint, the attempts in flight (count, earliest end of their leases)."""

    deliveries: list[WebhookDelivery]
    in_flight: dict[str, tuple[int, datetime]]


def webhook_endpoints_of_deliveries_lock(*, ids: Iterable[str]) -> None:
    """Locks the endpoints of the deliveries `ids`, in id order, so that claims for one
    endpoint take turns: each counts the attempts the one before it leased, and the in-flight
    cap holds exactly. A statement of its own, so the count that follows is read after the
    wait (a lock taken in the same statement would count from before it). `NO KEY`: new
    deliveries (their foreign key's KEY SHARE lock) are not held up. Nothing on SQLite,
    whose writers take the whole database in turn."""
    ids = list(ids)
    if not ids or not connection.features.has_select_for_update:
        return
    deliveries_table, endpoints_table = table(WebhookDelivery), table(WebhookEndpoint)
    execute(f"SELECT e.id FROM {endpoints_table} e WHERE e.id IN "  # noqa: S608
            f"(SELECT d.endpoint_id FROM {deliveries_table} d WHERE d.id IN ({placeholders(ids)})) "
            "ORDER BY e.id FOR NO KEY UPDATE OF e", ids)


def webhook_deliveries_claimable_locked(*, ids: Iterable[str], now: datetime
                                        ) -> ClaimCandidates:
    """Pending deliveries among `ids` with no attempt in flight, with their endpoint and the
    attempts their endpoint has in flight, locked in id order; rows another transaction holds
    are skipped, not waited for. One statement: the in-flight counts are subqueries on the
    partial index of leased rows (a handful per endpoint)."""
    ids = list(ids)
    if not ids:
        return ClaimCandidates([], {})
    deliveries_table, endpoints_table = table(WebhookDelivery), table(WebhookEndpoint)
    now_param = db_datetime(now)
    in_flight = (f"FROM {deliveries_table} f WHERE f.endpoint_id = d.endpoint_id "
                 f"AND f.in_flight_until > %s")
    sql = (f"SELECT {_CLAIM_DELIVERY.columns('d')}, {_CLAIM_ENDPOINT.columns('e')}, "  # noqa: S608
           f"(SELECT COUNT(*) {in_flight}), (SELECT MIN(f.in_flight_until) {in_flight}) "
           f"FROM {deliveries_table} d JOIN {endpoints_table} e ON e.id = d.endpoint_id "
           f"WHERE d.id IN ({placeholders(ids)}) AND d.status = %s "
           f"AND (d.in_flight_until IS NULL OR d.in_flight_until < %s) ORDER BY d.id"
           + lock_clause(of="d", skip_locked=True))
    with connection.cursor() as cursor:
        cursor.execute(sql, [now_param, now_param, *ids, WebhookDelivery.Status.PENDING,
                             now_param])
        rows = cursor.fetchall()
    split = len(_CLAIM_DELIVERY)
    endpoints: dict[str, WebhookEndpoint] = {}
    busy: dict[str, tuple[int, datetime]] = {}
    deliveries = []
    for row in rows:
        delivery = _CLAIM_DELIVERY.load(row[:split])
        endpoint = endpoints.get(delivery.endpoint_id)
        if endpoint is None:  # one instance per endpoint, however many of its deliveries
            endpoint = endpoints[delivery.endpoint_id] = _CLAIM_ENDPOINT.load(row[split:-2])
            in_flight_count, oldest_lease = row[-2:]
            if in_flight_count:
                busy[endpoint.id] = (in_flight_count,
                                      converted(WebhookDelivery, "in_flight_until", oldest_lease))
        delivery.endpoint = endpoint
        deliveries.append(delivery)
    return ClaimCandidates(deliveries, busy)


def webhook_deliveries_locked(*, ids: Iterable[str]) -> list[WebhookDelivery]:
    """Deliveries by id, locked in id order, with the fields their transitions use."""
    ids = sorted(ids)
    if not ids:
        return []
    sql = (f"SELECT {_RECORD_DELIVERY.columns('d')} FROM {table(WebhookDelivery)} d "  # noqa: S608
           f"WHERE d.id IN ({placeholders(ids)}) ORDER BY d.id" + lock_clause())
    return [delivery for (delivery,) in fetch_as(sql, ids, _RECORD_DELIVERY)]


def events_by_id(*, ids: Iterable[str]) -> dict[str, Event]:
    return {event.id: event for event in Event.objects.filter(pk__in=list(ids))}


def webhook_deliveries_pending_locked(*, endpoint_id: str) -> list[WebhookDelivery]:
    return list(WebhookDelivery.objects.select_for_update(of=("self",))
                .filter(endpoint_id=endpoint_id, status=WebhookDelivery.Status.PENDING)
                .order_by("pk"))


def webhook_deliveries_due_locked(*, now: datetime, limit: int,
                                  per_endpoint: int) -> list[tuple[str, int]]:
    """(id, attempt_count) of pending deliveries whose next_attempt_at has come, oldest
    first, locked with SKIP LOCKED so concurrent sweeps share the work.

    No more per endpoint than it can take beside the attempts it has in flight: a dead
    endpoint's backlog waits in the table, not in the broker, and is not re-sent to workers
    only to be refused again.
    """
    candidates = list(
        WebhookDelivery.objects
        .filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now)
        .annotate(rank=Window(RowNumber(), partition_by=[F("endpoint_id")],
                              order_by=[F("next_attempt_at").asc(), F("pk").asc()]))
        .filter(rank__lte=per_endpoint)
        .order_by("next_attempt_at")
        .values_list("pk", "endpoint_id", "rank")[:limit * 2])
    busy = webhook_endpoints_attempts_in_flight(
        endpoint_ids={endpoint_id for _, endpoint_id, _ in candidates}, now=now)
    ids = [pk for pk, endpoint_id, rank in candidates
           if rank + busy.get(endpoint_id, 0) <= per_endpoint][:limit]
    if not ids:
        return []
    return list(WebhookDelivery.objects
                .select_for_update(skip_locked=True)
                .filter(pk__in=ids, status=WebhookDelivery.Status.PENDING,
                        next_attempt_at__lte=now)
                .order_by("next_attempt_at").values_list("pk", "attempt_count"))


# Deliveries waiting this long for a first attempt while no sender makes any: stalled.
WEBHOOKS_STALLED_AFTER = timedelta(minutes=1)


def webhook_deliveries_stalled(*, now: datetime) -> bool:
    """Whether deliveries are owed and nobody sends them (no worker consumes the `webhooks`
    queue, or none runs): one is pending, unattempted, since WEBHOOKS_STALLED_AFTER, no
    attempt is in flight and none started within WEBHOOKS_STALLED_AFTER plus a timeout. A
    slow or dead endpoint's backlog is not a stall: its attempts go on. One statement, each
    part on an index (the oldest unattempted delivery, the attempts in flight, the newest
    attempt by id)."""
    since = now - WEBHOOKS_STALLED_AFTER
    in_flight = WebhookDelivery.objects.filter(in_flight_until__gt=now)
    newest_attempt = (WebhookDeliveryAttempt.objects.order_by("-pk")
                      .values("attempted_at")[:1])
    return (WebhookDelivery.objects
            .filter(status=WebhookDelivery.Status.PENDING, attempt_count=0, created__lt=since)
            .annotate(newest_attempt=Subquery(newest_attempt))
            .filter(~Exists(in_flight),
                    Q(newest_attempt__isnull=True)
                    | Q(newest_attempt__lt=since - timedelta(
                        seconds=settings.TILL_WEBHOOK_TIMEOUT)))
            .exists())


def webhook_delivery_get(*, id: str) -> WebhookDelivery | None:  # noqa: A002
    return (WebhookDelivery.objects.select_related("endpoint", "event")
            .filter(pk=id).first())


def webhook_delivery_for_event(*, event: Event, endpoint: WebhookEndpoint
                               ) -> WebhookDelivery | None:
    return WebhookDelivery.objects.filter(event=event, endpoint=endpoint).first()


def webhook_delivery_list(*, endpoint: WebhookEndpoint, status: str | None = None,
                          event_id: str | None = None) -> QuerySet[WebhookDelivery]:
    """An endpoint's deliveries of the retention window, with their attempts."""
    deliveries = (WebhookDelivery.objects.filter(endpoint=endpoint,
                                                 event__created__gte=event_retention_start())
                  .prefetch_related("attempts"))
    if status:
        deliveries = deliveries.filter(status=status)
    if event_id:
        deliveries = deliveries.filter(event_id=event_id)
    return deliveries


def event_ids_expired(*, before: datetime, limit: int) -> list[str]:
    return list(Event.objects.filter(created__lt=before).order_by("created")
                .values_list("pk", flat=True)[:limit])


# -- dashboard reads ---------------------------------------------------------------------------

def webhook_endpoints_disabled_failing(*, merchant: Merchant,
                                       livemode: bool) -> list[WebhookEndpoint]:
    """The endpoints Till disabled because their deliveries kept failing, oldest failure
    first: what the dashboard warns about until the merchant re-enables or deletes them."""
    return list(webhook_endpoint_list(merchant=merchant, livemode=livemode)
                .filter(status=WebhookEndpoint.Status.DISABLED,
                        disabled_reason=WebhookEndpoint.DisabledReason.FAILING)
                .order_by("failing_since", "pk"))


def webhook_delivery_list_with_events(*, endpoint: WebhookEndpoint, status: str | None = None
                                      ) -> QuerySet[WebhookDelivery]:
    """webhook_delivery_list with each delivery's event (its type and id; not its payload)
    joined in, for pages that show them."""
    return (webhook_delivery_list(endpoint=endpoint, status=status)
            .select_related("event").defer("event__data"))


def webhook_delivery_get_for_endpoint(*, id: str,  # noqa: A002
                                      endpoint: WebhookEndpoint) -> WebhookDelivery | None:
    """One delivery of `endpoint` (already scoped to its merchant and mode) with its event
    and attempts; None for another endpoint's or one past the retention window."""
    delivery = (webhook_delivery_list_with_events(endpoint=endpoint).filter(pk=id).first())
    if delivery is not None:
        delivery.endpoint = endpoint
    return delivery
