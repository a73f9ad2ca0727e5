"""Operators' view of events: read-only, as events are immutable."""

import json

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from webhooks.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("id", "type", "merchant", "livemode", "created")
    list_filter = ("livemode",)
    list_select_related = ("merchant",)
    search_fields = ("=id", "type")
    ordering = ("-created",)
    show_full_result_count = False
    fields = ("id", "type", "merchant", "livemode", "created", "api_version", "request_id",
              "idempotency_key", "pending_webhooks", "payload")
    readonly_fields = fields

    @admin.display(description="data")
    def payload(self, obj: Event) -> str:
        return format_html('<pre style="white-space: pre-wrap">{}</pre>',
                           json.dumps(obj.data, indent=2, ensure_ascii=False))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Event | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Event | None = None) -> bool:
        return False
