"""Carries each merchant's single refund approval threshold over to per-currency thresholds.

The old threshold had no currency: it was compared with every refund in the refund's own
minor units. So that no refund that waited before proceeds now, it becomes the threshold of
every currency the merchant has charged in, and of the currency the dashboard showed it in
(the latest refund's, or USD).
"""

from django.db import migrations

MAXIMUM_AMOUNT = 99_999_999  # core.money's; no refund can exceed it


def thresholds_carry_over(apps, schema_editor) -> None:
    Merchant = apps.get_model("merchants", "Merchant")
    Charge = apps.get_model("payments", "Charge")
    Refund = apps.get_model("refunds", "Refund")
    for merchant in Merchant.objects.exclude(refund_approval_threshold=None):
        currencies = set(Charge.objects.filter(merchant=merchant)
                         .values_list("currency", flat=True).distinct())
        latest = Refund.objects.filter(merchant=merchant).order_by("-created").first()
        currencies.add(latest.currency if latest else "usd")
        amount = min(merchant.refund_approval_threshold, MAXIMUM_AMOUNT)
        merchant.refund_approval_thresholds = {code: amount for code in sorted(currencies)}
        merchant.save(update_fields=["refund_approval_thresholds"])


def thresholds_carry_back(apps, schema_editor) -> None:
    """Backwards, the smallest of a merchant's thresholds is the single one: every refund that
    waits now would still wait."""
    Merchant = apps.get_model("merchants", "Merchant")
    for merchant in Merchant.objects.exclude(refund_approval_thresholds={}):
        merchant.refund_approval_threshold = min(merchant.refund_approval_thresholds.values())
        merchant.save(update_fields=["refund_approval_threshold"])


class Migration(migrations.Migration):

    dependencies = [
        ("merchants", "0004_refund_approval_thresholds"),
        ("refunds", "0010_refund_requested_by"),
    ]

    operations = [
        migrations.RunPython(thresholds_carry_over, thresholds_carry_back),
    ]
