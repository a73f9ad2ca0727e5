"""Subscriptions and their items (Stripe Billing's, API version 2025-02-24.acacia).

In this API version a subscription's current period is on the subscription itself
(`current_period_start` / `_end`; 2025-03-31.basil moved it to the items): the items here
keep a copy, moved with the subscription's, so the later version's shape is one step away.
"""

from django.db import models
from django_fsm import FSMModelMixin, transition

from core.fields import StatusField
from merchants.models import TenantModel, id_field


class Subscription(FSMModelMixin, TenantModel):
    """A customer's recurring charge for its items' prices, billed every period by an
    invoice (`latest_invoice` the newest). Its status follows Stripe's: `incomplete` until
    the first invoice is paid (`incomplete_expired` when it is not within 23 hours),
    `active` while its invoices are paid, `past_due` when a renewal is not, and `canceled`
    for good."""

    class Status(models.TextChoices):
        INCOMPLETE = "incomplete"
        INCOMPLETE_EXPIRED = "incomplete_expired"
        TRIALING = "trialing"
        ACTIVE = "active"
        PAST_DUE = "past_due"
        UNPAID = "unpaid"
        CANCELED = "canceled"
        PAUSED = "paused"

    class CollectionMethod(models.TextChoices):
        CHARGE_AUTOMATICALLY = "charge_automatically"
        SEND_INVOICE = "send_invoice"

    class MissingPaymentMethod(models.TextChoices):
        """What a trial that ends with no payment method to charge does (Stripe's
        `trial_settings.end_behavior.missing_payment_method`)."""
        CANCEL = "cancel"
        PAUSE = "pause"
        CREATE_INVOICE = "create_invoice"

    class PauseCollection(models.TextChoices):
        """What each invoice made while collection is paused becomes (Stripe's
        `pause_collection.behavior`)."""
        KEEP_AS_DRAFT = "keep_as_draft"
        MARK_UNCOLLECTIBLE = "mark_uncollectible"
        VOID = "void"

    # Statuses the engine renews (a period that ends bills the next one; a trial's end bills
    # the first paid period).
    RENEWABLE = (Status.TRIALING, Status.ACTIVE, Status.PAST_DUE)
    # Statuses that end the subscription: listed by `status=ended`.
    ENDED = (Status.CANCELED, Status.INCOMPLETE_EXPIRED)
    # Statuses a cancellation may leave (not an already ended one).
    CANCELABLE = (Status.INCOMPLETE, Status.TRIALING, Status.ACTIVE, Status.PAST_DUE,
                  Status.UNPAID, Status.PAUSED)

    id = id_field("sub")
    customer = models.ForeignKey("payments.Customer", on_delete=models.PROTECT,
                                 related_name="+")
    status = StatusField(default=Status.INCOMPLETE, choices=Status.choices, protected=True)
    currency = models.CharField(max_length=3)
    collection_method = models.CharField(max_length=30, choices=CollectionMethod.choices,
                                         default=CollectionMethod.CHARGE_AUTOMATICALLY)
    days_until_due = models.PositiveIntegerField(null=True, blank=True)
    default_payment_method = models.ForeignKey("payments.PaymentMethod", null=True,
                                               blank=True, on_delete=models.PROTECT,
                                               related_name="+")
    description = models.CharField(max_length=500, null=True, blank=True)
    # The interval every item's price shares (Stripe refuses items of different intervals).
    interval = models.CharField(max_length=5)
    interval_count = models.PositiveIntegerField(default=1)
    billing_cycle_anchor = models.DateTimeField()
    # Stripe's `billing_cycle_anchor_config` as given at creation ({"day_of_month", "hour",
    # "minute", "second", "month"}), shown back on the wire; null when none was.
    billing_cycle_anchor_config = models.JSONField(null=True, blank=True)
    # Whether a first period that ends on a later anchor (the time before the first full
    # period) is billed, prorated (`proration_behavior` create_prorations), or free (none).
    prorate_to_anchor = models.BooleanField(default=True)
    current_period_start = models.DateTimeField()
    current_period_end = models.DateTimeField()
    start_date = models.DateTimeField()
    cancel_at_period_end = models.BooleanField(default=False)
    cancel_at = models.DateTimeField(null=True, blank=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    cancellation_reason = models.CharField(max_length=30, null=True, blank=True)
    latest_invoice = models.ForeignKey("billing.Invoice", null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    # `payment_behavior=error_if_incomplete`: the subscription exists, hidden from every read,
    # only while its first payment is attempted; that payment's success reveals it (in the
    # transaction that records the payment), anything else drops it. Till's own time by which
    # a crash's leftover is dropped (null: an ordinary, visible subscription).
    provisional_until = models.DateTimeField(null=True, blank=True)
    # A trial: the first period, free, from trial_start to trial_end (the billing cycle's
    # anchor); what its end does without a payment method; and when
    # `customer.subscription.trial_will_end` is due (three days before; null once sent).
    trial_start = models.DateTimeField(null=True, blank=True)
    trial_end = models.DateTimeField(null=True, blank=True)
    trial_missing_payment_method = models.CharField(
        max_length=20, choices=MissingPaymentMethod.choices,
        default=MissingPaymentMethod.CREATE_INVOICE,
        db_default=MissingPaymentMethod.CREATE_INVOICE)
    trial_will_end_at = models.DateTimeField(null=True, blank=True)
    # Collection paused (`pause_collection`; null: collected): the status stays, periods
    # move, and each invoice is left a draft, marked uncollectible or voided, until
    # `resumes_at` (the first period that starts then or later is collected again).
    pause_collection_behavior = models.CharField(max_length=20, null=True, blank=True,
                                                 choices=PauseCollection.choices)
    pause_collection_resumes_at = models.DateTimeField(null=True, blank=True)
    # When `invoice.upcoming` is due for the current period (the merchant's days before its
    # end); null once sent, or when none is (see subscription_upcoming_notice_schedule).
    upcoming_notice_at = models.DateTimeField(null=True, blank=True)
    # A `payment_behavior=pending_if_incomplete` update whose invoice is not paid yet (Stripe's
    # `pending_update`): its item changes, applied when that invoice is paid, and when they
    # lapse (the invoice voided). The changes: [{"id", "price", "quantity", "deleted"}], a
    # new item's id chosen at the update, so that it keeps it once applied.
    pending_update_invoice = models.ForeignKey("billing.Invoice", null=True, blank=True,
                                               on_delete=models.SET_NULL, related_name="+")
    pending_update_items = models.JSONField(null=True, blank=True)
    pending_update_expires_at = models.DateTimeField(null=True, blank=True)
    # An `error_if_incomplete` update held only while the request charges its invoice: not
    # shown as `pending_update` and announced only once applied (the invoice paid); a
    # failure voids the invoice and drops it, as if it had never been asked.
    pending_update_hidden = models.BooleanField(default=False, db_default=False)

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "livemode", "-created", "-id"],
                         name="subscription_list"),
            models.Index(fields=["customer", "-created"], name="subscription_customer"),
            # The engine's due work: what it renews and what expires.
            models.Index(fields=["current_period_end"], name="subscription_renewal_due",
                         condition=models.Q(status__in=["trialing", "active", "past_due"])),
            models.Index(fields=["upcoming_notice_at"], name="subscription_upcoming_notice",
                         condition=models.Q(upcoming_notice_at__isnull=False)),
            models.Index(fields=["pending_update_expires_at"],
                         name="subscription_pending_update",
                         condition=models.Q(pending_update_expires_at__isnull=False)),
            models.Index(fields=["trial_will_end_at"], name="subscription_trial_will_end",
                         condition=models.Q(status="trialing",
                                            trial_will_end_at__isnull=False)),
            models.Index(fields=["created"], name="subscription_incomplete",
                         condition=models.Q(status="incomplete")),
            models.Index(fields=["provisional_until"], name="subscription_provisional",
                         condition=models.Q(provisional_until__isnull=False)),
            models.Index(fields=["cancel_at"], name="subscription_cancel_at_due",
                         condition=models.Q(cancel_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.status})"

    @property
    def is_provisional(self) -> bool:
        return self.provisional_until is not None

    @property
    def is_ended(self) -> bool:
        return self.status in self.ENDED

    # -- transitions: they set fields, nothing else ---------------------------------------

    @transition(field=status, source=Status.INCOMPLETE, target=Status.TRIALING)
    def start_trial(self, *, start, end, will_end_at) -> None:
        """Made with a trial: free until `end`, when its first paid period starts."""
        self.trial_start, self.trial_end = start, end
        self.trial_will_end_at = will_end_at

    @transition(field=status, source=[Status.ACTIVE, Status.TRIALING], target=Status.TRIALING)
    def set_trial(self, *, start, end, will_end_at) -> None:
        """A trial given by an update (`trial_end`): an active one's starts now, a trial's
        end moves; free until `end`, when its next paid period starts."""
        self.trial_start, self.trial_end = start, end
        self.trial_will_end_at = will_end_at

    @transition(field=status, source=Status.TRIALING, target=Status.ACTIVE)
    def end_trial(self) -> None:
        """The trial is over and its first paid period begins (its invoice charged next)."""
        self.trial_will_end_at = None

    @transition(field=status, source=Status.TRIALING, target=Status.PAUSED)
    def pause(self) -> None:
        """The trial ended with no payment method, and the merchant chose to pause."""
        self.trial_will_end_at = None

    @transition(field=status, source=Status.PAUSED, target=Status.ACTIVE)
    def resume(self) -> None:
        """Resumed: billed again from a new period."""

    @transition(field=status, source=[Status.INCOMPLETE, Status.PAST_DUE, Status.ACTIVE,
                                      Status.UNPAID], target=Status.ACTIVE)
    def activate(self) -> None:
        """Its invoice is paid (the first: `incomplete` → `active`; a renewal: back from
        `past_due`)."""

    @transition(field=status, source=[Status.ACTIVE, Status.PAST_DUE], target=Status.PAST_DUE)
    def mark_past_due(self) -> None:
        """A renewal's invoice was not paid: dunning retries it."""

    @transition(field=status, source=Status.PAST_DUE, target=Status.UNPAID)
    def mark_unpaid(self) -> None:
        """Its invoice's last retry failed and the merchant chose `unpaid`: paying the
        invoice makes it active again."""

    @transition(field=status, source=Status.INCOMPLETE, target=Status.INCOMPLETE_EXPIRED)
    def expire(self, *, at) -> None:
        self.ended_at = at

    @transition(field=status, source=CANCELABLE, target=Status.CANCELED)
    def cancel(self, *, at, reason: str | None) -> None:
        self.canceled_at = self.canceled_at or at
        self.ended_at = at
        self.cancellation_reason = reason
        self.cancel_at_period_end = False
        self.trial_will_end_at = None
        self.upcoming_notice_at = None

    def move_period(self, *, start, end) -> None:
        """The next period (not a transition: the status stays)."""
        self.current_period_start = start
        self.current_period_end = end


class SubscriptionItem(TenantModel):
    """One price a subscription bills, so many of it each period."""

    id = id_field("si")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE,
                                     related_name="items")
    price = models.ForeignKey("billing.Price", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(default=1)
    # A copy of the subscription's period (see the module's docstring).
    current_period_start = models.DateTimeField()
    current_period_end = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["subscription", "created", "id"],
                                name="subscription_item_order")]
        constraints = [
            # Stripe refuses the same price twice on one subscription.
            models.UniqueConstraint(fields=["subscription", "price"],
                                    name="subscription_item_price_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.price_id} × {self.quantity})"
