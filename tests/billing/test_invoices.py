"""Invoices over the wire: drafts, finalization (numbers, the customer's balance), void,
uncollectible, delete, list and lines — everything but paying by card
(test_invoice_payments.py)."""

from datetime import UTC, datetime, timedelta

from django.core import mail

from billing.models import Invoice, InvoiceItem
from core.models import StatusChange
from payments.models import Customer
from tests.api.helpers import invalid_request
from tests.billing.factories import draft, invoice_item, open_invoice
from tests.payments.factories import customer, event_types, ok

# Every field of Stripe's invoice object (API version 2025-02-24.acacia).
INVOICE_FIELDS = {
    "id", "object", "account_country", "account_name", "account_tax_ids", "amount_due",
    "amount_paid", "amount_remaining", "amount_shipping", "application",
    "application_fee_amount", "attempt_count", "attempted", "auto_advance", "automatic_tax",
    "automatically_finalizes_at", "billing_reason", "charge", "collection_method", "created",
    "currency", "custom_fields", "customer", "customer_address", "customer_email",
    "customer_name", "customer_phone", "customer_shipping", "customer_tax_exempt",
    "customer_tax_ids", "default_payment_method", "default_source", "default_tax_rates",
    "description", "discount", "discounts", "due_date", "effective_at", "ending_balance",
    "footer", "from_invoice", "hosted_invoice_url", "invoice_pdf", "issuer",
    "last_finalization_error", "latest_revision", "lines", "livemode", "metadata",
    "next_payment_attempt", "number", "on_behalf_of", "paid", "paid_out_of_band",
    "payment_intent", "payment_settings", "period_end", "period_start",
    "post_payment_credit_notes_amount", "pre_payment_credit_notes_amount", "quote",
    "receipt_number", "rendering", "shipping_cost", "shipping_details", "starting_balance",
    "statement_descriptor", "status", "status_transitions", "subscription",
    "subscription_details", "subtotal", "subtotal_excluding_tax", "tax", "test_clock",
    "total", "total_discount_amounts", "total_excluding_tax", "total_pretax_credit_amounts",
    "total_tax_amounts", "transfer_data", "webhooks_delivered_at",
}


def test_a_new_invoice_is_an_empty_draft_as_stripe_renders_it(api):
    # given
    owner = customer(api, name="Jenny Rosen")

    # when
    invoice = ok(api.post("/v1/invoices", {"customer": owner["id"], "description": "March",
                                           "metadata": {"order_id": "6735"}}))

    # then
    assert set(invoice) == INVOICE_FIELDS
    assert invoice["id"].startswith("in_") and invoice["object"] == "invoice"
    assert (invoice["status"], invoice["number"], invoice["billing_reason"]) == (
        "draft", None, "manual")
    assert (invoice["collection_method"], invoice["auto_advance"]) == (
        "charge_automatically", False)
    assert (invoice["currency"], invoice["total"], invoice["amount_due"]) == ("usd", 0, 0)
    assert invoice["lines"] == {"object": "list", "data": [], "has_more": False,
                                "total_count": 0, "url": f"/v1/invoices/{invoice['id']}/lines"}
    assert (invoice["customer_email"], invoice["customer_name"]) == (owner["email"],
                                                                     "Jenny Rosen")
    assert (invoice["starting_balance"], invoice["ending_balance"]) == (0, None)
    assert invoice["status_transitions"] == {"finalized_at": None, "paid_at": None,
                                             "voided_at": None,
                                             "marked_uncollectible_at": None}
    assert invoice["period_start"] == invoice["period_end"] == invoice["created"]
    assert (invoice["payment_intent"], invoice["charge"], invoice["paid"]) == (None, None,
                                                                               False)
    assert ok(api.get(f"/v1/invoices/{invoice['id']}")) == invoice
    assert event_types(invoice["id"]) == ["invoice.created"]


