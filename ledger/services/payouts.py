"""Payouts: the merchant's available balance sent to their bank account, as Stripe's test
mode makes them (Till moves no real money to a bank; live mode refuses).

Every payout, manual or automatic, runs under the merchant's row lock (taken first, then the
payout's): the available balance it is checked against cannot be spent twice by concurrent
payouts. The payout's own balance transaction debits the balance in the transaction that
creates it; a cancel or a failure gives the money back by another one, so the ledger's
entries keep summing to zero. Events go through the webhooks outbox in the same transaction.
"""

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.db import transaction
from django_fsm import can_proceed

from core import clock
from core.actor import TILL, Actor
from core.audit import status_change_record
from core.exceptions import InvalidParameter, InvalidRequest, InvalidState
from core.metadata import MetadataUpdate, metadata_apply
from core.wire import render
from ledger import selectors
from ledger.models import BalanceTransaction, BankAccount, LedgerEntry, Payout
from ledger.services.bookings import book
from merchants.models import Merchant
from merchants.selectors import merchant_get_locked
from webhooks.services import EventSpec, events_record, previous_attributes

logger = logging.getLogger("till.ledger")

Type = BalanceTransaction.Type
Category = BalanceTransaction.ReportingCategory

# A pending payout is sent to the bank (in_transit) this long after its creation; until
# then it may be canceled. It arrives (paid, or failed) at its arrival date.
PAYOUT_PENDING_FOR = timedelta(hours=1)
# Standard payouts arrive at 00:00 UTC this many days after their creation.
ARRIVAL_DAYS = 1

# Stripe's test bank account numbers and the failure their payouts meet (None: they arrive).
TEST_ACCOUNT_NUMBERS: dict[str, str | None] = {
    "000123456789": None,
    "000111111116": "no_account",
    "000111111113": "account_closed",
    "000222222227": "insufficient_funds",
    "000333333335": "debit_not_authorized",
    "000444444440": "invalid_currency",
}
DEFAULT_TEST_ACCOUNT_NUMBER = "000123456789"
TEST_ROUTING_NUMBER = "110000000"
TEST_BANK_NAME = "STRIPE TEST BANK"
FAILURE_MESSAGES = {
    "no_account": "The bank account details on file are probably incorrect. No bank account "
                  "could be located with those details.",
    "account_closed": "The bank account has been closed.",
    "insufficient_funds": "Your balance has insufficient funds to cover the payout.",
    "debit_not_authorized": "Debit transactions are not approved on the bank account.",
    "invalid_currency": "The bank was unable to process this payout because of its "
                        "currency. This is probably because the bank account cannot accept "
                        "payments in that currency.",
}
AUTOMATIC_DESCRIPTION = "STRIPE PAYOUT"  # Stripe's description of its automatic payouts
LIVE_MODE_PAYOUTS = ("Till makes payouts in test mode only: in live mode your processor pays "
                     "your balance out to your bank.")


@dataclass(frozen=True)
class PayoutRequest:
    amount: int
    currency: str
    description: str | None = None
    statement_descriptor: str | None = None
    metadata: MetadataUpdate | None = None
    method: str = "standard"


def bank_account_set_test(*, merchant: Merchant, livemode: bool, currency: str,
                          account_number: str = DEFAULT_TEST_ACCOUNT_NUMBER,
                          account_holder_name: str = "") -> BankAccount:
    """Makes (or replaces) the test bank account payouts in `currency` go to: one of Stripe's
    test account numbers, which decides whether its payouts arrive or fail."""
    if livemode:
        raise InvalidRequest(LIVE_MODE_PAYOUTS, code="livemode_payouts_unavailable")
    if account_number not in TEST_ACCOUNT_NUMBERS:
        raise InvalidParameter(
            "Use one of the test bank account numbers: "
            + ", ".join(sorted(TEST_ACCOUNT_NUMBERS)) + ".",
            code="invalid_account_number", param="account_number")
    with transaction.atomic():
        bank, _ = BankAccount.objects.update_or_create(
            merchant_id=merchant.id, livemode=livemode, currency=currency,
            defaults={"bank_name": TEST_BANK_NAME, "routing_number": TEST_ROUTING_NUMBER,
                      "last4": account_number[-4:], "account_holder_name": account_holder_name,
                      "test_failure_code": TEST_ACCOUNT_NUMBERS[account_number]})
    return bank


def _destination(merchant: Merchant, livemode: bool, currency: str) -> BankAccount:
    """The merchant's bank account in `currency`; test mode gives one to a merchant who has
    none (Stripe's test account 000123456789). Called under the merchant's lock."""
    bank = selectors.bank_account_default(merchant_id=merchant.id, livemode=livemode,
                                          currency=currency)
    if bank is None:
        bank = BankAccount.objects.create(
            merchant_id=merchant.id, livemode=livemode, currency=currency,
            bank_name=TEST_BANK_NAME, routing_number=TEST_ROUTING_NUMBER,
            last4=DEFAULT_TEST_ACCOUNT_NUMBER[-4:], test_failure_code=None)
    return bank


