from django.db import models

from merchants.models import TenantModel, id_field


class Event(TenantModel):
    """An immutable record of a change, written in the same transaction as the change.

    It is the outbox: webhook deliveries are made from these rows.
    """

    API_SERIALIZER = "webhooks.api.EventSerializer"

    id = id_field("evt")
    type = models.CharField(max_length=100)
    api_version = models.CharField(max_length=40)
    data = models.JSONField()  # {"object": {...}, "previous_attributes": {...}?}
    request_id = models.CharField(max_length=200, null=True, blank=True)
    idempotency_key = models.CharField(max_length=255, null=True, blank=True)
    pending_webhooks = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "livemode", "-created", "-id"],
                         name="event_list"),
            models.Index(fields=["merchant", "livemode", "type", "-created"],
                         name="event_type_list"),
            models.Index(fields=["created"], name="event_created"),
        ]
