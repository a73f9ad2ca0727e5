from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"

    def ready(self) -> None:
        from billing import (
            outcomes,  # noqa: F401 - registers the payment-outcome handlers
            services,
        )
        from core.hooks import on_default_payment_method_change, on_test_clock_advance

        # After payments' own (registered first): a renewal's charge on a clock follows
        # whatever payments settled up to the same time.
        on_test_clock_advance(services.subscriptions_clock_advance)
        # A customer's new default card retries its past-due subscriptions' open invoices.
        on_default_payment_method_change(services.customer_default_payment_method_changed)
