"""The catalogue of event types Till emits: one list, used to validate subscriptions."""

EVENT_TYPES: tuple[str, ...] = (
    "customer.created",
    "customer.updated",
    "customer.deleted",
    "payment_method.attached",
    "payment_method.detached",
    "payment_method.updated",
    "payment_intent.created",
    "payment_intent.requires_action",
    "payment_intent.processing",
    "payment_intent.amount_capturable_updated",
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.canceled",
    "charge.succeeded",
    "charge.failed",
    "charge.pending",
    "charge.captured",
    "charge.expired",
    "setup_intent.created",
    "setup_intent.requires_action",
    "setup_intent.setup_failed",
    "setup_intent.succeeded",
    "setup_intent.canceled",
    # Till's extension: sent when Till disables an endpoint whose deliveries have failed for
    # TILL_WEBHOOK_DISABLE_AFTER_DAYS; data.object is the endpoint (without its secret).
    "webhook_endpoint.disabled",
)
