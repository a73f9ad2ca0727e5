"""Every write in billing, one module per area (DESIGN.md), re-exported here, so callers
write `billing.services.price_create(...)` or `billing.services.invoice_pay(...)`."""

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
from billing.services.discounts import (
    DiscountSpec,
    coupon_create,
    coupon_delete,
    coupon_update,
    customer_discount_apply,
    customer_discount_render,
    promotion_code_create,
    promotion_code_update,
)
from billing.services.invoice_automation import invoice_email_deliver, invoices_advance_due
from billing.services.invoice_items import (
    invoice_item_create,
    invoice_item_delete,
    invoice_item_update,
)
from billing.services.invoice_payments import (
    invoice_mark_paid_out_of_band,
    invoice_pay,
    invoice_payment_outcome_record,
)
from billing.services.invoices import (
    invoice_create,
    invoice_delete,
    invoice_finalize,
    invoice_mark_uncollectible,
    invoice_send,
    invoice_update,
    invoice_void,
)
from billing.services.renewals import (
    subscription_expire,
    subscription_renew,
    subscriptions_clock_advance,
    subscriptions_renew_due,
)
from billing.services.subscriptions import (
    ItemSpec,
    subscription_cancel,
    subscription_create,
    subscription_invoice_outcome_record,
    subscription_update,
)

__all__ = [
    "DefaultPriceData", "DiscountSpec", "ProductData", "coupon_create", "coupon_delete",
    "coupon_update", "customer_discount_apply", "customer_discount_render",
    "promotion_code_create", "promotion_code_update",
    "invoice_create", "invoice_delete",
    "invoice_email_deliver", "invoice_finalize", "invoice_item_create", "invoice_item_delete",
    "invoice_item_update", "invoice_mark_paid_out_of_band", "invoice_mark_uncollectible",
    "invoice_pay", "invoice_payment_outcome_record", "invoice_send", "invoice_update",
    "invoice_void", "invoices_advance_due", "plan_create", "plan_delete", "plan_update",
    "price_create", "price_update", "product_create", "product_delete", "product_update",
    "ItemSpec", "subscription_cancel", "subscription_create", "subscription_expire",
    "subscription_invoice_outcome_record", "subscription_renew", "subscription_update",
    "subscriptions_clock_advance", "subscriptions_renew_due",
]
