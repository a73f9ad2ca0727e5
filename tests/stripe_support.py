"""What the Stripe processor's tests share: a mode connected to a Stripe account (at
localstripe or a recorded server), and cards made at Stripe as Stripe.js makes them."""

from typing import Any

from core.actor import TILL
from core.ids import random_token
from payments import services
from payments.models import PaymentIntent, ProcessorCall, ProcessorConnection
from tests.conftest import Account


def stripe_keys(livemode: bool = False) -> tuple[str, str]:
    mode = "live" if livemode else "test"
    return f"sk_{mode}_{random_token(24)}", f"pk_{mode}_{random_token(24)}"


def stripe_connect(account: Account, *, livemode: bool = False) -> ProcessorConnection:
    secret, publishable = stripe_keys(livemode)
    return services.processor_connect(merchant=account.merchant, livemode=livemode, actor=TILL,
                                      secret_key=secret, publishable_key=publishable)


def stripe_card(stripe_sdk, number: str = "4242424242424242") -> str:
    """A card tokenized at Stripe, as Stripe.js does in the customer's browser: its pm_…"""
    return stripe_sdk.v1.payment_methods.create(params={
        "type": "card",
        "card": {"number": number, "exp_month": 12, "exp_year": 2030, "cvc": "123"}}).id


def stripe_intent_of(stripe_sdk, intent_id: str) -> Any:
    """The Stripe PaymentIntent behind Till's intent (its latest charge's reference)."""
    reference = PaymentIntent.objects.select_related("latest_charge").get(
        pk=intent_id).latest_charge.processor_reference
    return stripe_sdk.v1.payment_intents.retrieve(reference)


def stripe_intents_for(stripe_sdk, intent_id: str) -> list[Any]:
    """Every Stripe PaymentIntent made for Till's intent (by the metadata Till sets)."""
    listed = stripe_sdk.v1.payment_intents.list(params={"limit": 100})
    return [each for each in listed.auto_paging_iter()
            if (each.to_dict().get("metadata") or {}).get("till_payment_intent") == intent_id]


def calls(operation: str | None = None) -> list[ProcessorCall]:
    rows = ProcessorCall.objects.order_by("created", "pk")
    return list(rows.filter(operation=operation) if operation else rows)
