"""Booking the money other apps move: each function writes one balance transaction and its
entries, in the caller's transaction (which holds the lock of the object that moved the
money, so a booking is made once per movement), and returns it for the caller to link
(`charge.balance_transaction`, `refund.balance_transaction`, …).

The entries of every booking sum to zero: the merchant's balance takes the `net`, the fees
account the `fee`, and the counterparty (the card for payments, refunds and chargebacks; the
bank for payouts) the opposite of the gross `amount`.
"""

from datetime import UTC, datetime, time, timedelta

from core import clock
from core.db import insert_with
from ledger.fees import FEE_DESCRIPTION, card_fee, fee_details
from ledger.models import BalanceTransaction, LedgerEntry
from merchants.models import Merchant

Type = BalanceTransaction.Type
Category = BalanceTransaction.ReportingCategory
Account = LedgerEntry.Account


def book(*, merchant_id: str, livemode: bool, type: Type, category: Category,  # noqa: A002
         source: str, amount: int, currency: str, fee: int = 0,
         fee_description: str = FEE_DESCRIPTION, available_on: datetime | None = None,
         description: str | None = None, counterparty: Account = Account.CUSTOMER,
         at: datetime | None = None) -> BalanceTransaction:
    """One balance transaction (gross `amount`, `fee`, net) and its entries, inserted
    together. Money going out (a negative amount) is available at once."""
    at = at or clock.now()
    txn = BalanceTransaction(
        merchant_id=merchant_id, livemode=livemode, created=at, type=type,
        reporting_category=category, amount=amount, fee=fee, net=amount - fee,
        currency=currency, source=source, description=description,
        fee_details=fee_details(fee=fee, currency=currency, description=fee_description),
        available_on=available_on or at)
    legs = [LedgerEntry(transaction=txn, account=Account.BALANCE, amount=txn.net),
            LedgerEntry(transaction=txn, account=counterparty, amount=-amount)]
    if fee:
        legs.append(LedgerEntry(transaction=txn, account=Account.FEES, amount=fee))
    insert_with(txn, legs)  # one statement on PostgreSQL
    return txn


def available_after_delay(merchant: Merchant, at: datetime) -> datetime:
    """When money captured at `at` becomes available: 00:00 UTC of the day `payout_delay_days`
    later (Stripe's `available_on` is such a day boundary)."""
    day = at.astimezone(UTC).date() + timedelta(days=merchant.payout_delay_days)
    return datetime.combine(day, time(0), tzinfo=UTC)


def charge_booked(*, merchant: Merchant, livemode: bool, charge_id: str, amount: int,
                  currency: str, description: str | None, processor_fee: int | None = None
                  ) -> BalanceTransaction:
    """A charge captured `amount`: the gross, the processing fee (what the processor took,
    where it said, else the merchant's pricing) and the net, available after the merchant's
    payout delay."""
    fee = processor_fee if processor_fee is not None else card_fee(
        merchant=merchant, amount=amount, currency=currency)
    at = clock.now()
    return book(merchant_id=merchant.id, livemode=livemode, type=Type.CHARGE,
                category=Category.CHARGE, source=charge_id, amount=amount, fee=fee,
                currency=currency, description=description, at=at,
                available_on=available_after_delay(merchant, at))


def refund_booked(*, merchant_id: str, livemode: bool, refund_id: str, charge_id: str,
                  amount: int, currency: str) -> BalanceTransaction:
    """A refund of `amount` sent to the card: debited from the balance at once. The charge's
    processing fee is not returned (as Stripe's)."""
    return book(merchant_id=merchant_id, livemode=livemode, type=Type.REFUND,
                category=Category.REFUND, source=refund_id, amount=-amount, currency=currency,
                description=f"REFUND FOR CHARGE ({charge_id})")


def refund_failure_booked(*, merchant_id: str, livemode: bool, refund_id: str, charge_id: str,
                          amount: int, currency: str) -> BalanceTransaction:
    """A refund booked by `refund_booked` that never reached the card (failed, or canceled):
    its amount back in the balance."""
    return book(merchant_id=merchant_id, livemode=livemode, type=Type.REFUND_FAILURE,
                category=Category.REFUND_FAILURE, source=refund_id, amount=amount,
                currency=currency, description=f"REFUND FAILURE FOR CHARGE ({charge_id})")


def chargeback_booked(*, merchant_id: str, livemode: bool, dispute_id: str, charge_id: str,
                      amount: int, fee: int, currency: str) -> BalanceTransaction:
    """A chargeback withdrew `amount` and (on its first withdrawal) the dispute `fee`."""
    return book(merchant_id=merchant_id, livemode=livemode, type=Type.ADJUSTMENT,
                category=Category.DISPUTE, source=dispute_id, amount=-amount, fee=fee,
                fee_description="Dispute fee", currency=currency,
                description=f"Chargeback withdrawal for {charge_id}")


def chargeback_reinstatement_booked(*, merchant_id: str, livemode: bool, dispute_id: str,
                                    charge_id: str, amount: int, currency: str
                                    ) -> BalanceTransaction:
    """A chargeback won: what it withdrew back in the balance (the dispute fee is kept)."""
    return book(merchant_id=merchant_id, livemode=livemode, type=Type.ADJUSTMENT,
                category=Category.DISPUTE_REVERSAL, source=dispute_id, amount=amount,
                currency=currency, description=f"Chargeback reversal for {charge_id}")
