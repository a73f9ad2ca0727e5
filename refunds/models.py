from django.db import models
from django_fsm import FSMModelMixin, transition

from core import clock
from core.fields import StatusField
from merchants.models import TenantModel, id_field


class Refund(FSMModelMixin, TenantModel):
    """Money given back on a captured charge, all of it or part.

    A refund is `pending` from the moment it is accepted: its amount already counts against
    the charge (`amount_refunded`), so refunds can never add up to more than was captured.
    `operation` is set while the processor call is in flight (atomic phases): `refund`, or
    `release` while the intent of an uncaptured authorization is being canceled for it; the
    settle task moves it to `succeeded` or `failed` (the amount goes back to the charge).

    Above the merchant's approval threshold for its currency a refund starts `pending_approval`:
    counted on the charge like a pending one, but the processor is not asked until an owner
    or admin approves it (then `pending`); rejected, it is `canceled` and gives it back.
    """


    class Status(models.TextChoices):
        PENDING = "pending"
        PENDING_APPROVAL = "pending_approval"
        REQUIRES_ACTION = "requires_action"
        SUCCEEDED = "succeeded"
        FAILED = "failed"
        CANCELED = "canceled"

    class Reason(models.TextChoices):
        DUPLICATE = "duplicate"
        FRAUDULENT = "fraudulent"
        REQUESTED_BY_CUSTOMER = "requested_by_customer"
        EXPIRED_UNCAPTURED_CHARGE = "expired_uncaptured_charge"

    # Statuses whose amount counts against the charge.
    HOLDING = (Status.PENDING, Status.PENDING_APPROVAL, Status.REQUIRES_ACTION,
               Status.SUCCEEDED)

    id = id_field("re")
    charge = models.ForeignKey("payments.Charge", on_delete=models.PROTECT,
                               related_name="refunds")
    payment_intent = models.ForeignKey("payments.PaymentIntent", on_delete=models.PROTECT,
                                       related_name="+")
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=30, choices=Reason.choices, null=True, blank=True)
    status = StatusField(default=Status.PENDING, choices=Status.choices, protected=True)
    failure_reason = models.CharField(max_length=60, null=True, blank=True)
    # The processor's id for this refund, once it has accepted it.
    processor_reference = models.CharField(max_length=200, null=True, blank=True)
    # The ledger's records: the debit when the refund's money was sent (None while it waits
    # for approval, or for a release, which moves nothing), and its reversal if the refund
    # failed or was canceled after that.
    balance_transaction = models.ForeignKey("ledger.BalanceTransaction", null=True, blank=True,
                                            on_delete=models.PROTECT, related_name="+")
    failure_balance_transaction = models.ForeignKey(
        "ledger.BalanceTransaction", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+")
    operation = models.CharField(max_length=20, null=True, blank=True)
    operation_started_at = models.DateTimeField(null=True, blank=True)
    # Who asked for it (`key_…`, `user:<id>`, as StatusChange.actor): an approval needs
    # someone else. Null on refunds made before it was recorded.
    requested_by = models.CharField(max_length=60, null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "livemode", "-created", "-id"], name="refund_list"),
            models.Index(fields=["charge", "status"], name="refund_charge"),
            models.Index(fields=["payment_intent", "-created"], name="refund_payment_intent"),
            models.Index(fields=["created"], name="refund_pending",
                         condition=models.Q(status="pending")),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0),
                                   name="refund_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"

    # -- transitions: they set fields, nothing else ---------------------------------------

    @transition(field=status, source=Status.PENDING, target=None)
    def begin_refund(self, *, at) -> None:
        """Marks the processor call in flight (the status moves when its answer does)."""
        self.operation = "refund"
        self.operation_started_at = at

    @transition(field=status, source=Status.PENDING, target=None)
    def begin_release(self, *, at) -> None:
        """Refunding an uncaptured authorization: the intent's cancel (the hold voided) is
        owed, then this refund records it (`mark_succeeded`)."""
        self.operation = "release"
        self.operation_started_at = at

    @transition(field=status, source=Status.PENDING, target=Status.PENDING_APPROVAL)
    def hold_for_approval(self) -> None:
        """Above the approval threshold: no processor call until someone approves."""
        self.end_operation()

    @transition(field=status, source=Status.PENDING_APPROVAL, target=Status.PENDING)
    def approve(self, *, at) -> None:
        """Approved: pending, with the processor call in flight (as `begin_refund`)."""
        self.operation = "refund"
        self.operation_started_at = at

    @transition(field=status, source=Status.PENDING_APPROVAL, target=Status.CANCELED)
    def reject(self) -> None:
        self.end_operation()

    @transition(field=status, source=Status.PENDING, target=None)
    def mark_accepted(self, *, reference: str) -> None:
        self.processor_reference = reference
        self.end_operation()

    @transition(field=status, source=Status.PENDING, target=Status.SUCCEEDED)
    def mark_succeeded(self) -> None:
        self.end_operation()

    @transition(field=status, source=Status.PENDING, target=Status.FAILED)
    def mark_failed(self, *, failure_reason: str) -> None:
        self.failure_reason = failure_reason
        self.end_operation()

    @transition(field=status, source=[Status.PENDING, Status.REQUIRES_ACTION],
                target=Status.CANCELED)
    def cancel(self) -> None:
        self.end_operation()

    def end_operation(self) -> None:
        self.operation = None
        self.operation_started_at = None