def test_pending_items_are_left_out_unless_included(api):
    # given two pending items in usd and one in eur
    owner = customer(api)
    first = invoice_item(api, owner["id"], 1000)
    second = invoice_item(api, owner["id"], 250)
    euros = invoice_item(api, owner["id"], 900, currency="eur")

    # when an invoice is created without saying, then one that includes them
    excluded = ok(api.post("/v1/invoices", {"customer": owner["id"]}))
    included = ok(api.post("/v1/invoices", {"customer": owner["id"],
                                            "pending_invoice_items_behavior": "include"}))

    # then Stripe's default for this API version takes nothing; `include` takes the items
    # of the invoice's currency, in order
    assert excluded["total"] == 0
    assert [line["invoice_item"] for line in included["lines"]["data"]] == [first["id"],
                                                                            second["id"]]
    assert (included["total"], included["amount_due"]) == (1250, 1250)
    assert ok(api.get(f"/v1/invoiceitems/{euros['id']}"))["invoice"] is None


def test_send_invoice_needs_a_due_date(api):
    owner = customer(api)

    missing = api.post("/v1/invoices", {"customer": owner["id"],
                                        "collection_method": "send_invoice"})
    wrong = api.post("/v1/invoices", {"customer": owner["id"], "days_until_due": 30})
    due = ok(api.post("/v1/invoices", {"customer": owner["id"],
                                       "collection_method": "send_invoice",
                                       "days_until_due": 30}))

    assert invalid_request(missing)["param"] == "days_until_due"
    assert invalid_request(wrong)["param"] == "days_until_due"
    assert due["due_date"] == due["created"] + 30 * 86400


def test_a_draft_is_updated_and_the_event_names_the_old_values(api):
    invoice = draft(api, customer(api)["id"])

    updated = ok(api.post(f"/v1/invoices/{invoice['id']}", {
        "description": "Consulting", "footer": "Thank you", "collection_method": "send_invoice",
        "days_until_due": 14, "metadata": {"po": "PO-1"}}))

    assert (updated["description"], updated["footer"]) == ("Consulting", "Thank you")
    assert (updated["collection_method"], updated["due_date"]) == (
        "send_invoice", updated["created"] + 14 * 86400)
    event = ok(api.get("/v1/events", {"type": "invoice.updated"}))["data"][0]
    assert event["data"]["previous_attributes"] == {
        "collection_method": "charge_automatically", "description": None, "due_date": None,
        "footer": None, "metadata": {}}


def test_a_finalized_invoice_takes_only_what_moves_no_money(api):
    invoice = open_invoice(api, customer(api)["id"], 1000)

    refused = api.post(f"/v1/invoices/{invoice['id']}",
                       {"collection_method": "send_invoice", "days_until_due": 3})
    allowed = ok(api.post(f"/v1/invoices/{invoice['id']}", {"description": "Late note",
                                                             "auto_advance": "true"}))

    error = invalid_request(refused)
    assert (error["code"], error["param"]) == ("invoice_already_finalized",
                                               "collection_method")
    assert (allowed["description"], allowed["auto_advance"]) == ("Late note", True)


def test_finalizing_numbers_invoices_from_the_customers_sequence(api):
    # given a customer and two drafts
    owner = customer(api)
    first, second = draft(api, owner["id"], 1000), draft(api, owner["id"], 500)

    # when the second is finalized before the first
    later = ok(api.post(f"/v1/invoices/{second['id']}/finalize"))
    earlier = ok(api.post(f"/v1/invoices/{first['id']}/finalize"))

    # then numbers follow finalization, the customer's prefix and Stripe's default format
    prefix = owner["invoice_prefix"]
    assert (later["number"], earlier["number"]) == (f"{prefix}-0001", f"{prefix}-0002")
    assert later["status"] == "open"
    assert later["status_transitions"]["finalized_at"] == later["effective_at"]
    assert later["amount_due"] == later["amount_remaining"] == 500
    assert ok(api.get(f"/v1/customers/{owner['id']}"))["next_invoice_sequence"] == 3
    assert event_types(second["id"])[-1] == "invoice.finalized"
    assert list(StatusChange.objects.filter(object_id=second["id"]).order_by("at")
                .values_list("source", "target")) == [("created", "draft"), ("draft", "open")]


