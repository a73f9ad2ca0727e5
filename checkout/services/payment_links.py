"""Payment Links: create, update, and the Checkout Session each visit opens.

A link holds prices and quantities, never amounts: each visit's session prices them as they
are then. Its `restrictions.completed_sessions.limit` is counted as sessions complete, under
the link's lock (after the session's): the completion that reaches the limit deactivates it.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from billing import selectors as billing_selectors
from billing.models import Price
from checkout import selectors
from checkout.models import CheckoutSession, PaymentLink, PaymentLinkLineItem
from checkout.services.sessions import (
    AdjustableQuantity,
    LineItemSpec,
    SubscriptionData,
    adjustable_rendered,
    checkout_session_create,
    line_items_check,
    payment_link_limit_reached,
    subscription_data_kept,
)
from core.actor import TILL, Actor
from core.exceptions import InvalidParameter, InvalidState
from core.metadata import MetadataUpdate, metadata_apply
from core.types import NOT_GIVEN, Maybe
from core.wire import render
from merchants.models import Merchant
from webhooks.services import EventSpec, events_record, previous_attributes

Mode = CheckoutSession.Mode
MAX_LINE_ITEMS = 20


@dataclass(frozen=True)
class AfterCompletion:
    type: str = PaymentLink.AfterCompletion.HOSTED_CONFIRMATION
    redirect_url: str | None = None
    confirmation_message: str | None = None


def payment_link_create(
        *, merchant: Merchant, livemode: bool, actor: Actor, line_items: list[LineItemSpec],
        after_completion: AfterCompletion | None = None, customer_creation: str | None = None,
        completed_sessions_limit: int | None = None, submit_type: str | None = None,
        payment_intent_data: dict[str, Any] | None = None,
        subscription_data: SubscriptionData | None = None,
        save_card_and_make_default: bool = False,
        metadata: MetadataUpdate | None = None) -> PaymentLink:
    """Creates an active link (`payment_link.created`), its line items checked as a Checkout
    Session checks them: one-time prices open payment-mode sessions; with a recurring price
    the link starts subscriptions (subscription mode: `subscription_data`, no
    `payment_intent_data`, as Stripe's)."""
    if not line_items:
        raise InvalidParameter("Missing required param: line_items.", code="parameter_missing",
                               param="line_items")
    if len(line_items) > MAX_LINE_ITEMS:
        raise InvalidParameter(f"A payment link can have at most {MAX_LINE_ITEMS} line items.",
                               param="line_items")
    if any(spec.price_data is not None for spec in line_items):
        raise InvalidParameter("A payment link's line items take a `price`.",
                               param="line_items[0][price]")
    mode = _link_mode(line_items, merchant=merchant, livemode=livemode)
    if mode == Mode.SUBSCRIPTION and payment_intent_data:
        raise InvalidParameter("`payment_intent_data` cannot be used with recurring prices: "
                               "use `subscription_data`.", param="payment_intent_data")
    if mode == Mode.PAYMENT and subscription_data is not None:
        raise InvalidParameter("`subscription_data` can only be used with recurring prices.",
                               param="subscription_data")
    lines = line_items_check(line_items, mode=mode, merchant=merchant, livemode=livemode)
    completion = _after_completion_check(after_completion or AfterCompletion())
    link = PaymentLink(
        merchant=merchant, livemode=livemode, currency=lines[0].currency,
        after_completion_type=completion.type, redirect_url=completion.redirect_url,
        confirmation_message=completion.confirmation_message,
        customer_creation=customer_creation or CheckoutSession.CustomerCreation.IF_REQUIRED,
        completed_sessions_limit=_limit_check(completed_sessions_limit),
        submit_type=submit_type, payment_intent_data=payment_intent_data or {},
        mode=mode, subscription_data=subscription_data_kept(subscription_data),
        save_card_and_make_default=save_card_and_make_default,
        metadata=metadata_apply({}, metadata))
    with transaction.atomic(durable=True):
        link.save()
        PaymentLinkLineItem.objects.bulk_create([PaymentLinkLineItem(
            link=link, position=position, price=line.price, quantity=line.spec.quantity,
            adjustable_quantity=adjustable_rendered(line.spec))
            for position, line in enumerate(lines)])
        events_record(EventSpec("payment_link.created", link, payload=render(link)))
    return link


def _link_mode(specs: list[LineItemSpec], *, merchant: Merchant, livemode: bool) -> str:
    """Subscription mode when any of the link's prices is recurring, else payment mode."""
    for index, spec in enumerate(specs):
        price = billing_selectors.price_get(id=spec.price, merchant=merchant,
                                            livemode=livemode,
                                            param=f"line_items[{index}][price]")
        if price.type == Price.Type.RECURRING:
            return Mode.SUBSCRIPTION
    return Mode.PAYMENT


def _after_completion_check(completion: AfterCompletion) -> AfterCompletion:
    if completion.type == PaymentLink.AfterCompletion.REDIRECT and not completion.redirect_url:
        raise InvalidParameter("Missing required param: after_completion[redirect][url].",
                               code="parameter_missing", param="after_completion[redirect][url]")
    return completion


def _limit_check(limit: int | None) -> int | None:
    if limit is not None and limit < 1:
        raise InvalidParameter("`restrictions[completed_sessions][limit]` must be at least 1.",
                               param="restrictions[completed_sessions][limit]")
    return limit


def payment_link_update(
        *, id: str, merchant: Merchant, livemode: bool, actor: Actor,  # noqa: A002
        active: Maybe[bool] = NOT_GIVEN,
        after_completion: Maybe[AfterCompletion] = NOT_GIVEN,
        completed_sessions_limit: Maybe[int | None] = NOT_GIVEN,
        metadata: MetadataUpdate | None = None) -> PaymentLink:
    """Updates a link under its row lock (`payment_link.updated` with the old values, only
    when something changed). Deactivated, it opens no new session; sessions already open
    may still complete. Reactivating a link whose limit is reached is refused."""
    with transaction.atomic(durable=True):
        link = selectors.payment_link_get_locked(id=id, merchant=merchant, livemode=livemode)
        before = render(link)
        if completed_sessions_limit is not NOT_GIVEN:
            link.completed_sessions_limit = _limit_check(completed_sessions_limit)
        if after_completion is not NOT_GIVEN:
            completion = _after_completion_check(after_completion)
            link.after_completion_type = completion.type
            link.redirect_url = completion.redirect_url
            link.confirmation_message = completion.confirmation_message
        if active is not NOT_GIVEN:
            if active and payment_link_limit_reached(link):
                raise InvalidState("This payment link has reached its "
                                   "`restrictions[completed_sessions][limit]`: raise the limit "
                                   "to reactivate it.", param="active")
            link.active = active
        link.metadata = metadata_apply(link.metadata, metadata)
        link.save()
        after = render(link)
        changed = previous_attributes(before, after)
        if changed:
            events_record(EventSpec("payment_link.updated", link, payload=after,
                                    previous_attributes=changed))
    return link


def payment_link_session_open(*, link: PaymentLink) -> CheckoutSession:
    """A visit: a new Checkout Session for the link's line items, as they are priced now;
    its success URL is the link's redirect (with `{CHECKOUT_SESSION_ID}` left for the page to
    fill in), or None for Till's confirmation page. An inactive link opens nothing."""
    if not link.active:
        raise InvalidState("This payment link is no longer active.", param="payment_link")
    items = selectors.payment_link_line_items(link=link)
    specs = [LineItemSpec(price=item.price_id, quantity=item.quantity,
                          adjustable_quantity=AdjustableQuantity(**item.adjustable_quantity)
                          if item.adjustable_quantity else None) for item in items]
    redirect = (link.redirect_url
                if link.after_completion_type == PaymentLink.AfterCompletion.REDIRECT else None)
    if link.mode == Mode.SUBSCRIPTION:
        data = link.subscription_data
        return checkout_session_create(
            merchant=link.merchant, livemode=link.livemode, actor=TILL, mode=link.mode,
            line_items=specs, success_url=redirect, submit_type=link.submit_type,
            subscription_data=SubscriptionData(
                trial_period_days=data.get("trial_period_days"),
                description=data.get("description"), metadata=data.get("metadata") or None),
            save_card_and_make_default=link.save_card_and_make_default, payment_link=link)
    return checkout_session_create(
        merchant=link.merchant, livemode=link.livemode, actor=TILL, mode=Mode.PAYMENT,
        line_items=specs, success_url=redirect, customer_creation=link.customer_creation,
        capture_method=link.payment_intent_data.get("capture_method"),
        setup_future_usage=link.payment_intent_data.get("setup_future_usage"),
        payment_intent_data=_intent_data(link), submit_type=link.submit_type,
        save_card_and_make_default=link.save_card_and_make_default, payment_link=link)


def _intent_data(link: PaymentLink) -> dict[str, Any]:
    return {key: value for key, value in link.payment_intent_data.items()
            if key not in ("capture_method", "setup_future_usage")}
