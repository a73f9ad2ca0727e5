"""Operators' view of the ledger, read-only: a booking is written only with the money it
records (ledger.services), never edited; a wrong one is corrected by another booking."""

from django.contrib import admin

from ledger.models import BalanceTransaction, LedgerEntry


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    fields = ("account", "amount")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BalanceTransaction)
class BalanceTransactionAdmin(admin.ModelAdmin):
    list_display = ("id", "merchant", "livemode", "type", "amount", "fee", "net", "currency",
                    "source", "available_on", "created")
    list_filter = ("livemode", "type", "reporting_category", "currency")
    search_fields = ("id", "source", "merchant__id")
    readonly_fields = [field.name for field in BalanceTransaction._meta.fields]
    inlines = [LedgerEntryInline]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
