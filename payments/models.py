import secrets
import string

from django.db import models
from django.db.models import F
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django_fsm import FSMModelMixin, transition

from core import clock
from core.db import SavesChangedFields
from core.fields import StatusField
from core.ids import random_token
from merchants.models import TenantModel, id_field


def new_invoice_prefix() -> str:
    return "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(8))


class TestClock(FSMModelMixin, TenantModel):
    """A test-mode clock the customers created on it live on: their "now" is `frozen_time`
    (payments.clocks), which only moves forward, when an advance's work is done.

    Kept in payments, not billing: a customer references its clock, and payments' own times
    (an authorization's expiry, a settlement) run on it too. The clock itself lives in real
    time: `created`, `deletes_after` (30 days on, as Stripe's) and `deleted_at` (a deleted
    clock is kept, and the API answers 404 for it)."""

    __test__ = False  # a model, not a test class, wherever pytest meets the name

    class Status(models.TextChoices):
        READY = "ready"
        ADVANCING = "advancing"
        INTERNAL_FAILURE = "internal_failure"  # an advance failed; it never advances again

    id = id_field("clock")
    name = models.CharField(max_length=300, null=True, blank=True)
    frozen_time = models.DateTimeField()
    status = StatusField(default=Status.READY, choices=Status.choices, protected=True)
    # Where an advance in progress is going (Stripe's `status_details.advancing`), and since
    # when (real time: beat's sweep enqueues again an advance whose message was lost).
    target_frozen_time = models.DateTimeField(null=True, blank=True)
    advance_started_at = models.DateTimeField(null=True, blank=True)
    deletes_after = models.DateTimeField()
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "livemode", "-created", "-id"],
                         name="test_clock_list"),
            models.Index(fields=["deletes_after"], name="test_clock_deletes_after",
                         condition=models.Q(deleted_at__isnull=True)),
            models.Index(fields=["advance_started_at"], name="test_clock_advancing",
                         condition=models.Q(status="advancing")),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.id} ({self.status})"

    @transition(field=status, source=Status.READY, target=Status.ADVANCING)
    def begin_advance(self, *, to, at) -> None:
        self.target_frozen_time = to
        self.advance_started_at = at

    @transition(field=status, source=Status.ADVANCING, target=Status.READY)
    def mark_ready(self) -> None:
        self.frozen_time = self.target_frozen_time
        self.target_frozen_time = None
        self.advance_started_at = None

    @transition(field=status, source=Status.ADVANCING, target=Status.INTERNAL_FAILURE)
    def mark_failed(self) -> None:
        self.target_frozen_time = None
        self.advance_started_at = None


class Customer(TenantModel):

    class TaxExempt(models.TextChoices):
        NONE = "none"
        EXEMPT = "exempt"
        REVERSE = "reverse"

    id = id_field("cus")
    email = models.CharField(max_length=512, null=True, blank=True)
    name = models.CharField(max_length=256, null=True, blank=True)
    description = models.CharField(max_length=5000, null=True, blank=True)
    phone = models.CharField(max_length=20, null=True, blank=True)
    address = models.JSONField(null=True, blank=True)
    shipping = models.JSONField(null=True, blank=True)
    # Customer credit balance in minor units of `currency` (negative is credit, as Stripe).
    balance = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, null=True, blank=True)
    preferred_locales = models.JSONField(default=list, blank=True)
    tax_exempt = models.CharField(max_length=10, choices=TaxExempt.choices,
                                  default=TaxExempt.NONE)
    invoice_prefix = models.CharField(max_length=12, default=new_invoice_prefix)
    next_invoice_sequence = models.PositiveIntegerField(default=1)
    invoice_settings = models.JSONField(default=dict, blank=True)  # custom_fields, footer
    # Set at creation only (test mode): the customer's "now" is this clock's (payments.clocks).
    test_clock = models.ForeignKey(TestClock, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="customers")
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Its discount (`di_…`), billing's: kept by billing (customer_discount_record), shown
    # through core.hooks. Not a foreign key: payments sits below billing.
    discount_id = models.CharField(max_length=40, null=True, blank=True)
    # Stripe's legacy `default_source`: the card (one of its card sources) a charge of the
    # customer without a `source` uses; the first card source added becomes it.
    default_source = models.ForeignKey("payments.PaymentMethod", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "livemode", "-created", "-id"],
                         name="customer_list"),
            models.Index(fields=["merchant", "livemode", "email"], name="customer_email"),
        ]

    def __str__(self) -> str:
        return self.email or self.name or self.id


