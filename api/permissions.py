"""Restricted keys' permissions: Stripe's model reduced to none / read / write per resource.

Every /v1 route belongs to one resource, named by its path: the first segment after /v1/
(the second under `test_helpers`), through RESOURCE_OF_SEGMENT. GET needs read; POST and
DELETE need write, which includes read. A route whose segment names no resource is refused
to every restricted key (closed by default); tests/api/test_restricted_keys.py walks the URL
resolver so that no route is left without one.

`expand[]` reads the objects it expands: as Stripe does, a restricted key needs read on each
object's resource (RESOURCE_OF_OBJECT, by the object's `object` name), or the request is
refused naming the permission that would allow it.
"""

from merchants.models import API_KEY_LEVELS as LEVELS
from merchants.models import ApiKey

RESOURCE_OF_SEGMENT: dict[str, str] = {
    "account": "account",
    "balance": "balance",
    "balance_transactions": "balance",
    "payouts": "payouts",
    "tokens": "tokens",
    "charges": "charges",
    "customers": "customers",
    "disputes": "disputes",
    "events": "events",
    "payment_intents": "payment_intents",
    "payment_methods": "payment_methods",
    "setup_intents": "setup_intents",
    "refunds": "refunds",
    "webhook_endpoints": "webhook_endpoints",
    "products": "products",
    "prices": "prices",
    "plans": "prices",
    "coupons": "coupons",
    "promotion_codes": "coupons",
    "subscriptions": "subscriptions",
    "subscription_items": "subscriptions",
    "invoices": "invoices",
    "invoiceitems": "invoices",
    "checkout": "checkout_sessions",
    "payment_links": "payment_links",
    "billing_portal": "billing_portal",
    "test_clocks": "test_clocks",
}


# The resource of each object an expansion can reach, by its wire `object` name.
RESOURCE_OF_OBJECT: dict[str, str] = {
    "account": "account",
    "balance_transaction": "balance",
    "payout": "payouts",
    "bank_account": "payouts",
    "token": "tokens",
    "card": "customers",  # a customer's card source
    "charge": "charges",
    "customer": "customers",
    "dispute": "disputes",
    "event": "events",
    "payment_intent": "payment_intents",
    "payment_method": "payment_methods",
    "setup_intent": "setup_intents",
    "refund": "refunds",
    "refund_batch": "refunds",
    "webhook_endpoint": "webhook_endpoints",
    "webhook_delivery": "webhook_endpoints",
    "product": "products",
    "price": "prices",
    "plan": "prices",
    "coupon": "coupons",
    "discount": "coupons",
    "promotion_code": "coupons",
    "subscription": "subscriptions",
    "subscription_item": "subscriptions",
    "invoice": "invoices",
    "invoiceitem": "invoices",
    "line_item": "invoices",
    "checkout.session": "checkout_sessions",
    "payment_link": "payment_links",
    "billing_portal.configuration": "billing_portal",
    "billing_portal.session": "billing_portal",
    "test_helpers.test_clock": "test_clocks",
}


def resource_for_path(path: str) -> str | None:
    """The resource a /v1 path belongs to, or None when it names none."""
    segments = [s for s in path.split("/") if s]
    if len(segments) < 2 or segments[0] != "v1":
        return None
    segment = segments[1]
    if segment == "test_helpers" and len(segments) > 2:
        segment = segments[2]
    return RESOURCE_OF_SEGMENT.get(segment)


def required_level(method: str) -> str:
    return "read" if method in ("GET", "HEAD", "OPTIONS") else "write"


def permitted(key: ApiKey, *, method: str, path: str) -> tuple[bool, str | None, str]:
    """Whether the key may make the request: (allowed, resource, level needed)."""
    level = required_level(method)
    resource = resource_for_path(path)
    if key.kind != ApiKey.Kind.RESTRICTED:
        return True, resource, level
    if resource is None:
        return False, None, level
    granted = key.permission(resource)
    return LEVELS.index(granted) >= LEVELS.index(level), resource, level


def refusal_message(key: ApiKey, *, resource: str | None, level: str) -> str:
    message = (f"The provided key '{key.redacted}' does not have the required permissions "
               f"for this endpoint on account '{key.merchant_id}'.")
    if resource is None:
        return message + " Restricted keys cannot make this request; use a secret key."
    return (message + f" Having the '{resource}' {level} permission would allow this "
                      "request to continue.")


def expansion_refusal(key: ApiKey, *, object_name: str) -> str | None:
    """Why the key may not expand an object of `object_name` (None: it may)."""
    if key.kind != ApiKey.Kind.RESTRICTED:
        return None
    resource = RESOURCE_OF_OBJECT.get(object_name)
    if resource is not None and LEVELS.index(key.permission(resource)) >= LEVELS.index("read"):
        return None
    message = (f"The provided key '{key.redacted}' does not have the required permissions "
               f"to expand {object_name} objects on account '{key.merchant_id}'.")
    if resource is None:
        return message + " Restricted keys cannot expand them; use a secret key."
    return message + f" Having the '{resource}' read permission would allow this request."
