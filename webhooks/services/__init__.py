"""Every write in webhooks: the outbox (events and their deliveries), webhook endpoints, and
manual resends. Re-exported here, so callers write `webhooks.services.event_record(...)`."""

from webhooks.services.endpoints import (
    MAX_ENDPOINTS_PER_MODE,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_disable_failing,
    webhook_endpoint_roll_secret,
    webhook_endpoint_update,
)
from webhooks.services.outbox import (
    ENQUEUE_LEASE,
    LOST_ATTEMPT,
    EventSpec,
    deliveries_attempt,
    deliveries_claim,
    deliveries_record,
    deliveries_sweep,
    event_record,
    events_prune,
    events_record,
    previous_attributes,
    retry_delay,
)
from webhooks.services.resend import (
    delivery_attempt_manual,
    event_retry,
    webhook_delivery_resend,
)

__all__ = [
    "ENQUEUE_LEASE", "LOST_ATTEMPT", "MAX_ENDPOINTS_PER_MODE", "EventSpec",
    "deliveries_attempt", "deliveries_claim", "deliveries_record", "deliveries_sweep",
    "delivery_attempt_manual", "event_record", "event_retry", "events_prune", "events_record",
    "previous_attributes", "retry_delay", "webhook_delivery_resend", "webhook_endpoint_create",
    "webhook_endpoint_delete", "webhook_endpoint_disable_failing",
    "webhook_endpoint_roll_secret", "webhook_endpoint_update",
]
