"""The ledger's reads: balance transactions, the balance, payouts, and their locks."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet, Sum

from core.exceptions import NotFound
from core.rollups import rollup_plan
from core.timeseries import Window
from ledger.models import BalanceTransaction, BankAccount, LedgerEntry, Payout, VolumeTotal
from merchants.models import Merchant


def balance_transaction_get(*, id: str, merchant: Merchant, livemode: bool  # noqa: A002
                            ) -> BalanceTransaction:
    txn = BalanceTransaction.objects.filter(pk=id, merchant=merchant, livemode=livemode).first()
    if txn is None:
        raise NotFound(f"No such balance transaction: '{id}'", param="id")
    return txn


def balance_transaction_list(*, merchant: Merchant, livemode: bool, type: str | None = None,  # noqa: A002
                             source: str | None = None, payout: str | None = None,
                             currency: str | None = None) -> QuerySet[BalanceTransaction]:
    """The merchant's balance transactions in a mode, newest first, filtered as asked."""
    txns = BalanceTransaction.objects.filter(merchant=merchant, livemode=livemode)
    if type is not None:
        txns = txns.filter(type=type)
    if source is not None:
        txns = txns.filter(source=source)
    if payout is not None:
        # Stripe: the transactions an automatic payout paid out, and the payout's own.
        txns = txns.filter(Q(payout_id=payout) | Q(source=payout))
    if currency is not None:
        txns = txns.filter(currency=currency)
    return txns


def balance_transactions_of_sources(*, sources: list[str]
                                    ) -> dict[str, list[BalanceTransaction]]:
    """What each object moved (a dispute's withdrawals and reinstatement), oldest first, in
    one query for them all."""
    found: dict[str, list[BalanceTransaction]] = {source: [] for source in sources}
    for txn in BalanceTransaction.objects.filter(source__in=sources).order_by("created", "id"):
        found[txn.source].append(txn)
    return found


def balance_of(*, merchant_id: str, livemode: bool, at: datetime
               ) -> dict[str, dict[str, int]]:
    """Per currency, the merchant's `available` and `pending` balance at `at`: the nets of
    every balance transaction, available once its `available_on` has come. One aggregate
    over the balance index."""
    rows = (BalanceTransaction.objects.filter(merchant_id=merchant_id, livemode=livemode)
            .values("currency")
            .annotate(available=Sum("net", filter=Q(available_on__lte=at), default=0),
                      pending=Sum("net", filter=Q(available_on__gt=at), default=0))
            .order_by("currency"))
    return {row["currency"]: {"available": row["available"], "pending": row["pending"]}
            for row in rows}


# What a merchant's volume is made of: every balance transaction but payouts (money leaving
# the balance for the bank is not a loss of volume).
VOLUME_CATEGORIES = (
    BalanceTransaction.ReportingCategory.CHARGE, BalanceTransaction.ReportingCategory.REFUND,
    BalanceTransaction.ReportingCategory.REFUND_FAILURE,
    BalanceTransaction.ReportingCategory.DISPUTE,
    BalanceTransaction.ReportingCategory.DISPUTE_REVERSAL,
)


@dataclass
class Volume:
    """Money moved in one bucket of time, in minor units of one currency: `gross` captured,
    `refunded` to customers (a positive figure; a failed refund gives back), and `net`, what
    the balance kept after refunds, disputes and fees; `payments`, the charges captured."""

    gross: int = 0
    refunded: int = 0
    net: int = 0
    payments: int = 0


# The rollup of balance transactions into VolumeTotal (ledger.services.volume_totals).
VOLUME_TOTALS = "ledger.volume_totals"


def balance_volume(*, merchant_id: str, livemode: bool, window: Window,
                   rolled_until: datetime | None = None) -> dict[str, dict[datetime, Volume]]:
    """Per currency, the merchant's volume in each bucket of `window` (only the buckets with
    any). With `rolled_until` (the VOLUME_TOTALS mark, core.rollups.rollup_marks): the
    hours before it from VolumeTotal, the rest from the balance transactions; without it,
    one aggregate over the `balance_txn_home_figures` index (index-only on PostgreSQL:
    COUNT(*), not COUNT(id), which the index does not carry)."""
    plan = rollup_plan(window, rolled_until)
    rows: list[dict] = []
    if (source := plan.source("created")) is not None:
        rows += (BalanceTransaction.objects
                 .filter(source, merchant_id=merchant_id, livemode=livemode,
                         reporting_category__in=VOLUME_CATEGORIES)
                 .annotate(bucket=window.trunc("created"))
                 .values("currency", "bucket", "reporting_category")
                 .annotate(gross=Sum("amount"), kept=Sum("net"), n=Count("*"))
                 .order_by())
    for totals, sign in plan.totals():
        # The totals hold the volume's categories alone (so no filter on them, which made
        # PostgreSQL scan the whole table).
        rows += ({**row, "bucket": row["day"], "gross": sign * row["gross"],
                  "kept": sign * row["kept"], "n": sign * row["n"]}
                 for row in VolumeTotal.objects
                 .filter(totals, merchant_id=merchant_id, livemode=livemode)
                 .annotate(day=window.trunc("bucket"))
                 .values("currency", "day", "reporting_category")
                 .annotate(gross=Sum("amount"), kept=Sum("net"), n=Sum("count"))
                 .order_by())
    category = BalanceTransaction.ReportingCategory
    volumes: dict[str, dict[datetime, Volume]] = defaultdict(lambda: defaultdict(Volume))
    for row in rows:
        volume = volumes[row["currency"]][row["bucket"]]
        volume.net += row["kept"]
        match row["reporting_category"]:
            case category.CHARGE:
                volume.gross += row["gross"]
                volume.payments += row["n"]
            case category.REFUND | category.REFUND_FAILURE:
                volume.refunded -= row["gross"]
    return {currency: dict(buckets) for currency, buckets in volumes.items()}


