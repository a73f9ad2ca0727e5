"""Payments on the wire. Importing the package registers every resource's serializer as the
wire renderer of its model (api.apps imports each app's `api` at start-up)."""

from payments.api import (  # noqa: F401
    charges,
    customers,
    payment_intents,
    payment_methods,
    setup_intents,
    test_clocks,
)
