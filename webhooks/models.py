from datetime import datetime

from django.db import models
from django.utils import timezone
from django_fsm import FSMModelMixin, transition

from core.fields import StatusField
from merchants.models import TenantModel, id_field


class Event(TenantModel):
    """An immutable record of a change, written in the same transaction as the change.

    It is the outbox: webhook deliveries are made from these rows.
    """


    id = id_field("evt")
    type = models.CharField(max_length=100)
    api_version = models.CharField(max_length=40)
    data = models.JSONField()  # {"object": {...}, "previous_attributes": {...}?}
    request_id = models.CharField(max_length=200, null=True, blank=True)
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)
    pending_webhooks = models.PositiveIntegerField(default=0)
    # What the event is about, beside its payload, so that an object's history is an index
    # lookup rather than a scan of every event's JSON: the object's id, and the payment intent
    # it belongs to (an intent's own id; a charge's, refund's or dispute's intent).
    object_id = models.CharField(max_length=40, blank=True, default="")
    related_payment_intent = models.CharField(max_length=40, null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "livemode", "-created", "-id"],
                         name="event_list"),
            models.Index(fields=["merchant", "livemode", "object_id", "-created", "-id"],
                         name="event_object"),
            models.Index(fields=["merchant", "livemode", "related_payment_intent", "-created",
                                 "-id"],
                         name="event_payment_intent",
                         condition=models.Q(related_payment_intent__isnull=False)),
            models.Index(fields=["merchant", "livemode", "type", "-created"],
                         name="event_type_list"),
            models.Index(fields=["created"], name="event_created"),
        ]


def event_subjects(obj: dict) -> tuple[str, str | None]:
    """(object_id, related_payment_intent) of an event whose `data.object` is `obj`."""
    object_id = obj.get("id") or ""
    if obj.get("object") == "payment_intent":
        return object_id, object_id or None
    intent = obj.get("payment_intent")
    return object_id, intent if isinstance(intent, str) else None


class WebhookEndpoint(FSMModelMixin, TenantModel):
    """Where a merchant wants events sent, in one mode. Deleted endpoints are kept (soft
    delete) so their delivery history survives; they are never listed or sent to again."""


    class Status(models.TextChoices):
        ENABLED = "enabled"
        DISABLED = "disabled"

    class DisabledReason(models.TextChoices):
        REQUESTED = "requested"  # disabled through the API or the dashboard
        FAILING = "failing"  # disabled by Till after failing for days

    id = id_field("we")
    url = models.CharField(max_length=5000)
    description = models.CharField(max_length=5000, null=True, blank=True)
    enabled_events = models.JSONField(default=list)  # event types, or ["*"]
    api_version = models.CharField(max_length=40, null=True, blank=True)
    status = StatusField(default=Status.ENABLED, choices=Status.choices, protected=True)
    disabled_reason = models.CharField(max_length=20, choices=DisabledReason.choices,
                                       null=True, blank=True)
    # Kept in the clear: signing needs it. `whsec_` and 32 random base62 characters.
    secret = models.CharField(max_length=100)
    previous_secret = models.CharField(max_length=100, null=True, blank=True)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True)
    # When deliveries began failing without a success since; null while healthy.
    failing_since = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "livemode", "-created", "-id"],
                         condition=models.Q(deleted_at__isnull=True),
                         name="webhook_endpoint_list"),
        ]

    def __str__(self) -> str:
        return f"{self.url} ({self.id})"

    @transition(field=status, source=Status.ENABLED, target=Status.DISABLED)
    def disable(self, *, reason: str) -> None:
        self.disabled_reason = reason

    @transition(field=status, source=Status.DISABLED, target=Status.ENABLED)
    def enable(self) -> None:
        self.disabled_reason = None
        self.failing_since = None

    def roll_secret(self, *, secret: str, previous_expires_at: datetime) -> None:
        self.previous_secret = self.secret
        self.previous_secret_expires_at = previous_expires_at
        self.secret = secret

    def signing_secrets(self, at: datetime) -> list[str]:
        """The secrets a delivery is signed with now: the current one, then a rolled one
        still in its grace period."""
        secrets = [self.secret]
        if (self.previous_secret and self.previous_secret_expires_at
                and self.previous_secret_expires_at > at):
            secrets.append(self.previous_secret)
        return secrets

    def subscribes_to(self, event_type: str) -> bool:
        return "*" in self.enabled_events or event_type in self.enabled_events

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ENABLED and self.deleted_at is None


