"""What disputes learn from payments' outcome hooks."""

from django.conf import settings
from django.db import transaction

from core.hooks import PaymentOutcome, PaymentOutcomeEvent, on_payment_outcome
from payments.processors import processor_for


@on_payment_outcome()
def dispute_when_the_bank_disputes(event: PaymentOutcomeEvent) -> None:
    """A card whose bank disputes its charges (pm_card_createDispute and Stripe's other
    dispute test cards): once the payment commits, the processor is asked (outside the
    locks) whether the card's bank disputes, and if so the dispute (or inquiry) opens
    shortly after, as Stripe's does. A lost message is found by `disputes_open_due`."""
    if event.outcome != PaymentOutcome.SUCCEEDED or event.charge is None:
        return
    intent = event.intent
    merchant, livemode, charge_id = intent.merchant, intent.livemode, event.charge.id
    card_token = intent.payment_method.processor_token

    def enqueue_dispute() -> None:
        from disputes.tasks import dispute_open  # tasks import services

        processor = processor_for(merchant=merchant, livemode=livemode)
        if processor.dispute_expected(card_token=card_token) is None:
            return
        dispute_open.apply_async(args=[charge_id],
                                 countdown=settings.TILL_SIMULATED_SETTLEMENT_SECONDS)

    transaction.on_commit(enqueue_dispute, robust=True)
