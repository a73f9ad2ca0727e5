"""The catalogue of event types Till emits: one list, used to validate subscriptions."""

EVENT_TYPES: tuple[str, ...] = (
    "customer.created",
    "customer.updated",
    "customer.deleted",
)
