from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "payments"

    def ready(self) -> None:
        from core.hooks import on_test_clock_advance
        from payments import services

        # Payments' own work on a test clock's customers (holds expiring, payments settling)
        # runs first when the clock advances; billing's engine registers after it.
        on_test_clock_advance(services.payment_intents_clock_advance)
        # payments.services.inbound_events registered payments' handler of a processor's
        # events (core.hooks) when services was imported above.
