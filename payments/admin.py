"""Operators' view of customers, test clocks and the processors (connections, the call
log and the events received): read-only, since changes go through payments.services (which
also record their events) and the processor_connect / processor_disconnect commands."""

from django.contrib import admin
from django.http import HttpRequest

from payments.models import (
    Customer,
    InboundEvent,
    ProcessorCall,
    ProcessorConnection,
    TestClock,
)


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ("id", "email", "name", "merchant", "livemode", "created", "deleted_at")
    list_filter = ("livemode",)
    list_select_related = ("merchant",)
    search_fields = ("=id", "email")
    ordering = ("-created",)
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Customer | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Customer | None = None) -> bool:
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(ProcessorConnection)
class ProcessorConnectionAdmin(ReadOnlyAdmin):
    # Never the encrypted key: its hint says which key it is.
    list_display = ("merchant", "livemode", "kind", "secret_key_hint", "account_id",
                    "connected_at")
    fields = list_display + ("publishable_key", "inbound_id", "webhook_endpoint_id")
    list_select_related = ("merchant",)


@admin.register(InboundEvent)
class InboundEventAdmin(ReadOnlyAdmin):
    # A processor's events as they came, and what applying them did: read-only.
    list_display = ("received_at", "type", "event_id", "object_id", "result", "processed_at",
                    "note", "connection")
    list_filter = ("result", "type")
    search_fields = ("=event_id", "=object_id")
    fields = list_display + ("error", "payload")
    ordering = ("-received_at",)
    list_select_related = ("connection",)
    show_full_result_count = False


@admin.register(ProcessorCall)
class ProcessorCallAdmin(ReadOnlyAdmin):
    list_display = ("created", "operation", "outcome", "http_status", "error_code",
                    "latency_ms", "object_id", "merchant", "livemode")
    list_filter = ("outcome", "livemode", "processor", "operation")
    search_fields = ("=idempotency_key", "=object_id", "=request_id")
    ordering = ("-created",)
    show_full_result_count = False


@admin.register(TestClock)
class TestClockAdmin(ReadOnlyAdmin):
    list_display = ("id", "name", "merchant", "status", "frozen_time", "target_frozen_time",
                    "created", "deletes_after", "deleted_at")
    list_filter = ("status",)
    list_select_related = ("merchant",)
    search_fields = ("=id", "name")
    ordering = ("-created",)
    show_full_result_count = False
