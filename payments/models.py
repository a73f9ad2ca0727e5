import secrets
import string

from django.db import models

from merchants.models import TenantModel, id_field


def new_invoice_prefix() -> str:
    return "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(8))


class Customer(TenantModel):
    API_SERIALIZER = "payments.api.CustomerSerializer"

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
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["merchant", "livemode", "-created", "-id"],
                         name="customer_list"),
            models.Index(fields=["merchant", "livemode", "email"], name="customer_email"),
        ]

    def __str__(self) -> str:
        return self.email or self.name or self.id
