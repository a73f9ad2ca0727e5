"""Coupons, promotion codes and discounts (Stripe Billing's, API version 2025-02-24.acacia).

A coupon says how much comes off (`percent_off`, or `amount_off` of one currency) and for how
long (`once`, `repeating` for `duration_in_months`, `forever`); a promotion code is a
customer-facing code for a coupon, with restrictions of its own; a discount is a coupon
applied to a subscription or an invoice, from `start` to `end` (null: no end). Redemptions
are counted on the coupon and the code, once per discount made.
"""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper

from core.ids import random_token
from merchants.models import TenantModel, id_field

# Stripe's coupon ids are chosen by the merchant, else 8 random characters.
COUPON_ID_MAX = 100
_COUPON_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def coupon_id() -> str:
    """A random coupon id like Stripe's (`Z4OV52SU`): 8 capitals and digits."""
    return "".join(_COUPON_ALPHABET[ord(char) % len(_COUPON_ALPHABET)]
                   for char in random_token(8))


class Coupon(TenantModel):
    class Duration(models.TextChoices):
        ONCE = "once"
        REPEATING = "repeating"
        FOREVER = "forever"

    id = models.CharField(primary_key=True, max_length=COUPON_ID_MAX, default=coupon_id,
                          editable=False)
    name = models.CharField(max_length=40, null=True, blank=True)
    # Exactly one of a percentage (up to two decimals, 0 < p ≤ 100) or an amount of currency.
    percent_off = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    amount_off = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, null=True, blank=True)
    duration = models.CharField(max_length=10, choices=Duration.choices)
    duration_in_months = models.PositiveIntegerField(null=True, blank=True)
    max_redemptions = models.PositiveIntegerField(null=True, blank=True)
    times_redeemed = models.PositiveIntegerField(default=0)
    redeem_by = models.DateTimeField(null=True, blank=True)
    # Product ids the coupon is restricted to (None: every line).
    applies_to_products = models.JSONField(null=True, blank=True)
    # Deleted coupons stay as rows: their discounts still name them.
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["merchant", "livemode", "-created", "-id"],
                                name="coupon_list")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(percent_off__isnull=False, amount_off__isnull=True,
                             currency__isnull=True)
                           | Q(percent_off__isnull=True, amount_off__isnull=False,
                               currency__isnull=False)),
                name="coupon_percent_xor_amount"),
            models.CheckConstraint(
                condition=(Q(duration="repeating", duration_in_months__isnull=False)
                           | (~Q(duration="repeating") & Q(duration_in_months__isnull=True))),
                name="coupon_duration_in_months"),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.id}"

    def is_valid(self, at) -> bool:
        """Stripe's `valid`: it can still be redeemed (not deleted, not past `redeem_by`, not
        redeemed `max_redemptions` times)."""
        return (self.deleted_at is None
                and (self.redeem_by is None or at < self.redeem_by)
                and (self.max_redemptions is None
                     or self.times_redeemed < self.max_redemptions))

    def applies_to_product(self, product_id: str | None) -> bool:
        return self.applies_to_products is None or product_id in self.applies_to_products


class PromotionCode(TenantModel):
    id = id_field("promo")
    code = models.CharField(max_length=500)
    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="+")
    active = models.BooleanField(default=True)
    customer = models.ForeignKey("payments.Customer", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField(null=True, blank=True)
    max_redemptions = models.PositiveIntegerField(null=True, blank=True)
    times_redeemed = models.PositiveIntegerField(default=0)
    first_time_transaction = models.BooleanField(default=False)
    minimum_amount = models.BigIntegerField(null=True, blank=True)
    minimum_amount_currency = models.CharField(max_length=3, null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["merchant", "livemode", "-created", "-id"],
                                name="promotion_code_list")]
        constraints = [
            # Stripe's rule: a code is unique, whatever its case, among the active ones.
            models.UniqueConstraint(Upper("code"), "merchant", "livemode",
                                    condition=Q(active=True),
                                    name="promotion_code_active_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.id})"


class Discount(TenantModel):
    """A coupon applied to a subscription (every invoice it makes while the discount lasts)
    or to one invoice. `removed_at`: taken off (an update replaced it, or a `once` discount
    was used by its invoice); the row stays, as invoices name it."""

    id = id_field("di")
    coupon = models.ForeignKey(Coupon, on_delete=models.PROTECT, related_name="+")
    promotion_code = models.ForeignKey(PromotionCode, null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey("payments.Customer", on_delete=models.PROTECT,
                                 related_name="+")
    subscription = models.ForeignKey("billing.Subscription", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="discounts")
    invoice = models.ForeignKey("billing.Invoice", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="discounts")
    start = models.DateTimeField()
    end = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["subscription", "created", "id"], name="discount_subscription",
                         condition=Q(subscription__isnull=False, removed_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.coupon_id})"

    def applies_at(self, at) -> bool:
        """Whether it still applies to a period starting `at` (not taken off, not ended)."""
        return self.removed_at is None and (self.end is None or at < self.end)
