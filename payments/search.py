"""The fields a payment intent search may name, as `GET /v1/payment_intents/search` and the
dashboard's payments search both take them (metadata keys are searchable besides these)."""

from core.search import SearchField

PAYMENT_INTENT_SEARCH_FIELDS = {
    "amount": SearchField("amount", "number"),
    "created": SearchField("created", "timestamp"),
    "currency": SearchField("currency", "token"),
    "customer": SearchField("customer_id", "token"),
    "status": SearchField("status", "token"),
}

# `GET /v1/customers/search`: Stripe's customer search fields (`~` on the text ones).
CUSTOMER_SEARCH_FIELDS = {
    "created": SearchField("created", "timestamp"),
    "email": SearchField("email", "string", substring=True),
    "name": SearchField("name", "string", substring=True),
    "phone": SearchField("phone", "string", substring=True),
}

# `GET /v1/charges/search`: Stripe's charge search fields Till keeps.
CHARGE_SEARCH_FIELDS = {
    "amount": SearchField("amount", "number"),
    "created": SearchField("created", "timestamp"),
    "currency": SearchField("currency", "token"),
    "customer": SearchField("customer_id", "token"),
    "payment_intent": SearchField("payment_intent_id", "token"),
    "payment_method_details.card.last4": SearchField(
        "payment_method_details__card__last4", "token"),
    "status": SearchField("status", "token"),
}
