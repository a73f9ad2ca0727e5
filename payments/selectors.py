from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from django.db.models import Count, Model, Q, QuerySet, Sum

from core.db import fetch_as, lock_clause, reader, table
from core.exceptions import NotFound
from core.rollups import rollup_plan
from core.timeseries import Window
from merchants.models import Merchant
from payments.models import (
    CardSource,
    Charge,
    ChargeOutcomeTotal,
    Customer,
    InboundEvent,
    PaymentIntent,
    PaymentMethod,
    ProcessorConnection,
    SetupIntent,
    TestClock,
    Token,
    payment_method_id_of,
)


def customer_list(*, merchant: Merchant, livemode: bool, email: str | None = None,
                  test_clock: str | None = None) -> QuerySet[Customer]:
    customers = Customer.objects.filter(merchant=merchant, livemode=livemode,
                                        deleted_at__isnull=True)
    if email is not None:
        customers = customers.filter(email=email)
    if test_clock is not None:
        customers = customers.filter(test_clock_id=test_clock)
    return customers


def _missing(id: str, param: str = "id") -> NotFound:  # noqa: A002
    return NotFound(f"No such customer: '{id}'", param=param)


def customer_get(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                 include_deleted: bool = False, param: str = "id") -> Customer:
    """A customer of this merchant and mode; another's, or the other mode's, is a 404
    naming `param` (the id in the path, or the parameter that gave it)."""
    customer = Customer.objects.filter(pk=id, merchant=merchant, livemode=livemode).first()
    if customer is None or (customer.deleted_at and not include_deleted):
        raise _missing(id, param)
    return customer


def customer_get_locked(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                        include_deleted: bool = False) -> Customer:
    customer = (Customer.objects.select_for_update(of=("self",))
                .filter(pk=id, merchant=merchant, livemode=livemode).first())
    if customer is None or (customer.deleted_at and not include_deleted):
        raise _missing(id)
    return customer


def customer_get_locked_by_id(*, id: str) -> Customer:  # noqa: A002
    """A customer locked by its id alone, for a service that already holds its object (a
    Checkout Session of the same merchant and mode)."""
    return Customer.objects.select_for_update(of=("self",)).get(pk=id)


def customers_of_test_clock_locked(*, test_clock: TestClock) -> list[Customer]:
    """The clock's customers not deleted, locked in id order (after the clock's own lock),
    each with its clock at hand."""
    customers = list(Customer.objects.select_for_update(of=("self",))
                     .filter(test_clock=test_clock, deleted_at__isnull=True).order_by("pk"))
    for customer in customers:
        Customer._meta.get_field("test_clock").set_cached_value(customer, test_clock)
    return customers


def customer_count_on_test_clock(*, test_clock: TestClock) -> int:
    return Customer.objects.filter(test_clock=test_clock, deleted_at__isnull=True).count()


# -- test clocks -----------------------------------------------------------------------------
# Test mode only: a live key finds none, and cannot list or make them.

def test_clock_check_mode(*, livemode: bool) -> None:
    if livemode:
        raise NotFound("Test clocks exist only in test mode: use a test-mode API key.")


def _test_clock_missing(id: str, param: str) -> NotFound:  # noqa: A002
    return NotFound(f"No such test_clock: '{id}'", param=param)


def test_clock_get(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                   param: str = "id") -> TestClock:
    """A clock of this merchant, in test mode, not deleted; else a 404 naming `param`."""
    test_clock = (None if livemode else TestClock.objects.filter(
        pk=id, merchant=merchant, livemode=False, deleted_at__isnull=True).first())
    if test_clock is None:
        raise _test_clock_missing(id, param)
    return test_clock


def test_clock_get_locked(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                          param: str = "id") -> TestClock:
    test_clock = (None if livemode else TestClock.objects.select_for_update(of=("self",))
                  .filter(pk=id, merchant=merchant, livemode=False, deleted_at__isnull=True)
                  .first())
    if test_clock is None:
        raise _test_clock_missing(id, param)
    return test_clock


