"""The money a dispute moves on its charge, for disputes' own services and for refunds (a
refund given back after a chargeback): the dispute's side here, the charge's through
payments' `charge_funds`, the one writer of a charge's money.

Every function runs in the caller's transaction, with the charge locked (then the dispute:
the lock order charge → dispute), and leaves the saving of the dispute to the caller unless
it says otherwise. Amounts are minor units of the charge's currency; the fee is the one of
that currency (`core.money.dispute_fee`).
"""

from disputes import selectors
from disputes.models import Dispute
from ledger.services.bookings import chargeback_booked, chargeback_reinstatement_booked
from payments.models import Charge
from payments.services.charge_funds import charge_chargeback_reinstated, charge_charged_back
from webhooks.services import EventSpec, events_record

# A chargeback whose withdrawal stands: open, answered, or lost (won gave it back).
_CHARGED_BACK = (Dispute.Status.NEEDS_RESPONSE, Dispute.Status.UNDER_REVIEW,
                 Dispute.Status.LOST)


def charge_amount_unrefunded(*, charge: Charge) -> int:
    """What refunds have not given back of the (locked) charge's captured amount, as the
    charge itself counts it: each refund adds its amount to `amount_refunded` when accepted
    (pending, awaiting approval or an action, succeeded) and takes it back when it fails or
    is canceled, under this same lock; the part of the hold a partial capture released is
    counted there from the capture on. So what remains is `amount - amount_refunded`."""
    return charge.amount - charge.amount_refunded


def chargeback_withdraw(*, dispute: Dispute, charge: Charge, amount: int) -> list[str]:
    """A chargeback takes `amount` in all (its disputed amount, or what refunds left of it)
    and the fee of the charge's currency: recorded on the dispute (`amount_withdrawn`) and on
    its charge, which the caller saves, the charge with the fields returned; what it takes
    more than before (with the fee, the first time) is booked in the ledger."""
    more, first = amount - dispute.amount_withdrawn, dispute.amount_withdrawn == 0
    dispute.amount_withdrawn = amount
    changed = charge_charged_back(charge, amount=amount)
    chargeback_booked(merchant_id=charge.merchant_id, livemode=charge.livemode,
                      dispute_id=dispute.id, charge_id=charge.id, amount=more,
                      fee=charge.dispute_fee if first else 0, currency=charge.currency)
    return changed


def chargeback_reinstate(*, dispute: Dispute, charge: Charge) -> None:
    """A chargeback won: what it withdrew goes back to the merchant (the fee is kept), booked
    in the ledger. Saves the charge."""
    chargeback_reinstatement_booked(
        merchant_id=charge.merchant_id, livemode=charge.livemode, dispute_id=dispute.id,
        charge_id=charge.id, amount=dispute.amount_withdrawn, currency=charge.currency)
    charge_chargeback_reinstated(charge)


def chargeback_withdraw_released(*, charge: Charge, amount: int) -> None:
    """A refund's `amount` just given back to its (locked) charge (failed, canceled or
    rejected) never reached the customer. If the charge was charged back since the refund
    was counted (an inquiry escalated, withdrawing only what refunds had left), the
    chargeback withdraws that amount too, up to its disputed amount, with
    `charge.dispute.funds_withdrawn`: refunds and chargeback together never exceed what
    was disputed, nor fall short of it. Under an inquiry (the charge can be refunded again)
    or a won chargeback nothing more is withdrawn. Saves the dispute and the charge."""
    if not charge.disputed:
        return
    dispute = selectors.dispute_of_charge_locked(charge_id=charge.id)
    if dispute is None or dispute.status not in _CHARGED_BACK:
        return
    more = min(amount, dispute.amount - dispute.amount_withdrawn)
    if more <= 0:
        return
    changed = chargeback_withdraw(dispute=dispute, charge=charge,
                                  amount=dispute.amount_withdrawn + more)
    dispute.save(update_fields=["amount_withdrawn"])
    charge.save(update_fields=changed)
    events_record(EventSpec("charge.dispute.funds_withdrawn", dispute))
