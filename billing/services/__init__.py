"""Every write in billing, one module per area (DESIGN.md), re-exported here, so callers
write `billing.services.price_create(...)`."""

from billing.services.catalogue import (
    DefaultPriceData,
    ProductData,
    plan_create,
    plan_delete,
    plan_update,
    price_create,
    price_update,
    product_create,
    product_delete,
    product_update,
)

__all__ = [
    "DefaultPriceData", "ProductData", "plan_create", "plan_delete", "plan_update",
    "price_create", "price_update", "product_create", "product_delete", "product_update",
]