def test_clock_get_locked_by_id(*, id: str) -> TestClock:  # noqa: A002
    """For the advance's task (already scoped): the clock locked, deleted or not."""
    return TestClock.objects.select_for_update(of=("self",)).get(pk=id)


def test_clock_list(*, merchant: Merchant, livemode: bool) -> QuerySet[TestClock]:
    test_clock_check_mode(livemode=livemode)
    return TestClock.objects.filter(merchant=merchant, livemode=False, deleted_at__isnull=True)


def test_clock_ids_expired(*, now: datetime, limit: int = 100) -> list[str]:
    """Clocks past their `deletes_after`, not deleted yet, oldest first."""
    return list(TestClock.objects.filter(deleted_at__isnull=True, deletes_after__lt=now)
                .order_by("deletes_after").values_list("pk", flat=True)[:limit])


def test_clock_ids_advancing_since(*, before: datetime, limit: int = 100) -> list[str]:
    """Clocks whose advance started before `before` (real time) and is not finished."""
    return list(TestClock.objects.filter(status=TestClock.Status.ADVANCING,
                                         advance_started_at__lt=before, deleted_at__isnull=True)
                .order_by("advance_started_at").values_list("pk", flat=True)[:limit])


def test_clock_frozen_time(*, id: str) -> datetime:  # noqa: A002
    return TestClock.objects.values_list("frozen_time", flat=True).get(pk=id)


# -- payment methods -------------------------------------------------------------------------

def _payment_method_missing(id: str, param: str) -> NotFound:  # noqa: A002
    return NotFound(f"No such PaymentMethod: '{id}'", param=param)


def payment_method_get(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                       param: str = "id") -> PaymentMethod:
    payment_method = (PaymentMethod.objects
                      .filter(pk=id, merchant=merchant, livemode=livemode).first())
    if payment_method is None:
        raise _payment_method_missing(id, param)
    return payment_method


def payment_method_id_for(*, id: str, merchant: Merchant,  # noqa: A002
                          livemode: bool) -> str | None:
    """The Till id of a payment method given as Till's id, or as the processor's id of a
    card Till mirrors (its `processor_token`); None if neither."""
    own = PaymentMethod.objects.filter(merchant=merchant, livemode=livemode)
    if own.filter(pk=id).exists():
        return id
    return own.filter(processor_token=id).values_list("pk", flat=True).first()


def payment_method_get_locked(*, id: str, merchant: Merchant,  # noqa: A002
                              livemode: bool, param: str = "id") -> PaymentMethod:
    payment_method = (PaymentMethod.objects.select_for_update(of=("self",))
                      .filter(pk=id, merchant=merchant, livemode=livemode).first())
    if payment_method is None:
        raise _payment_method_missing(id, param)
    return payment_method


def payment_method_list(*, merchant: Merchant, livemode: bool, customer: Customer | None = None,
                        type: str | None = None) -> QuerySet[PaymentMethod]:  # noqa: A002
    payment_methods = PaymentMethod.objects.filter(merchant=merchant, livemode=livemode)
    if customer is not None:
        payment_methods = payment_methods.filter(customer=customer)
    if type is not None:
        payment_methods = payment_methods.filter(type=type)
    return payment_methods


def card_source_get(*, id: str, customer: Customer, locked: bool = False,  # noqa: A002
                    param: str = "id") -> CardSource:
    """One of a customer's card sources, by its `card_` id (or its `pm_` id)."""
    sources = CardSource.objects.filter(customer=customer, card_source=True)
    if locked:
        sources = sources.select_for_update(of=("self",))
    payment_method = sources.filter(pk=payment_method_id_of(id)).first()
    if payment_method is None:
        raise NotFound(f"No such source: '{id}'", param=param)
    return payment_method


def card_source_list(*, customer: Customer | None = None, customer_id: str | None = None
                     ) -> QuerySet[CardSource]:
    return CardSource.objects.filter(customer_id=customer.pk if customer else customer_id,
                                     card_source=True)


# -- tokens ----------------------------------------------------------------------------------

def _token_missing(id: str, param: str) -> NotFound:  # noqa: A002
    return NotFound(f"No such token: '{id}'", param=param)


