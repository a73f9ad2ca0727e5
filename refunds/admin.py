from django.contrib import admin

from refunds.models import Refund, RefundBatch, RefundBatchItem


@admin.register(Refund)
class RefundAdmin(admin.ModelAdmin):
    list_display = ("id", "merchant", "livemode", "amount", "currency", "status", "created")
    list_filter = ("livemode", "status", "reason")
    search_fields = ("id", "charge__id", "payment_intent__id")
    readonly_fields = ("status",)
    raw_id_fields = ("merchant", "charge", "payment_intent")


class RefundBatchItemInline(admin.TabularInline):
    model = RefundBatchItem
    fields = ("index", "params", "refund", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(RefundBatch)
class RefundBatchAdmin(admin.ModelAdmin):
    list_display = ("id", "merchant", "livemode", "status", "total_count", "created")
    list_filter = ("livemode", "status")
    search_fields = ("id",)
    readonly_fields = ("status",)
    raw_id_fields = ("merchant",)
    inlines = [RefundBatchItemInline]
