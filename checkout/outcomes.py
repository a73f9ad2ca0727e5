"""What checkout learns from payments' outcome hooks: a session's payment succeeded or
failed, recorded in the transaction payments records it in."""

from checkout.services import checkout_session_payment_outcome_record
from core.hooks import PaymentOutcomeEvent, on_payment_outcome


@on_payment_outcome(purpose="checkout_session")
def checkout_session_payment_outcome(event: PaymentOutcomeEvent) -> None:
    """An intent made with a Checkout Session: its success completes the session (or, for a
    session completed while the payment was processing, pays it), atomically."""
    checkout_session_payment_outcome_record(intent=event.intent, outcome=event.outcome)
