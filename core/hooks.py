"""Outcome hooks: how payments tells the apps above it what became of a payment, and how a
test clock's advance reaches the apps whose work runs on it.

Payments imports nothing above itself. An app that needs to act when a payment intent
succeeds, fails, needs an action or is canceled (billing's invoice, a checkout session, the
dispute a disputing card's bank opens) registers a handler at start-up, for every intent or
for the intents of one `purpose`. Payments dispatches inside the transaction that records the
outcome, with the intent and charge locked, so the handler's writes commit or roll back with
the outcome itself: an invoice becomes paid atomically with its payment.

Handlers must not call a processor or anything remote; they may schedule such work with
`transaction.on_commit`.
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any


class PaymentOutcome(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # declined, or authentication failed: back to requires_payment_method
    REQUIRES_ACTION = "requires_action"
    CANCELED = "canceled"


@dataclass(frozen=True, slots=True)
class PaymentOutcomeEvent:
    intent: Any  # payments.PaymentIntent, locked
    outcome: PaymentOutcome
    charge: Any | None  # the attempt's payments.Charge, locked where it exists


Handler = Callable[[PaymentOutcomeEvent], None]

# purpose (None: every intent) -> handlers, in registration order.
_handlers: dict[str | None, list[Handler]] = defaultdict(list)


def on_payment_outcome(*, purpose: str | None = None) -> Callable[[Handler], Handler]:
    """Registers the decorated function for the outcomes of intents of `purpose` (the
    intent's `purpose` field, set by the app that created it: "invoice"), or of every intent
    when None. Registering the same function twice keeps one."""

    def register(handler: Handler) -> Handler:
        if handler not in _handlers[purpose]:
            _handlers[purpose].append(handler)
        return handler

    return register


def payment_outcome_dispatch(*, intent: Any, outcome: PaymentOutcome,
                             charge: Any | None = None) -> None:
    """Calls the handlers for this outcome, in the caller's transaction: those for every
    intent, then those for the intent's `purpose`."""
    event = PaymentOutcomeEvent(intent=intent, outcome=outcome, charge=charge)
    for handler in _handlers[None]:
        handler(event)
    # "" is a plain payment: only the handlers for every intent.
    if intent.purpose:
        for handler in _handlers.get(intent.purpose, ()):
            handler(event)


# -- test clocks -----------------------------------------------------------------------------
# A test clock (payments.TestClock) advancing to a new time calls these handlers, in
# registration order, from its Celery task, with core.clock bound to the target time: each
# brings its own objects on the clock's customers up to `until`, stepping through its own due
# times in order (binding the clock to each: `clock.bound(due)`), in transactions of its own.
# A handler must be safe to run twice up to the same time (a redelivered task runs it
# again); one that raises leaves the clock `internal_failure`. Payments registers the first
# (authorizations expiring, payments settling); billing's engine registers its renewals.

AdvanceHandler = Callable[..., None]  # handler(*, clock_id, merchant_id, livemode, until)

_advance_handlers: list[AdvanceHandler] = []


def on_test_clock_advance(handler: AdvanceHandler) -> AdvanceHandler:
    """Registers `handler(*, clock_id: str, merchant_id: str, livemode: bool,
    until: datetime)` for every test clock's advance (usable as a decorator). Registering the
    same function twice keeps one."""
    if handler not in _advance_handlers:
        _advance_handlers.append(handler)
    return handler


def test_clock_advance_dispatch(*, clock_id: str, merchant_id: str, livemode: bool,
                                until: datetime) -> None:
    """Calls every advance handler for one clock, in registration order; the first that
    raises stops the advance (the caller records the failure)."""
    for handler in list(_advance_handlers):
        handler(clock_id=clock_id, merchant_id=merchant_id, livemode=livemode, until=until)


# An app may also bound how far one advance goes (billing: two intervals of the shortest
# subscription on the clock, as Stripe limits it). Each limit answers the latest frozen time
# it allows from the clock's current one, or None for no bound of its own.

AdvanceLimit = Callable[..., datetime | None]  # limit(*, clock_id, frozen_time)

_advance_limits: list[AdvanceLimit] = []


def on_test_clock_advance_limit(limit: AdvanceLimit) -> AdvanceLimit:
    """Registers `limit(*, clock_id: str, frozen_time: datetime) -> datetime | None`.
    Registering twice keeps one."""
    if limit not in _advance_limits:
        _advance_limits.append(limit)
    return limit


def test_clock_advance_limit(*, clock_id: str, frozen_time: datetime) -> datetime | None:
    """The earliest of the registered limits for one clock at `frozen_time` (None: none)."""
    bounds = [bound for limit in list(_advance_limits)
              if (bound := limit(clock_id=clock_id, frozen_time=frozen_time)) is not None]
    return min(bounds, default=None)


# -- a customer's new default payment method ---------------------------------------------------
# When a customer's `invoice_settings.default_payment_method` changes to a payment method,
# payments calls these handlers after its transaction commits, outside any lock, so an app
# above it can act on the new card (billing retries a past-due subscription's open invoice at
# once). A handler may call a processor; it must not raise (the customer's update is done).

DefaultPaymentMethodHandler = Callable[..., None]  # handler(*, customer_id, payment_method_id)

_default_payment_method_handlers: list[DefaultPaymentMethodHandler] = []


def on_default_payment_method_change(
        handler: DefaultPaymentMethodHandler) -> DefaultPaymentMethodHandler:
    """Registers `handler(*, customer_id: str, payment_method_id: str)` for every customer's
    new default payment method (usable as a decorator). Registering twice keeps one."""
    if handler not in _default_payment_method_handlers:
        _default_payment_method_handlers.append(handler)
    return handler


def default_payment_method_change_dispatch(*, customer_id: str,
                                           payment_method_id: str) -> None:
    """Calls every handler for a customer's new default payment method, in registration
    order (after the change committed)."""
    for handler in list(_default_payment_method_handlers):
        handler(customer_id=customer_id, payment_method_id=payment_method_id)


# -- a customer deleted ------------------------------------------------------------------------
# When a customer is deleted (by the API, or with its test clock), payments calls these
# handlers after its transaction commits, outside any lock: billing cancels the customer's
# subscriptions, as Stripe does. A handler must not raise (the deletion is done); what a crash
# leaves undone the app must finish itself (billing's engine never renews a deleted
# customer's subscription: it cancels it).

CustomerDeletedHandler = Callable[..., None]  # handler(*, customer_id)

_customer_deleted_handlers: list[CustomerDeletedHandler] = []


def on_customer_deleted(handler: CustomerDeletedHandler) -> CustomerDeletedHandler:
    """Registers `handler(*, customer_id: str)` for every deleted customer (usable as a
    decorator). Registering twice keeps one."""
    if handler not in _customer_deleted_handlers:
        _customer_deleted_handlers.append(handler)
    return handler


def customer_deleted_dispatch(*, customer_id: str) -> None:
    """Calls every handler for a deleted customer, in registration order (after the
    deletion committed)."""
    for handler in list(_customer_deleted_handlers):
        handler(customer_id=customer_id)


# -- a processor's own events ----------------------------------------------------------------
# An event a real processor sent Till (Stripe's webhooks, stored by payments as InboundEvent)
# is applied by the app that owns its object: payments for payment intents, refunds for
# refunds. Each registers a handler for the event types it applies; payments' task calls it
# with the connection (payments.ProcessorConnection) and the event's `data.object`. The
# handler re-reads the object from the processor (never trusting the event's copy: deliveries
# come late, twice or out of order), records only a forward change through its own services,
# and returns a ProcessorEventResult. It runs outside any transaction (it may call the
# processor); raising leaves the event for the retry sweep.


@dataclass(frozen=True, slots=True)
class ProcessorEventResult:
    result: str  # "applied", "unchanged" or "ignored" (payments.InboundEvent.Result)
    note: str = ""


ProcessorEventHandler = Callable[..., ProcessorEventResult]  # handler(*, connection, obj)

_processor_event_handlers: dict[str, ProcessorEventHandler] = {}


def on_processor_event(*types: str) -> Callable[[ProcessorEventHandler], ProcessorEventHandler]:
    """Registers the decorated function for the processor's event `types` (one handler a
    type: the app owning its object)."""

    def register(handler: ProcessorEventHandler) -> ProcessorEventHandler:
        for type_ in types:
            _processor_event_handlers[type_] = handler
        return handler

    return register


def processor_event_dispatch(*, type: str, connection: Any,  # noqa: A002 - Stripe's name
                             obj: dict[str, Any]) -> ProcessorEventResult:
    """Applies one processor event through its type's handler; a type none applies is
    ignored."""
    handler = _processor_event_handlers.get(type)
    if handler is None:
        return ProcessorEventResult("ignored", f"Till does not apply {type} events.")
    return handler(connection=connection, obj=obj)


# -- a customer's discount: billing's, on payments' customers --------------------------------
# A customer takes Stripe's `coupon` / `promotion_code` and shows its `discount`; coupons and
# discounts are billing's, which payments may not import. Billing registers how a discount
# is applied to a customer and how it is shown; payments calls them.

@dataclass(frozen=True, slots=True)
class CustomerDiscountHandlers:
    # apply(*, customer, coupon, promotion_code): in the caller's transaction, the customer
    # locked (or just saved); sets or replaces (both None: removes) its discount, or raises
    # the domain's refusal.
    apply: Callable[..., None]
    # render(customer) -> the wire form of its discount, or None.
    render: Callable[[Any], dict[str, Any] | None]


_customer_discount: list[CustomerDiscountHandlers] = []


def customer_discount_register(handlers: CustomerDiscountHandlers) -> None:
    _customer_discount[:] = [handlers]


def customer_discount_apply(*, customer: Any, coupon: str | None,
                            promotion_code: str | None) -> None:
    if not _customer_discount:
        raise LookupError("No customer discount handlers are registered; is billing "
                          "installed?")
    _customer_discount[0].apply(customer=customer, coupon=coupon,
                                promotion_code=promotion_code)


def customer_discount_render(customer: Any) -> dict[str, Any] | None:
    """The customer's discount as the wire shows it (None without one, or without billing)."""
    if not _customer_discount:
        return None
    return _customer_discount[0].render(customer)
