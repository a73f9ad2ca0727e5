"""Reads of refunds, and the row locks refunds take (charge before refund, by pk)."""

from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import CharField, Count, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Cast, Concat

from core.exceptions import NotFound
from merchants.models import ApiKey, Merchant
from merchants.selectors import USER_ACTOR_PREFIX
from payments.models import Charge, ProcessorConnection
from refunds.models import (
    ReconciliationDifference,
    ReconciliationRun,
    Refund,
    RefundBatch,
    RefundBatchItem,
)


def _refund_missing(id: str) -> NotFound:  # noqa: A002
    return NotFound(f"No such refund: '{id}'", param="id")


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


def refund_list_awaiting_approval(*, merchant: Merchant, livemode: bool) -> QuerySet[Refund]:
    """The approval queue: refunds in pending_approval, oldest first, with their charges and
    who requested each (`requester_key`: the key's redacted form; `requester_email`: the
    dashboard user's), in the same query."""
    users = get_user_model().objects.annotate(
        actor=Concat(Value(USER_ACTOR_PREFIX), Cast("pk", CharField())))
    return (Refund.objects.filter(merchant=merchant, livemode=livemode,
                                  status=Refund.Status.PENDING_APPROVAL)
            .select_related("charge")
            .annotate(requester_key=Subquery(ApiKey.objects.filter(
                          merchant=merchant, id=OuterRef("requested_by")).values("redacted")[:1]),
                      requester_email=Subquery(users.filter(
                          actor=OuterRef("requested_by")).values("email")[:1]))
            .order_by("created", "id"))


def refund_list_recent(*, merchant: Merchant, livemode: bool,
                       payment_intent: str | None = None,
                       with_balance_transactions: bool = False) -> QuerySet[Refund]:
    """Every refund of the merchant and mode (or of one payment), newest first (slice it);
    `with_balance_transactions`: with the debit and reversal each booked, in the same
    query."""
    refunds = refund_list(merchant=merchant, livemode=livemode, payment_intent=payment_intent)
    if with_balance_transactions:
        refunds = refunds.select_related("balance_transaction", "failure_balance_transaction")
    return refunds.order_by("-created", "-id")


def charge_refundable_amount(*, charge: Charge) -> int:
    """What is left to refund of a captured charge: its amount less what is counted refunded
    on it (its refunds, pending and awaiting approval ones included, and what a partial
    capture released). The one rule the API's refunds and the dashboard's Refund form use;
    exact under the charge's row lock, which every change of `amount_refunded` holds."""
    return max(charge.amount - charge.amount_refunded, 0)


def refund_amount_held(*, charge: Charge) -> int:
    """What the charge's refunds in pending, pending_approval, requires_action or succeeded
    add up to."""
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
        raise NotFound(f"No such charge: '{id}'", param=param)
    return charge


def charge_get_locked_by_id(*, id: str) -> Charge:  # noqa: A002
    return (Charge.objects.select_for_update(of=("self",))
            .select_related("payment_method", "payment_intent").get(pk=id))


# -- batches (lock order: batch item → charge → refund; the batch row last, alone) ---------

def refund_batch_get(*, id: str, merchant: Merchant, livemode: bool  # noqa: A002
                     ) -> RefundBatch:
    """The batch with its counts (`succeeded_count`, `failed_count`) and its items."""
    batch = (RefundBatch.objects.filter(pk=id, merchant=merchant, livemode=livemode)
             .annotate(succeeded_count=Count("items", filter=Q(items__refund__isnull=False)),
                       failed_count=Count("items", filter=Q(items__error__isnull=False)))
             .first())
    if batch is None:
        raise NotFound(f"No such refund batch: '{id}'", param="id")
    batch.item_list = list(batch.items.order_by("index"))
    return batch


def refund_batch_get_locked_by_id(*, id: str) -> RefundBatch:  # noqa: A002
    return RefundBatch.objects.select_for_update(of=("self",)).get(pk=id)


def refund_batch_item_claim(*, batch_id: str, start: int, stop: int
                            ) -> RefundBatchItem | None:
    """The next item of `[start, stop)` still without an outcome, locked; items another
    worker holds are skipped (it records their outcome)."""
    return (RefundBatchItem.objects.select_for_update(of=("self",), skip_locked=True)
            .filter(batch_id=batch_id, index__gte=start, index__lt=stop,
                    refund__isnull=True, error__isnull=True)
            .order_by("index").first())


