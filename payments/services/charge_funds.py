"""The money on a charge: the one module that writes what a charge captured, what it gave
back (a released hold, refunds) and what a chargeback took from it. Payments, refunds and
disputes all move money on charges; they do it through these functions, so the counters keep
one meaning:

- `amount_captured`: what the customer was charged;
- `amount_refunded`: what went back to the customer, or was never taken (the part of a hold
  that a partial capture released, or all of a canceled one), with `refunded` once that is
  the whole amount;
- `amount_disputed` and `dispute_fee`: what a chargeback withdrew, and its fee in the
  charge's own currency.

Each function runs in the caller's transaction with the charge locked. Those that save say
so; the others return the fields they set, for the caller's one save. What a charge captures
is booked in the ledger here too (`charge.balance_transaction`), in the same transaction;
refunds and chargebacks book theirs where they move the money.
"""

from core.money import dispute_fee
from ledger.services.bookings import charge_booked
from merchants.models import Merchant
from payments.models import Charge


def charge_captured(charge: Charge, *, merchant: Merchant, amount: int,
                    processor_fee: int | None = None, also: tuple[str, ...] = ()) -> None:
    """`amount` of the authorization is captured; as Stripe's capture, the rest of the hold is
    released and shows refunded (no Refund object), while what was captured stays
    refundable, and the capture is booked. Saves the charge (with the fields in `also` the
    caller set)."""
    charge.captured = True
    charge.amount_captured = amount
    charge.amount_refunded = charge.amount - amount
    charge_booking(charge, merchant=merchant, processor_fee=processor_fee)
    charge.save(update_fields=["captured", "amount_captured", "amount_refunded",
                               "balance_transaction", *also])


def charge_booking(charge: Charge, *, merchant: Merchant,
                   processor_fee: int | None = None) -> None:
    """Books what the charge captured (`amount_captured`), with the fee the processor
    reported if it did, and links it, for the caller's save or insert of the charge."""
    charge.balance_transaction = charge_booked(
        merchant=merchant, livemode=charge.livemode, charge_id=charge.id,
        amount=charge.amount_captured, currency=charge.currency,
        description=charge.description, processor_fee=processor_fee)


def charge_hold_released(charge: Charge) -> None:
    """An uncaptured authorization is voided: Stripe shows the charge refunded in full.
    Saves the charge."""
    charge.amount_refunded = charge.amount
    charge.refunded = True
    charge.save(update_fields=["amount_refunded", "refunded"])


def charge_refunded_by(charge: Charge, amount: int) -> None:
    """Counts a refund's `amount` on the charge (negative: a failed or canceled refund gives
    it back). The charge is fully refunded when the count reaches the whole amount charged.
    Saves the charge."""
    charge.amount_refunded = max(charge.amount_refunded + amount, 0)
    charge.refunded = charge.amount_refunded >= charge.amount and charge.amount_captured > 0
    charge.save(update_fields=["amount_refunded", "refunded"])


def charge_charged_back(charge: Charge, *, amount: int) -> list[str]:
    """A chargeback withdraws `amount` and the network's fee for the charge's currency; the
    caller saves the charge with the fields returned."""
    charge.amount_disputed = amount
    charge.dispute_fee = dispute_fee(charge.currency).amount
    return ["amount_disputed", "dispute_fee"]


def charge_chargeback_reinstated(charge: Charge) -> None:
    """A chargeback won: what it withdrew goes back (the fee is kept). Saves the charge."""
    charge.amount_disputed = 0
    charge.save(update_fields=["amount_disputed"])
