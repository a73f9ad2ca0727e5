"""Payment objects made the way a merchant makes them: over the wire, with Stripe's test cards.

Each helper asserts the request worked, so a test reads as its scenario, not as plumbing.
"""

from datetime import date
from typing import Any
from urllib.parse import urlsplit

from core.ids import random_token
from merchants.models import ApiKey, hash_api_key
from payments.models import Charge, PaymentIntent, PaymentMethod
from tests.conftest import Api
from webhooks.models import Event

NEXT_YEAR = date.today().year + 1  # noqa: DTZ011 - a card's expiry is a calendar year
RETURN_URL = "https://shop.example.test/checkout/done?order=42"


def ok(response) -> dict[str, Any]:
    assert response.status_code == 200, response.content
    return response.json()


def card_payment_method(api: Api, number: str = "4242424242424242", *, cvc: str | None = "123",
                        exp_month: int = 12, exp_year: int = NEXT_YEAR,
                        **params: Any) -> dict[str, Any]:
    """A card PaymentMethod from a raw number, as Stripe.js would send it in test mode."""
    card: dict[str, Any] = {"number": number, "exp_month": exp_month, "exp_year": exp_year}
    if cvc is not None:
        card["cvc"] = cvc
    return ok(api.post("/v1/payment_methods", {"type": "card", "card": card, **params}))


def token_payment_method(api: Api, token: str = "tok_visa") -> dict[str, Any]:  # noqa: S107
    return ok(api.post("/v1/payment_methods", {"type": "card", "card": {"token": token}}))


def customer(api: Api, **params: Any) -> dict[str, Any]:
    return ok(api.post("/v1/customers", {"email": "jenny@example.test", **params}))


def attach(api: Api, payment_method_id: str, customer_id: str) -> dict[str, Any]:
    return ok(api.post(f"/v1/payment_methods/{payment_method_id}/attach",
                       {"customer": customer_id}))


def intent(api: Api, amount: int = 2000, currency: str = "usd", **params: Any) -> dict[str, Any]:
    """A PaymentIntent created (and, with confirm=True, confirmed) successfully."""
    return ok(api.post("/v1/payment_intents",
                       {"amount": amount, "currency": currency, **params}))


def paid_intent(api: Api, payment_method: str = "pm_card_visa", **params: Any) -> dict[str, Any]:
    paid = intent(api, payment_method=payment_method, confirm=True, **params)
    assert paid["status"] == "succeeded", paid
    return paid


def authorized_intent(api: Api, payment_method: str = "pm_card_visa",
                      **params: Any) -> dict[str, Any]:
    held = intent(api, payment_method=payment_method, confirm=True, capture_method="manual",
                  **params)
    assert held["status"] == "requires_capture", held
    return held


def confirm(api: Api, intent_id: str, **params: Any):
    return api.post(f"/v1/payment_intents/{intent_id}/confirm", params)


def event_types(object_id: str) -> list[str]:
    """The types of the events recorded about one object, oldest first."""
    return list(Event.objects.filter(data__object__id=object_id)
                .order_by("created").values_list("type", flat=True))


def secret_key_id(account, livemode: bool = False) -> str:
    return ApiKey.objects.get(merchant=account.merchant, livemode=livemode,
                              kind=ApiKey.Kind.SECRET).id


def another_secret_key(account, livemode: bool = False) -> Api:
    """A second, independent secret key of the account's mode (a colleague's server, say):
    not rolled from or into the first. A client with it."""
    key = ApiKey(merchant=account.merchant, livemode=livemode, kind=ApiKey.Kind.SECRET)
    token = key.prefix + random_token(48)
    key.key_hash = hash_api_key(token)
    key.redacted = f"{key.prefix}…{token[-4:]}"
    key.save()
    return Api(token)


def row_counts() -> tuple[int, int, int]:
    return (PaymentMethod.objects.count(), PaymentIntent.objects.count(),
            Charge.objects.count())


def challenge_path(paying: dict[str, Any]) -> str:
    """The 3-D Secure page an intent in `requires_action` sends the cardholder to."""
    action = paying["next_action"]
    url = (action["redirect_to_url"]["url"] if action["type"] == "redirect_to_url"
           else action["use_stripe_sdk"]["stripe_js"])
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def authenticate(browser, paying: dict[str, Any], outcome: str = "complete"):
    """The cardholder opens the challenge and answers it (`complete` or `fail`)."""
    path = challenge_path(paying)
    shown = browser.get(path)
    assert shown.status_code == 200, shown.content
    return browser.post(path.split("?")[0], {"client_secret": paying["client_secret"],
                                             "outcome": outcome})
