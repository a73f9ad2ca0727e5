"""The ledger: every movement of a merchant's money as a balance transaction (Stripe's
gross, fee and net), booked underneath as entries that always sum to zero.

A balance transaction is written in the transaction that moves the money it records (a
charge captured, a refund sent or given back, a chargeback withdrawn or reinstated, a payout
made or failed), by the app that moves it through `ledger.services`; the ledger sits below
them all and knows a transaction's source only by its id (`ch_…`, `re_…`, `dp_…`, `po_…`).

Booking: each transaction's entries move `amount` between four accounts — the merchant's
balance, the counterparty (the customer's card, or the merchant's bank for payouts), and
the fees collected — so that the entries of any transaction, and of the whole ledger, sum
to zero. The merchant's balance entry is always the transaction's `net`.
"""

from django.db import models
from django.db.models import Q
from django_fsm import FSMModelMixin, transition

from core import clock
from core.db import SavesChangedFields
from core.fields import StatusField
from merchants.models import Merchant, id_field


class BalanceTransaction(SavesChangedFields, models.Model):
    class Type(models.TextChoices):
        CHARGE = "charge"
        REFUND = "refund"
        REFUND_FAILURE = "refund_failure"
        ADJUSTMENT = "adjustment"  # a chargeback withdrawn or reinstated
        PAYOUT = "payout"
        PAYOUT_CANCEL = "payout_cancel"
        PAYOUT_FAILURE = "payout_failure"

    class ReportingCategory(models.TextChoices):
        CHARGE = "charge"
        REFUND = "refund"
        REFUND_FAILURE = "refund_failure"
        DISPUTE = "dispute"
        DISPUTE_REVERSAL = "dispute_reversal"
        PAYOUT = "payout"
        PAYOUT_REVERSAL = "payout_reversal"

    id = id_field("txn")
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="+")
    livemode = models.BooleanField()
    created = models.DateTimeField(default=clock.now)
    type = models.CharField(max_length=20, choices=Type.choices)
    reporting_category = models.CharField(max_length=20, choices=ReportingCategory.choices)
    # Minor units of `currency`: `amount` is the gross (negative when money leaves the
    # balance), `fee` what was collected for it (never negative), `net = amount - fee`.
    amount = models.BigIntegerField()
    fee = models.BigIntegerField(default=0)
    net = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    # Stripe's `fee_details`: [{"amount", "currency", "description", "type"}] summing to fee.
    fee_details = models.JSONField(default=list)
    # When the net counts as available (before: pending). Money out is available at once.
    available_on = models.DateTimeField()
    description = models.CharField(max_length=500, null=True, blank=True)
    # The object that moved the money: a charge, refund, dispute or payout id.
    source = models.CharField(max_length=40)
    # The automatic payout that paid this transaction out (None: not yet, or manual payouts).
    payout = models.ForeignKey("ledger.Payout", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="paid_out")

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "livemode", "-created", "-id"],
                         name="balance_txn_list"),
            models.Index(fields=["source"], name="balance_txn_source"),
            # The balance: per currency, what is available by now and what is still pending.
            models.Index(fields=["merchant", "livemode", "currency", "available_on"],
                         include=["net"], name="balance_txn_balance"),
            # Automatic payouts sweep what is available and not yet paid out.
            models.Index(fields=["merchant", "livemode", "currency", "available_on"],
                         condition=Q(payout__isnull=True), name="balance_txn_unpaid_out"),
            models.Index(fields=["payout"], condition=Q(payout__isnull=False),
                         name="balance_txn_payout"),
            # Home's volume (ledger.selectors.balance_volume): a window of `created` summed
            # per currency, bucket and category, read from the index alone (index-only scan;
            # on PostgreSQL, SQLite indexes the key columns alone).
            models.Index(fields=["merchant", "livemode", "created"],
                         include=["currency", "reporting_category", "amount", "fee", "net"],
                         name="balance_txn_home_figures"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(net=models.F("amount") - models.F("fee")),
                                   name="balance_txn_net_is_amount_less_fee"),
            models.CheckConstraint(condition=Q(fee__gte=0), name="balance_txn_fee_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.type} {self.amount} {self.currency}"

    def status(self, at) -> str:
        return "available" if self.available_on <= at else "pending"


class VolumeTotal(models.Model):
    """Balance transactions summed per merchant, mode, currency and reporting category over
    one UTC hour (`minutes` 60) or quarter hour (15), for Home's volume over long ranges
    (ledger.services.volume_totals rolls them up; ledger.selectors.balance_volume reads
    them). A balance transaction never changes and lands in the hour it is made (a refund
    of an old charge is a transaction of its own, at the refund's time), so an hour's
    totals, once rolled up, stay right."""

    # The unique constraint's index leads with the merchant: no index of its own.
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="+",
                                 db_index=False)
    livemode = models.BooleanField()
    minutes = models.PositiveSmallIntegerField()
    bucket = models.DateTimeField()
    currency = models.CharField(max_length=3)
    reporting_category = models.CharField(max_length=20,
                                          choices=BalanceTransaction.ReportingCategory.choices)
    amount = models.BigIntegerField()
    fee = models.BigIntegerField()
    net = models.BigIntegerField()
    count = models.PositiveIntegerField()

    class Meta:
        constraints = [
            # Also the readers' index: a merchant's hours (or quarters) in a range, summed
            # from the index alone on PostgreSQL (INCLUDE; SQLite keeps the key columns).
            models.UniqueConstraint(fields=["merchant", "livemode", "minutes", "bucket",
                                            "currency", "reporting_category"],
                                    include=["amount", "net", "count"],
                                    name="volume_total_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.bucket:%Y-%m-%d %H:%M} +{self.minutes}m {self.currency} " \
               f"{self.reporting_category}: {self.amount}"


class LedgerEntry(models.Model):
    """One leg of a balance transaction: `amount` (signed minor units) into `account`."""

    class Account(models.TextChoices):
        BALANCE = "balance"  # the merchant's balance with Till
        CUSTOMER = "customer"  # the paying card: money in from it is negative here
        BANK = "bank"  # the merchant's bank account, for payouts
        FEES = "fees"  # what processing and dispute fees collected

    transaction = models.ForeignKey(BalanceTransaction, on_delete=models.PROTECT,
                                    related_name="entries")
    account = models.CharField(max_length=10, choices=Account.choices)
    amount = models.BigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["transaction"], name="ledger_entry_transaction")]

    def __str__(self) -> str:
        return f"{self.transaction_id} {self.account} {self.amount}"


