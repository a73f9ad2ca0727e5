"""Billing objects made the way a merchant makes them: over the wire, asserting each request
worked, so a test reads as its scenario."""

from typing import Any

from tests.conftest import Api
from tests.payments.factories import attach, card_payment_method, customer, ok


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
