"""Operators' view of customers and test clocks: read-only, since changes go through
payments.services (which also record their events)."""

from django.contrib import admin
from django.http import HttpRequest

from payments.models import Customer, TestClock


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


@admin.register(TestClock)
class TestClockAdmin(admin.ModelAdmin):
    list_display = ("id", "name", "merchant", "status", "frozen_time", "target_frozen_time",
                    "created", "deletes_after", "deleted_at")
    list_filter = ("status",)
    list_select_related = ("merchant",)
    search_fields = ("=id", "name")
    ordering = ("-created",)
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: TestClock | None = None
                              ) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: TestClock | None = None
                              ) -> bool:
        return False