def refund_batch_items_open(*, batch_id: str) -> bool:
    """Whether some item of the batch still awaits its outcome."""
    return RefundBatchItem.objects.filter(batch_id=batch_id, refund__isnull=True,
                                          error__isnull=True).exists()


def refund_batch_ids_stalled(*, before: datetime, limit: int = 20) -> list[tuple[str, int]]:
    """(id, total_count) of batches accepted before `before` and still processing."""
    return list(RefundBatch.objects
                .filter(status=RefundBatch.Status.PROCESSING, created__lt=before)
                .order_by("created").values_list("pk", "total_count")[:limit])


# -- reconciliation with the processor -------------------------------------------------------

def _made_through_stripe(account_id: str, prefix: str = "") -> Q:
    """Charges the Stripe account made: recorded as Stripe's (of this account, when both
    ids are known), or, from before Till recorded it, referencing a Stripe PaymentIntent
    (`pi_…`; the simulated processor's are `simauth_…`)."""
    made = Q(**{f"{prefix}processor": "stripe"})
    if account_id:
        made &= Q(**{f"{prefix}processor_account__in": ["", account_id]})
    return made | Q(**{f"{prefix}processor": "",
                       f"{prefix}processor_reference__startswith": "pi_"})


def reconciliation_charges(*, merchant: Merchant, livemode: bool, account_id: str,
                           start: datetime, end: datetime) -> list[Charge]:
    """The mode's charges made through the Stripe account and created in [start, end)."""
    return list(Charge.objects.filter(
        _made_through_stripe(account_id), merchant=merchant, livemode=livemode,
        created__gte=start, created__lt=end).order_by("created", "pk"))


def reconciliation_refunds(*, merchant: Merchant, livemode: bool, account_id: str,
                           start: datetime, end: datetime) -> list[Refund]:
    """The mode's refunds of charges made through the Stripe account, created in
    [start, end), that were meant to reach it (not those waiting for approval or rejected
    before being sent)."""
    return list(Refund.objects.filter(
        _made_through_stripe(account_id, "charge__"), merchant=merchant, livemode=livemode,
        created__gte=start, created__lt=end)
        .exclude(Q(processor_reference__isnull=True)
                 & Q(status__in=[Refund.Status.PENDING_APPROVAL, Refund.Status.CANCELED]))
        .order_by("created", "pk"))


def reconciliation_run_get_locked(*, id: str) -> ReconciliationRun:  # noqa: A002
    return ReconciliationRun.objects.select_for_update(of=("self",)).get(pk=id)


def reconciliation_run_for_day_locked(*, merchant: Merchant, livemode: bool, day: date
                                      ) -> ReconciliationRun | None:
    return (ReconciliationRun.objects.select_for_update(of=("self",))
            .filter(merchant=merchant, livemode=livemode, day=day).first())


def reconciliation_run_list(*, merchant: Merchant, livemode: bool
                            ) -> QuerySet[ReconciliationRun]:
    return ReconciliationRun.objects.filter(merchant=merchant, livemode=livemode)


def reconciliation_run_get(*, id: str, merchant: Merchant,  # noqa: A002
                           livemode: bool) -> ReconciliationRun:
    run = ReconciliationRun.objects.filter(pk=id, merchant=merchant, livemode=livemode).first()
    if run is None:
        raise NotFound(f"No such reconciliation run: '{id}'", param="id")
    return run


def reconciliation_differences(*, run: ReconciliationRun) -> list[ReconciliationDifference]:
    return list(run.differences.order_by("object_type", "kind", "pk"))


def reconciliation_connections() -> list[tuple[str, bool]]:
    """(merchant id, livemode) of every mode connected to a processor, to reconcile."""
    return list(ProcessorConnection.objects.order_by("pk").values_list("merchant_id",
                                                                       "livemode"))


def payment_intent_ids_of_refunds(*, merchant: Merchant, livemode: bool,
                                  refund_ids: list[str]) -> dict[str, str]:
    """Each of the merchant's refunds named, to its payment's id (one query)."""
    return dict(Refund.objects.filter(merchant=merchant, livemode=livemode, pk__in=refund_ids)
                .values_list("id", "payment_intent_id"))
