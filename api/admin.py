"""Operators' view of stored idempotent responses: read-only (they expire on their own)."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from api.models import IdempotencyKey

RESPONSE_PREVIEW_CHARS = 4000


@admin.register(IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    list_display = ("key", "merchant", "livemode", "response_status", "created",
                    "completed_at")
    list_filter = ("livemode", "response_status")
    list_select_related = ("merchant",)
    search_fields = ("=key", "=request_id")
    ordering = ("-created",)
    show_full_result_count = False
    fields = ("key", "merchant", "livemode", "request_id", "request_fingerprint", "created",
              "completed_at", "response_status", "response")
    readonly_fields = fields

    @admin.display(description="response body")
    def response(self, obj: IdempotencyKey) -> str:
        if obj.response_body is None:
            return "—"
        body = bytes(obj.response_body).decode("utf-8", errors="replace")
        return format_html('<pre style="white-space: pre-wrap">{}</pre>',
                           body[:RESPONSE_PREVIEW_CHARS])

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest,
                              obj: IdempotencyKey | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest,
                              obj: IdempotencyKey | None = None) -> bool:
        return False
