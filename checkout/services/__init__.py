"""Checkout's services: the only writers of sessions and payment links."""

from checkout.services.payment_links import (
    AfterCompletion,
    payment_link_create,
    payment_link_session_open,
    payment_link_update,
)
from checkout.services.portal_actions import (
    portal_card_finish,
    portal_card_save,
    portal_invoice_of,
    portal_invoice_pay,
    portal_prices_listed,
    portal_prices_offered,
    portal_subscription_cancel,
    portal_subscription_change,
    portal_subscription_changeable,
    portal_subscription_of,
    portal_subscription_renew,
)
from checkout.services.portal_configurations import (
    BusinessProfile,
    FeaturesUpdate,
    portal_configuration_create,
    portal_configuration_default,
    portal_configuration_update,
)
from checkout.services.portal_sessions import (
    portal_session_create,
    portal_session_visit,
)
from checkout.services.session_expiry import (
    checkout_session_expire,
    checkout_sessions_expire_due,
)
from checkout.services.session_payments import (
    checkout_session_pay,
    checkout_session_payable,
    checkout_session_payment_outcome_record,
    checkout_session_quantities_set,
)
from checkout.services.sessions import (
    AdjustableQuantity,
    LineItemSpec,
    PriceData,
    SubscriptionData,
    checkout_session_create,
    checkout_session_reconcile,
)

__all__ = [
    "AdjustableQuantity", "AfterCompletion", "LineItemSpec", "PriceData", "SubscriptionData",
    "checkout_session_create", "checkout_session_expire", "checkout_session_pay",
    "checkout_session_payable", "checkout_session_payment_outcome_record",
    "checkout_session_quantities_set", "checkout_session_reconcile", "checkout_sessions_expire_due",
    "payment_link_create", "payment_link_session_open", "payment_link_update", "BusinessProfile",
    "FeaturesUpdate", "portal_card_finish", "portal_card_save", "portal_configuration_create",
    "portal_configuration_default", "portal_configuration_update", "portal_invoice_of",
    "portal_invoice_pay", "portal_prices_listed", "portal_prices_offered", "portal_session_create",
    "portal_session_visit", "portal_subscription_cancel", "portal_subscription_change",
    "portal_subscription_changeable",
    "portal_subscription_of", "portal_subscription_renew",
]
