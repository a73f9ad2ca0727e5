"""Refunds' part of a processor's events (Stripe's webhooks, received and stored by
payments): a refund Stripe settled or failed later is settled in Till through the same
path as the settle sweep, which reads the refund back from Stripe first."""

from typing import Any

from core.hooks import ProcessorEventResult, on_processor_event
from refunds.models import Refund
from refunds.services.refunds import refund_settle


@on_processor_event("refund.updated", "refund.failed", "charge.refunded")
def refund_event_apply(*, connection: Any, obj: dict[str, Any]) -> ProcessorEventResult:
    """A Stripe refund changed (`refund.*`), or a charge's refunds did (`charge.refunded`):
    Till's pending refunds behind it are settled as Stripe has them now. Refunds already
    settled in Till are left as they are (a late or repeated delivery)."""
    refunds = list(_refunds_behind(connection, obj))
    if not refunds:
        return ProcessorEventResult("ignored", "No refund of Till's is behind "
                                               f"{obj.get('id') or 'this event'}.")
    settled = [refund_settle(id=refund.id) for refund in refunds
               if refund.status == Refund.Status.PENDING]
    moved = [refund for refund in settled if refund.status != Refund.Status.PENDING]
    if not moved:
        return ProcessorEventResult(
            "unchanged", "Settled already, or still pending at Stripe (the settle sweep "
                         "goes on asking).")
    return ProcessorEventResult(
        "applied", ", ".join(f"{refund.id} {refund.status}" for refund in moved))


def _refunds_behind(connection: Any, obj: dict[str, Any]):
    scope = Refund.objects.filter(merchant_id=connection.merchant_id,
                                  livemode=connection.livemode)
    if obj.get("object") == "charge":
        # A charge's refunds, listed in the event or (newer API versions list none) all of
        # the Till charge made through the charge's PaymentIntent.
        listed = [each.get("id") for each in (obj.get("refunds") or {}).get("data") or []
                  if isinstance(each, dict) and each.get("id")]
        payment_intent = obj.get("payment_intent") or ""
        return scope.filter(processor_reference__in=listed) if listed else (
            scope.filter(charge__processor_reference=payment_intent) if payment_intent
            else scope.none())
    reference = obj.get("id") or ""
    return scope.filter(processor_reference=reference) if reference else scope.none()
