"""What the payments services share: the client-secret proof, 3-D Secure's next action,
a decline as the domain's card error, the amount limits, a confirmation's options, and the
checks and markers of an intent's phased operations (confirm, capture, cancel)."""

import hmac
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse

from core.exceptions import (
    InvalidParameter,
    InvalidRequest,
    InvalidState,
    ObjectBusy,
    PaymentDeclined,
)
from core.money import MAXIMUM_AMOUNT, THREE_DECIMAL_CURRENCIES, format_money, minimum_amount
from payments.models import PaymentIntent, SetupIntent
from payments.processors.base import Decline


def client_secret_check(*, intent: PaymentIntent | SetupIntent,
                        client_secret: str | None) -> None:
    """With a publishable key, the client secret is the caller's proof of the intent (None:
    a secret key, which needs no proof). Compared in constant time."""
    if client_secret is not None and not hmac.compare_digest(
            client_secret.encode(), intent.client_secret.encode()):
        name = "PaymentIntent" if isinstance(intent, PaymentIntent) else "SetupIntent"
        raise InvalidRequest(
            f"The client_secret provided does not match the client_secret associated with "
            f"the {name}.", code="payment_intent_invalid_parameter"
            if name == "PaymentIntent" else None, param="client_secret")


def next_action(intent: PaymentIntent | SetupIntent, *, page: str) -> dict:
    """3-D Secure on Till's challenge page: a redirect to it when the intent has a
    `return_url`, else Stripe's `use_stripe_sdk` shape around the same address."""
    url = settings.TILL_PUBLIC_URL + reverse(page, args=[intent.id]) + (
        f"?client_secret={intent.client_secret}")
    if intent.return_url:
        return {"type": "redirect_to_url",
                "redirect_to_url": {"url": url, "return_url": intent.return_url}}
    return {"type": "use_stripe_sdk",
            "use_stripe_sdk": {"type": "three_d_secure_redirect", "stripe_js": url,
                               "source": intent.id}}


def decline_error(decline: Decline, **related: Any) -> PaymentDeclined:
    return PaymentDeclined(decline.message, code=decline.code,
                           decline_code=decline.decline_code, param=decline.param,
                           advice_code=decline.advice_code, **related)


def check_amount(amount: int, currency: str) -> None:
    """Stripe's limits: at least about US$0.50 in the currency, at most eight digits."""
    least = minimum_amount(currency)
    if amount < least:
        raise InvalidParameter(f"Amount must be at least {format_money(least, currency)}",
                               code="amount_too_small", param="amount")
    if amount > MAXIMUM_AMOUNT:
        raise InvalidParameter(
            f"Amount must be no more than {format_money(MAXIMUM_AMOUNT, currency)}",
            code="amount_too_large", param="amount")
    if currency in THREE_DECIMAL_CURRENCIES and amount % 10:
        raise InvalidParameter(
            f"Amounts in {currency.upper()} must be a multiple of 10 minor units: card "
            "networks settle three-decimal currencies to two decimals.",
            code="invalid_amount", param="amount")


@dataclass(frozen=True, slots=True)
class ConfirmOptions:
    """What a confirmation may set besides the payment method."""

    return_url: str | None = None
    off_session: bool = False
    setup_future_usage: str | None = None
    error_on_requires_action: bool = False
    receipt_email: str | None = None
    capture_method: str | None = None


# -- an intent's phased operations ---------------------------------------------------------

CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "requires_action")
CAPTURABLE = ("requires_capture",)
CANCELABLE = ("requires_payment_method", "requires_capture", "requires_confirmation",
              "requires_action")


def unexpected_state(intent: PaymentIntent, action: str, allowed: tuple[str, ...]
                     ) -> InvalidState:
    done = {"confirm": "confirmed", "capture": "captured", "cancel": "canceled"}[action]
    return InvalidState(
        f"You cannot {action} this PaymentIntent because it has a status of {intent.status}. "
        f"Only a PaymentIntent with one of the following statuses may be {done}: "
        f"{', '.join(allowed)}.", code="payment_intent_unexpected_state",
        payment_intent=intent)


def refuse_if_busy(intent: PaymentIntent) -> None:
    if intent.operation is not None:
        raise ObjectBusy


def attempt_in_flight(operation: str, attempt: int):
    """core.phases.phased's `in_flight`: the locked intent still carries this attempt."""
    def check(intent: PaymentIntent) -> bool:
        return intent.operation == operation and intent.attempt == attempt
    return check


def already_recorded(intent: PaymentIntent) -> tuple[PaymentIntent, None]:
    """core.phases.phased's `recorded`: another process recorded the answer."""
    return intent, None
