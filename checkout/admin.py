"""Operators' view of checkout: sessions and payment links, read-only. A session moves only
with its intent (checkout.services), a link through the API's services."""

from django.contrib import admin

from checkout.models import CheckoutLineItem, CheckoutSession, PaymentLink, PaymentLinkLineItem


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class CheckoutLineItemInline(admin.TabularInline):
    model = CheckoutLineItem
    fields = ("position", "description", "price", "quantity", "amount_total", "currency")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CheckoutSession)
class CheckoutSessionAdmin(ReadOnlyAdmin):
    list_display = ("id", "merchant", "livemode", "mode", "status", "payment_status",
                    "amount_total", "currency", "created")
    list_filter = ("livemode", "mode", "status", "payment_status")
    search_fields = ("id", "customer__id", "customer_email", "client_reference_id",
                     "payment_intent__id")
    readonly_fields = [field.name for field in CheckoutSession._meta.fields
                       if field.name != "url_token"]
    exclude = ("url_token",)
    inlines = [CheckoutLineItemInline]


class PaymentLinkLineItemInline(admin.TabularInline):
    model = PaymentLinkLineItem
    fields = ("position", "price", "quantity", "adjustable_quantity")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PaymentLink)
class PaymentLinkAdmin(ReadOnlyAdmin):
    list_display = ("id", "merchant", "livemode", "active", "currency",
                    "completed_sessions_count", "completed_sessions_limit", "created")
    list_filter = ("livemode", "active")
    search_fields = ("id",)
    readonly_fields = [field.name for field in PaymentLink._meta.fields
                       if field.name != "url_token"]
    exclude = ("url_token",)
    inlines = [PaymentLinkLineItemInline]
