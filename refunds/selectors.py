"""Reads of refunds, and the row locks refunds take (charge before refund, by pk)."""

from datetime import datetime

from django.db.models import QuerySet, Sum

from api.errors import NotFoundError
from merchants.models import Merchant
from payments.models import Charge
from refunds.models import Refund


def _refund_missing(id: str) -> NotFoundError:  # noqa: A002
    return NotFoundError(f"No such refund: '{id}'", param="id")


def refund_get(*, id: str, merchant: Merchant, livemode: bool) -> Refund:  # noqa: A002
    refund = Refund.objects.filter(pk=id, merchant=merchant, livemode=livemode).first()
    if refund is None:
        raise _refund_missing(id)
    return refund


def refund_get_locked(*, id: str, merchant: Merchant, livemode: bool) -> Refund:  # noqa: A002
    refund = (Refund.objects.select_for_update(of=("self",))
              .filter(pk=id, merchant=merchant, livemode=livemode).first())
    if refund is None:
        raise _refund_missing(id)
    return refund


def refund_get_locked_by_id(*, id: str) -> Refund:  # noqa: A002
    """For Till's own tasks and the phases after a processor call (already scoped)."""
    return Refund.objects.select_for_update(of=("self",)).get(pk=id)


def refund_list(*, merchant: Merchant, livemode: bool, payment_intent: str | None = None,
                charge: str | None = None) -> QuerySet[Refund]:
    refunds = Refund.objects.filter(merchant=merchant, livemode=livemode)
    if payment_intent is not None:
        refunds = refunds.filter(payment_intent_id=payment_intent)
    if charge is not None:
        refunds = refunds.filter(charge_id=charge)
    return refunds


def refund_amount_held(*, charge: Charge) -> int:
    """What the charge's refunds in pending, requires_action or succeeded add up to."""
    return (Refund.objects.filter(charge=charge, status__in=Refund.HOLDING)
            .aggregate(total=Sum("amount"))["total"] or 0)


def refund_ids_pending(*, limit: int = 500) -> list[str]:
    """Pending refunds whose processor call was recorded: the settlement sweep's work."""
    return list(Refund.objects.filter(status=Refund.Status.PENDING, operation__isnull=True)
                .order_by("created").values_list("pk", flat=True)[:limit])


def refund_ids_in_flight_since(*, before: datetime, limit: int = 100) -> list[str]:
    """Refunds whose processor call started before `before` and was never recorded."""
    return list(Refund.objects
                .filter(status=Refund.Status.PENDING, operation__isnull=False,
                        operation_started_at__lt=before)
                .order_by("operation_started_at").values_list("pk", flat=True)[:limit])


# -- charges, locked for a refund ----------------------------------------------------------

def charge_get_locked(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                      param: str = "charge") -> Charge:
    charge = (Charge.objects.select_for_update(of=("self",))
              .select_related("payment_method", "payment_intent")
              .filter(pk=id, merchant=merchant, livemode=livemode).first())
    if charge is None:
        raise NotFoundError(f"No such charge: '{id}'", param=param)
    return charge


def charge_get_locked_by_id(*, id: str) -> Charge:  # noqa: A002
    return (Charge.objects.select_for_update(of=("self",))
            .select_related("payment_method").get(pk=id))
