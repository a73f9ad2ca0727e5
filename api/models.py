from django.db import models
from django.utils import timezone

from merchants.models import Merchant


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