class PaymentMethod(SavesChangedFields, TenantModel):
    """A card, as Till keeps it: brand, last4, expiry, funding, country and a keyed
    fingerprint. The number and CVC are never stored; `processor_token` is what the
    processor knows the card by."""


    id = id_field("pm")
    type = models.CharField(max_length=20, default="card")
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="payment_methods")
    card = models.JSONField()  # brand, last4, exp_month, exp_year, fingerprint, funding, ...
    billing_details = models.JSONField(default=dict, blank=True)
    processor_token = models.CharField(max_length=200)
    # A card set up for later off-session use (3-D Secure done when it was saved).
    off_session_ready = models.BooleanField(default=False)
    # Detached, or used by a payment without a customer: cannot be used or attached again.
    consumed_at = models.DateTimeField(null=True, blank=True)
    # Made from a card token (`tok_…`) or added as a customer's source: shown as Stripe's
    # legacy Card object too, under the alias `card_<the same suffix>` (card_id).
    card_source = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "livemode", "-created", "-id"],
                         name="payment_method_list"),
            models.Index(fields=["customer", "-created", "-id"],
                         name="payment_method_customer"),
            # The dispute-opening sweep starts from the cards whose bank disputes.
            models.Index(fields=["processor_token"], name="payment_method_token"),
            # The dashboard's card filter: a mode's cards by last4, not a walk of them all.
            models.Index(F("merchant"), F("livemode"), KeyTransform("last4", "card"),
                         name="payment_method_last4"),
        ]

    def __str__(self) -> str:
        return f"{self.card.get('brand')} •••• {self.card.get('last4')} ({self.id})"

    @property
    def card_id(self) -> str:
        """The id of the payment method as a legacy Card: `pm_X` is `card_X`."""
        return card_id_of(self.id)

    @property
    def wire_id(self) -> str:
        """The id a charge or a customer's source shows: the Card's for a card source."""
        return self.card_id if self.card_source else self.id


class CardSource(PaymentMethod):
    """A card-source payment method as Stripe's legacy Card (its own wire form, `card_`)."""

    class Meta:
        proxy = True

    @classmethod
    def of(cls, payment_method: PaymentMethod) -> "CardSource":
        """The same row as a CardSource, without reading it again."""
        card = cls.__new__(cls)
        card.__dict__.update(payment_method.__dict__)
        return card


CARD_PREFIX = "card_"
PAYMENT_METHOD_PREFIX = "pm_"


def card_id_of(payment_method_id: str) -> str:
    """A payment method's id (`pm_X`) as the Card it is shown as (`card_X`)."""
    return CARD_PREFIX + payment_method_id.removeprefix(PAYMENT_METHOD_PREFIX)


def payment_method_id_of(id: str) -> str:  # noqa: A002 - Stripe's name
    """A card id (`card_X`) as the payment method it is (`pm_X`); any other id as given."""
    if id.startswith(CARD_PREFIX):
        return PAYMENT_METHOD_PREFIX + id.removeprefix(CARD_PREFIX)
    return id


class Token(TenantModel):
    """Stripe's legacy card token (`tok_…`): a tokenized card, usable once, as a charge's
    `source` or a customer's new card source. Its card is a PaymentMethod (`card_source`),
    kept from the token's creation; the number and CVC are not."""

    id = id_field("tok")
    payment_method = models.ForeignKey(PaymentMethod, on_delete=models.PROTECT,
                                       related_name="+")
    client_ip = models.CharField(max_length=45, null=True, blank=True)
    used = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"{self.id} ({'used' if self.used else 'unused'})"