def token_get(*, id: str, merchant: Merchant, livemode: bool) -> Token:  # noqa: A002
    token = (Token.objects.select_related("payment_method")
             .filter(pk=id, merchant=merchant, livemode=livemode).first())
    if token is None:
        raise _token_missing(id, "id")
    return token


def token_get_locked(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                     param: str = "id") -> Token:
    token = (Token.objects.select_for_update(of=("self",)).select_related("payment_method")
             .filter(pk=id, merchant=merchant, livemode=livemode).first())
    if token is None:
        raise _token_missing(id, param)
    return token


# -- payment intents -------------------------------------------------------------------------

def _payment_intent_missing(id: str, param: str = "id") -> NotFound:  # noqa: A002
    return NotFound(f"No such payment_intent: '{id}'", param=param)


def payment_intent_get(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                       param: str = "id") -> PaymentIntent:
    intent = PaymentIntent.objects.filter(pk=id, merchant=merchant, livemode=livemode).first()
    if intent is None:
        raise _payment_intent_missing(id, param)
    return intent


def payment_intent_get_locked(*, id: str, merchant: Merchant,  # noqa: A002
                              livemode: bool) -> PaymentIntent:
    intent = (PaymentIntent.objects.select_for_update(of=("self",))
              .select_related("payment_method")
              .filter(pk=id, merchant=merchant, livemode=livemode).first())
    if intent is None:
        raise _payment_intent_missing(id)
    return intent


def payment_intent_get_locked_by_id(*, id: str) -> PaymentIntent:  # noqa: A002
    """For Till's own tasks and the phases after a processor call (already scoped): the
    intent locked, with its payment method and merchant. Hand-written SQL: every payment's
    last phase makes this read (see core.db)."""
    rows = fetch_as(_payment_intent_locked_sql(), [id], reader(PaymentIntent),
                    reader(PaymentMethod), reader(Merchant))
    if not rows:
        raise PaymentIntent.DoesNotExist(f"No PaymentIntent {id}")
    [(intent, payment_method, merchant)] = rows
    PaymentIntent._meta.get_field("payment_method").set_cached_value(intent, payment_method)
    PaymentIntent._meta.get_field("merchant").set_cached_value(intent, merchant)
    return intent


@cache
def _payment_intent_locked_sql() -> str:
    # Identifiers from the models' metadata; the only value is a parameter.
    return (f"SELECT {reader(PaymentIntent).columns('pi')}, "  # noqa: S608
            f"{reader(PaymentMethod).columns('pm')}, {reader(Merchant).columns('m')} "
            f"FROM {table(PaymentIntent)} pi "
            f"LEFT JOIN {table(PaymentMethod)} pm ON pm.id = pi.payment_method_id "
            f"JOIN {table(Merchant)} m ON m.id = pi.merchant_id WHERE pi.id = %s"
            + lock_clause(of="pi"))


def payment_intent_of_invoice(*, invoice_id: str, merchant: Merchant,
                              livemode: bool) -> PaymentIntent | None:
    """The one intent made to pay billing's invoice `invoice_id`, if there is one yet."""
    return (PaymentIntent.objects.select_related("payment_method")
            .filter(invoice_id=invoice_id, merchant=merchant, livemode=livemode).first())


def payment_intent_list(*, merchant: Merchant, livemode: bool,
                        customer: str | None = None) -> QuerySet[PaymentIntent]:
    intents = PaymentIntent.objects.filter(merchant=merchant, livemode=livemode)
    if customer is not None:
        intents = intents.filter(customer_id=customer)
    return intents


def payment_intent_ids_in_flight_since(*, before: datetime, limit: int = 100) -> list[str]:
    """Intents whose processor call started before `before` and was never recorded."""
    return list(PaymentIntent.objects
                .filter(operation__isnull=False, operation_started_at__lt=before)
                .order_by("operation_started_at").values_list("pk", flat=True)[:limit])