def _arrival(at: datetime) -> datetime:
    day = at.astimezone(UTC).date() + timedelta(days=ARRIVAL_DAYS)
    return datetime.combine(day, time(0), tzinfo=UTC)


def _refuse_live(merchant: Merchant, livemode: bool) -> None:
    if not livemode:
        return
    if not merchant.processor_connected(livemode):
        raise InvalidRequest(
            "Live mode needs a payment processor connected; " + LIVE_MODE_PAYOUTS,
            code="livemode_processor_missing")
    raise InvalidRequest(LIVE_MODE_PAYOUTS, code="livemode_payouts_unavailable")


def _payout_make(*, merchant: Merchant, livemode: bool, amount: int, currency: str,
                 automatic: bool, description: str | None = None,
                 statement_descriptor: str | None = None,
                 metadata: dict[str, str] | None = None) -> Payout:
    """The payout and its debit, under the merchant's lock (the caller's); `payout.created`."""
    at = clock.now()
    bank = _destination(merchant, livemode, currency)
    payout = Payout(merchant_id=merchant.id, livemode=livemode, created=at, amount=amount,
                    currency=currency, arrival_date=_arrival(at), automatic=automatic,
                    description=description, statement_descriptor=statement_descriptor,
                    metadata=metadata or {}, destination=bank)
    payout.balance_transaction = book(
        merchant_id=merchant.id, livemode=livemode, type=Type.PAYOUT, category=Category.PAYOUT,
        source=payout.id, amount=-amount, currency=currency, at=at,
        description=description,
        counterparty=LedgerEntry.Account.BANK)
    payout.save(force_insert=True)
    events_record(EventSpec("payout.created", payout))
    return payout


def payout_create(*, merchant: Merchant, livemode: bool, actor: Actor,
                  request: PayoutRequest) -> Payout:
    """A manual payout of `amount` from the available balance in `currency` to the
    merchant's bank account in it (made for test mode if there is none).

    Guarantees, under the merchant's row lock: the amount never exceeds the available
    balance as read under that lock, so concurrent payouts cannot overdraw it; the payout,
    its debit (a `payout` balance transaction) and `payout.created` commit together.
    Refused, with nothing changed: live mode, instant payouts, more than is available."""
    del actor  # a payout's creation is recorded by its event; its status changes by actor
    if request.method != "standard":
        raise InvalidParameter(
            "Instant payouts are not supported: Till makes standard payouts only.",
            code="instant_payouts_unsupported", param="method")
    _refuse_live(merchant, livemode)
    with transaction.atomic(durable=True):
        locked = merchant_get_locked(id=merchant.id)
        available = selectors.balance_of(merchant_id=locked.id, livemode=livemode,
                                         at=clock.now()).get(request.currency, {}).get(
                                             "available", 0)
        if request.amount > available:
            raise InvalidRequest(
                "You have insufficient funds in your Till balance for this payout: your "
                f"available {request.currency} balance is {max(available, 0)}. You can use "
                "the /v1/balance endpoint to view your balance.",
                code="balance_insufficient", param="amount")
        return _payout_make(
            merchant=locked, livemode=livemode, amount=request.amount,
            currency=request.currency, automatic=False, description=request.description,
            statement_descriptor=request.statement_descriptor,
            metadata=metadata_apply({}, request.metadata))


def payout_update(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                  metadata: MetadataUpdate | None = None) -> Payout:
    """A payout's metadata changed under its lock; `payout.updated` with the old values."""
    with transaction.atomic(durable=True):
        payout = selectors.payout_get_locked(id=id, merchant_id=merchant.id, livemode=livemode)
        if metadata is None:
            return payout
        before = render(payout)
        payout.metadata = metadata_apply(payout.metadata, metadata)
        payout.save(update_fields=["metadata"])
        after = render(payout)
        changed = previous_attributes(before, after)
        if changed:
            events_record(EventSpec("payout.updated", payout, previous_attributes=changed,
                                    payload=after))
    return payout


def payout_cancel(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                  actor: Actor) -> Payout:
    """Cancels a pending payout (not yet sent to the bank): its amount back in the balance
    by a `payout_cancel` balance transaction; `payout.canceled`. Under the merchant's lock,
    then the payout's."""
    with transaction.atomic(durable=True):
        merchant_get_locked(id=merchant.id)
        payout = selectors.payout_get_locked(id=id, merchant_id=merchant.id, livemode=livemode)
        if not can_proceed(payout.cancel):
            raise InvalidState(
                f"Payouts can only be canceled while they are pending. This payout has a "
                f"status of {payout.status}.", code="payout_not_cancelable", param="id")
        reversal = book(
            merchant_id=payout.merchant_id, livemode=livemode, type=Type.PAYOUT_CANCEL,
            category=Category.PAYOUT_REVERSAL, source=payout.id, amount=payout.amount,
            currency=payout.currency, counterparty=LedgerEntry.Account.BANK,
            description=f"Payout cancellation ({payout.id})")
        source = payout.status
        payout.cancel(reversal=reversal)
        payout.save()
        status_change_record(obj=payout, source=source, actor=actor)
        events_record(EventSpec("payout.canceled", payout))
    return payout


