from django.apps import AppConfig


class RefundsConfig(AppConfig):
    name = "refunds"

    def ready(self) -> None:
        # Refunds' handler of a processor's events (core.hooks) registers on import.
        from refunds.services import processor_events  # noqa: F401