class RefundBatch(FSMModelMixin, TenantModel):
    """Up to 1,000 refund requests accepted in one call and worked through by Celery.

    Each item is refunded (or refused) on its own through `refund_create`; the batch is
    `completed` once every item has an outcome. Counts derive from the items.
    """


    class Status(models.TextChoices):
        PROCESSING = "processing"
        COMPLETED = "completed"

    id = id_field("rfb")
    status = StatusField(default=Status.PROCESSING, choices=Status.choices, protected=True)
    total_count = models.PositiveIntegerField()
    completed_at = models.DateTimeField(null=True, blank=True)
    # Who sent the batch: its refunds are requested by them, not by the worker making them.
    requested_by = models.CharField(max_length=60, null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "livemode", "-created", "-id"],
                         name="refund_batch_list"),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"

    @transition(field=status, source=Status.PROCESSING, target=Status.COMPLETED)
    def mark_completed(self, *, at) -> None:
        self.completed_at = at


class RefundBatchItem(models.Model):
    """One refund request of a batch: its parameters, then its refund or its error (never
    both). An item with either has its outcome and is never processed again."""

    batch = models.ForeignKey(RefundBatch, on_delete=models.CASCADE, related_name="items")
    index = models.PositiveIntegerField()
    params = models.JSONField()
    refund = models.OneToOneField(Refund, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+")
    error = models.JSONField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "index"], name="refund_batch_item_index"),
            models.CheckConstraint(
                condition=models.Q(refund__isnull=True) | models.Q(error__isnull=True),
                name="refund_batch_item_one_outcome"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}[{self.index}]"


class ReconciliationRun(FSMModelMixin, models.Model):
    """One day of one mode's charges and refunds compared with its processor's (the
    merchant's Stripe account): what each side had, and the differences found (rows of
    ReconciliationDifference). One run per merchant, mode and day (UTC); running the day
    again replaces its differences. Here, not in payments: it reads refunds too, and refunds
    sits above payments."""

    class Status(models.TextChoices):
        RUNNING = "running"  # Stripe's lists are being read
        COMPLETED = "completed"  # compared: `differences` says what differs (maybe nothing)
        FAILED = "failed"  # Stripe refused or could not be reached: `error` says why

    id = id_field("recon")
    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.CASCADE,
                                 related_name="+")
    livemode = models.BooleanField()
    day = models.DateField()
    processor = models.CharField(max_length=20, default="stripe")
    account_id = models.CharField(max_length=60, blank=True, default="")  # Stripe's acct_…
    status = StatusField(default=Status.RUNNING, choices=Status.choices, protected=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, default="")
    # What each side had that day.
    processor_charges = models.PositiveIntegerField(default=0)
    processor_refunds = models.PositiveIntegerField(default=0)
    till_charges = models.PositiveIntegerField(default=0)
    till_refunds = models.PositiveIntegerField(default=0)
    differences_count = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["merchant", "livemode", "day"],
                                               name="reconciliation_run_day")]
        indexes = [models.Index(fields=["merchant", "livemode", "-created", "-id"],
                                name="reconciliation_run_list")]

    def __str__(self) -> str:
        return f"{self.id} {self.day} ({self.status})"

    @transition(field=status, source=[Status.RUNNING, Status.COMPLETED, Status.FAILED],
                target=Status.RUNNING)
    def begin(self, *, at, account_id: str) -> None:
        self.started_at = at
        self.finished_at = None
        self.error = ""
        self.account_id = account_id

    @transition(field=status, source=Status.RUNNING, target=Status.COMPLETED)
    def complete(self, *, at, processor_charges: int, processor_refunds: int,
                 till_charges: int, till_refunds: int, differences: int) -> None:
        self.finished_at = at
        self.processor_charges, self.processor_refunds = processor_charges, processor_refunds
        self.till_charges, self.till_refunds = till_charges, till_refunds
        self.differences_count = differences

    @transition(field=status, source=Status.RUNNING, target=Status.FAILED)
    def fail(self, *, at, error: str) -> None:
        self.finished_at = at
        self.error = error


class ReconciliationDifference(models.Model):
    """One object on which Till and the processor disagree, found by a ReconciliationRun."""

    class Kind(models.TextChoices):
        # the processor has it, Till does not
        MISSING_AT_TILL = "missing_at_till", "Missing at Till"
        # Till has it, the processor does not
        MISSING_AT_PROCESSOR = "missing_at_processor", "Missing at Stripe"
        AMOUNT_MISMATCH = "amount_mismatch", "Amounts differ"
        CURRENCY_MISMATCH = "currency_mismatch", "Currencies differ"
        STATUS_MISMATCH = "status_mismatch", "Statuses differ"

    class ObjectType(models.TextChoices):
        CHARGE = "charge"
        REFUND = "refund"

    run = models.ForeignKey(ReconciliationRun, on_delete=models.CASCADE,
                            related_name="differences")
    object_type = models.CharField(max_length=20, choices=ObjectType.choices)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    till_id = models.CharField(max_length=40, blank=True, default="")  # Till's ch_… / re_…
    processor_id = models.CharField(max_length=100, blank=True, default="")  # Stripe's
    # Each side's view, where it has the object ("" / None where it does not).
    till_amount = models.BigIntegerField(null=True, blank=True)
    processor_amount = models.BigIntegerField(null=True, blank=True)
    till_currency = models.CharField(max_length=3, blank=True, default="")
    processor_currency = models.CharField(max_length=3, blank=True, default="")
    till_status = models.CharField(max_length=30, blank=True, default="")
    processor_status = models.CharField(max_length=30, blank=True, default="")

    class Meta:
        indexes = [models.Index(fields=["run", "object_type", "kind"],
                                name="reconciliation_difference")]

    def __str__(self) -> str:
        return f"{self.object_type} {self.kind} {self.till_id or self.processor_id}"