def payment_intent_ids_authorization_expired(*, now: datetime, limit: int = 100) -> list[str]:
    """Holds past their `capture_before` on the wall clock. Those of customers on a test
    clock expire when their clock passes it (payment_intents_due_on_test_clock)."""
    return list(PaymentIntent.objects
                .filter(status=PaymentIntent.Status.REQUIRES_CAPTURE, capture_before__lt=now,
                        operation__isnull=True, customer__test_clock__isnull=True)
                .order_by("capture_before").values_list("pk", flat=True)[:limit])


def payment_intent_ids_processing(*, limit: int = 500) -> list[str]:
    """Payments awaiting their settlement; those of customers on a test clock settle as
    their clock advances (payment_intents_due_on_test_clock)."""
    return list(PaymentIntent.objects
                .filter(status=PaymentIntent.Status.PROCESSING, operation__isnull=True,
                        customer__test_clock__isnull=True)
                .order_by("created").values_list("pk", flat=True)[:limit])


def payment_intents_due_on_test_clock(*, clock_id: str, until: datetime,
                                      settles_after: timedelta
                                      ) -> list[tuple[datetime, str, str]]:
    """Payments' own work due on a test clock's customers by `until`, in time order, as
    (due, kind, intent id): holds expiring at their `capture_before` ("expire"), and payments
    whose settlement is due `settles_after` their pending charge ("settle")."""
    intents = PaymentIntent.objects.filter(customer__test_clock_id=clock_id,
                                           operation__isnull=True)
    holds = (intents.filter(status=PaymentIntent.Status.REQUIRES_CAPTURE,
                            capture_before__lte=until)
             .values_list("capture_before", "pk"))
    pending = (intents.filter(status=PaymentIntent.Status.PROCESSING,
                              latest_charge__created__lte=until - settles_after)
               .values_list("latest_charge__created", "pk"))
    return sorted([(due, "expire", pk) for due, pk in holds]
                  + [(started + settles_after, "settle", pk) for started, pk in pending])


# -- charges ---------------------------------------------------------------------------------

def charge_get(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
               param: str = "id") -> Charge:
    charge = (Charge.objects.select_related("payment_method", "payment_intent")
              .filter(pk=id, merchant=merchant, livemode=livemode).first())
    if charge is None:
        raise NotFound(f"No such charge: '{id}'", param=param)
    return charge


def charge_list(*, merchant: Merchant, livemode: bool, payment_intent: str | None = None,
                customer: str | None = None) -> QuerySet[Charge]:
    charges = Charge.objects.select_related("payment_method", "payment_intent").filter(
        merchant=merchant, livemode=livemode)
    if payment_intent is not None:
        charges = charges.filter(payment_intent_id=payment_intent)
    if customer is not None:
        charges = charges.filter(customer_id=customer)
    return charges


def charge_get_locked_by_id(*, id: str) -> Charge:  # noqa: A002
    # Joined, not locked: rendering the charge (its events) reads both.
    return (Charge.objects.select_for_update(of=("self",))
            .select_related("payment_method", "payment_intent").get(pk=id))


# -- setup intents ---------------------------------------------------------------------------

def _setup_intent_missing(id: str) -> NotFound:  # noqa: A002
    return NotFound(f"No such setupintent: '{id}'", param="id")


def setup_intent_get(*, id: str, merchant: Merchant, livemode: bool) -> SetupIntent:  # noqa: A002
    setup_intent = SetupIntent.objects.filter(pk=id, merchant=merchant,
                                              livemode=livemode).first()
    if setup_intent is None:
        raise _setup_intent_missing(id)
    return setup_intent


def setup_intent_get_locked(*, id: str, merchant: Merchant,  # noqa: A002
                            livemode: bool) -> SetupIntent:
    setup_intent = (SetupIntent.objects.select_for_update(of=("self",))
                    .select_related("payment_method")
                    .filter(pk=id, merchant=merchant, livemode=livemode).first())
    if setup_intent is None:
        raise _setup_intent_missing(id)
    return setup_intent


def setup_intent_list(*, merchant: Merchant, livemode: bool, customer: str | None = None,
                      payment_method: str | None = None) -> QuerySet[SetupIntent]:
    setup_intents = SetupIntent.objects.filter(merchant=merchant, livemode=livemode)
    if customer is not None:
        setup_intents = setup_intents.filter(customer_id=customer)
    if payment_method is not None:
        setup_intents = setup_intents.filter(payment_method_id=payment_method)
    return setup_intents


