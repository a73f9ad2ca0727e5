from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"

    def ready(self) -> None:
        from billing import (
            outcomes,  # noqa: F401 - registers the payment-outcome handlers
            services,
        )
        from core.hooks import (
            CustomerDiscountHandlers,
            customer_discount_register,
            on_customer_deleted,
            on_default_payment_method_change,
            on_test_clock_advance,
            on_test_clock_advance_limit,
        )

        # After payments' own (registered first): a renewal's charge on a clock follows
        # whatever payments settled up to the same time.
        on_test_clock_advance(services.subscriptions_clock_advance)
        # An advance goes at most two intervals of the shortest subscription on the clock.
        on_test_clock_advance_limit(services.test_clock_advance_bound)
        # A customer's new default card retries its past-due subscriptions' open invoices.
        on_default_payment_method_change(services.customer_default_payment_method_changed)
        # A deleted customer's subscriptions are canceled (the engine cancels any left over).
        on_customer_deleted(services.customer_subscriptions_cancel)
        # A customer's discount: payments' customers take and show it, billing keeps it.
        customer_discount_register(CustomerDiscountHandlers(
            apply=services.customer_discount_apply, render=services.customer_discount_render))
