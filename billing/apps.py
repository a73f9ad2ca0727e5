from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"

    def ready(self) -> None:
        from billing import outcomes  # noqa: F401 - registers the payment-outcome handlers
