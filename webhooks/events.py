"""The catalogue of event types Till emits: one list, used to validate subscriptions."""

EVENT_TYPES: tuple[str, ...] = (
    "customer.created",
    "customer.updated",
    "customer.deleted",
    # Till's extension: sent when Till disables an endpoint whose deliveries have failed for
    # TILL_WEBHOOK_DISABLE_AFTER_DAYS; data.object is the endpoint (without its secret).
    "webhook_endpoint.disabled",
)
