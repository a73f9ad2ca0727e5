import hashlib
from decimal import Decimal
from functools import cache
from zoneinfo import available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import JSONField, Value
from django.utils import timezone

from core import clock
from core.ids import IdFactory
from core.money import CURRENCIES, MAXIMUM_AMOUNT, Money


def _currency_amounts_check(value: object, *, what: str, listed: str, example: str) -> None:
    """`value` maps Till's currency codes to whole, non-negative minor-unit amounts (`what`
    each is, and `listed` what they are together, in the messages)."""
    if not isinstance(value, dict):
        raise ValidationError(f"Enter an object of currencies and {listed}, e.g. {example}.")
    for currency, amount in value.items():
        if currency not in CURRENCIES:
            raise ValidationError(f"{currency!r} is not a lowercase currency code Till takes "
                                  "payments in.")
        if isinstance(amount, bool) or not isinstance(amount, int) or not (
                0 <= amount <= MAXIMUM_AMOUNT):
            raise ValidationError(f"The {currency.upper()} {what} must be a whole number of "
                                  f"minor units from 0 to {MAXIMUM_AMOUNT}.")


def approval_thresholds_validate(value: object) -> None:
    """Refund approval thresholds: per currency, a whole, non-negative minor-unit amount."""
    _currency_amounts_check(value, what="threshold", listed="amounts",
                            example='{"usd": 5000}')


def card_fee_fixed_validate(value: object) -> None:
    """Fixed card fees: per currency, a whole, non-negative minor-unit amount."""
    _currency_amounts_check(value, what="fixed fee", listed="fees", example='{"usd": 30}')


# The most days a captured payment may wait before it is available for payouts.
PAYOUT_DELAY_DAYS_MAX = 30


# Stripe's custom retry schedule for a failed subscription payment: at most 4 retries, each
# within 60 days of the first failure (Till counts every retry from the first failure).
DUNNING_DEFAULT_RETRY_DAYS = (3, 5, 7)
DUNNING_MAX_RETRIES = 4
DUNNING_MAX_DAY = 60


# The most days before a renewal `invoice.upcoming` may be sent (Stripe's setting's range).
UPCOMING_INVOICE_DAYS_MAX = 45


def dunning_retry_days_default() -> list[int]:
    return list(DUNNING_DEFAULT_RETRY_DAYS)


def dunning_retry_days_problem(value: object) -> str | None:
    """What is wrong with a retry schedule (days after the first failure), or None."""
    if not isinstance(value, list | tuple) or any(
            isinstance(day, bool) or not isinstance(day, int) for day in value):
        return "Enter the retry days as whole numbers of days, e.g. 3, 5, 7."
    if len(value) > DUNNING_MAX_RETRIES:
        return f"At most {DUNNING_MAX_RETRIES} retries can be scheduled."
    if any(not 1 <= day <= DUNNING_MAX_DAY for day in value):
        return f"Each retry must be from 1 to {DUNNING_MAX_DAY} days after the first failure."
    if any(later <= earlier for earlier, later in zip(value, value[1:], strict=False)):
        return "Each retry must come later than the one before it."
    return None


def dunning_retry_days_validate(value: object) -> None:
    problem = dunning_retry_days_problem(value)
    if problem is not None:
        raise ValidationError(problem)


def id_field(prefix: str) -> models.CharField:
    return models.CharField(primary_key=True, max_length=40, default=IdFactory(prefix),
                            editable=False)


@cache
def time_zone_names() -> frozenset[str]:
    """The IANA time zones this machine knows (`zoneinfo`, with the tzdata package)."""
    return frozenset(available_timezones())


def time_zone_validate(value: str) -> None:
    """An IANA time zone this machine knows (Django admin's check; services check too)."""
    if value not in time_zone_names():
        raise ValidationError(f"Unknown time zone: {value!r}. Use an IANA name such as "
                              "Europe/Paris.")


