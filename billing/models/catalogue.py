"""The catalogue: products, their prices, and plans (a recurring price, seen the legacy way).

A price's terms (currency, amounts, tiers, interval) never change once it exists, as Stripe's
do not: what may change is whether it is on sale, its names and its metadata.
"""

from decimal import Decimal

from django.db import models
from django.db.models import Q

from billing.pricing import PriceTerms, Recurring, Tier, TransformQuantity, amount_integer
from core.ids import IdFactory
from merchants.models import TenantModel

# A caller may choose a product's or plan's id (Stripe's `id` parameter), so ids are longer
# than Till's own 40 characters; 100 is what a list cursor (`starting_after`) takes.
CATALOGUE_ID_MAX = 100


def catalogue_id_field(prefix: str) -> models.CharField:
    return models.CharField(primary_key=True, max_length=CATALOGUE_ID_MAX,
                            default=IdFactory(prefix), editable=False)


class Product(TenantModel):
    class Type(models.TextChoices):
        GOOD = "good"
        SERVICE = "service"

    id = catalogue_id_field("prod")
    name = models.CharField(max_length=5000)
    active = models.BooleanField(default=True)
    description = models.TextField(null=True, blank=True)
    images = models.JSONField(default=list, blank=True)  # up to 8 URLs
    marketing_features = models.JSONField(default=list, blank=True)  # [{"name": …}], ≤ 15
    package_dimensions = models.JSONField(null=True, blank=True)  # height, length, weight, width
    shippable = models.BooleanField(null=True, blank=True)
    statement_descriptor = models.CharField(max_length=22, null=True, blank=True)
    tax_code = models.CharField(max_length=40, null=True, blank=True)
    type = models.CharField(max_length=10, choices=Type.choices, default=Type.SERVICE)
    unit_label = models.CharField(max_length=12, null=True, blank=True)
    url = models.CharField(max_length=5000, null=True, blank=True)
    default_price = models.ForeignKey("Price", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+")
    updated = models.DateTimeField()
    # Deleted products stay as rows: their prices, events and invoices still name them.
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "livemode", "-created", "-id"],
                         name="product_list"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.id})"


