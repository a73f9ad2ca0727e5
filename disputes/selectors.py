"""Reads of disputes, and the row locks disputes take (charge before dispute, by pk)."""

from datetime import datetime

from django.db.models import Count, Exists, OuterRef, QuerySet

from core.exceptions import NotFound
from core.timeseries import Window
from disputes.models import Dispute
from merchants.models import Merchant
from payments.models import Charge


def charge_get_locked_by_id(*, id: str) -> Charge:  # noqa: A002
    return (Charge.objects.select_for_update(of=("self",))
            .select_related("payment_method", "payment_intent").get(pk=id))


def _dispute_missing(id: str) -> NotFound:  # noqa: A002
    return NotFound(f"No such dispute: '{id}'", param="id")


def dispute_get(*, id: str, merchant: Merchant, livemode: bool) -> Dispute:  # noqa: A002
    """The dispute with its charge (which records the funds withdrawn and the fee)."""
    dispute = (Dispute.objects.select_related("charge")
               .filter(pk=id, merchant=merchant, livemode=livemode).first())
    if dispute is None:
        raise _dispute_missing(id)
    return dispute


def dispute_get_locked_by_id(*, id: str) -> Dispute:  # noqa: A002
    """For services that have already scoped the dispute (and locked its charge)."""
    return Dispute.objects.select_for_update(of=("self",)).get(pk=id)


def dispute_with_charge_locked(*, id: str, charge_id: str) -> tuple[Dispute, Charge]:  # noqa: A002
    """A dispute and its charge (which records the disputed funds), locked in the fixed
    order: charge, then dispute."""
    charge = charge_get_locked_by_id(id=charge_id)
    dispute = dispute_get_locked_by_id(id=id)
    dispute.charge = charge
    return dispute, charge


def dispute_charge_id(*, id: str) -> str:  # noqa: A002
    return Dispute.objects.values_list("charge_id", flat=True).get(pk=id)


def dispute_of_charge(*, charge_id: str) -> Dispute | None:
    return Dispute.objects.filter(charge_id=charge_id).first()


def dispute_of_charge_locked(*, charge_id: str) -> Dispute | None:
    """The charge's dispute, locked; the caller holds the charge's lock (taken first)."""
    return Dispute.objects.select_for_update(of=("self",)).filter(charge_id=charge_id).first()


def dispute_list(*, merchant: Merchant, livemode: bool, charge: str | None = None,
                 payment_intent: str | None = None, status: str | None = None
                 ) -> QuerySet[Dispute]:
    """The merchant's disputes in a mode, with their charges, filtered as asked."""
    disputes = (Dispute.objects.select_related("charge")
                .filter(merchant=merchant, livemode=livemode))
    if status is not None:
        disputes = disputes.filter(status=status)
    if charge is not None:
        disputes = disputes.filter(charge_id=charge)
    if payment_intent is not None:
        disputes = disputes.filter(payment_intent_id=payment_intent)
    return disputes


def charge_ids_awaiting_dispute(*, card_tokens: frozenset[str], since: datetime,
                                before: datetime, limit: int = 100) -> list[str]:
    """Captured charges made between `since` and `before` on a card whose bank disputes or
    inquires (`card_tokens`) that have no dispute yet: openings whose message was lost."""
    if not card_tokens:
        return []
    return list(Charge.objects
                .filter(status=Charge.Status.SUCCEEDED, amount_captured__gt=0,
                        created__gte=since, created__lt=before,
                        payment_method__processor_token__in=card_tokens)
                .exclude(Exists(Dispute.objects.filter(charge_id=OuterRef("pk"))))
                .order_by("created").values_list("pk", flat=True)[:limit])


def dispute_ids_under_review(*, before: datetime, limit: int = 500) -> list[str]:
    """Disputes and inquiries whose evidence was submitted before `before` and not yet
    decided: the decision sweep's work."""
    return list(Dispute.objects
                .filter(status__in=Dispute.UNDER_REVIEW_STATUSES, submitted_at__lt=before)
                .order_by("submitted_at").values_list("pk", flat=True)[:limit])


def dispute_ids_past_due(*, now: datetime, limit: int = 500) -> list[str]:
    """Disputes still awaiting a response whose `due_by` has passed: the expiry sweep's
    work."""
    return list(Dispute.objects
                .filter(status__in=Dispute.AWAITING_RESPONSE, due_by__lt=now)
                .order_by("due_by").values_list("pk", flat=True)[:limit])


def disputes_opened(*, merchant_id: str, livemode: bool, window: Window
                    ) -> dict[str, dict[datetime, int]]:
    """Per currency, the disputes (inquiries included) opened in each bucket of `window`
    that has any."""
    rows = (Dispute.objects
            .filter(merchant_id=merchant_id, livemode=livemode,
                    created__gte=window.start, created__lt=window.end)
            .annotate(bucket=window.trunc("created"))
            .values("currency", "bucket").annotate(n=Count("id")).order_by())
    opened: dict[str, dict[datetime, int]] = {}
    for row in rows:
        opened.setdefault(row["currency"], {})[row["bucket"]] = row["n"]
    return opened
