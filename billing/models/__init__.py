"""Billing's models, one module per area; imported here so Django (and callers) find them
as `billing.models.X`."""

from billing.models.invoices import Invoice, InvoiceItem, InvoiceLineItem  # noqa: F401