# -- the dashboard ---------------------------------------------------------------------------

@dataclass(frozen=True)
class PaymentIntentFilter:
    """What the dashboard's payments list (and its export) is narrowed to; every filter given
    applies (AND). Amounts are minor units of `currency`; `created_lt` is exclusive."""

    status: str | None = None
    condition: Q | None = None  # a parsed search
    created_gte: datetime | None = None
    created_lt: datetime | None = None
    currency: str | None = None
    amount_gte: int | None = None
    amount_lte: int | None = None
    customer: str | None = None  # a cus_ id
    customer_email: str | None = None
    card_last4: str | None = None


def payment_intent_list_filtered(*, merchant: Merchant, livemode: bool,
                                 filters: PaymentIntentFilter) -> QuerySet[PaymentIntent]:
    """The mode's intents narrowed by `filters` (unordered). The date range, currency, amount
    and status filter the walk down the list index; a customer, an email or a card's last4
    is first resolved to its few rows through their own indexes, so none of them scans."""
    intents = payment_intent_list(merchant=merchant, livemode=livemode,
                                  customer=filters.customer)
    if filters.status is not None:
        intents = intents.filter(status=filters.status)
    if filters.condition is not None:
        intents = intents.filter(filters.condition)
    if filters.created_gte is not None:
        intents = intents.filter(created__gte=filters.created_gte)
    if filters.created_lt is not None:
        intents = intents.filter(created__lt=filters.created_lt)
    if filters.currency is not None:
        intents = intents.filter(currency=filters.currency)
    if filters.amount_gte is not None:
        intents = intents.filter(amount__gte=filters.amount_gte)
    if filters.amount_lte is not None:
        intents = intents.filter(amount__lte=filters.amount_lte)
    if filters.customer_email is not None:
        # As typed, or lowercased (how most are stored): both by the customer_email index.
        # Deleted customers' payments are still theirs.
        emails = {filters.customer_email, filters.customer_email.lower()}
        intents = intents.filter(customer_id__in=Customer.objects.filter(
            merchant=merchant, livemode=livemode, email__in=emails).values("pk"))
    if filters.card_last4 is not None:
        # The card the payment was (last) attempted with, the one the list shows; matched by
        # the payment_method_last4 index, then the intents' payment_method index.
        intents = intents.filter(payment_method_id__in=PaymentMethod.objects.filter(
            merchant=merchant, livemode=livemode, card__last4=filters.card_last4)
            .values("pk"))
    return intents


def payment_intent_list_for_display(*, merchant: Merchant, livemode: bool,
                                    status: str | None = None, customer: str | None = None,
                                    condition: Q | None = None,
                                    filters: PaymentIntentFilter | None = None
                                    ) -> QuerySet[PaymentIntent]:
    """Intents newest first, with the customer, card and latest charge (whose refunds and
    dispute decide the badge) a list shows joined in: one query however many rows.
    `condition` is a parsed search (scoped here, never widened); `filters` the list's
    filters, which the other arguments narrow further."""
    intents = (payment_intent_list_filtered(merchant=merchant, livemode=livemode,
                                            filters=filters or PaymentIntentFilter())
               .select_related("customer", "payment_method", "latest_charge"))
    if customer is not None:
        intents = intents.filter(customer_id=customer)
    if status is not None:
        intents = intents.filter(status=status)
    if condition is not None:
        intents = intents.filter(condition)
    return intents.order_by("-created", "-pk")


# What an export reads of each intent (and of its customer, card and latest charge with
# its balance transaction): columns only, joined in the one query of each chunk.
PAYMENT_INTENT_EXPORT_FIELDS = (
    "id", "created", "livemode", "amount", "currency", "status", "description",
    "statement_descriptor", "invoice_id", "metadata",
    "customer_id", "customer__email",
    "payment_method_id", "payment_method__card_source", "payment_method__card",
    "latest_charge__amount_refunded", "latest_charge__captured",
    "latest_charge__statement_descriptor",
    "latest_charge__balance_transaction__fee",
    "latest_charge__balance_transaction__currency",
)


