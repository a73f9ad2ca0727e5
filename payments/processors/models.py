"""What Till keeps about real processors: a merchant's connection per mode, the log of
every call made to one, and the mapping of Till's objects to the processor's.

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

    class Meta:
        constraints = [models.UniqueConstraint(fields=["merchant", "livemode"],
                                               name="processor_connection_mode")]

    def __str__(self) -> str:
        mode = "live" if self.livemode else "test"
        return f"{self.kind} {mode} {self.secret_key_hint} ({self.merchant_id})"

    @property
    def secret_key(self) -> str:
        return secret_decrypt(self.secret_key_encrypted)


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
