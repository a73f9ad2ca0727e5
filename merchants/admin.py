"""Operators' view of merchants and keys. Keys are issued, rolled and revoked only through
merchants.services; the admin never shows or edits a key hash."""

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from merchants.models import ApiKey, Membership, Merchant
from merchants.services import api_key_revoke


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "created")
    readonly_fields = ("created",)
    autocomplete_fields = ("user",)


@admin.register(Merchant)
class MerchantAdmin(admin.ModelAdmin):
    list_display = ("name", "id", "email", "created")
    search_fields = ("=id", "name", "email")
    fields = ("id", "name", "email", "support_email", "time_zone",
              "refund_approval_thresholds", "dunning_retry_days",
              "dunning_subscription_action", "dunning_invoice_action", "created")
    readonly_fields = ("id", "created")
    inlines = [MembershipInline]
    ordering = ("-created",)

    # A merchant comes with its owner login and keys: `manage.py create_merchant`.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    # Its objects are protected history; merchants are never deleted from here.
    def has_delete_permission(self, request: HttpRequest, obj: Merchant | None = None) -> bool:
        return False


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("merchant", "livemode", "kind", "redacted", "created", "expires_at",
                    "revoked_at")
    list_display_links = ("redacted",)
    list_filter = ("livemode", "kind")
    list_select_related = ("merchant",)
    search_fields = ("=id", "=merchant__id", "merchant__name", "redacted")
    # key_hash is deliberately absent: not shown, not editable, not searchable.
    fields = ("id", "merchant", "livemode", "kind", "redacted", "publishable_token", "created",
              "expires_at", "revoked_at", "rolled_into")
    readonly_fields = fields
    ordering = ("-created",)
    actions = ["revoke_selected"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ApiKey | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ApiKey | None = None) -> bool:
        return False

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("merchants.change_apikey")

    @admin.action(description="Revoke selected API keys", permissions=["revoke"])
    def revoke_selected(self, request: HttpRequest, queryset: QuerySet[ApiKey]) -> None:
        revoked = 0
        for key in queryset.select_related("merchant").order_by("pk"):
            api_key_revoke(key_id=key.id, merchant=key.merchant)
            revoked += 1
        self.message_user(request, f"Revoked {revoked} API key(s).", messages.SUCCESS)
