"""How a subscription's invoices are collected: charged automatically, or sent to be paid
(`send_invoice`, due `days_until_due` days after each is finalized)."""

from datetime import timedelta

from billing.models import Invoice, Subscription
from core.exceptions import InvalidRequest
from core.types import NOT_GIVEN, Maybe


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


def subscription_collection_apply(subscription: Subscription, *,
                                  collection_method: Maybe[str] = NOT_GIVEN,
                                  days_until_due: Maybe[int | None] = NOT_GIVEN) -> None:
    """An update's change of collection (the subscription locked, saved by the caller): for
    the invoices it makes from then on (those already finalized keep theirs). Switching to
    `send_invoice` needs `days_until_due` unless it has one; switching back clears it."""
    method = (subscription.collection_method if collection_method is NOT_GIVEN
              else collection_method)
    days = subscription.days_until_due if days_until_due is NOT_GIVEN else days_until_due
    if method == Subscription.CollectionMethod.CHARGE_AUTOMATICALLY:
        if days_until_due is not NOT_GIVEN and days_until_due is not None:
            subscription_collection_check(method, days_until_due)  # refused, naming it
        days = None
    subscription_collection_check(method, days)
    subscription.collection_method, subscription.days_until_due = method, days


def subscription_invoice_collection(subscription: Subscription, invoice: Invoice) -> None:
    """A subscription's new invoice is collected as the subscription is: a `send_invoice`
    one is finalized at once, so it is due `days_until_due` days after that (Stripe's)."""
    invoice.collection_method = subscription.collection_method
    invoice.days_until_due = subscription.days_until_due
    if subscription.days_until_due is not None:
        invoice.due_date = invoice.created + timedelta(days=subscription.days_until_due)