def payment_intent_export_rows(*, merchant: Merchant, livemode: bool,
                               filters: PaymentIntentFilter, chunk_size: int
                               ) -> Iterator[dict[str, Any]]:
    """The filtered intents newest first as dicts of PAYMENT_INTENT_EXPORT_FIELDS, read
    `chunk_size` at a time by keyset on (created, id): one query per chunk, never more than
    a chunk in memory, and no transaction or server-side cursor held while the caller
    writes them out."""
    intents = payment_intent_list_filtered(merchant=merchant, livemode=livemode,
                                           filters=filters)
    after: tuple[datetime, str] | None = None
    while True:
        chunk = intents
        if after is not None:
            created, pk = after
            chunk = chunk.filter(Q(created__lt=created) | Q(created=created, pk__lt=pk))
        rows = list(chunk.order_by("-created", "-pk")
                    .values(*PAYMENT_INTENT_EXPORT_FIELDS)[:chunk_size])
        yield from rows
        if len(rows) < chunk_size:
            return
        after = (rows[-1]["created"], rows[-1]["id"])


def payment_intent_get_for_display(*, id: str, merchant: Merchant,  # noqa: A002
                                   livemode: bool) -> PaymentIntent:
    """An intent of this merchant and mode with its customer, card and latest charge; else
    a 404."""
    intent = (PaymentIntent.objects.select_related("customer", "payment_method",
                                                   "latest_charge")
              .filter(pk=id, merchant=merchant, livemode=livemode).first())
    if intent is None:
        raise _payment_intent_missing(id)
    return intent


def charge_list_for_payment_intent(*, intent: PaymentIntent) -> QuerySet[Charge]:
    """Every attempt to move money for `intent`, newest first, with its balance transaction
    (the payment page shows its gross, fee and net)."""
    return (Charge.objects.select_related("balance_transaction")
            .filter(payment_intent=intent, merchant_id=intent.merchant_id,
                    livemode=intent.livemode)
            .order_by("-created", "-pk"))


def processor_connection_ids() -> list[int]:
    return list(ProcessorConnection.objects.order_by("pk").values_list("pk", flat=True))


def processor_connection_get_locked(*, pk: int) -> ProcessorConnection:
    return ProcessorConnection.objects.select_for_update().get(pk=pk)


def processor_connection_get(*, merchant: Merchant, livemode: bool
                             ) -> ProcessorConnection | None:
    """The mode's connection, if one is connected."""
    return ProcessorConnection.objects.filter(merchant=merchant, livemode=livemode).first()


def inbound_event_latest(*, connection: ProcessorConnection) -> InboundEvent | None:
    """The last event the processor sent to the connection's inbound URL."""
    return (InboundEvent.objects.filter(connection=connection)
            .order_by("-received_at", "-pk").first())


def processor_connection_for_inbound(*, inbound_id: str) -> ProcessorConnection | None:
    if not inbound_id:
        return None
    return (ProcessorConnection.objects.select_related("merchant")
            .filter(inbound_id=inbound_id).first())


# -- a processor's events in -----------------------------------------------------------------

def inbound_event_ids_unprocessed(*, before: datetime, limit: int = 500) -> list[int]:
    return list(InboundEvent.objects.filter(processed_at__isnull=True, received_at__lt=before)
                .order_by("received_at", "pk").values_list("pk", flat=True)[:limit])


def charge_for_receipt(*, id: str) -> Charge | None:  # noqa: A002
    """A charge for its receipt page (the caller checks the page's token)."""
    return Charge.objects.select_related("merchant").filter(pk=id).first()


def charge_refunds_for_receipt(*, charge: Charge) -> list[Model]:
    """The charge's refunds a receipt lists: those not failed or canceled, oldest first
    (through the reverse relation: refunds sit above payments)."""
    return list(charge.refunds.exclude(status__in=("failed", "canceled"))
                .order_by("created", "pk"))


