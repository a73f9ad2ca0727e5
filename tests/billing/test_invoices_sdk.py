"""The official `stripe` SDK invoicing a customer against a live Till server: invoice items,
a draft, finalization, payment with the default card, a decline, void, and the lists."""

import pytest
import stripe


@pytest.fixture
def client(sdk):
    """The official SDK (tests/billing/conftest.py's `sdk`), by the name these tests use."""
    return sdk


def _customer_with_card(client, token: str = "tok_visa") -> stripe.Customer:  # noqa: S107
    customer = client.v1.customers.create(params={"email": "jenny@example.test"})
    card = client.v1.payment_methods.create(params={"type": "card",
                                                    "card": {"token": token}})
    client.v1.payment_methods.attach(card.id, params={"customer": customer.id})
    return client.v1.customers.update(customer.id, params={
        "invoice_settings": {"default_payment_method": card.id}})


def test_the_sdk_invoices_a_customer_and_pays_with_the_default_card(client):
    # given a customer with a default card and two pending invoice items
    customer = _customer_with_card(client)
    seat = client.v1.invoice_items.create(params={
        "customer": customer.id, "unit_amount": 1500, "quantity": 2, "currency": "usd",
        "description": "Seats"})
    setup = client.v1.invoice_items.create(params={
        "customer": customer.id, "amount": 500, "currency": "usd", "description": "Setup"})
    assert isinstance(seat, stripe.InvoiceItem) and seat.amount == 3000

    # when an invoice takes them, is finalized and paid
    draft = client.v1.invoices.create(params={"customer": customer.id,
                                              "pending_invoice_items_behavior": "include"})
    finalized = client.v1.invoices.finalize_invoice(draft.id)
    paid = client.v1.invoices.pay(draft.id)

    # then
    assert isinstance(draft, stripe.Invoice)
    assert (draft.status, draft.total) == ("draft", 3500)
    assert [line.invoice_item for line in draft.lines.data] == [seat.id, setup.id]
    assert (finalized.status, finalized.number) == (
        "open", f"{customer.invoice_prefix}-0001")
    assert (paid.status, paid.paid, paid.amount_paid, paid.amount_remaining) == (
        "paid", True, 3500, 0)
    shown = client.v1.invoices.retrieve(draft.id, params={"expand": ["payment_intent"]})
    intent = shown["payment_intent"]
    assert isinstance(intent, stripe.PaymentIntent)
    assert (intent.amount, intent.status, intent.invoice) == (3500, "succeeded", draft.id)
    lines = client.v1.invoices.line_items.list(draft.id, params={"limit": 1})
    assert [line.amount for line in lines.auto_paging_iter()] == [3000, 500]
    listed = client.v1.invoices.list(params={"customer": customer.id, "status": "paid"})
    assert [invoice.id for invoice in listed.data] == [draft.id]

    # and a paid invoice is never charged again
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.invoices.pay(draft.id)
    assert raised.value.user_message == "Invoice is already paid"


def test_the_sdk_sees_a_decline_as_a_card_error_and_voids_the_invoice(client):
    # given an invoice of a customer whose card attaches but declines charges
    customer = _customer_with_card(client, "tok_chargeCustomerFail")
    invoice = client.v1.invoices.create(params={"customer": customer.id})
    client.v1.invoice_items.create(params={"customer": customer.id, "amount": 2000,
                                           "currency": "usd", "invoice": invoice.id})

    # when it is paid
    with pytest.raises(stripe.CardError) as raised:
        client.v1.invoices.pay(invoice.id)

    # then the decline is the card error, the invoice stays open, and it can be voided
    assert (raised.value.code, raised.value.error.decline_code) == ("card_declined",
                                                                   "generic_decline")
    failed = client.v1.invoices.retrieve(invoice.id)
    assert (failed.status, failed.attempt_count, failed.attempted) == ("open", 1, True)
    voided = client.v1.invoices.void_invoice(invoice.id)
    assert voided.status == "void"
    intent = client.v1.payment_intents.retrieve(failed["payment_intent"])
    assert (intent.status, intent.cancellation_reason) == ("canceled", "void_invoice")


def test_the_sdk_edits_and_deletes_drafts_and_items(client):
    customer = client.v1.customers.create(params={"email": "jenny@example.test"})
    invoice = client.v1.invoices.create(params={"customer": customer.id,
                                                "collection_method": "send_invoice",
                                                "days_until_due": 30})
    item = client.v1.invoice_items.create(params={"customer": customer.id, "amount": 900,
                                                  "currency": "usd", "invoice": invoice.id})

    updated = client.v1.invoice_items.update(item.id, params={"amount": 1200})
    deleted_item = client.v1.invoice_items.delete(item.id)
    deleted = client.v1.invoices.delete(invoice.id)

    assert updated.amount == 1200
    assert deleted_item.deleted is True and deleted.deleted is True
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.invoices.retrieve(invoice.id)
    assert raised.value.http_status == 404