def new_client_secret_token() -> str:
    return random_token(24)


class PaymentIntent(FSMModelMixin, SavesChangedFields, TenantModel):
    """An intent to collect `amount` from a customer, through Stripe's lifecycle.

    `attempt` counts confirmations sent to the processor: with the id it makes the
    processor's idempotency key. `operation` is set while a processor call is in flight
    (atomic phases): another request meanwhile is refused, and a crash leaves it for the
    recovery task to finish.
    """


    class Status(models.TextChoices):
        REQUIRES_PAYMENT_METHOD = "requires_payment_method"
        REQUIRES_CONFIRMATION = "requires_confirmation"
        REQUIRES_ACTION = "requires_action"
        PROCESSING = "processing"
        REQUIRES_CAPTURE = "requires_capture"
        CANCELED = "canceled"
        SUCCEEDED = "succeeded"

    class CaptureMethod(models.TextChoices):
        AUTOMATIC = "automatic"
        AUTOMATIC_ASYNC = "automatic_async"
        MANUAL = "manual"

    class ConfirmationMethod(models.TextChoices):
        AUTOMATIC = "automatic"
        MANUAL = "manual"

    class CancellationReason(models.TextChoices):
        DUPLICATE = "duplicate"
        FRAUDULENT = "fraudulent"
        REQUESTED_BY_CUSTOMER = "requested_by_customer"
        ABANDONED = "abandoned"
        FAILED_INVOICE = "failed_invoice"
        VOID_INVOICE = "void_invoice"
        AUTOMATIC = "automatic"

    id = id_field("pi")
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    status = StatusField(default=Status.REQUIRES_PAYMENT_METHOD, choices=Status.choices,
                      protected=True)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    payment_method = models.ForeignKey(PaymentMethod, null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    capture_method = models.CharField(max_length=20, choices=CaptureMethod.choices,
                                      default=CaptureMethod.AUTOMATIC)
    confirmation_method = models.CharField(max_length=20, choices=ConfirmationMethod.choices,
                                           default=ConfirmationMethod.AUTOMATIC)
    setup_future_usage = models.CharField(max_length=20, null=True, blank=True)
    payment_method_types = models.JSONField(default=list)
    description = models.CharField(max_length=1000, null=True, blank=True)
    receipt_email = models.CharField(max_length=512, null=True, blank=True)
    statement_descriptor = models.CharField(max_length=22, null=True, blank=True)
    statement_descriptor_suffix = models.CharField(max_length=22, null=True, blank=True)
    shipping = models.JSONField(null=True, blank=True)
    client_secret_token = models.CharField(max_length=40, default=new_client_secret_token)
    amount_capturable = models.BigIntegerField(default=0)
    amount_received = models.BigIntegerField(default=0)
    latest_charge = models.ForeignKey("payments.Charge", null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    last_payment_error = models.JSONField(null=True, blank=True)
    next_action = models.JSONField(null=True, blank=True)
    return_url = models.CharField(max_length=5000, null=True, blank=True)
    off_session = models.BooleanField(default=False)  # the latest confirmation's
    cancellation_reason = models.CharField(max_length=30, choices=CancellationReason.choices,
                                           null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    attempt = models.PositiveIntegerField(default=0)
    # The cardholder passed 3-D Secure; the next confirmation tells the processor so.
    three_d_secure_passed = models.BooleanField(default=False)
    operation = models.CharField(max_length=20, null=True, blank=True)
    operation_started_at = models.DateTimeField(null=True, blank=True)
    # What the operation in flight needs to be recorded (or repeated) by another process:
    # the confirmation's options, or the amount being captured.
    operation_options = models.JSONField(null=True, blank=True)
    # An authorization not captured by then is canceled (7 days for cards).
    capture_before = models.DateTimeField(null=True, blank=True)
    # What the payment is for, to the apps above payments: "" a plain payment, "invoice" one
    # of billing's. It picks the outcome handlers that run (core.hooks); not on the wire.
    purpose = models.CharField(max_length=40, blank=True, default="")
    # The invoice this intent pays, as billing knows it (an id: billing sits above payments,
    # so no foreign key), set only by payment_intent_create(invoice=); on the wire as
    # `invoice`. One intent per invoice: the database refuses a second (billing's retries of
    # a payment confirm the first again).
    invoice_id = models.CharField(max_length=40, null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["invoice_id"], name="payment_intent_invoice_unique",
                                    condition=models.Q(invoice_id__isnull=False)),
        ]
        indexes = [
            models.Index(fields=["merchant", "livemode", "-created", "-id"],
                         name="payment_intent_list"),
            models.Index(fields=["merchant", "livemode", "customer", "-created"],
                         name="payment_intent_customer"),
            models.Index(fields=["capture_before"], name="payment_intent_capture_before",
                         condition=models.Q(status="requires_capture")),
            models.Index(fields=["operation_started_at"], name="payment_intent_in_flight",
                         condition=models.Q(operation__isnull=False)),
            # The dashboard's payments list filtered by status, newest first: one index range
            # whatever the status, so a rare one (none requires capture) reads no other rows
            # (under a prepared statement's generic plan too, which the partial indexes on
            # one status cannot serve).
            models.Index(fields=["merchant", "livemode", "status", "-created", "-id"],
                         name="payment_intent_status"),
            # The dashboard's search by order id (`metadata['order_id']`, the payments list's
            # search box and the API's search): the expression api.search compares.
            models.Index(models.F("merchant"), models.F("livemode"),
                         KeyTextTransform("order_id", "metadata"),
                         name="payment_intent_order_id"),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"

    @property
    def client_secret(self) -> str:
        return f"{self.id}_secret_{self.client_secret_token}"

    # -- transitions: they set fields, nothing else ---------------------------------------

    @transition(field=status, source=[Status.REQUIRES_PAYMENT_METHOD,
                                      Status.REQUIRES_CONFIRMATION, Status.REQUIRES_ACTION],
                target=Status.REQUIRES_CONFIRMATION)
    def set_payment_method(self, *, payment_method: PaymentMethod) -> None:
        self.payment_method = payment_method
        self.last_payment_error = None
        self.next_action = None

    @transition(field=status, source=[Status.REQUIRES_PAYMENT_METHOD,
                                      Status.REQUIRES_CONFIRMATION, Status.REQUIRES_ACTION],
                target=None)
    def begin_confirm(self, *, at, options: dict) -> None:
        """Marks a confirmation in flight (target None: the status moves only when the
        processor's answer is recorded)."""
        self.operation = "confirm"
        self.operation_started_at = at
        self.operation_options = options
        self.attempt += 1

    @transition(field=status, source=[Status.REQUIRES_PAYMENT_METHOD,
                                      Status.REQUIRES_CONFIRMATION, Status.REQUIRES_ACTION,
                                      Status.PROCESSING, Status.REQUIRES_CAPTURE],
                target=Status.SUCCEEDED)
    def mark_succeeded(self, *, amount_received: int) -> None:
        self.amount_received = amount_received
        self.amount_capturable = 0
        self.next_action = None
        self.last_payment_error = None

    @transition(field=status, source=[Status.REQUIRES_PAYMENT_METHOD,
                                      Status.REQUIRES_CONFIRMATION, Status.REQUIRES_ACTION],
                target=Status.REQUIRES_CAPTURE)
    def mark_authorized(self, *, amount_capturable: int, capture_before) -> None:
        self.amount_capturable = amount_capturable
        self.capture_before = capture_before
        self.next_action = None
        self.last_payment_error = None

    @transition(field=status, source=[Status.REQUIRES_PAYMENT_METHOD,
                                      Status.REQUIRES_CONFIRMATION, Status.REQUIRES_ACTION],
                target=Status.PROCESSING)
    def mark_processing(self) -> None:
        self.next_action = None
        self.last_payment_error = None

    @transition(field=status, source=[Status.REQUIRES_PAYMENT_METHOD,
                                      Status.REQUIRES_CONFIRMATION, Status.REQUIRES_ACTION],
                target=Status.REQUIRES_ACTION)
    def require_action(self, *, next_action: dict) -> None:
        self.next_action = next_action
        self.last_payment_error = None

    @transition(field=status, source=[Status.REQUIRES_PAYMENT_METHOD,
                                      Status.REQUIRES_CONFIRMATION, Status.REQUIRES_ACTION,
                                      Status.PROCESSING],
                target=Status.REQUIRES_PAYMENT_METHOD)
    def mark_failed(self, *, error: dict) -> None:
        self.last_payment_error = error
        self.next_action = None

    @transition(field=status, source=Status.REQUIRES_CAPTURE, target=None)
    def begin_capture(self, *, at, amount: int) -> None:
        self.operation = "capture"
        self.operation_started_at = at
        self.operation_options = {"amount": amount}

    @transition(field=status, source=[Status.REQUIRES_PAYMENT_METHOD,
                                      Status.REQUIRES_CONFIRMATION, Status.REQUIRES_ACTION,
                                      Status.REQUIRES_CAPTURE],
                target=None)
    def begin_cancel(self, *, at, reason: str | None) -> None:
        self.operation = "cancel"
        self.operation_started_at = at
        self.operation_options = {"reason": reason}

    @transition(field=status, source=[Status.REQUIRES_PAYMENT_METHOD,
                                      Status.REQUIRES_CONFIRMATION, Status.REQUIRES_ACTION,
                                      Status.REQUIRES_CAPTURE],
                target=Status.CANCELED)
    def mark_canceled(self, *, reason: str | None, at) -> None:
        self.cancellation_reason = reason
        self.canceled_at = at
        self.amount_capturable = 0
        self.next_action = None

    def end_operation(self) -> None:
        self.operation = None
        self.operation_started_at = None
        self.operation_options = None


def new_receipt_token() -> str:
    return random_token(40)


class Charge(TenantModel):
    """One attempt to move money for a PaymentIntent, with its outcome."""


    class Status(models.TextChoices):
        SUCCEEDED = "succeeded"
        PENDING = "pending"
        FAILED = "failed"

    id = id_field("ch")
    payment_intent = models.ForeignKey(PaymentIntent, on_delete=models.PROTECT,
                                       related_name="charges")
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    payment_method = models.ForeignKey(PaymentMethod, on_delete=models.PROTECT,
                                       related_name="+")
    amount = models.BigIntegerField()
    amount_captured = models.BigIntegerField(default=0)
    amount_refunded = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=20, choices=Status.choices)
    captured = models.BooleanField(default=False)
    refunded = models.BooleanField(default=False)
    disputed = models.BooleanField(default=False)
    # Withdrawn from the merchant while a dispute is open or lost (back to 0 when won).
    amount_disputed = models.BigIntegerField(default=0)
    # The network's dispute fee, kept whatever the outcome: the one of the charge's currency
    # (core.money.dispute_fee), in its minor units.
    dispute_fee = models.BigIntegerField(default=0)
    # The ledger's record of what the charge captured (None until it captures anything).
    balance_transaction = models.ForeignKey("ledger.BalanceTransaction", null=True, blank=True,
                                            on_delete=models.PROTECT, related_name="+")
    failure_code = models.CharField(max_length=100, null=True, blank=True)
    failure_message = models.CharField(max_length=500, null=True, blank=True)
    outcome = models.JSONField(default=dict)
    payment_method_details = models.JSONField(default=dict)
    description = models.CharField(max_length=1000, null=True, blank=True)
    receipt_email = models.CharField(max_length=512, null=True, blank=True)
    # The secret of the charge's receipt page (`receipt_url`), and the receipt's number,
    # `1234-5678`, given when a receipt is first sent or shown (Stripe's is null until then).
    receipt_token = models.CharField(max_length=60, null=True, blank=True, unique=True,
                                     default=new_receipt_token)
    receipt_number = models.CharField(max_length=9, null=True, blank=True)
    statement_descriptor = models.CharField(max_length=22, null=True, blank=True)
    # The processor's reference for this authorization (capture, void and refund use it).
    processor_reference = models.CharField(max_length=200, null=True, blank=True)
    # Which processor made it ("simulated", "stripe"; "" before this was recorded) and its
    # account there (Stripe's acct_…): capture, void and refunds go back to it
    # (payments.processors.processor_for_charge).
    processor = models.CharField(max_length=20, blank=True, default="")
    processor_account = models.CharField(max_length=60, blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "livemode", "-created", "-id"], name="charge_list"),
            models.Index(fields=["payment_intent", "-created"], name="charge_payment_intent"),
            # Home's success rate (payments.selectors.charge_outcomes): a window of `created`
            # counted per currency, bucket and status, read from the index alone (index-only
            # scan on PostgreSQL; SQLite indexes the key columns alone).
            models.Index(fields=["merchant", "livemode", "created"],
                         include=["currency", "status"], name="charge_home_figures"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["merchant", "livemode", "receipt_number"],
                                    condition=models.Q(receipt_number__isnull=False),
                                    name="charge_receipt_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"

    @property
    def paid(self) -> bool:
        return self.status == self.Status.SUCCEEDED


class ChargeOutcomeTotal(models.Model):
    """Charges counted by status per merchant, mode and currency over one UTC hour
    (`minutes` 60) or quarter hour (15), by their `created`, for Home's success rate over
    long ranges (payments.services.charge_outcome_totals rolls them up;
    payments.selectors.charge_outcomes reads them). A charge's outcome is final once it
    succeeded or failed; a `pending` one may still become either, so an hour rolled up with
    any pending is read from the charges until the rollup counts it again without."""

    # The unique constraint's index leads with the merchant: no index of its own.
    merchant = models.ForeignKey("merchants.Merchant", on_delete=models.PROTECT,
                                 related_name="+", db_index=False)
    livemode = models.BooleanField()
    minutes = models.PositiveSmallIntegerField()
    bucket = models.DateTimeField()
    currency = models.CharField(max_length=3)
    succeeded = models.PositiveIntegerField()
    failed = models.PositiveIntegerField()
    pending = models.PositiveIntegerField()

    class Meta:
        constraints = [
            # Also the readers' index: a merchant's hours (or quarters) in a range, counted
            # from the index alone on PostgreSQL (INCLUDE; SQLite keeps the key columns).
            models.UniqueConstraint(fields=["merchant", "livemode", "minutes", "bucket",
                                            "currency"],
                                    include=["succeeded", "failed"],
                                    name="charge_outcome_total_unique"),
        ]
        indexes = [
            # The hours still to count again, and the ones a reader sums from the charges.
            models.Index(fields=["merchant", "livemode", "bucket"],
                         condition=models.Q(minutes=60, pending__gt=0),
                         name="charge_outcome_total_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.bucket:%Y-%m-%d %H:%M} +{self.minutes}m {self.currency}: " \
               f"{self.succeeded}/{self.failed}/{self.pending}"


class SimulatedOperation(models.Model):
    """The simulated processor's own ledger: what it was asked to do and what it answered.

    A real acquirer remembers every request by its idempotency key and answers a repeat with
    the first answer; so does this one, and the recovery task relies on it.
    """

    idempotency_key = models.CharField(max_length=200, primary_key=True)
    kind = models.CharField(max_length=20)  # authorize, capture, void, refund
    reference = models.CharField(max_length=60)  # the authorization it concerns
    amount = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, blank=True)
    result = models.JSONField()
    created = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"{self.kind} {self.reference}"


class SetupIntent(FSMModelMixin, TenantModel):
    """Saves a card to a customer for later payments (off-session by default), with 3-D
    Secure when the card asks for it; no money moves."""


    class Status(models.TextChoices):
        REQUIRES_PAYMENT_METHOD = "requires_payment_method"
        REQUIRES_CONFIRMATION = "requires_confirmation"
        REQUIRES_ACTION = "requires_action"
        PROCESSING = "processing"
        CANCELED = "canceled"
        SUCCEEDED = "succeeded"

    id = id_field("seti")
    status = StatusField(default=Status.REQUIRES_PAYMENT_METHOD, choices=Status.choices,
                      protected=True)
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    payment_method = models.ForeignKey(PaymentMethod, null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    usage = models.CharField(max_length=20, default="off_session")
    payment_method_types = models.JSONField(default=list)
    description = models.CharField(max_length=1000, null=True, blank=True)
    client_secret_token = models.CharField(max_length=40, default=new_client_secret_token)
    last_setup_error = models.JSONField(null=True, blank=True)
    next_action = models.JSONField(null=True, blank=True)
    return_url = models.CharField(max_length=5000, null=True, blank=True)
    cancellation_reason = models.CharField(max_length=30, null=True, blank=True)
    three_d_secure_passed = models.BooleanField(default=False)
    attempt = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "livemode", "-created", "-id"],
                         name="setup_intent_list"),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"

    @property
    def client_secret(self) -> str:
        return f"{self.id}_secret_{self.client_secret_token}"

    @property
    def latest_attempt(self) -> str | None:
        return f"setatt_{self.id.removeprefix('seti_')}{self.attempt}" if self.attempt else None

    @transition(field=status, source=[Status.REQUIRES_PAYMENT_METHOD,
                                      Status.REQUIRES_CONFIRMATION, Status.REQUIRES_ACTION],
                target=Status.REQUIRES_CONFIRMATION)
    def set_payment_method(self, *, payment_method: PaymentMethod) -> None:
        self.payment_method = payment_method
        self.last_setup_error = None
        self.next_action = None

    @transition(field=status, source=[Status.REQUIRES_PAYMENT_METHOD,
                                      Status.REQUIRES_CONFIRMATION, Status.REQUIRES_ACTION],
                target=None)
    def begin_confirm(self) -> None:
        self.attempt += 1

    @transition(field=status, source=[Status.REQUIRES_PAYMENT_METHOD,
                                      Status.REQUIRES_CONFIRMATION],
                target=Status.REQUIRES_ACTION)
    def require_action(self, *, next_action: dict) -> None:
        self.next_action = next_action
        self.last_setup_error = None

    @transition(field=status, source=[Status.REQUIRES_PAYMENT_METHOD,
                                      Status.REQUIRES_CONFIRMATION, Status.REQUIRES_ACTION],
                target=Status.SUCCEEDED)
    def mark_succeeded(self) -> None:
        self.next_action = None
        self.last_setup_error = None
        self.three_d_secure_passed = False

    @transition(field=status, source=[Status.REQUIRES_PAYMENT_METHOD,
                                      Status.REQUIRES_CONFIRMATION, Status.REQUIRES_ACTION],
                target=Status.REQUIRES_PAYMENT_METHOD)
    def mark_failed(self, *, error: dict) -> None:
        self.last_setup_error = error
        self.next_action = None
        self.three_d_secure_passed = False

    @transition(field=status, source=[Status.REQUIRES_PAYMENT_METHOD,
                                      Status.REQUIRES_CONFIRMATION, Status.REQUIRES_ACTION],
                target=Status.CANCELED)
    def cancel(self, *, reason: str | None) -> None:
        self.cancellation_reason = reason
        self.next_action = None


# The real processors' models live with the processors; they are this app's models.
from payments.processors.models import (  # noqa: E402, F401
    InboundEvent,
    ProcessorCall,
    ProcessorConnection,
    ProcessorMirror,
)
