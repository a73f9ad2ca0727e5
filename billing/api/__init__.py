"""Billing on the wire. Importing the package registers every resource's serializer as the
wire renderer of its model (api.apps imports each app's `api` at start-up)."""

from billing.api import invoice_items, invoices  # noqa: F401
