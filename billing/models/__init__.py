"""Billing's models, one module per area, re-exported here (`from billing.models import Price`)."""

from billing.models.catalogue import CATALOGUE_ID_MAX, Plan, Price, Product
from billing.models.invoices import Invoice, InvoiceItem, InvoiceLineItem
from billing.models.subscriptions import Subscription, SubscriptionItem

__all__ = ["CATALOGUE_ID_MAX", "Invoice", "InvoiceItem", "InvoiceLineItem", "Plan", "Price",
           "Product",
           "Subscription", "SubscriptionItem"]