def payment_intent_ids_of_charges(*, merchant: Merchant, livemode: bool,
                                  charge_ids: list[str]) -> dict[str, str]:
    """Each of the merchant's charges named, to its payment's id (one query)."""
    return dict(Charge.objects.filter(merchant=merchant, livemode=livemode, pk__in=charge_ids)
                .values_list("id", "payment_intent_id"))


# -- figures over time (the dashboard's Home) ----------------------------------------------

# The rollup of charges into ChargeOutcomeTotal (payments.services.charge_outcome_totals).
CHARGE_OUTCOME_TOTALS = "payments.charge_outcome_totals"


def charge_outcomes(*, merchant_id: str, livemode: bool, window: Window,
                    rolled_until: datetime | None = None
                    ) -> dict[str, dict[datetime, tuple[int, int]]]:
    """Per currency, the (succeeded, failed) charges in each bucket of `window` that has
    any: what a success rate is made of. With `rolled_until` (the CHARGE_OUTCOME_TOTALS
    mark, core.rollups.rollup_marks): the hours before it from ChargeOutcomeTotal but those
    rolled up with a charge pending, the rest from the charges. The charges: one aggregate
    over the `charge_home_figures` index, index-only on PostgreSQL: it counts `status`
    (never NULL, so as many as ids), which the index carries, where counting `id` would
    read every row."""
    scope = {"merchant_id": merchant_id, "livemode": livemode}
    pending: list[datetime] = []
    if rolled_until is not None and rolled_until > window.start:
        pending = list(ChargeOutcomeTotal.objects
                       .filter(**scope, minutes=60, pending__gt=0,
                               bucket__gte=window.start - timedelta(hours=1),
                               bucket__lt=min(window.end, rolled_until))
                       .values_list("bucket", flat=True))
    plan = rollup_plan(window, rolled_until, live_hours=pending)
    rows: list[dict] = []
    if (source := plan.source("created")) is not None:
        rows += (Charge.objects
                 .filter(source, **scope,
                         status__in=(Charge.Status.SUCCEEDED, Charge.Status.FAILED))
                 .annotate(bucket=window.trunc("created"))
                 .values("currency", "bucket")
                 .annotate(ok=Count("status", filter=Q(status=Charge.Status.SUCCEEDED)),
                           ko=Count("status", filter=Q(status=Charge.Status.FAILED)))
                 .order_by())
    for totals, sign in plan.totals():
        rows += ({**row, "bucket": row["day"], "ok": sign * row["ok"], "ko": sign * row["ko"]}
                 for row in ChargeOutcomeTotal.objects
                 .filter(totals, **scope)
                 .annotate(day=window.trunc("bucket"))
                 .values("currency", "day")
                 .annotate(ok=Sum("succeeded"), ko=Sum("failed"))
                 .order_by())
    outcomes: dict[str, dict[datetime, tuple[int, int]]] = {}
    for row in rows:
        found = outcomes.setdefault(row["currency"], {})
        succeeded, failed = found.get(row["bucket"], (0, 0))
        found[row["bucket"]] = (succeeded + row["ok"], failed + row["ko"])
    return {currency: {bucket: pair for bucket, pair in buckets.items() if any(pair)}
            for currency, buckets in outcomes.items()}


def test_clocks_used(*, merchant_id: str) -> bool:
    """Whether the merchant ever made a test clock (deleted ones stay as tombstones): the
    rows of a test clock's customers are made at its frozen time, in any hour, even one
    already rolled up, so its test mode's figures are summed from the rows."""
    return TestClock.objects.filter(merchant_id=merchant_id).exists()


def customers_created(*, merchant_id: str, livemode: bool, window: Window
                      ) -> dict[datetime, int]:
    """The customers created in each bucket of `window` that has any."""
    rows = (Customer.objects
            .filter(merchant_id=merchant_id, livemode=livemode,
                    created__gte=window.start, created__lt=window.end)
            .annotate(bucket=window.trunc("created"))
            .values("bucket").annotate(n=Count("id")).order_by())
    return {row["bucket"]: row["n"] for row in rows}
