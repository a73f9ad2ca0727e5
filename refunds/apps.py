from django.apps import AppConfig


class RefundsConfig(AppConfig):
    name = "refunds"

    def ready(self) -> None:
        from refunds import outcomes  # noqa: F401 - registers the payment-outcome handlers