def test_a_failed_finalization_takes_no_number(api, monkeypatch):
    # given a draft, and a finalization that fails after taking the number
    from billing.services import invoices

    owner = customer(api)
    invoice = draft(api, owner["id"], 1000)

    def broken(*args, **kwargs):
        raise RuntimeError("lost")

    monkeypatch.setattr(invoices, "events_record", broken)
    assert api.post(f"/v1/invoices/{invoice['id']}/finalize").status_code == 500
    monkeypatch.undo()

    # then nothing of it stayed: the next finalization takes the first number
    assert Customer.objects.get(pk=owner["id"]).next_invoice_sequence == 1
    assert ok(api.post(f"/v1/invoices/{invoice['id']}/finalize"))["number"].endswith("-0001")


def test_finalizing_again_is_refused(api):
    invoice = open_invoice(api, customer(api)["id"], 1000)

    again = api.post(f"/v1/invoices/{invoice['id']}/finalize")

    assert invalid_request(again)["code"] == "invoice_already_finalized"


def test_a_credit_balance_is_applied_at_finalization(api):
    # given a customer with 5.00 of credit (a negative balance, as Stripe's)
    owner = customer(api, balance=-500)
    invoice = draft(api, owner["id"], 2000)
    assert invoice["starting_balance"] == -500 and invoice["amount_due"] == 2000

    # when its invoice is finalized
    finalized = ok(api.post(f"/v1/invoices/{invoice['id']}/finalize"))

    # then the credit pays part of it and is used up
    assert (finalized["starting_balance"], finalized["ending_balance"]) == (-500, 0)
    assert (finalized["total"], finalized["amount_due"]) == (2000, 1500)
    shown = ok(api.get(f"/v1/customers/{owner['id']}"))
    assert (shown["balance"], shown["currency"]) == (0, "usd")


def test_a_larger_credit_pays_the_invoice_and_the_rest_stays(api):
    owner = customer(api, balance=-3000)
    invoice = draft(api, owner["id"], 2000)

    finalized = ok(api.post(f"/v1/invoices/{invoice['id']}/finalize"))

    assert (finalized["amount_due"], finalized["ending_balance"]) == (0, -1000)
    assert finalized["status"] == "paid" and finalized["paid"] is True
    assert ok(api.get(f"/v1/customers/{owner['id']}"))["balance"] == -1000


def test_a_debt_is_added_and_an_amount_below_the_minimum_is_carried(api):
    # given a customer owing 3.00, then a 0.20 invoice (below the 0.50 a card can take)
    owner = customer(api, balance=300)
    owed = ok(api.post(f"/v1/invoices/{draft(api, owner['id'], 1000)['id']}/finalize"))
    small = ok(api.post(f"/v1/invoices/{draft(api, owner['id'], 20)['id']}/finalize"))

    # then the debt is on the first; the second is not charged but carried to the balance
    assert (owed["amount_due"], owed["starting_balance"], owed["ending_balance"]) == (
        1300, 300, 0)
    assert (small["amount_due"], small["ending_balance"], small["status"]) == (0, 20, "paid")
    assert ok(api.get(f"/v1/customers/{owner['id']}"))["balance"] == 20


def test_a_zero_invoice_is_paid_at_finalization(api):
    invoice = draft(api, customer(api)["id"])

    finalized = ok(api.post(f"/v1/invoices/{invoice['id']}/finalize"))

    assert finalized["status"] == "paid"
    assert finalized["status_transitions"]["paid_at"] is not None
    assert (finalized["amount_paid"], finalized["payment_intent"]) == (0, None)
    assert event_types(invoice["id"])[-3:] == ["invoice.finalized", "invoice.paid",
                                               "invoice.payment_succeeded"]


