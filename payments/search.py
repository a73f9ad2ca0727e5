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
