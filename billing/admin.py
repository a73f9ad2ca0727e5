"""Operators' view of billing.

Catalogue: products, prices and plans (a recurring price, as the Plans API shows it) are
read-only here (a price's amounts never change, and every
change goes through billing.services, which records its events); the one thing an operator
may do is archive or reactivate them, through the same services as the API.

Invoices, invoice items and subscriptions are read-only: their state machines, totals, the
customer's balance and their events move together, through billing.services only.

Coupons, promotion codes and discounts are read-only too: an operator may delete a coupon
(no new redemptions) or deactivate / reactivate a promotion code, through the API's services.
"""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from billing import services
from billing.models import (
    Coupon,
    Discount,
    Invoice,
    InvoiceItem,
    InvoiceLineItem,
    Plan,
    Price,
    Product,
    PromotionCode,
    Subscription,
    SubscriptionItem,
)
from core.actor import Actor
from core.exceptions import DomainError

# ============================================================================================
# Catalogue: products and prices
# ============================================================================================


class CatalogueAdmin(admin.ModelAdmin):
    """Read-only pages with the archive and reactivate actions."""

    actions = ("archive", "reactivate")
    list_select_related = ("merchant",)
    ordering = ("-created",)
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        # The change list's actions need it; no object's form is ever editable.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: object | None = None) -> bool:
        return False

    def update_active(self, obj: Product | Price, *, active: bool) -> None:
        raise NotImplementedError

    @admin.action(description="Archive the selected (no new purchases)", permissions=["change"])
    def archive(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_active(request, queryset, active=False)

    @admin.action(description="Reactivate the selected", permissions=["change"])
    def reactivate(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_active(request, queryset, active=True)

    def _set_active(self, request: HttpRequest, queryset: QuerySet, *, active: bool) -> None:
        done = 0
        for obj in queryset.order_by("pk"):
            try:
                self.update_active(obj, active=active)
            except DomainError as exc:
                self.message_user(request, f"{obj.pk}: {exc.message}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, f"{done} {'reactivated' if active else 'archived'}.",
                              messages.SUCCESS)


@admin.register(Product)
class ProductAdmin(CatalogueAdmin):
    list_display = ("id", "name", "active", "merchant", "livemode", "created", "deleted_at")
    list_filter = ("livemode", "active", "type")
    search_fields = ("=id", "name")

    def update_active(self, obj: Product, *, active: bool) -> None:
        services.product_update(id=obj.pk, merchant=obj.merchant, livemode=obj.livemode,
                                active=active)


@admin.register(Price)
class PriceAdmin(CatalogueAdmin):
    list_display = ("id", "product", "nickname", "currency", "unit_amount_decimal",
                    "billing_scheme", "type", "active", "merchant", "livemode", "created")
    list_filter = ("livemode", "active", "type", "billing_scheme", "currency")
    list_select_related = ("merchant", "product")
    search_fields = ("=id", "=product__id", "=lookup_key", "nickname")

    def update_active(self, obj: Price, *, active: bool) -> None:
        services.price_update(id=obj.pk, merchant=obj.merchant, livemode=obj.livemode,
                              active=active)


@admin.register(Plan)
class PlanAdmin(CatalogueAdmin):
    """Recurring prices as the Plans API shows them (the same rows as their prices)."""

    list_display = ("id", "product", "nickname", "currency", "unit_amount_decimal",
                    "recurring_interval", "recurring_interval_count", "active", "merchant",
                    "livemode", "created")
    list_filter = ("livemode", "active", "recurring_interval", "currency")
    list_select_related = ("merchant", "product")
    search_fields = ("=id", "=product__id", "nickname")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Plan]:
        return super().get_queryset(request).filter(type=Price.Type.RECURRING)

    def update_active(self, obj: Plan, *, active: bool) -> None:
        services.plan_update(id=obj.pk, merchant=obj.merchant, livemode=obj.livemode,
                             active=active)


# ============================================================================================
# Invoices: invoices (with their lines) and invoice items
# ============================================================================================


class ReadOnlyAdmin(admin.ModelAdmin):
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


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


# ============================================================================================
# Subscriptions (with their items)
# ============================================================================================


class SubscriptionItemInline(admin.TabularInline):
    model = SubscriptionItem
    fields = ("id", "price", "quantity", "current_period_start", "current_period_end")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ("id", "merchant", "livemode", "customer", "status", "currency",
                    "current_period_end", "cancel_at_period_end", "created")
    list_filter = ("livemode", "status", "collection_method", "cancel_at_period_end")
    list_select_related = ("merchant", "customer")
    search_fields = ("=id", "=customer__id")
    ordering = ("-created",)
    inlines = [SubscriptionItemInline]


# ============================================================================================
# Discounts: coupons, promotion codes and the discounts applied
# ============================================================================================


class DiscountsAdmin(ReadOnlyAdmin):
    """Read-only pages whose actions call billing.services as the operator."""

    list_select_related = ("merchant",)
    ordering = ("-created",)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # The change list's actions need it; no object's form is ever editable.
        return obj is None and request.user.has_perm(
            f"billing.change_{self.model._meta.model_name}")

    def run(self, request: HttpRequest, queryset: QuerySet, action, done: str) -> None:
        count = 0
        for obj in queryset.order_by("pk"):
            try:
                action(obj, Actor.user(request.user.pk))
            except DomainError as exc:
                self.message_user(request, f"{obj.pk}: {exc.message}", messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, f"{count} {done}.", messages.SUCCESS)


@admin.register(Coupon)
class CouponAdmin(DiscountsAdmin):
    list_display = ("id", "name", "percent_off", "amount_off", "currency", "duration",
                    "times_redeemed", "max_redemptions", "merchant", "livemode", "created",
                    "deleted_at")
    list_filter = ("livemode", "duration")
    search_fields = ("=id", "name")
    actions = ("delete_coupons",)

    @admin.action(description="Delete the selected coupons (no new redemptions)",
                  permissions=["change"])
    def delete_coupons(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.run(request, queryset.filter(deleted_at__isnull=True), lambda coupon, actor:
                 services.coupon_delete(id=coupon.pk, merchant=coupon.merchant,
                                        livemode=coupon.livemode, actor=actor), "deleted")


@admin.register(PromotionCode)
class PromotionCodeAdmin(DiscountsAdmin):
    list_display = ("id", "code", "coupon", "active", "times_redeemed", "max_redemptions",
                    "customer", "merchant", "livemode", "created")
    list_filter = ("livemode", "active")
    list_select_related = ("merchant", "coupon", "customer")
    search_fields = ("=id", "code", "=coupon__id")
    actions = ("deactivate", "reactivate")

    def _set_active(self, request: HttpRequest, queryset: QuerySet, *, active: bool) -> None:
        self.run(request, queryset, lambda code, actor: services.promotion_code_update(
            id=code.pk, merchant=code.merchant, livemode=code.livemode, actor=actor,
            active=active), "reactivated" if active else "deactivated")

    @admin.action(description="Deactivate the selected", permissions=["change"])
    def deactivate(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_active(request, queryset, active=False)

    @admin.action(description="Reactivate the selected", permissions=["change"])
    def reactivate(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._set_active(request, queryset, active=True)


@admin.register(Discount)
class DiscountAdmin(ReadOnlyAdmin):
    list_display = ("id", "coupon", "promotion_code", "customer", "subscription", "invoice",
                    "start", "end", "removed_at", "merchant", "livemode")
    list_filter = ("livemode",)
    list_select_related = ("merchant", "coupon", "promotion_code", "customer")
    search_fields = ("=id", "=coupon__id", "=customer__id", "=subscription__id",
                     "=invoice__id")
    ordering = ("-created",)