def test_a_finalized_invoice_keeps_the_customer_as_it_was(api):
    owner = customer(api, name="Jenny Rosen")
    invoice = open_invoice(api, owner["id"], 1000)

    ok(api.post(f"/v1/customers/{owner['id']}", {"name": "Jenny Appleseed"}))

    assert ok(api.get(f"/v1/invoices/{invoice['id']}"))["customer_name"] == "Jenny Rosen"


def test_a_draft_is_deleted_and_its_items_are_pending_again(api):
    owner = customer(api)
    invoice = draft(api, owner["id"], 1000)
    item_id = invoice["lines"]["data"][0]["invoice_item"]

    gone = api.delete(f"/v1/invoices/{invoice['id']}")

    assert ok(gone) == {"id": invoice["id"], "object": "invoice", "deleted": True}
    assert api.get(f"/v1/invoices/{invoice['id']}").status_code == 404
    assert ok(api.get(f"/v1/invoiceitems/{item_id}"))["invoice"] is None
    assert event_types(invoice["id"])[-1] == "invoice.deleted"


def test_a_finalized_invoice_cannot_be_deleted(api):
    invoice = open_invoice(api, customer(api)["id"], 1000)

    refused = api.delete(f"/v1/invoices/{invoice['id']}")

    assert invalid_request(refused)["code"] == "invoice_already_finalized"


def test_an_open_invoice_is_voided_for_good(api):
    invoice = open_invoice(api, customer(api)["id"], 1000)

    voided = ok(api.post(f"/v1/invoices/{invoice['id']}/void"))

    assert voided["status"] == "void"
    assert voided["status_transitions"]["voided_at"] is not None
    assert event_types(invoice["id"])[-1] == "invoice.voided"
    for action in ("void", "mark_uncollectible", "finalize"):
        invalid_request(api.post(f"/v1/invoices/{invoice['id']}/{action}"))
    assert invalid_request(api.post(f"/v1/invoices/{invoice['id']}/pay",
                                    {"paid_out_of_band": "true"}))


def test_a_draft_cannot_be_voided(api):
    invoice = draft(api, customer(api)["id"], 1000)

    refused = api.post(f"/v1/invoices/{invoice['id']}/void")

    assert "Delete the draft" in invalid_request(refused)["message"]


def test_an_uncollectible_invoice_can_still_be_paid_out_of_band(api):
    invoice = open_invoice(api, customer(api)["id"], 1000)

    written_off = ok(api.post(f"/v1/invoices/{invoice['id']}/mark_uncollectible"))
    paid = ok(api.post(f"/v1/invoices/{invoice['id']}/pay", {"paid_out_of_band": "true"}))

    assert written_off["status"] == "uncollectible"
    assert written_off["status_transitions"]["marked_uncollectible_at"] is not None
    assert (paid["status"], paid["paid_out_of_band"], paid["amount_remaining"]) == (
        "paid", True, 0)
    assert event_types(invoice["id"])[-2:] == ["invoice.marked_uncollectible", "invoice.paid"]


def test_invoices_are_listed_by_customer_status_and_collection_method(api):
    owner, other = customer(api), customer(api)
    drafted = draft(api, owner["id"], 100)
    opened = open_invoice(api, owner["id"], 100)
    sent = draft(api, other["id"], collection_method="send_invoice", days_until_due=7)

    def ids(**params):
        return [invoice["id"] for invoice in ok(api.get("/v1/invoices", params))["data"]]

    assert ids() == [sent["id"], opened["id"], drafted["id"]]
    assert ids(customer=owner["id"]) == [opened["id"], drafted["id"]]
    assert ids(status="open") == [opened["id"]]
    assert ids(collection_method="send_invoice") == [sent["id"]]
    assert invalid_request(api.get("/v1/invoices", {"status": "gone"}))["param"] == "status"


