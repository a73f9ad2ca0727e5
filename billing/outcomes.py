"""What billing learns from payments' outcome hooks: an invoice's payment succeeded, failed,
needs 3-D Secure or was canceled, recorded in the transaction payments records it in."""

from billing.services import (
    dunning_final_actions_record,
    invoice_payment_outcome_record,
    subscription_invoice_outcome_record,
    subscription_provisional_reveal,
)
from core.hooks import PaymentOutcomeEvent, on_payment_outcome


@on_payment_outcome(purpose="invoice")
def invoice_payment_outcome(event: PaymentOutcomeEvent) -> None:
    """An intent billing made to pay an invoice (`purpose="invoice"`, its `invoice_id`
    set): the invoice follows its payment, atomically (billing.services.invoice_payments)."""
    invoice = invoice_payment_outcome_record(intent=event.intent, outcome=event.outcome)
    # Then the invoice's subscription follows it (lock order: invoice, then subscription).
    if invoice is not None and invoice.subscription_id is not None:
        subscription_invoice_outcome_record(invoice=invoice, outcome=event.outcome)
        # A renewal's failure after which no retry follows: the merchant's final actions.
        dunning_final_actions_record(invoice=invoice, outcome=event.outcome)


@on_payment_outcome(purpose="subscription_create")
def subscription_first_payment_outcome(event: PaymentOutcomeEvent) -> None:
    """The first payment of a subscription made with `payment_behavior=error_if_incomplete`:
    its success reveals the provisional subscription and its invoice, which then follow the
    payment as any invoice does; any other outcome leaves them for their creator to drop."""
    if subscription_provisional_reveal(intent=event.intent, outcome=event.outcome):
        invoice_payment_outcome(event)
