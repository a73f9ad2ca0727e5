"""Changes other apps make to a payment intent inside their own transactions."""

from core.actor import Actor
from core.audit import status_change_record
from core.exceptions import InvalidState, ObjectBusy
from payments.models import PaymentIntent
from payments.services.common import CONFIRMABLE, check_amount


def payment_intent_amount_set_locked(intent: PaymentIntent, *, amount: int,
                                     actor: Actor) -> None:
    """For an app above payments, in its transaction with `intent` locked (by
    payments' selector, first in the lock order): the intent's amount changes, as an
    update's would, while it is not yet confirmed and nothing is in flight (a Checkout
    Session's quantities changed on its page, the intent and the session in one
    transaction)."""
    if intent.operation is not None:
        raise ObjectBusy
    if intent.status not in CONFIRMABLE:
        raise InvalidState(f"You cannot update amount on a PaymentIntent with a status of "
                           f"{intent.status}.", code="payment_intent_unexpected_state",
                           param="amount", payment_intent=intent)
    check_amount(amount, intent.currency)
    source = intent.status
    intent.amount = amount
    intent.save(update_fields=["amount"])
    status_change_record(obj=intent, source=source, actor=actor)
