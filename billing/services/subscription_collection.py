"""How a subscription's invoices are collected: charged automatically, or sent to be paid
(`send_invoice`, due `days_until_due` days after each is finalized)."""

from billing.models import Subscription
from core.exceptions import InvalidRequest


def subscription_collection_check(collection_method: str | None,
                                  days_until_due: int | None) -> bool:
    """Stripe's rule: `days_until_due` is required with `send_invoice` and refused with
    `charge_automatically`. Returns whether the invoices are sent."""
    if collection_method == Subscription.CollectionMethod.SEND_INVOICE:
        if days_until_due is None:
            raise InvalidRequest("`days_until_due` is required when `collection_method` is "
                                 "`send_invoice`.", code="parameter_missing",
                                 param="days_until_due")
        return True
    if days_until_due is not None:
        raise InvalidRequest("`days_until_due` can only be set when `collection_method` is "
                             "`send_invoice`.", param="days_until_due")
    return False
