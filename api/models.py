from django.db import models
from django.utils import timezone

from merchants.models import Merchant, id_field


class IdempotencyKey(models.Model):
    """The first response to a POST under an `Idempotency-Key`, per merchant and mode.

    A unique constraint, not a read-then-write, decides which of several concurrent requests
    runs: the others see the row and get a 409 while it runs, or the replay once it is done.
    """

    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="+")
    livemode = models.BooleanField()
    key = models.CharField(max_length=255)
    request_fingerprint = models.CharField(max_length=64)
    request_id = models.CharField(max_length=200)
    created = models.DateTimeField(default=timezone.now)
    # Null while the first request is still executing.
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.BinaryField(null=True)
    completed_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["merchant", "livemode", "key"],
                                               name="idempotency_key_unique")]
        indexes = [models.Index(fields=["created"], name="idempotency_key_created")]

    def __str__(self) -> str:
        return self.key


class OperatorToken(models.Model):
    """A token for Till's operator endpoints (`/v1/admin/…`, the processors' health): made by
    `manage.py operator_token_create`, shown once, stored as its SHA-256 only (it is 40
    random base62 characters: nothing to brute-force), revoked by `operator_token_revoke`.
    It names no merchant and reaches nothing a merchant's key does."""

    name = models.CharField(max_length=100, unique=True)  # who or what holds it
    token_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=20)  # till_op_…abcd
    created = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}{', revoked' if self.revoked_at else ''})"


class RequestLog(models.Model):
    """One API request a merchant's key made, as the dashboard's Developers page shows it:
    written after the response, one INSERT (api.request_log), kept TILL_REQUEST_LOG_DAYS
    (api.tasks.request_logs_prune). Requests that no key authenticated name no merchant and
    are not kept here (the access log has them)."""

    id = id_field("rlog")
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="+")
    livemode = models.BooleanField()
    created = models.DateTimeField(default=timezone.now)
    method = models.CharField(max_length=10)
    # As sent, with secret-bearing query values redacted (api.middleware.loggable_path).
    path = models.CharField(max_length=2000)
    status = models.PositiveSmallIntegerField()
    api_key_id = models.CharField(max_length=40)
    api_key_redacted = models.CharField(max_length=40)
    request_id = models.CharField(max_length=200)
    duration_ms = models.PositiveIntegerField()
    idempotency_key = models.CharField(max_length=255, blank=True)
    # Errors only, as the envelope carried them.
    error_type = models.CharField(max_length=50, blank=True)
    error_code = models.CharField(max_length=100, blank=True)
    error_message = models.TextField(blank=True)
    error_param = models.CharField(max_length=200, blank=True)
    # The objects the response named: its `id`, and those an error names beside it.
    object_ids = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "livemode", "-created", "-id"],
                         name="request_log_page"),
            models.Index(fields=["created"], name="request_log_created"),
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status}"

    @property
    def status_class(self) -> str:
        return f"{self.status // 100}xx"
