from django.contrib import admin

from disputes.models import Dispute


@admin.register(Dispute)
class DisputeAdmin(admin.ModelAdmin):
    list_display = ("id", "merchant", "livemode", "amount", "currency", "status", "reason",
                    "created")
    list_filter = ("livemode", "status", "reason")
    search_fields = ("id", "charge__id", "payment_intent__id")
    readonly_fields = ("status",)
    raw_id_fields = ("merchant", "charge", "payment_intent")
