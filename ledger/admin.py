"""Operators' view of the ledger, read-only: a booking is written only with the money it
records (ledger.services), never edited; a wrong one is corrected by another booking."""

from django.contrib import admin

from ledger.models import BalanceTransaction, BankAccount, LedgerEntry, Payout


class ReadOnlyAdmin(admin.ModelAdmin):
    """Nothing here is added, changed or deleted by hand: bookings, payouts and bank
    accounts change only through ledger.services, with the money they move."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class LedgerEntryInline(admin.TabularInline):
    model = LedgerEntry
    fields = ("account", "amount")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(BalanceTransaction)
class BalanceTransactionAdmin(ReadOnlyAdmin):
    list_display = ("id", "merchant", "livemode", "type", "amount", "fee", "net", "currency",
                    "source", "available_on", "created")
    list_filter = ("livemode", "type", "reporting_category", "currency")
    search_fields = ("id", "source", "merchant__id")
    readonly_fields = [field.name for field in BalanceTransaction._meta.fields]
    inlines = [LedgerEntryInline]


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ("id", "merchant", "livemode", "amount", "currency", "status", "automatic",
                    "arrival_date", "created")
    list_filter = ("livemode", "status", "automatic", "currency")
    search_fields = ("id", "merchant__id", "balance_transaction__id")
    readonly_fields = [field.name for field in Payout._meta.fields]


@admin.register(BankAccount)
class BankAccountAdmin(ReadOnlyAdmin):
    list_display = ("id", "merchant", "livemode", "currency", "bank_name", "last4",
                    "test_failure_code", "created")
    list_filter = ("livemode", "currency")
    search_fields = ("id", "merchant__id")
    readonly_fields = [field.name for field in BankAccount._meta.fields]
