from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "disputes"

    def ready(self) -> None:
        from disputes import outcomes  # noqa: F401 - registers the payment-outcome handlers
