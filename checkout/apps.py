from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "checkout"

    def ready(self) -> None:
        from checkout import outcomes  # noqa: F401 - registers the payment-outcome handlers
