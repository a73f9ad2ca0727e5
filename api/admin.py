"""Operators' view of stored idempotent responses (read-only: they expire on their own), of
the operator tokens (read-only: the commands make and revoke them, and their hash is never
shown), and the processors' health page."""

from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html

from api.models import IdempotencyKey, OperatorToken
from api.operators import health_wire
from payments.health import processor_health

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


@admin.register(OperatorToken)
class OperatorTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "hint", "created", "last_used_at", "revoked_at")
    fields = ("name", "hint", "created", "last_used_at", "revoked_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@staff_member_required
def processor_health_page(request: HttpRequest) -> HttpResponse:
    """/admin/processors/health/: what `GET /v1/admin/processors/health` answers, as a page."""
    now = timezone.now()
    report = health_wire(processor_health(now=now), now=now)
    return TemplateResponse(request, "admin/processor_health.html", {
        **admin.site.each_context(request), "title": "Processor health", "now": now,
        "report": report})
