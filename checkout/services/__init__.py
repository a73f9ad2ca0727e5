"""Checkout's services: the only writers of sessions and payment links."""

from checkout.services.payment_links import (
    AfterCompletion,
    payment_link_create,
    payment_link_session_open,
    payment_link_update,
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
    "checkout_session_quantities_set", "checkout_session_reconcile",
    "checkout_sessions_expire_due", "payment_link_create", "payment_link_session_open",
    "payment_link_update",
]