class BankAccount(models.Model):
    """Where a merchant's payouts go in one mode and currency (Stripe's external account,
    `ba_…`). Only the last four digits and the routing number are kept. In test mode the
    account number chose the payout's simulated outcome, as Stripe's test bank numbers do:
    `test_failure_code` is the failure its payouts meet (None: they arrive)."""

    id = id_field("ba")
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="+")
    livemode = models.BooleanField()
    created = models.DateTimeField(default=clock.now)
    currency = models.CharField(max_length=3)
    country = models.CharField(max_length=2, default="US")
    bank_name = models.CharField(max_length=100)
    routing_number = models.CharField(max_length=20)
    last4 = models.CharField(max_length=4)
    account_holder_name = models.CharField(max_length=200, blank=True, default="")
    test_failure_code = models.CharField(max_length=40, null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["merchant", "livemode", "currency"],
                                               name="bank_account_one_per_currency")]

    def __str__(self) -> str:
        return f"{self.bank_name} ••••{self.last4} ({self.currency})"


class Payout(FSMModelMixin, models.Model):
    """Money sent from the merchant's available balance to their bank account: `pending`
    from creation (the balance debited at once, by its balance transaction), `in_transit`
    once sent, `paid` at its arrival, or `failed` (the money back in the balance by its
    failure transaction); only a pending payout may be canceled (money back likewise)."""

    class Status(models.TextChoices):
        PENDING = "pending"
        IN_TRANSIT = "in_transit"
        PAID = "paid"
        FAILED = "failed"
        CANCELED = "canceled"

    id = id_field("po")
    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="+")
    livemode = models.BooleanField()
    created = models.DateTimeField(default=clock.now)
    metadata = models.JSONField(default=dict, blank=True)
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    arrival_date = models.DateTimeField()
    automatic = models.BooleanField()
    status = StatusField(max_length=20, choices=Status.choices, default=Status.PENDING,
                      protected=True)
    description = models.CharField(max_length=500, null=True, blank=True)
    statement_descriptor = models.CharField(max_length=22, null=True, blank=True)
    destination = models.ForeignKey(BankAccount, on_delete=models.PROTECT, related_name="+")
    balance_transaction = models.ForeignKey(BalanceTransaction, on_delete=models.PROTECT,
                                            related_name="+")
    failure_balance_transaction = models.ForeignKey(
        BalanceTransaction, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    failure_code = models.CharField(max_length=40, null=True, blank=True)
    failure_message = models.CharField(max_length=500, null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "livemode", "-created", "-id"], name="payout_list"),
            # The beat sweep moves payouts on at their arrival.
            models.Index(fields=["arrival_date"],
                         condition=Q(status__in=["pending", "in_transit"]),
                         name="payout_due"),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.amount} {self.currency} {self.status}"

    # -- transitions: they set fields, nothing else ---------------------------------------

    @transition(field=status, source=Status.PENDING, target=Status.IN_TRANSIT)
    def mark_in_transit(self) -> None:
        pass

    @transition(field=status, source=Status.IN_TRANSIT, target=Status.PAID)
    def mark_paid(self) -> None:
        pass

    @transition(field=status, source=[Status.PENDING, Status.IN_TRANSIT], target=Status.FAILED)
    def mark_failed(self, *, code: str, message: str, failure_transaction) -> None:
        self.failure_code = code
        self.failure_message = message
        self.failure_balance_transaction = failure_transaction

    @transition(field=status, source=Status.PENDING, target=Status.CANCELED)
    def cancel(self, *, reversal) -> None:
        self.failure_balance_transaction = reversal
