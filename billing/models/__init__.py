"""Billing's models, one module per area, re-exported here (`from billing.models import Price`)."""

from billing.models.catalogue import CATALOGUE_ID_MAX, Plan, Price, Product
from billing.models.discounts import COUPON_ID_MAX, Coupon, Discount, PromotionCode
from billing.models.invoices import Invoice, InvoiceItem, InvoiceLineItem
from billing.models.subscriptions import Subscription, SubscriptionItem

__all__ = ["CATALOGUE_ID_MAX", "COUPON_ID_MAX", "Coupon", "Discount", "Invoice", "InvoiceItem",
           "InvoiceLineItem", "Plan", "Price", "Product", "PromotionCode", "Subscription",
           "SubscriptionItem"]
