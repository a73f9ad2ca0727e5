"""Invoices, their lines and invoice items (Stripe Billing's, API version 2025-02-24.acacia).

An invoice item is a charge waiting for an invoice (`invoice` null: pending) or on one. A
draft invoice's lines follow its items (one line per item, kept in step by the services);
finalization freezes them, applies the customer's balance and gives the invoice its number.
"""

from decimal import Decimal

from django.db import models
from django_fsm import FSMModelMixin, transition

from core.fields import StatusField
from merchants.models import TenantModel, id_field


class Invoice(FSMModelMixin, TenantModel):
    """What a customer owes, through Stripe's lifecycle: `draft` (editable, no number) →
    `open` (finalized: number, amounts and lines fixed) → `paid`, `uncollectible` or `void`
    (an uncollectible invoice may still be paid or voided).

    Amounts are minor units of `currency`. `amount_due` is what the payment takes: the total
    with the customer's balance applied at finalization (`starting_balance` → `ending_balance`;
    null while a draft). The invoice's one PaymentIntent is made at its first payment and
    reused by every retry.
    """

    class Status(models.TextChoices):
        DRAFT = "draft"
        OPEN = "open"
        PAID = "paid"
        UNCOLLECTIBLE = "uncollectible"
        VOID = "void"

    class CollectionMethod(models.TextChoices):
        CHARGE_AUTOMATICALLY = "charge_automatically"
        SEND_INVOICE = "send_invoice"

    class BillingReason(models.TextChoices):
        # Stripe's whole list: the subscription reasons come with subscriptions.
        AUTOMATIC_PENDING_INVOICE_ITEM_INVOICE = "automatic_pending_invoice_item_invoice"
        MANUAL = "manual"
        QUOTE_ACCEPT = "quote_accept"
        SUBSCRIPTION = "subscription"
        SUBSCRIPTION_CREATE = "subscription_create"
        SUBSCRIPTION_CYCLE = "subscription_cycle"
        SUBSCRIPTION_THRESHOLD = "subscription_threshold"
        SUBSCRIPTION_UPDATE = "subscription_update"
        UPCOMING = "upcoming"

    # Statuses a payment may still settle (an uncollectible invoice can be paid, as Stripe's).
    PAYABLE = (Status.OPEN, Status.UNCOLLECTIBLE)

    id = id_field("in")
    customer = models.ForeignKey("payments.Customer", on_delete=models.PROTECT,
                                 related_name="+")
    currency = models.CharField(max_length=3)
    status = StatusField(default=Status.DRAFT, choices=Status.choices, protected=True)
    collection_method = models.CharField(max_length=30, choices=CollectionMethod.choices,
                                         default=CollectionMethod.CHARGE_AUTOMATICALLY)
    days_until_due = models.PositiveIntegerField(null=True, blank=True)
    due_date = models.DateTimeField(null=True, blank=True)
    auto_advance = models.BooleanField(default=False)
    # A draft with auto_advance is finalized then (Stripe: an hour after creation).
    automatically_finalizes_at = models.DateTimeField(null=True, blank=True)
    billing_reason = models.CharField(max_length=40, choices=BillingReason.choices,
                                      null=True, blank=True, default=BillingReason.MANUAL)
    # `<customer.invoice_prefix>-<sequence, 4 digits>`, given at finalization only.
    number = models.CharField(max_length=40, null=True, blank=True)
    description = models.CharField(max_length=1500, null=True, blank=True)
    footer = models.CharField(max_length=5000, null=True, blank=True)
    # Copied from the customer's invoice_settings when the invoice is created, as Stripe does.
    custom_fields = models.JSONField(null=True, blank=True)
    default_payment_method = models.ForeignKey("payments.PaymentMethod", null=True,
                                               blank=True, on_delete=models.PROTECT,
                                               related_name="+")
    subtotal = models.BigIntegerField(default=0)
    total = models.BigIntegerField(default=0)
    amount_due = models.BigIntegerField(default=0)
    amount_paid = models.BigIntegerField(default=0)
    amount_remaining = models.BigIntegerField(default=0)
    # The customer's balance before and after finalization applied it (null: a draft).
    starting_balance = models.BigIntegerField(null=True, blank=True)
    ending_balance = models.BigIntegerField(null=True, blank=True)
    attempt_count = models.PositiveIntegerField(default=0)
    attempted = models.BooleanField(default=False)
    next_payment_attempt = models.DateTimeField(null=True, blank=True)
    payment_intent = models.OneToOneField("payments.PaymentIntent", null=True, blank=True,
                                          on_delete=models.PROTECT, related_name="+")
    paid_out_of_band = models.BooleanField(default=False)
    finalized_at = models.DateTimeField(null=True, blank=True)
    # The secret of the hosted invoice page and its PDF (billing/hosted.py), minted at
    # finalization: a draft has neither, as Stripe's `hosted_invoice_url` is null until then.
    hosted_token = models.CharField(max_length=60, null=True, blank=True, unique=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    marked_uncollectible_at = models.DateTimeField(null=True, blank=True)
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    # The customer as finalization saw them; a draft shows the customer as they are now.
    customer_email = models.CharField(max_length=512, null=True, blank=True)
    customer_name = models.CharField(max_length=256, null=True, blank=True)
    customer_phone = models.CharField(max_length=20, null=True, blank=True)
    customer_address = models.JSONField(null=True, blank=True)
    customer_shipping = models.JSONField(null=True, blank=True)
    customer_tax_exempt = models.CharField(max_length=10, null=True, blank=True)
    # The subscription this invoice bills a period of (subscription_create / _cycle).
    subscription = models.ForeignKey("billing.Subscription", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="invoices")
    # The first invoice of a provisional subscription (see Subscription.provisional_until):
    # a hidden draft until its payment succeeds, then finalized and paid in that transaction.
    provisional = models.BooleanField(default=False, db_default=False)
    # The discounts applied to the invoice (`di_…`, in the order they apply): its own and
    # those of its subscription when it was made; and what each took off the lines,
    # [{"amount", "discount"}], as the wire shows them (kept by invoice_totals_refresh).
    discount_ids = models.JSONField(default=list, blank=True)
    total_discount_amounts = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "livemode", "-created", "-id"],
                         name="invoice_list"),
            models.Index(fields=["merchant", "livemode", "customer", "-created"],
                         name="invoice_customer"),
            models.Index(fields=["automatically_finalizes_at"], name="invoice_auto_finalize",
                         condition=models.Q(status="draft", auto_advance=True)),
            models.Index(fields=["next_payment_attempt"], name="invoice_payment_due",
                         condition=models.Q(status="open",
                                            next_payment_attempt__isnull=False)),
        ]
        constraints = [
            # Gapless numbers per customer, and no number twice in an account's mode.
            models.UniqueConstraint(fields=["merchant", "livemode", "number"],
                                    condition=models.Q(number__isnull=False),
                                    name="invoice_number_unique"),
            # One invoice per subscription and period: a doubled, crashed or concurrent
            # renewal finds the period billed and bills nothing.
            models.UniqueConstraint(fields=["subscription", "period_start"],
                                    condition=models.Q(subscription__isnull=False,
                                                       billing_reason__in=[
                                                           "subscription_create",
                                                           "subscription_cycle"]),
                                    name="invoice_subscription_period_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number or self.id} ({self.status})"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    # -- transitions: they set fields, nothing else ---------------------------------------

    @transition(field=status, source=Status.DRAFT, target=Status.OPEN)
    def finalize(self, *, at, number: str, starting_balance: int, ending_balance: int,
                 amount_due: int, hosted_token: str) -> None:
        self.finalized_at = at
        self.hosted_token = hosted_token
        self.number = number
        self.starting_balance = starting_balance
        self.ending_balance = ending_balance
        self.amount_due = amount_due
        self.amount_remaining = amount_due - self.amount_paid
        self.automatically_finalizes_at = None

    @transition(field=status, source=PAYABLE, target=Status.PAID)
    def mark_paid(self, *, at, amount_paid: int, out_of_band: bool = False) -> None:
        self.amount_paid = amount_paid
        self.amount_remaining = max(self.amount_due - amount_paid, 0)
        self.paid_at = at
        self.paid_out_of_band = out_of_band
        self.auto_advance = False
        self.next_payment_attempt = None

    @transition(field=status, source=PAYABLE, target=Status.VOID)
    def void(self, *, at) -> None:
        self.voided_at = at
        self.auto_advance = False
        self.next_payment_attempt = None

    @transition(field=status, source=Status.OPEN, target=Status.UNCOLLECTIBLE)
    def mark_uncollectible(self, *, at) -> None:
        self.marked_uncollectible_at = at
        self.auto_advance = False
        self.next_payment_attempt = None


class InvoiceItem(TenantModel):
    """A charge (or, negative, a credit) for a customer: pending until an invoice takes it
    (`invoice` set), then one line of that invoice. Editable while pending or on a draft.

    `unit_amount_decimal` × `quantity`, rounded half up to the minor unit, is `amount`; an
    item given as a plain `amount` has it as its unit amount and a quantity of 1. A `price`
    (the catalogue's) will be another way to give the unit amount."""

    id = id_field("ii")
    customer = models.ForeignKey("payments.Customer", on_delete=models.PROTECT,
                                 related_name="+")
    invoice = models.ForeignKey(Invoice, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="items")
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    description = models.CharField(max_length=5000, null=True, blank=True)
    quantity = models.PositiveIntegerField(default=1)
    unit_amount_decimal = models.DecimalField(max_digits=24, decimal_places=12,
                                              default=Decimal(0))
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    proration = models.BooleanField(default=False)
    discountable = models.BooleanField(default=True)
    # A proration's: the subscription (and its item, and the price) a change credited or
    # charged for.
    subscription = models.ForeignKey("billing.Subscription", null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+")
    subscription_item = models.ForeignKey("billing.SubscriptionItem", null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+")
    price = models.ForeignKey("billing.Price", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "livemode", "-created", "-id"],
                         name="invoice_item_list"),
            models.Index(fields=["customer", "currency", "created"],
                         name="invoice_item_pending",
                         condition=models.Q(invoice__isnull=True)),
            models.Index(fields=["invoice", "created"], name="invoice_item_invoice"),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.amount} {self.currency})"


class InvoiceLineItem(TenantModel):
    """One line of an invoice: what it charges for, as the invoice shows it. An invoice
    item's line copies the item (while the invoice is a draft, every change of the item);
    subscription lines (later) have no item."""

    class Type(models.TextChoices):
        INVOICEITEM = "invoiceitem"
        SUBSCRIPTION = "subscription"

    id = id_field("il")
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    invoice_item = models.OneToOneField(InvoiceItem, null=True, blank=True,
                                        on_delete=models.CASCADE, related_name="line")
    type = models.CharField(max_length=20, choices=Type.choices, default=Type.INVOICEITEM)
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    description = models.CharField(max_length=5000, null=True, blank=True)
    quantity = models.PositiveIntegerField(default=1)
    unit_amount_decimal = models.DecimalField(max_digits=24, decimal_places=12,
                                              default=Decimal(0))
    period_start = models.DateTimeField()
    period_end = models.DateTimeField()
    proration = models.BooleanField(default=False)
    discountable = models.BooleanField(default=True)
    # A subscription line: the item (and its price) it bills for the invoice's period.
    subscription_item = models.ForeignKey("billing.SubscriptionItem", null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+")
    price = models.ForeignKey("billing.Price", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    # What each of the invoice's discounts took off this line: [{"amount", "discount"}].
    discount_amounts = models.JSONField(default=list, blank=True)

    class Meta:
        indexes = [models.Index(fields=["invoice", "created", "id"], name="invoice_line_order")]

    def __str__(self) -> str:
        return f"{self.id} ({self.amount} {self.currency})"