class Price(TenantModel):
    class Type(models.TextChoices):
        ONE_TIME = "one_time"
        RECURRING = "recurring"

    class BillingScheme(models.TextChoices):
        PER_UNIT = "per_unit"
        TIERED = "tiered"

    class TiersMode(models.TextChoices):
        GRADUATED = "graduated"
        VOLUME = "volume"

    class Interval(models.TextChoices):
        DAY = "day"
        WEEK = "week"
        MONTH = "month"
        YEAR = "year"

    class UsageType(models.TextChoices):
        LICENSED = "licensed"  # metered usage is not billed by Till yet

    class TaxBehavior(models.TextChoices):
        INCLUSIVE = "inclusive"
        EXCLUSIVE = "exclusive"
        UNSPECIFIED = "unspecified"

    id = catalogue_id_field("price")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="prices")
    active = models.BooleanField(default=True)
    currency = models.CharField(max_length=3)
    type = models.CharField(max_length=10, choices=Type.choices)
    billing_scheme = models.CharField(max_length=10, choices=BillingScheme.choices,
                                      default=BillingScheme.PER_UNIT)
    # Minor units as exact decimal text ("12.5"), up to 12 places: never a float.
    unit_amount_decimal = models.CharField(max_length=40, null=True, blank=True)
    tiers_mode = models.CharField(max_length=10, choices=TiersMode.choices, null=True,
                                  blank=True)
    tiers = models.JSONField(null=True, blank=True)  # [Tier.to_json()], the last up to "inf"
    transform_quantity = models.JSONField(null=True, blank=True)  # {"divide_by", "round"}
    recurring_interval = models.CharField(max_length=5, choices=Interval.choices, null=True,
                                          blank=True)
    recurring_interval_count = models.PositiveIntegerField(null=True, blank=True)
    recurring_usage_type = models.CharField(max_length=10, choices=UsageType.choices,
                                            null=True, blank=True)
    trial_period_days = models.PositiveIntegerField(null=True, blank=True)
    lookup_key = models.CharField(max_length=200, null=True, blank=True)
    nickname = models.TextField(null=True, blank=True)
    tax_behavior = models.CharField(max_length=12, choices=TaxBehavior.choices,
                                    default=TaxBehavior.UNSPECIFIED)
    # Only a plan is ever deleted (DELETE /v1/plans/{id}); its row stays, archived.
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "livemode", "-created", "-id"],
                         name="price_list"),
            models.Index(fields=["product", "-created", "-id"], name="price_product"),
        ]
        constraints = [
            # Stripe's rule: one active price per lookup key (transfer_lookup_key moves it).
            models.UniqueConstraint(fields=["merchant", "livemode", "lookup_key"],
                                    condition=Q(active=True, lookup_key__isnull=False),
                                    name="price_lookup_key_active"),
            models.CheckConstraint(
                condition=(Q(billing_scheme="per_unit", unit_amount_decimal__isnull=False,
                             tiers__isnull=True, tiers_mode__isnull=True)
                           | Q(billing_scheme="tiered", unit_amount_decimal__isnull=True,
                               tiers__isnull=False, tiers_mode__isnull=False,
                               transform_quantity__isnull=True)),
                name="price_billing_scheme_terms"),
            models.CheckConstraint(
                condition=(Q(type="one_time", recurring_interval__isnull=True,
                             recurring_interval_count__isnull=True,
                             recurring_usage_type__isnull=True, trial_period_days__isnull=True)
                           | Q(type="recurring", recurring_interval__isnull=False,
                               recurring_interval_count__isnull=False,
                               recurring_usage_type__isnull=False)),
                name="price_recurring_terms"),
        ]

    def __str__(self) -> str:
        return f"{self.nickname or self.id} ({self.currency.upper()})"

    @property
    def amount_per_unit(self) -> Decimal | None:
        """The unit amount as an exact Decimal of minor units (per_unit prices)."""
        return None if self.unit_amount_decimal is None else Decimal(self.unit_amount_decimal)

    @property
    def unit_amount(self) -> int | None:
        """Stripe's `unit_amount`: whole minor units, or None when the decimal has a fraction."""
        return amount_integer(self.amount_per_unit)

    @property
    def tier_list(self) -> tuple[Tier, ...]:
        return tuple(Tier.from_json(tier) for tier in self.tiers or ())

    @property
    def transform(self) -> TransformQuantity | None:
        data = self.transform_quantity
        return None if data is None else TransformQuantity(data["divide_by"], data["round"])

    @property
    def recurring(self) -> Recurring | None:
        if self.type != Price.Type.RECURRING:
            return None
        return Recurring(interval=self.recurring_interval,
                         interval_count=self.recurring_interval_count,
                         usage_type=self.recurring_usage_type,
                         trial_period_days=self.trial_period_days)

    @property
    def terms(self) -> PriceTerms:
        """What the price charges, for billing.pricing's arithmetic."""
        return PriceTerms(currency=self.currency, unit_amount=self.amount_per_unit,
                          billing_scheme=self.billing_scheme, tiers_mode=self.tiers_mode,
                          tiers=self.tier_list, transform_quantity=self.transform,
                          recurring=self.recurring, tax_behavior=self.tax_behavior)

    def apply_terms(self, terms: PriceTerms) -> None:
        """Writes checked terms into the columns (a new price only: terms never change)."""
        self.currency = terms.currency
        self.billing_scheme = terms.billing_scheme
        self.unit_amount_decimal = (None if terms.unit_amount is None
                                    else format(terms.unit_amount.normalize(), "f"))
        self.tiers_mode = terms.tiers_mode
        self.tiers = [tier.to_json() for tier in terms.tiers] or None
        transform = terms.transform_quantity
        self.transform_quantity = (None if transform is None else
                                   {"divide_by": transform.divide_by, "round": transform.round})
        recurring = terms.recurring
        self.type = self.Type.ONE_TIME if recurring is None else self.Type.RECURRING
        self.recurring_interval = recurring and recurring.interval
        self.recurring_interval_count = recurring and recurring.interval_count
        self.recurring_usage_type = recurring and recurring.usage_type
        self.trial_period_days = recurring and recurring.trial_period_days
        self.tax_behavior = terms.tax_behavior

    def as_plan(self) -> "Plan":
        """The same row as the legacy Plans API shows it (its own wire form and events)."""
        return self if isinstance(self, Plan) else self._copied_as(Plan)

    def as_price(self) -> "Price":
        """The row as a price, for its own wire form (a Plan instance renders as a plan)."""
        return self if type(self) is Price else self._copied_as(Price)

    def _copied_as(self, cls: "type[Price]") -> "Price":
        copy = cls(**{field.attname: getattr(self, field.attname)
                      for field in self._meta.concrete_fields})
        copy._state.adding, copy._state.db = self._state.adding, self._state.db
        return copy

class Plan(Price):
    """A recurring price, as `/v1/plans` and `plan.*` events show it: the same row, whose id
    is a price id too. Its wire form differs (`amount`, `interval`, `transform_usage`, …)."""

    class Meta:
        proxy = True