class Merchant(models.Model):
    class DunningSubscriptionAction(models.TextChoices):
        """What becomes of a subscription when its invoice's last retry fails (Stripe's
        "subscription status" setting)."""

        CANCEL = "cancel", "Cancel the subscription"
        MARK_UNPAID = "mark_unpaid", "Mark the subscription as unpaid"
        LEAVE_PAST_DUE = "leave_past_due", "Leave the subscription past due"

    class DunningInvoiceAction(models.TextChoices):
        """What becomes of that invoice (Stripe's "invoice status" setting)."""

        LEAVE_OPEN = "leave_open", "Leave the invoice open"
        MARK_UNCOLLECTIBLE = "mark_uncollectible", "Mark the invoice as uncollectible"

    class PayoutSchedule(models.TextChoices):
        """When the available balance goes to the bank (Stripe's payout schedule): every day
        by itself (test mode's automatic payouts), or only by a payout the merchant makes."""

        DAILY = "daily", "Daily, automatically"
        MANUAL = "manual", "Manually"

    id = id_field("acct")
    name = models.CharField(max_length=200)
    email = models.EmailField()
    # The address customers are told to write to (receipts, hosted invoices, invoice PDFs);
    # blank: `email`.
    support_email = models.EmailField(blank=True, default="", db_default="")
    # The sha256 of the merchant's logo (MerchantLogo), naming its URL; blank: no logo. Here
    # so a hosted page knows without reading the image.
    logo_digest = models.CharField(max_length=64, blank=True, default="", db_default="",
                                   editable=False)
    # The dashboard's dates and Home's days are this zone's (an IANA name), with UTC on hover.
    time_zone = models.CharField(max_length=64, default="UTC", db_default="UTC",
                                 validators=[time_zone_validate])
    # The colour of the merchant's hosted invoice, receipt pages and invoice PDFs: `#rrggbb`.
    brand_color = models.CharField(max_length=7, default="#0a2540", db_default="#0a2540",
                                   validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$")])
    created = models.DateTimeField(default=clock.now)
    # Refunds of more than the threshold of their currency wait in `pending_approval` for an
    # owner or admin: {"usd": 5000, "jpy": 10000}, minor units of each currency. A currency
    # without a threshold: its refunds never wait.
    refund_approval_thresholds = models.JSONField(
        default=dict, db_default=Value({}, JSONField()), blank=True,
        validators=[approval_thresholds_validate],
        help_text='Per currency, the amount in minor units above which refunds wait for an '
                  'owner\'s or admin\'s approval, e.g. {"usd": 5000}. A currency left out: '
                  'its refunds never wait.')
    # Dunning: a failed renewal is retried so many days after its first failure, then the
    # subscription and its invoice take the merchant's final actions (billing's engine).
    dunning_retry_days = models.JSONField(
        default=dunning_retry_days_default, db_default=Value([3, 5, 7], JSONField()),
        blank=True, validators=[dunning_retry_days_validate],
        help_text="Days after a renewal's first failed payment on which it is retried, "
                  "increasing, e.g. [3, 5, 7]; at most 4, each from 1 to 60.")
    dunning_subscription_action = models.CharField(
        max_length=20, choices=DunningSubscriptionAction.choices,
        default=DunningSubscriptionAction.CANCEL, db_default=DunningSubscriptionAction.CANCEL)
    dunning_invoice_action = models.CharField(
        max_length=20, choices=DunningInvoiceAction.choices,
        default=DunningInvoiceAction.LEAVE_OPEN, db_default=DunningInvoiceAction.LEAVE_OPEN)
    # `invoice.upcoming` is sent this many days before a subscription renews (0: never), as
    # Stripe's "upcoming renewal events" setting.
    upcoming_invoice_days = models.PositiveSmallIntegerField(
        default=3, db_default=3,
        validators=[MinValueValidator(0), MaxValueValidator(UPCOMING_INVOICE_DAYS_MAX)],
        help_text="Days before a renewal on which invoice.upcoming is sent (0: never); "
                  "at most 45.")
    # The pricing of card payments on the simulated processor (a real processor's own fee
    # wins where it reports one): this percentage of each captured amount, plus a fixed fee
    # per currency in its minor units; a currency left out of `card_fee_fixed` takes Stripe's
    # standard fixed fee for it (ledger.fees). The ledger books it as each charge's `fee`.
    card_fee_percent = models.DecimalField(
        max_digits=5, decimal_places=3, default=Decimal("2.900"), db_default=Decimal("2.900"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text="Percentage of each captured card payment taken as its processing fee.")
    card_fee_fixed = models.JSONField(
        default=dict, db_default=Value({}, JSONField()), blank=True,
        validators=[card_fee_fixed_validate],
        help_text='Fixed fee per card payment, per currency in minor units, e.g. {"usd": 30}; '
                  "a currency left out takes Stripe's standard fixed fee.")
    # A captured payment's net becomes available for payouts so many days after it (at
    # 00:00 UTC), as Stripe's payout delay; money going out is debited at once.
    payout_delay_days = models.PositiveSmallIntegerField(
        default=2, db_default=2, validators=[MaxValueValidator(PAYOUT_DELAY_DAYS_MAX)],
        help_text="Days before a captured payment is available to pay out; at most 30.")
    payout_schedule = models.CharField(
        max_length=10, choices=PayoutSchedule.choices, default=PayoutSchedule.DAILY,
        db_default=PayoutSchedule.DAILY)
    # Whether a mode has a processor connected (payments' ProcessorConnection, changed with
    # it in one transaction). Every payment asks, and the merchant row comes with the API
    # key: the flag answers without a query; the connection is read only when it is set.
    test_processor_connected = models.BooleanField(default=False, db_default=False,
                                                   editable=False)
    live_processor_connected = models.BooleanField(default=False, db_default=False,
                                                   editable=False)

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"

    @property
    def contact_email(self) -> str:
        """Where customers write to: the support email, else the merchant's own."""
        return self.support_email or self.email

    def processor_connected(self, livemode: bool) -> bool:
        return self.live_processor_connected if livemode else self.test_processor_connected

    def refund_approval_threshold(self, currency: str) -> Money | None:
        """The amount above which a refund in `currency` waits for approval; None: never."""
        amount = self.refund_approval_thresholds.get(currency)
        return None if amount is None else Money(amount, currency)


class MerchantLogo(models.Model):
    """The merchant's logo on its hosted pages, receipts and invoice PDFs: the upload as Till
    re-encoded it (a PNG of at most LOGO_MAX_SIZE, nothing of the original file kept but its
    pixels). Apart from Merchant, which every request reads, so no request but the logo's
    own loads the image."""

    merchant = models.OneToOneField(Merchant, primary_key=True, on_delete=models.CASCADE,
                                    related_name="logo")
    digest = models.CharField(max_length=64, unique=True)
    png = models.BinaryField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    updated = models.DateTimeField(default=clock.now)

    def __str__(self) -> str:
        return f"Logo of {self.merchant_id} ({self.width}×{self.height})"


class Membership(models.Model):
    """A dashboard login's role at a merchant."""

    class Role(models.TextChoices):
        """owner and admin: everything (only an owner makes or unmakes owners); developer:
        API keys and webhooks, no money movement; support: reads only (dashboard/access.py)."""

        OWNER = "owner"
        ADMIN = "admin"
        DEVELOPER = "developer"
        SUPPORT = "support"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="memberships")
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "merchant"],
                                               name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} {self.role} at {self.merchant_id}"


