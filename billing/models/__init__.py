"""Billing's models, one module per area, re-exported here (`from billing.models import Price`)."""

from billing.models.catalogue import CATALOGUE_ID_MAX, Plan, Price, Product

__all__ = ["CATALOGUE_ID_MAX", "Plan", "Price", "Product"]