def test_an_invoice_embeds_ten_lines_and_pages_the_rest(api):
    owner = customer(api)
    invoice = draft(api, owner["id"], *range(100, 1300, 100))  # twelve lines

    assert len(invoice["lines"]["data"]) == 10
    assert (invoice["lines"]["has_more"], invoice["lines"]["total_count"]) == (True, 12)
    first = ok(api.get(f"/v1/invoices/{invoice['id']}/lines", {"limit": 5}))
    rest = ok(api.get(f"/v1/invoices/{invoice['id']}/lines",
                      {"limit": 10, "starting_after": first["data"][-1]["id"]}))
    before = ok(api.get(f"/v1/invoices/{invoice['id']}/lines",
                        {"limit": 2, "ending_before": rest["data"][0]["id"]}))
    assert [line["amount"] for line in first["data"]] == [100, 200, 300, 400, 500]
    assert first["has_more"] is True
    assert [line["amount"] for line in rest["data"]] == list(range(600, 1300, 100))
    assert rest["has_more"] is False
    assert [line["amount"] for line in before["data"]] == [400, 500]


def test_another_merchants_invoice_is_not_found(api, other_account):
    invoice = draft(api, customer(api)["id"], 100)
    theirs = other_account.api()

    for response in (theirs.get(f"/v1/invoices/{invoice['id']}"),
                     theirs.post(f"/v1/invoices/{invoice['id']}/finalize"),
                     theirs.delete(f"/v1/invoices/{invoice['id']}"),
                     theirs.get(f"/v1/invoices/{invoice['id']}/lines")):
        assert response.status_code == 404
    assert Invoice.objects.get(pk=invoice["id"]).status == "draft"


def test_sending_emails_the_invoice_to_the_customer(api, django_capture_on_commit_callbacks):
    # given an open invoice of a customer with an email address
    owner = customer(api, email="jenny@example.test")
    invoice = open_invoice(api, owner["id"], 1999, collection_method="send_invoice",
                           days_until_due=30, footer="Thanks for your business")

    # when it is sent (the email leaves from a task once the request commits)
    with django_capture_on_commit_callbacks(execute=True):
        sent = ok(api.post(f"/v1/invoices/{invoice['id']}/send"))

    # then the email went through Django's backend, with the amount due
    assert sent["id"] == invoice["id"]
    [email] = mail.outbox
    assert email.to == ["jenny@example.test"]
    assert invoice["number"] in email.subject
    assert "$19.99 USD" in email.body and "Thanks for your business" in email.body
    assert event_types(invoice["id"])[-1] == "invoice.sent"


def test_a_draft_or_a_customer_without_email_is_not_sent(api):
    nameless = customer(api, email="")
    unsent = open_invoice(api, nameless["id"], 1000)
    drafted = draft(api, customer(api)["id"], 1000)

    assert invalid_request(api.post(f"/v1/invoices/{unsent['id']}/send"))["param"] == (
        "customer")
    assert "finalize it first" in invalid_request(
        api.post(f"/v1/invoices/{drafted['id']}/send"))["message"]
    assert mail.outbox == []


def test_auto_advance_finalizes_a_draft_after_an_hour(api, settings):
    # given a draft with auto_advance and a customer with a card
    from billing import services
    from core import clock
    from tests.billing.factories import customer_with_card

    owner, _ = customer_with_card(api)
    invoice = draft(api, owner["id"], 1500, auto_advance="true")
    due = datetime.fromtimestamp(invoice["automatically_finalizes_at"], tz=UTC)
    assert due == datetime.fromtimestamp(invoice["created"], tz=UTC) + timedelta(hours=1)

    # when beat's sweep runs before the hour, then after it
    with clock.bound(due - timedelta(minutes=1)):
        early = services.invoices_advance_due()
    with clock.bound(due + timedelta(seconds=1)):
        moved = services.invoices_advance_due()

    # then it was finalized and charged with the customer's default card, once
    assert (early, moved) == (0, 2)
    shown = ok(api.get(f"/v1/invoices/{invoice['id']}"))
    assert (shown["status"], shown["amount_paid"], shown["auto_advance"]) == ("paid", 1500,
                                                                              False)
    assert shown["next_payment_attempt"] is None
    assert services.invoices_advance_due() == 0
    assert InvoiceItem.objects.filter(invoice_id=invoice["id"]).count() == 1