def hash_api_key(token: str) -> str:
    # Keys are 48 random base62 characters (285 bits), so a plain SHA-256 is enough: there is
    # nothing to brute-force, and lookups stay one indexed equality.
    return hashlib.sha256(token.encode()).hexdigest()


# What a restricted key may be granted, resource by resource (the API's route groups,
# api.permissions maps each route to one), with what the dashboard calls each.
API_KEY_RESOURCES: dict[str, str] = {
    "account": "Account",
    "balance": "Balance and balance transactions",
    "payouts": "Payouts",
    "tokens": "Tokens",
    "charges": "Charges",
    "customers": "Customers",
    "disputes": "Disputes",
    "events": "Events",
    "payment_intents": "PaymentIntents",
    "payment_methods": "PaymentMethods",
    "setup_intents": "SetupIntents",
    "refunds": "Refunds",
    "webhook_endpoints": "Webhook endpoints",
    "products": "Products",
    "prices": "Prices and plans",
    "coupons": "Coupons and promotion codes",
    "subscriptions": "Subscriptions and subscription items",
    "invoices": "Invoices and invoice items",
    "checkout_sessions": "Checkout Sessions",
    "payment_links": "Payment Links",
    "billing_portal": "Customer portal",
    "test_clocks": "Test clocks",
}
API_KEY_LEVELS = ("none", "read", "write")  # each includes the ones before it