class WebhookDelivery(FSMModelMixin, models.Model):
    """One event owed to one endpoint: created with the event, in its transaction.

    `next_attempt_at` is when the sweep should (re)enqueue it: set a lease ahead whenever a
    message is already on its way, so a lost message or a dead worker only delays it.
    `in_flight_until` is set while an attempt runs (its lease), null otherwise.
    """


    class Status(models.TextChoices):
        PENDING = "pending"
        SUCCEEDED = "succeeded"
        FAILED = "failed"  # retries exhausted
        CANCELED = "canceled"  # the endpoint was deleted or disabled

    id = id_field("whdel")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE,
                                 related_name="deliveries")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    status = StatusField(default=Status.PENDING, choices=Status.choices, protected=True)
    attempt_count = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    in_flight_until = models.DateTimeField(null=True, blank=True)
    # The wall clock's, as all of a delivery's times (not core's clock): the sweep and the
    # health check measure them against real time.
    created = models.DateTimeField(default=timezone.now)
    succeeded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["endpoint", "event"],
                                               name="webhook_delivery_once")]
        indexes = [
            # The sweep: due pending deliveries, oldest first.
            models.Index(fields=["status", "next_attempt_at"],
                         condition=models.Q(status="pending"), name="webhook_delivery_due"),
            # The per-endpoint cap on attempts in flight.
            models.Index(fields=["endpoint", "in_flight_until"],
                         condition=models.Q(in_flight_until__isnull=False),
                         name="webhook_delivery_in_flight"),
            models.Index(fields=["endpoint", "-created", "-id"], name="webhook_delivery_list"),
            models.Index(fields=["event"], name="webhook_delivery_event"),
            # /healthz: the oldest delivery still waiting for its first attempt.
            models.Index(fields=["created"], name="webhook_delivery_unattempted",
                         condition=models.Q(status="pending", attempt_count=0)),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} → {self.endpoint_id} ({self.status})"

    @transition(field=status, source=[Status.PENDING, Status.FAILED, Status.CANCELED],
                target=Status.SUCCEEDED)
    def mark_succeeded(self, *, at: datetime) -> None:
        # From failed or canceled only through a manual resend.
        self.succeeded_at = at
        self.next_attempt_at = None
        self.in_flight_until = None

    @transition(field=status, source=Status.PENDING, target=Status.PENDING)
    def schedule_retry(self, *, at: datetime) -> None:
        self.next_attempt_at = at
        self.in_flight_until = None

    @transition(field=status, source=Status.PENDING, target=Status.FAILED)
    def give_up(self) -> None:
        self.next_attempt_at = None
        self.in_flight_until = None

    @transition(field=status, source=Status.PENDING, target=Status.CANCELED)
    def cancel(self) -> None:
        self.next_attempt_at = None
        self.in_flight_until = None


class WebhookDeliveryAttempt(models.Model):
    """One HTTP request made for a delivery, whatever came of it."""

    RESPONSE_EXCERPT_BYTES = 1024

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE,
                                 related_name="attempts")
    attempted_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_excerpt = models.TextField(blank=True, default="")
    error = models.CharField(max_length=500, null=True, blank=True)
    succeeded = models.BooleanField()
    manual = models.BooleanField(default=False)

    class Meta:
        ordering = ["attempted_at", "id"]
        indexes = [models.Index(fields=["delivery", "attempted_at"],
                                name="webhook_attempt_delivery")]

    def __str__(self) -> str:
        return f"{self.delivery_id} at {self.attempted_at:%Y-%m-%d %H:%M:%S}"
