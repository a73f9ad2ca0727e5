from django.db import models


class Payment(models.Model):
    """One row per request: about what a payment's own row holds, without the rest."""

    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    idempotency_key = models.CharField(max_length=255)
    created = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency}"
