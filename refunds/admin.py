from django.contrib import admin

from refunds.models import Refund


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ("id", "merchant", "livemode", "amount", "currency", "status", "created")
    list_filter = ("livemode", "status", "reason")
    search_fields = ("id", "charge__id", "payment_intent__id")
    readonly_fields = ("status",)
    raw_id_fields = ("merchant", "charge", "payment_intent")
