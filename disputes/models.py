from dataclasses import dataclass

from django.db import models
from django_fsm import FSMModelMixin, transition

from core.fields import StatusField
from merchants.models import TenantModel, id_field


@dataclass(frozen=True)
class DisputeFunds:
    """What a dispute did to the merchant's money, in minor units of its currency: the
    disputed amount withdrawn when it opened, what a win gave back, and the network's fee
    (kept whatever the outcome). `net` is their sum as the balance sees it (negative: taken).
    Stripe shows these as balance transactions; until Till's ledger exists, this."""

    currency: str
    withdrawn: int
    reinstated: int
    fee: int

    @property
    def net(self) -> int:
        return self.reinstated - self.withdrawn - self.fee


class Dispute(FSMModelMixin, TenantModel):
    """A cardholder's bank contesting a charge (a chargeback), with Stripe's statuses.

    Opened by Till when the processor reports it: the disputed amount and the dispute fee
    are recorded on the charge. The merchant answers with evidence (`under_review`) or
    accepts the loss (`close`); the processor's decision makes it `won` or `lost`.

    An inquiry (`warning_*`) is the bank asking before it charges back: nothing is
    withdrawn, and the charge can still be refunded. Answered well it closes
    (`warning_closed`); otherwise it escalates to a chargeback (`needs_response`), and only
    then are the fee and the amount withdrawn: at most what refunds have not given back
    (a fully refunded charge's inquiry closes instead).
    """


    class Status(models.TextChoices):
        WARNING_NEEDS_RESPONSE = "warning_needs_response"
        WARNING_UNDER_REVIEW = "warning_under_review"
        WARNING_CLOSED = "warning_closed"
        NEEDS_RESPONSE = "needs_response"
        UNDER_REVIEW = "under_review"
        WON = "won"
        LOST = "lost"

    class Reason(models.TextChoices):
        BANK_CANNOT_PROCESS = "bank_cannot_process"
        CHECK_RETURNED = "check_returned"
        CREDIT_NOT_PROCESSED = "credit_not_processed"
        CUSTOMER_INITIATED = "customer_initiated"
        DEBIT_NOT_AUTHORIZED = "debit_not_authorized"
        DUPLICATE = "duplicate"
        FRAUDULENT = "fraudulent"
        GENERAL = "general"
        INCORRECT_ACCOUNT_DETAILS = "incorrect_account_details"
        INSUFFICIENT_FUNDS = "insufficient_funds"
        PRODUCT_NOT_RECEIVED = "product_not_received"
        PRODUCT_UNACCEPTABLE = "product_unacceptable"
        SUBSCRIPTION_CANCELED = "subscription_canceled"
        UNRECOGNIZED = "unrecognized"

    # Statuses that still accept evidence.
    AWAITING_RESPONSE = (Status.NEEDS_RESPONSE, Status.WARNING_NEEDS_RESPONSE)
    # Statuses whose submitted evidence awaits the bank's decision.
    UNDER_REVIEW_STATUSES = (Status.UNDER_REVIEW, Status.WARNING_UNDER_REVIEW)

    id = id_field("dp")
    charge = models.ForeignKey("payments.Charge", on_delete=models.PROTECT,
                               related_name="disputes")
    payment_intent = models.ForeignKey("payments.PaymentIntent", on_delete=models.PROTECT,
                                       related_name="+")
    # The bank's disputed amount (what was captured when it opened).
    amount = models.BigIntegerField()
    # What the chargeback withdrew from the merchant: `amount`, or less when refunds gave
    # part of it back before an inquiry escalated; 0 for an inquiry.
    amount_withdrawn = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=40, choices=Reason.choices, default=Reason.GENERAL)
    status = StatusField(default=Status.NEEDS_RESPONSE, choices=Status.choices, protected=True)
    evidence = models.JSONField(default=dict)
    due_by = models.DateTimeField(null=True, blank=True)
    submission_count = models.PositiveIntegerField(default=0)
    # Whether the last evidence submission came after `due_by` (Stripe's `past_due`).
    past_due = models.BooleanField(default=False)
    # Set while the processor's decision on submitted evidence is awaited.
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # The table (and its indexes' names) from when disputes lived in refunds/: the app
        # moved, the rows did not.
        db_table = "refunds_dispute"
        indexes = [
            models.Index(fields=["merchant", "livemode", "-created", "-id"],
                         name="dispute_list"),
            models.Index(fields=["charge", "-created"], name="dispute_charge"),
            models.Index(fields=["payment_intent", "-created"], name="dispute_payment_intent"),
            models.Index(fields=["submitted_at"], name="dispute_under_review",
                         condition=models.Q(status__in=["under_review",
                                                        "warning_under_review"])),
            models.Index(fields=["due_by"], name="dispute_awaiting_response",
                         condition=models.Q(status__in=["needs_response",
                                                        "warning_needs_response"])),
        ]
        constraints = [
            # One dispute per charge: opening twice (a redelivered task) creates nothing.
            models.UniqueConstraint(fields=["charge"], name="dispute_one_per_charge"),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"

    @property
    def is_inquiry(self) -> bool:
        """An inquiry (`warning_*`) withdraws nothing; a chargeback withdraws its amount."""
        return self.status.startswith("warning_")

    @property
    def is_charge_refundable(self) -> bool:
        """Stripe's flag: an inquiry's charge can still be refunded while something of it
        remains (a chargeback's cannot)."""
        return self.is_inquiry and not self.charge.refunded

    @property
    def funds(self) -> DisputeFunds:
        """What the dispute withdrew (`amount_withdrawn`) and, from what its charge records
        (`amount_disputed`, `dispute_fee`), the fee and what a win reinstated: the charge's
        disputed amount is what is still withdrawn."""
        charge = self.charge
        withdrawn = self.amount_withdrawn
        return DisputeFunds(currency=self.currency, withdrawn=withdrawn,
                            reinstated=max(withdrawn - charge.amount_disputed, 0),
                            fee=charge.dispute_fee)

    # -- transitions: they set fields, nothing else ---------------------------------------

    @transition(field=status, source=[Status.NEEDS_RESPONSE, Status.WARNING_NEEDS_RESPONSE],
                target=None)
    def add_evidence(self, *, evidence: dict) -> None:
        self.evidence = {**self.evidence, **evidence}

    @transition(field=status, source=Status.NEEDS_RESPONSE, target=Status.UNDER_REVIEW)
    def submit(self, *, at) -> None:
        self.submission_count += 1
        self.submitted_at = at
        self.past_due = self.due_by is not None and at > self.due_by

    @transition(field=status, source=Status.WARNING_NEEDS_RESPONSE,
                target=Status.WARNING_UNDER_REVIEW)
    def submit_inquiry(self, *, at) -> None:
        self.submission_count += 1
        self.submitted_at = at
        self.past_due = self.due_by is not None and at > self.due_by

    @transition(field=status, source=Status.UNDER_REVIEW, target=Status.WON)
    def mark_won(self) -> None:
        self.submitted_at = None

    @transition(field=status, source=[Status.UNDER_REVIEW, Status.NEEDS_RESPONSE],
                target=Status.LOST)
    def mark_lost(self) -> None:
        self.submitted_at = None

    @transition(field=status, source=Status.NEEDS_RESPONSE, target=Status.LOST)
    def accept_loss(self) -> None:
        """`close`: the merchant concedes."""
        self.submitted_at = None

    @transition(field=status, source=[Status.WARNING_NEEDS_RESPONSE,
                                      Status.WARNING_UNDER_REVIEW],
                target=Status.WARNING_CLOSED)
    def close_inquiry(self) -> None:
        self.submitted_at = None

    @transition(field=status, source=Status.WARNING_UNDER_REVIEW, target=Status.NEEDS_RESPONSE)
    def escalate(self, *, due_by) -> None:
        """The bank was not satisfied by the answer to its inquiry: a chargeback, to answer
        by a new `due_by`. The evidence and the submission count stay (the next submission
        is the next one)."""
        self.submitted_at = None
        self.due_by = due_by
