"""Checkout Sessions (Stripe's, API version 2025-02-24.acacia): a hosted page where a customer
pays for line items (`mode=payment`), saves a card (`setup`) or starts a subscription
(`subscription`).

A session is `open` until the customer completes it (`complete`) or it expires (`expired`,
at `expires_at` or by the API). Its one PaymentIntent (payment mode) or SetupIntent (setup
mode) is made with it, so however many tabs or retries the customer uses, one intent decides
what was paid; the intent's outcome completes the session (checkout.outcomes).
"""

from django.db import models
from django_fsm import FSMModelMixin, transition

from core.fields import StatusField
from core.ids import random_token
from merchants.models import TenantModel, id_field


def new_url_token() -> str:
    """The secret in a session's hosted URL: its id alone (in webhooks, logs and lists)
    never opens the page."""
    return random_token(40)


class CheckoutSession(FSMModelMixin, TenantModel):
    class Mode(models.TextChoices):
        PAYMENT = "payment"
        SETUP = "setup"
        SUBSCRIPTION = "subscription"

    class Status(models.TextChoices):
        OPEN = "open"
        COMPLETE = "complete"
        EXPIRED = "expired"

    class PaymentStatus(models.TextChoices):
        PAID = "paid"
        UNPAID = "unpaid"  # not yet, or authorized / processing at completion
        NO_PAYMENT_REQUIRED = "no_payment_required"

    class CustomerCreation(models.TextChoices):
        ALWAYS = "always"
        IF_REQUIRED = "if_required"

    id = id_field("cs")
    url_token = models.CharField(max_length=60, unique=True, default=new_url_token,
                                 editable=False)
    mode = models.CharField(max_length=20, choices=Mode.choices)
    status = StatusField(default=Status.OPEN, choices=Status.choices, protected=True)
    payment_status = models.CharField(max_length=30, choices=PaymentStatus.choices)
    currency = models.CharField(max_length=3, null=True, blank=True)
    amount_subtotal = models.BigIntegerField(null=True, blank=True)
    amount_total = models.BigIntegerField(null=True, blank=True)
    customer = models.ForeignKey("payments.Customer", on_delete=models.PROTECT,
                                 related_name="+", null=True, blank=True)
    customer_email = models.CharField(max_length=512, null=True, blank=True)
    customer_creation = models.CharField(max_length=20, choices=CustomerCreation.choices,
                                         null=True, blank=True)
    # What the customer gave on the page (Stripe's `customer_details`), set at completion.
    customer_details = models.JSONField(null=True, blank=True)
    client_reference_id = models.CharField(max_length=200, null=True, blank=True)
    success_url = models.CharField(max_length=5000, null=True, blank=True)
    cancel_url = models.CharField(max_length=5000, null=True, blank=True)
    expires_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    expired_at = models.DateTimeField(null=True, blank=True)
    locale = models.CharField(max_length=10, null=True, blank=True)
    submit_type = models.CharField(max_length=10, null=True, blank=True)
    # payment_intent_data's and subscription_data's options, as given.
    capture_method = models.CharField(max_length=20, default="automatic")
    setup_future_usage = models.CharField(max_length=20, null=True, blank=True)
    payment_intent_data = models.JSONField(default=dict, blank=True)
    subscription_data = models.JSONField(default=dict, blank=True)
    # Till's extension: the card paid or saved with becomes the customer's
    # invoice_settings.default_payment_method at completion.
    save_card_and_make_default = models.BooleanField(default=False)
    payment_intent = models.OneToOneField("payments.PaymentIntent", on_delete=models.PROTECT,
                                          related_name="+", null=True, blank=True)
    setup_intent = models.OneToOneField("payments.SetupIntent", on_delete=models.PROTECT,
                                        related_name="+", null=True, blank=True)
    subscription = models.ForeignKey("billing.Subscription", on_delete=models.PROTECT,
                                     related_name="+", null=True, blank=True)
    # Subscription mode: when a submission began making the subscription (another tab's
    # submission meanwhile is refused as busy; a claim older than a few minutes is a crash's).
    subscription_claimed_at = models.DateTimeField(null=True, blank=True)
    invoice = models.ForeignKey("billing.Invoice", on_delete=models.PROTECT,
                                related_name="+", null=True, blank=True)
    payment_link = models.ForeignKey("checkout.PaymentLink", on_delete=models.PROTECT,
                                     related_name="sessions", null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "livemode", "-created", "-id"],
                         name="checkout_session_list"),
            models.Index(fields=["expires_at"], name="checkout_session_expiring",
                         condition=models.Q(status="open")),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.mode}, {self.status})"

    @transition(field=status, source=Status.OPEN, target=Status.COMPLETE)
    def complete(self, *, at, payment_status: str, customer_details: dict | None) -> None:
        self.completed_at = at
        self.payment_status = payment_status
        if customer_details is not None:
            self.customer_details = customer_details

    @transition(field=status, source=Status.OPEN, target=Status.EXPIRED)
    def expire(self, *, at) -> None:
        self.expired_at = at