def ledger_entries_of(*, txn: BalanceTransaction) -> list[LedgerEntry]:
    """A balance transaction's entries (the merchant's balance first), which sum to zero."""
    order = {account: rank for rank, account in enumerate(LedgerEntry.Account.values)}
    return sorted(txn.entries.all(), key=lambda entry: (order[entry.account], entry.pk))


def ledger_sums(*, merchant_id: str | None = None) -> dict[str, int]:
    """The entries' sum per account (of one merchant, or of the whole ledger), and `total`,
    which double entry keeps at zero: for audits and the ledger's own tests."""
    entries = LedgerEntry.objects.all()
    if merchant_id is not None:
        entries = entries.filter(transaction__merchant_id=merchant_id)
    sums: dict[str, int] = defaultdict(int)
    for row in entries.values("account").annotate(total=Sum("amount")):
        sums[row["account"]] = row["total"]
    sums["total"] = sum(sums.values())
    return dict(sums)


def unbalanced_transactions(*, limit: int = 100) -> list[str]:
    """Balance transactions whose entries do not sum to zero (there must be none)."""
    return list(LedgerEntry.objects.values("transaction_id")
                .annotate(total=Sum("amount")).exclude(total=0)
                .values_list("transaction_id", flat=True)[:limit])


# -- payouts ---------------------------------------------------------------------------------

def payout_get(*, id: str, merchant: Merchant, livemode: bool) -> Payout:  # noqa: A002
    """One of the merchant's payouts in a mode, with its bank account."""
    payout = (Payout.objects.select_related("destination")
              .filter(pk=id, merchant=merchant, livemode=livemode).first())
    if payout is None:
        raise NotFound(f"No such payout: '{id}'", param="id")
    return payout


def payout_get_locked(*, id: str, merchant_id: str, livemode: bool | None = None  # noqa: A002
                      ) -> Payout:
    """The payout under its row lock (taken after the merchant's, when both are)."""
    payouts = Payout.objects.select_for_update(of=("self",)).filter(pk=id,
                                                                    merchant_id=merchant_id)
    if livemode is not None:
        payouts = payouts.filter(livemode=livemode)
    payout = payouts.first()
    if payout is None:
        raise NotFound(f"No such payout: '{id}'", param="id")
    return payout


def payout_list(*, merchant: Merchant, livemode: bool, status: str | None = None,
                destination: str | None = None) -> QuerySet[Payout]:
    """The merchant's payouts in a mode (with their bank accounts), newest first (ranges on
    `created` and `arrival_date` are the API's list filters)."""
    payouts = Payout.objects.select_related("destination").filter(merchant=merchant,
                                                                  livemode=livemode)
    if status is not None:
        payouts = payouts.filter(status=status)
    if destination is not None:
        payouts = payouts.filter(destination_id=destination)
    return payouts


def payout_ids_due(*, at: datetime, submit_before: datetime, limit: int = 500) -> list[str]:
    """Payouts to move on: pending ones created before `submit_before` (sent to the bank),
    and pending or in-transit ones whose arrival has come (the `payout_due` index)."""
    moving = [Payout.Status.PENDING, Payout.Status.IN_TRANSIT]
    return list(Payout.objects.filter(status__in=moving)
                .filter(Q(arrival_date__lte=at)
                        | Q(status=Payout.Status.PENDING, created__lte=submit_before))
                .order_by("arrival_date", "id").values_list("id", flat=True)[:limit])


def bank_account_default(*, merchant_id: str, livemode: bool, currency: str
                         ) -> BankAccount | None:
    return BankAccount.objects.filter(merchant_id=merchant_id, livemode=livemode,
                                      currency=currency).first()


def unpaid_out_available(*, merchant_id: str, livemode: bool, currency: str, at: datetime
                         ) -> QuerySet[BalanceTransaction]:
    """What an automatic payout pays out: the available balance transactions no automatic
    payout has yet (the `balance_txn_unpaid_out` index). Manual payouts, and the money
    canceled or failed payouts gave back, stay among them, so their nets sum to the
    available balance."""
    return BalanceTransaction.objects.filter(
        merchant_id=merchant_id, livemode=livemode, currency=currency, available_on__lte=at,
        payout__isnull=True)


def merchant_ids_paid_out_daily() -> list[str]:
    """Merchants on the daily schedule (test mode's automatic payouts)."""
    return list(Merchant.objects.filter(payout_schedule=Merchant.PayoutSchedule.DAILY)
                .order_by("pk").values_list("pk", flat=True))


def merchant_get_locked_or_skip(*, id: str) -> Merchant | None:  # noqa: A002
    """The merchant row under its lock, or None when another transaction holds it (a
    concurrent payout run: it pays this merchant out)."""
    return Merchant.objects.select_for_update(of=("self",), skip_locked=True).filter(
        pk=id).first()
