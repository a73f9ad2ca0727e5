"""What a publishable key sees of an intent it opened with the client secret.

A publishable key lives in the customer's browser and the client secret in the page, so
whoever holds the page may read the intent: only the fields Stripe marks "retrievable with
publishable key", never the merchant's metadata, the customer, the charge's risk or the
card's billing details. The same holds for the intent inside an error (a 402 card error
carries it) and for the payment method inside `last_payment_error`. Such a key cannot
`expand[]` anything.
"""

from typing import Any

from api.errors import ApiError, ParameterError, as_api_error
from merchants.models import ApiKey

PAYMENT_INTENT_FIELDS = frozenset({
    "id", "object", "amount", "automatic_payment_methods", "canceled_at",
    "cancellation_reason", "capture_method", "client_secret", "confirmation_method",
    "created", "currency", "description", "last_payment_error", "livemode", "next_action",
    "payment_method", "payment_method_types", "processing", "receipt_email",
    "setup_future_usage", "shipping", "status",
})
SETUP_INTENT_FIELDS = frozenset({
    "id", "object", "automatic_payment_methods", "cancellation_reason", "client_secret",
    "created", "description", "last_setup_error", "livemode", "next_action",
    "payment_method", "payment_method_types", "status", "usage",
})
# What a page needs of a card to say which one was declined: no billing details, no
# customer, no fingerprint, no metadata.
PAYMENT_METHOD_FIELDS = frozenset({"id", "object", "type"})
CARD_FIELDS = frozenset({"brand", "country", "display_brand", "exp_month", "exp_year",
                         "funding", "last4"})

EXPAND_REFUSED = ("A publishable API key cannot expand objects: remove `expand` from this "
                  "request, or make it from your server with a secret API key.")


def _payment_method(data: Any) -> Any:
    if not isinstance(data, dict):
        return data  # an id
    shown = {key: value for key, value in data.items() if key in PAYMENT_METHOD_FIELDS}
    if isinstance(data.get("card"), dict):
        shown["card"] = {key: value for key, value in data["card"].items()
                         if key in CARD_FIELDS}
    return shown


def _last_error(error: Any) -> Any:
    if not isinstance(error, dict) or "payment_method" not in error:
        return error
    return {**error, "payment_method": _payment_method(error["payment_method"])}


def _restricted(data: dict[str, Any], fields: frozenset[str]) -> dict[str, Any]:
    shown = {key: value for key, value in data.items() if key in fields}
    if isinstance(shown.get("payment_method"), dict):
        shown["payment_method"] = shown["payment_method"].get("id")
    for name in ("last_payment_error", "last_setup_error"):
        if name in shown:
            shown[name] = _last_error(shown[name])
    return shown


def payment_intent_for_publishable_key(data: dict[str, Any]) -> dict[str, Any]:
    """A rendered PaymentIntent cut down to what a publishable key may read."""
    return _restricted(data, PAYMENT_INTENT_FIELDS)


def setup_intent_for_publishable_key(data: dict[str, Any]) -> dict[str, Any]:
    """A rendered SetupIntent cut down to what a publishable key may read."""
    return _restricted(data, SETUP_INTENT_FIELDS)


def error_for_publishable_key(exc: ApiError) -> ApiError:
    """The same error, its intent and payment method cut down the same way."""
    extra = exc.extra
    if isinstance(extra.get("payment_intent"), dict):
        extra["payment_intent"] = payment_intent_for_publishable_key(extra["payment_intent"])
    if isinstance(extra.get("setup_intent"), dict):
        extra["setup_intent"] = setup_intent_for_publishable_key(extra["setup_intent"])
    if "payment_method" in extra:
        extra["payment_method"] = _payment_method(extra["payment_method"])
    return exc


class PublishableKeyView:
    """For the ApiView of an intent's retrieve or confirm: a publishable key (which has
    shown the client secret) gets `publishable_render` of the object and of any error's
    objects, and no `expand[]`."""

    publishable_render: Any  # a staticmethod: one of the *_for_publishable_key functions
    # Known once the key is authenticated (an error before that has nothing to cut).
    is_publishable = False

    def initial(self, request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        self.is_publishable = request.auth.kind == ApiKey.Kind.PUBLISHABLE
        if self.is_publishable:
            self.folds_idempotency = None  # its response is cut (below), not the stored one

    def expand(self, serializer, *, is_list: bool = False) -> dict[str, dict]:
        if self.is_publishable and self.raw_params.get("expand") not in (None, "", []):
            raise ParameterError(EXPAND_REFUSED, param="expand")
        return super().expand(serializer, is_list=is_list)

    def respond(self, obj: Any, serializer, *, status: int = 200):
        response = super().respond(obj, serializer, status=status)
        if self.is_publishable:
            response.data = self.publishable_render(response.data)
        return response

    def handle_exception(self, exc: Exception):
        exc = as_api_error(exc)
        if self.is_publishable and isinstance(exc, ApiError):
            error_for_publishable_key(exc)
        return super().handle_exception(exc)
