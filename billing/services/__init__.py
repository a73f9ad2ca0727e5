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
from billing.services.coupons import (
    coupon_create,
    coupon_delete,
    coupon_update,
    promotion_code_create,
    promotion_code_update,
)
from billing.services.discounts import (
    DiscountSpec,
    customer_discount_apply,
    customer_discount_render,
)
from billing.services.dunning import (
    customer_default_payment_method_changed,
    dunning_final_actions_record,
    invoice_retry,
    invoices_retry_due,
    subscription_retry_with_new_default,
)
from billing.services.inline_prices import PriceDataSpec
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
from billing.services.invoice_previews import invoice_preview
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
    subscription_trial_will_end_notify,
    subscriptions_clock_advance,
    subscriptions_provisional_drop_due,
    subscriptions_renew_batch,
    subscriptions_renew_due,
    subscriptions_renew_due_fan_out,
    test_clock_advance_bound,
)
from billing.services.subscription_anchors import AnchorConfig
from billing.services.subscription_cancellations import (
    customer_subscriptions_cancel,
    subscription_cancel,
)
from billing.services.subscription_changes import ItemChange
from billing.services.subscription_invoice_items import InvoiceItemSpec
from billing.services.subscription_pauses import PauseCollectionSpec
from billing.services.subscription_updates import (
    UPDATE_PAYMENT_BEHAVIORS,
    subscription_item_create,
    subscription_item_delete,
    subscription_item_update,
    subscription_resume,
    subscription_update,
)
from billing.services.subscriptions import (
    ItemSpec,
    subscription_create,
    subscription_invoice_outcome_record,
    subscription_provisional_drop,
    subscription_provisional_reveal,
)

__all__ = [
    "customer_default_payment_method_changed", "dunning_final_actions_record",
    "invoice_retry", "invoices_retry_due", "subscription_retry_with_new_default",
    "DefaultPriceData", "ProductData", "invoice_create", "invoice_delete",
    "DefaultPriceData", "DiscountSpec", "ProductData", "coupon_create", "coupon_delete",
    "coupon_update", "customer_discount_apply", "customer_discount_render",
    "promotion_code_create", "promotion_code_update",
    "invoice_create", "invoice_delete",
    "invoice_email_deliver", "invoice_finalize", "invoice_item_create", "invoice_item_delete",
    "invoice_item_update", "invoice_mark_paid_out_of_band", "invoice_mark_uncollectible",
    "invoice_pay", "invoice_payment_outcome_record", "invoice_preview", "invoice_send",
    "invoice_update",
    "invoice_void", "invoices_advance_due", "plan_create", "plan_delete", "plan_update",
    "price_create", "price_update", "product_create", "product_delete", "product_update",
    "test_clock_advance_bound", "PauseCollectionSpec", "ItemChange", "ItemSpec",
    "AnchorConfig", "InvoiceItemSpec", "PriceDataSpec",
    "customer_subscriptions_cancel", "subscription_cancel",
    "subscription_create", "subscription_expire",
    "subscription_invoice_outcome_record", "subscription_item_create",
    "subscription_item_delete", "subscription_item_update", "subscription_provisional_drop",
    "subscription_provisional_reveal", "subscription_renew", "subscription_resume",
    "subscription_trial_will_end_notify", "subscription_update", "UPDATE_PAYMENT_BEHAVIORS",
    "subscriptions_clock_advance", "subscriptions_provisional_drop_due",
    "subscriptions_renew_batch", "subscriptions_renew_due", "subscriptions_renew_due_fan_out",
]
