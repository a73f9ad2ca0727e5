from django.contrib import admin

from refunds.models import (
    ReconciliationDifference,
    ReconciliationRun,
    Refund,
    RefundBatch,
    RefundBatchItem,
)


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


class ReconciliationDifferenceInline(admin.TabularInline):
    model = ReconciliationDifference
    fields = ("object_type", "kind", "till_id", "processor_id", "till_amount",
              "processor_amount", "till_currency", "processor_currency", "till_status",
              "processor_status")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReconciliationRun)
class ReconciliationRunAdmin(admin.ModelAdmin):
    """Read-only: runs are Till's record of what it compared (beat makes them daily)."""

    list_display = ("day", "merchant", "livemode", "account_id", "status", "differences_count",
                    "processor_charges", "till_charges", "processor_refunds", "till_refunds",
                    "started_at")
    list_filter = ("livemode", "status", "day")
    search_fields = ("id", "merchant__id", "account_id", "differences__till_id",
                     "differences__processor_id")
    date_hierarchy = "day"
    inlines = [ReconciliationDifferenceInline]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
