"""What Till keeps about real processors: a merchant's connection per mode, the log of
every call made to one, the mapping of Till's objects to the processor's, and the events
the processor sent Till (its webhooks).

(Models of the payments app: payments.models imports them.)
"""

from django.db import models
from django.utils import timezone

from core.vault import secret_decrypt
from merchants.models import Merchant


class ProcessorConnection(models.Model):
    """A merchant's own processor account for one mode: that mode's money moves through it.

    The secret key is stored encrypted (core.vault) and never shown again in full: the
    hint (`sk_live_…abcd`) is what the dashboard and the commands print.
    """

    class Kind(models.TextChoices):
        STRIPE = "stripe"

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="+")
    livemode = models.BooleanField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.STRIPE)
    secret_key_encrypted = models.TextField()
    secret_key_hint = models.CharField(max_length=40)
    publishable_key = models.CharField(max_length=200, blank=True)
    # Stripe's `acct_…`, when the key may read its account ("" when it may not).
    account_id = models.CharField(max_length=60, blank=True, default="")
    connected_at = models.DateTimeField(default=timezone.now)
    # Who connected it (core.actor.Actor's id: `user:<pk>` from the dashboard, `till` for
    # the command), for Settings → Processor.
    connected_by = models.CharField(max_length=60, blank=True, default="")
    # The inbound URL's id (/hooks/stripe/<inbound_id>/): random, so the URL names no
    # merchant and cannot be guessed; a new one with every connect.
    inbound_id = models.CharField(max_length=40, unique=True, null=True, blank=True)
    # Stripe's signing secret for that URL's endpoint, encrypted as the key is ("" until
    # Stripe registered it or an operator pasted it: events are refused meanwhile).
    webhook_secret_encrypted = models.TextField(blank=True, default="")
    webhook_endpoint_id = models.CharField(max_length=100, blank=True, default="")  # we_…
    # Not stored: why connecting could not register the endpoint at Stripe, for the caller.
    webhook_problem = ""

    class Meta:
        constraints = [models.UniqueConstraint(fields=["merchant", "livemode"],
                                               name="processor_connection_mode")]

    def __str__(self) -> str:
        mode = "live" if self.livemode else "test"
        return f"{self.kind} {mode} {self.secret_key_hint} ({self.merchant_id})"

    @property
    def secret_key(self) -> str:
        return secret_decrypt(self.secret_key_encrypted)

    @property
    def webhook_secret(self) -> str:
        return secret_decrypt(self.webhook_secret_encrypted) if self.webhook_secret_encrypted \
            else ""


class ProcessorCall(models.Model):
    """One request Till made to a real processor, with its answer: the trail for support,
    reconciliation and the processor's health. Written for every call, succeeded or not,
    in its own statement as soon as the answer (or its absence) is known; processor calls
    run outside transactions, so the row commits at once and survives a crash before the
    answer is recorded."""

    class Outcome(models.TextChoices):
        SUCCEEDED = "succeeded"  # the processor did what was asked
        DECLINED = "declined"  # a card error: the processor answered with a decline
        REFUSED = "refused"  # an invalid request, a bad key, a permission
        UNAVAILABLE = "unavailable"  # no answer: a timeout, a connection error, a 5xx

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="+")
    livemode = models.BooleanField()
    processor = models.CharField(max_length=20)
    account_id = models.CharField(max_length=60, blank=True, default="")
    operation = models.CharField(max_length=60)  # payment_intents.create, refunds.create, …
    idempotency_key = models.CharField(max_length=200, blank=True, default="")
    request_id = models.CharField(max_length=100, blank=True, default="")  # Stripe's req_…
    object_id = models.CharField(max_length=100, blank=True, default="")  # Stripe's pi_…
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error_code = models.CharField(max_length=100, blank=True, default="")
    latency_ms = models.PositiveIntegerField()
    # The answer with secrets removed (client secrets, keys): the object or the error.
    response = models.JSONField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            # An answer already received for a key (a retry after a crash) is read here.
            models.Index(fields=["idempotency_key", "operation"], name="processor_call_key"),
            models.Index(fields=["processor", "livemode", "created"],
                         name="processor_call_recent"),
            # The health report's window (the last hour, every processor and mode) is read
            # by this range alone.
            models.Index(fields=["created"], name="processor_call_created"),
            # The health report's last error of a processor and mode, found without reading
            # its successes.
            models.Index(fields=["processor", "livemode", "created"],
                         condition=models.Q(outcome__in=["refused", "unavailable"]),
                         name="processor_call_failures"),
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.outcome} ({self.idempotency_key})"


class ProcessorMirror(models.Model):
    """A Till object and its twin at a processor account (a customer and Stripe's
    `cus_…`, a card attached to a customer there), made the first time it is needed."""

    class Kind(models.TextChoices):
        CUSTOMER = "customer"  # local: Till's cus_…; remote: the processor's customer
        ATTACHMENT = "attachment"  # local: "<card token> <customer>"; remote: the customer

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="+")
    livemode = models.BooleanField()
    account_id = models.CharField(max_length=60, blank=True, default="")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    local_id = models.CharField(max_length=300)
    remote_id = models.CharField(max_length=100)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["merchant", "livemode", "account_id", "kind", "local_id"],
            name="processor_mirror_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.local_id} → {self.remote_id}"


class InboundEvent(models.Model):
    """One event a processor sent to a connection's inbound URL, stored as it came (once:
    Stripe's event id is unique per connection, so a redelivery is not stored again), then
    applied by a Celery task. `processed_at` is set once it was applied or found to concern
    nothing of Till's (`result` says which); a failure to apply leaves it unset, with the
    `error`, for beat's sweep to try again."""

    class Result(models.TextChoices):
        APPLIED = "applied"  # Till's object was brought up to the processor's state
        UNCHANGED = "unchanged"  # Till's object already was there (a duplicate, a late one)
        IGNORED = "ignored"  # no object of Till's, or an event type Till does not apply

    connection = models.ForeignKey(ProcessorConnection, on_delete=models.CASCADE,
                                   related_name="+")
    event_id = models.CharField(max_length=100)  # Stripe's evt_…
    type = models.CharField(max_length=100)  # payment_intent.succeeded, refund.failed, …
    object_id = models.CharField(max_length=100, blank=True, default="")  # its data.object
    payload = models.JSONField()
    received_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    result = models.CharField(max_length=20, choices=Result.choices, blank=True, default="")
    note = models.CharField(max_length=300, blank=True, default="")  # why, in a line
    error = models.TextField(blank=True, default="")  # the last failure to apply it

    class Meta:
        constraints = [models.UniqueConstraint(fields=["connection", "event_id"],
                                               name="inbound_event_once")]
        indexes = [models.Index(fields=["processed_at", "received_at"],
                                name="inbound_event_unprocessed"),
                   # Settings → Processor's last event of a connection.
                   models.Index(fields=["connection", "-received_at"],
                                name="inbound_event_latest")]

    def __str__(self) -> str:
        return f"{self.event_id} {self.type} ({self.result or 'unprocessed'})"
