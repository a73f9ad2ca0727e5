"""Billing objects (the catalogue's, invoices and invoice items) made the way a merchant makes
them: over the wire.

Each helper asserts the request worked, so a test reads as its scenario, not as plumbing.
"""

from typing import Any

from tests.conftest import Api
from tests.payments.factories import attach, card_payment_method, customer


def ok(response) -> dict[str, Any]:
    assert response.status_code == 200, response.content
    return response.json()


def error_of(response, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.content
    return response.json()["error"]


def product(api: Api, **params: Any) -> dict[str, Any]:
    return ok(api.post("/v1/products", {"name": "Gold", **params}))


def price(api: Api, product_id: str | None = None, **params: Any) -> dict[str, Any]:
    """A price of `product_id` (a new product if None): $10.00 one-time unless told."""
    defaults: dict[str, Any] = {"currency": "usd", "unit_amount": 1000}
    if "billing_scheme" in params or "unit_amount_decimal" in params:
        defaults.pop("unit_amount")
    if product_id is None and "product_data" not in params:
        product_id = product(api)["id"]
    if product_id is not None:
        defaults["product"] = product_id
    return ok(api.post("/v1/prices", {**defaults, **params}))


def monthly(api: Api, product_id: str | None = None, **params: Any) -> dict[str, Any]:
    return price(api, product_id, recurring={"interval": "month"}, **params)


GRADUATED = [{"up_to": 10, "unit_amount": 500}, {"up_to": 50, "unit_amount": 400},
             {"up_to": "inf", "unit_amount": 300, "flat_amount": 1000}]


# -- invoices --------------------------------------------------------------------------------

def customer_with_card(api: Api, number: str = "4242424242424242",
                       **params: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """A customer whose default payment method for invoices is a saved card of `number`."""
    owner = customer(api, **params)
    card = card_payment_method(api, number)
    attach(api, card["id"], owner["id"])
    owner = ok(api.post(f"/v1/customers/{owner['id']}",
                        {"invoice_settings": {"default_payment_method": card["id"]}}))
    return owner, card


def invoice_item(api: Api, customer_id: str, amount: int | None = 2000, **params: Any
                 ) -> dict[str, Any]:
    """An invoice item of `amount` (None: priced by the unit amount in `params`), in usd
    unless told."""
    priced = {"amount": amount} if amount is not None else {}
    return ok(api.post("/v1/invoiceitems", {"customer": customer_id, "currency": "usd",
                                            **priced, **params}))


def draft(api: Api, customer_id: str, *amounts: int, **params: Any) -> dict[str, Any]:
    """A draft invoice for the customer with one line per amount."""
    created = ok(api.post("/v1/invoices", {"customer": customer_id, **params}))
    for amount in amounts:
        invoice_item(api, customer_id, amount, invoice=created["id"],
                     currency=created["currency"])
    return ok(api.get(f"/v1/invoices/{created['id']}"))


def open_invoice(api: Api, customer_id: str, *amounts: int, **params: Any) -> dict[str, Any]:
    created = draft(api, customer_id, *amounts, **params)
    return ok(api.post(f"/v1/invoices/{created['id']}/finalize"))


def pay(api: Api, invoice_id: str, **params: Any):
    return api.post(f"/v1/invoices/{invoice_id}/pay", params)


# -- discounts -------------------------------------------------------------------------------

def coupon(api: Api, **params: Any) -> dict[str, Any]:
    """A coupon: 20% off forever unless told (a None leaves a default out)."""
    merged = {"percent_off": 20, "duration": "forever", **params}
    return ok(api.post("/v1/coupons", {k: v for k, v in merged.items() if v is not None}))


def promotion_code(api: Api, coupon_id: str, **params: Any) -> dict[str, Any]:
    return ok(api.post("/v1/promotion_codes", {"coupon": coupon_id, **params}))


def period_just_ended(*subscription_ids: str) -> None:
    """Moves each subscription's current period (its start, anchor and items' periods too)
    back so that it ended a second ago: the state a month's wait would leave, without a
    period that ends before it began or an anchor after its end."""
    from datetime import timedelta

    from django.db.models import F

    from billing.models import Subscription, SubscriptionItem
    from core import clock

    for subscription in Subscription.objects.filter(pk__in=subscription_ids):
        shift = subscription.current_period_end - (clock.now() - timedelta(seconds=1))
        Subscription.objects.filter(pk=subscription.pk).update(
            current_period_start=F("current_period_start") - shift,
            current_period_end=F("current_period_end") - shift,
            billing_cycle_anchor=F("billing_cycle_anchor") - shift,
            start_date=F("start_date") - shift)
        SubscriptionItem.objects.filter(subscription_id=subscription.pk).update(
            current_period_start=F("current_period_start") - shift,
            current_period_end=F("current_period_end") - shift)