def payout_advance(*, id: str) -> Payout:  # noqa: A002
    """Moves a payout on as far as "now" allows, one step at a time: pending → in_transit
    once sent (PAYOUT_PENDING_FOR after creation), then at its arrival date paid, or failed
    for a failing test bank account — the failure giving the amount back by a
    `payout_failure` balance transaction. Each step records its event; safe to run twice
    (a payout with nothing due is left as it is)."""
    with transaction.atomic(durable=True):
        merchant_id = Payout.objects.filter(pk=id).values_list("merchant_id", flat=True).get()
        merchant_get_locked(id=merchant_id)
        payout = selectors.payout_get_locked(id=id, merchant_id=merchant_id)
        now = clock.now()
        source = payout.status
        specs: list[EventSpec] = []
        arrived = payout.arrival_date <= now
        failure = payout.destination.test_failure_code
        if (payout.status == Payout.Status.PENDING
                and (arrived or payout.created + PAYOUT_PENDING_FOR <= now)):
            before = render(payout)
            payout.mark_in_transit()
            after = render(payout)
            specs.append(EventSpec("payout.updated", payout,
                                   previous_attributes=previous_attributes(before, after),
                                   payload=after))
        if payout.status == Payout.Status.IN_TRANSIT and arrived:
            if failure:
                restored = book(
                    merchant_id=payout.merchant_id, livemode=payout.livemode,
                    type=Type.PAYOUT_FAILURE, category=Category.PAYOUT_REVERSAL,
                    source=payout.id, amount=payout.amount, currency=payout.currency,
                    counterparty=LedgerEntry.Account.BANK,
                    description=f"Payout failure ({payout.id})")
                payout.mark_failed(code=failure, message=FAILURE_MESSAGES.get(
                    failure, "The payout could not be delivered to the bank account."),
                    failure_transaction=restored)
                specs.append(EventSpec("payout.failed", payout))
            else:
                payout.mark_paid()
                specs.append(EventSpec("payout.paid", payout))
        if payout.status == source:
            return payout
        payout.save()
        status_change_record(obj=payout, source=source, actor=TILL)
        # Each event carries the payout as it was after its own step.
        events_record(*specs)
    return payout


def payouts_advance_due() -> int:
    """The beat's sweep: every payout with a step due moved on. Returns how many moved."""
    now = clock.now()
    moved = 0
    for pk in selectors.payout_ids_due(at=now, submit_before=now - PAYOUT_PENDING_FOR):
        before = Payout.objects.filter(pk=pk).values_list("status", flat=True).get()
        moved += payout_advance(id=pk).status != before
    return moved


def automatic_payouts_create() -> list[Payout]:
    """The beat's daily payouts (test mode): for each merchant on the daily schedule and each
    currency, the available balance not yet paid out, in one automatic payout that links the
    balance transactions it pays out (`BalanceTransaction.payout`).

    Once a day per merchant and currency, and safe to run twice at once: each merchant is
    taken under its row lock with SKIP LOCKED (a concurrent run pays that merchant out), and
    what is linked is not paid out again."""
    made: list[Payout] = []
    for merchant_id in selectors.merchant_ids_paid_out_daily():
        made.extend(_automatic_payouts_of(merchant_id))
    return made


def _automatic_payouts_of(merchant_id: str) -> list[Payout]:
    made: list[Payout] = []
    with transaction.atomic(durable=True):
        merchant = selectors.merchant_get_locked_or_skip(id=merchant_id)
        if merchant is None or merchant.payout_schedule != Merchant.PayoutSchedule.DAILY:
            return made
        now = clock.now()
        day_start = datetime.combine(now.astimezone(UTC).date(), time(0), tzinfo=UTC)
        paid_today = set(Payout.objects.filter(
            merchant_id=merchant.id, livemode=False, automatic=True, created__gte=day_start)
            .values_list("currency", flat=True))
        balance = selectors.balance_of(merchant_id=merchant.id, livemode=False, at=now)
        for currency, sums in balance.items():
            if currency in paid_today or sums["available"] <= 0:
                continue
            unpaid = list(selectors.unpaid_out_available(
                merchant_id=merchant.id, livemode=False, currency=currency, at=now,
            ).values_list("id", "net"))
            amount = sum(net for _, net in unpaid)
            # What is not yet linked sums to the available balance (every automatic payout's
            # links, its own debit among them, net to zero); a difference is a ledger fault,
            # never paid out on a guess.
            if amount != sums["available"]:
                logger.error("automatic payout of %s %s skipped: unpaid-out %s != available %s",
                             merchant.id, currency, amount, sums["available"])
                continue
            payout = _payout_make(merchant=merchant, livemode=False, amount=amount,
                                  currency=currency, automatic=True,
                                  description=AUTOMATIC_DESCRIPTION)
            BalanceTransaction.objects.filter(
                pk__in=[*(pk for pk, _ in unpaid), payout.balance_transaction_id],
            ).update(payout=payout)
            made.append(payout)
    return made