class CheckoutLineItem(models.Model):
    """One of a session's line items (Stripe's `item`): a price and its quantity, with the
    amounts Checkout charges for them. Kept in the order given."""

    id = id_field("li")
    session = models.ForeignKey(CheckoutSession, on_delete=models.CASCADE,
                                related_name="line_items")
    position = models.PositiveSmallIntegerField()
    price = models.ForeignKey("billing.Price", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    description = models.CharField(max_length=5000)
    currency = models.CharField(max_length=3)
    amount_subtotal = models.BigIntegerField()
    amount_discount = models.BigIntegerField(default=0)
    amount_total = models.BigIntegerField()
    # {"enabled": bool, "minimum": int, "maximum": int} or null: the customer may change the
    # quantity on the page, within these bounds.
    adjustable_quantity = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["session", "position"],
                                               name="checkout_line_item_position")]

    def __str__(self) -> str:
        return f"{self.description} × {self.quantity}"


class PaymentLink(TenantModel):
    """A reusable URL for a set of line items (Stripe's Payment Links): each visit opens a
    new Checkout Session for them, until the link is deactivated or its
    `restrictions.completed_sessions.limit` of completed sessions is reached."""

    class AfterCompletion(models.TextChoices):
        HOSTED_CONFIRMATION = "hosted_confirmation"
        REDIRECT = "redirect"

    id = id_field("plink")
    url_token = models.CharField(max_length=60, unique=True, default=new_url_token,
                                 editable=False)
    active = models.BooleanField(default=True)
    currency = models.CharField(max_length=3)
    after_completion_type = models.CharField(max_length=30, choices=AfterCompletion.choices,
                                             default=AfterCompletion.HOSTED_CONFIRMATION)
    # The redirect's URL, or the hosted confirmation's custom message.
    redirect_url = models.CharField(max_length=2048, null=True, blank=True)
    confirmation_message = models.CharField(max_length=500, null=True, blank=True)
    customer_creation = models.CharField(max_length=20,
                                         choices=CheckoutSession.CustomerCreation.choices,
                                         default=CheckoutSession.CustomerCreation.IF_REQUIRED)
    submit_type = models.CharField(max_length=10, null=True, blank=True)
    payment_intent_data = models.JSONField(default=dict, blank=True)
    # Subscription mode (recurring prices): what each visit's subscription is made with
    # (checkout.services.SubscriptionData's fields), {} otherwise.
    mode = models.CharField(max_length=20, choices=CheckoutSession.Mode.choices,
                            default=CheckoutSession.Mode.PAYMENT)
    subscription_data = models.JSONField(default=dict, blank=True)
    save_card_and_make_default = models.BooleanField(default=False)
    completed_sessions_limit = models.PositiveIntegerField(null=True, blank=True)
    completed_sessions_count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["merchant", "livemode", "-created", "-id"],
                                name="payment_link_list")]

    def __str__(self) -> str:
        return f"{self.id} ({'active' if self.active else 'inactive'})"


class PaymentLinkLineItem(models.Model):
    id = id_field("li")
    link = models.ForeignKey(PaymentLink, on_delete=models.CASCADE, related_name="line_items")
    position = models.PositiveSmallIntegerField()
    price = models.ForeignKey("billing.Price", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    adjustable_quantity = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["link", "position"],
                                               name="payment_link_line_item_position")]

    def __str__(self) -> str:
        return f"{self.price_id} × {self.quantity}"


class PortalConfiguration(TenantModel):
    """What the customer portal lets a customer do (Stripe's
    `billing_portal.configuration`). `features` is kept in Stripe's wire shape, checked by
    checkout.services.portal_configurations; a merchant's first portal session without one
    makes its default configuration (`is_default`), as Stripe does."""

    id = id_field("bpc")
    active = models.BooleanField(default=True)
    is_default = models.BooleanField(default=False)
    business_profile = models.JSONField(default=dict, blank=True)
    default_return_url = models.CharField(max_length=5000, null=True, blank=True)
    features = models.JSONField(default=dict)
    updated = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["merchant", "livemode", "-created", "-id"],
                                name="portal_configuration_list")]
        constraints = [models.UniqueConstraint(
            fields=["merchant", "livemode"], condition=models.Q(is_default=True),
            name="portal_configuration_one_default")]

    def __str__(self) -> str:
        return f"{self.id}{' (default)' if self.is_default else ''}"

    def feature(self, name: str) -> dict:
        return self.features.get(name) or {}

    def enabled(self, name: str) -> bool:
        return bool(self.feature(name).get("enabled"))


class PortalSession(TenantModel):
    """A customer's visit to the portal (Stripe's `billing_portal.session`): its URL carries
    an unguessable token, must be opened within minutes of creation, and once opened stays
    usable for a limited time (checkout.services.portal_sessions). It shows only its own
    customer's subscriptions, card and invoices."""

    id = id_field("bps")
    url_token = models.CharField(max_length=60, unique=True, default=new_url_token,
                                 editable=False)
    customer = models.ForeignKey("payments.Customer", on_delete=models.PROTECT,
                                 related_name="+")
    configuration = models.ForeignKey(PortalConfiguration, on_delete=models.PROTECT,
                                      related_name="sessions")
    return_url = models.CharField(max_length=5000, null=True, blank=True)
    locale = models.CharField(max_length=10, null=True, blank=True)
    expires_at = models.DateTimeField()
    visited_at = models.DateTimeField(null=True, blank=True)
    # The card being saved on the portal's "Update card" (its 3-D Secure return reads it).
    setup_intent = models.ForeignKey("payments.SetupIntent", on_delete=models.PROTECT,
                                     related_name="+", null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.id} ({self.customer_id})"