def api_key_permissions_problem(permissions: dict[str, str]) -> str | None:
    """What is wrong with a restricted key's permissions, or None."""
    unknown = set(permissions) - set(API_KEY_RESOURCES)
    if unknown:
        return f"Unknown resources: {', '.join(sorted(unknown))}."
    bad = sorted(r for r, level in permissions.items() if level not in API_KEY_LEVELS)
    if bad:
        return f"Permissions are none, read or write; not so for: {', '.join(bad)}."
    if not any(level != "none" for level in permissions.values()):
        return "A restricted key needs at least one read or write permission."
    return None


class ApiKey(models.Model):
    class Kind(models.TextChoices):
        SECRET = "secret"  # noqa: S105 - a kind of key, not a credential
        PUBLISHABLE = "publishable"
        # A secret key limited to what its `permissions` grant (`rk_test_…`, `rk_live_…`).
        RESTRICTED = "restricted"

    id = id_field("key")
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="api_keys")
    livemode = models.BooleanField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    key_hash = models.CharField(max_length=64, unique=True)
    # Publishable keys are public by design and shown in the dashboard; secret keys never
    # are stored, only their hash and this redacted form (`sk_test_…abcd`).
    publishable_token = models.CharField(max_length=120, blank=True)
    redacted = models.CharField(max_length=40)
    created = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    rolled_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    # What the merchant calls it (Stripe's key names); a rolled key keeps its name.
    name = models.CharField(max_length=100, blank=True)
    # Restricted keys only: {resource: "read" | "write"} (api.permissions.RESOURCES); a
    # resource not named is refused. Write includes read.
    permissions = models.JSONField(default=dict, blank=True)
    # When a request last authenticated with it, to the minute (written at most once a
    # minute per key, after the response: api.request_log).
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["merchant", "livemode", "kind"])]

    def __str__(self) -> str:
        return self.redacted

    @property
    def prefix(self) -> str:
        head = {self.Kind.SECRET: "sk", self.Kind.PUBLISHABLE: "pk",
                self.Kind.RESTRICTED: "rk"}[self.kind]
        return head + ("_live_" if self.livemode else "_test_")

    @property
    def is_secret(self) -> bool:
        """Secret or restricted: a key for servers, never for browsers."""
        return self.kind != self.Kind.PUBLISHABLE

    def permission(self, resource: str) -> str:
        """The level ("write", "read" or "none") for a resource: every one is "write" but on a
        restricted key, and publishable keys are refused before this is asked."""
        if self.kind != self.Kind.RESTRICTED:
            return "write"
        return self.permissions.get(resource, "none")

    def is_active(self, at=None) -> bool:
        at = at or timezone.now()  # real time: authentication's, not core's clock
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > at)


class TenantModel(models.Model):
    """Every API object belongs to one merchant and one mode; nothing crosses either."""

    merchant = models.ForeignKey(Merchant, on_delete=models.PROTECT, related_name="+")
    livemode = models.BooleanField()
    created = models.DateTimeField(default=clock.now)
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True


# How long an emailed invitation to join a merchant's team may be accepted.
INVITATION_VALID_DAYS = 7


class Invitation(models.Model):
    """An emailed invitation to join a merchant's team with a role. Its link carries a
    signed token of this id (merchants.services); accepting it once sets `accepted_at`, and
    the link is refused after that or after `expires_at`."""

    id = id_field("inv")
    merchant = models.ForeignKey(Merchant, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Membership.Role.choices)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created = models.DateTimeField(default=clock.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["merchant", "-created"], name="invitation_merchant")]

    def __str__(self) -> str:
        return f"{self.email} as {self.role} at {self.merchant_id}"

    def is_open(self, now) -> bool:
        return self.accepted_at is None and now < self.expires_at
