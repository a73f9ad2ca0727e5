"""Operators' view of billing: read-only, since changes go through billing.services (the
state machine, the totals, the customer's balance and the events go together)."""

from django.contrib import admin
from django.http import HttpRequest

from billing.models import Invoice, InvoiceItem, InvoiceLineItem


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


# == invoices ================================================================================

class InvoiceLineItemInline(admin.TabularInline):
    model = InvoiceLineItem
    fields = ("id", "type", "description", "quantity", "amount", "currency", "invoice_item")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ("id", "number", "merchant", "livemode", "customer", "status", "total",
                    "amount_remaining", "currency", "created")
    list_filter = ("livemode", "status", "collection_method", "billing_reason")
    list_select_related = ("merchant", "customer")
    search_fields = ("=id", "=number", "=customer__id")
    ordering = ("-created",)
    inlines = [InvoiceLineItemInline]


@admin.register(InvoiceItem)
class InvoiceItemAdmin(ReadOnlyAdmin):
    list_display = ("id", "merchant", "livemode", "customer", "invoice", "amount", "currency",
                    "created")
    list_filter = ("livemode",)
    list_select_related = ("merchant", "customer")
    search_fields = ("=id", "=customer__id", "=invoice__id")
    ordering = ("-created",)
