"""Invoice items over the wire: pending or on a draft, priced by amount or unit amount, and
editable only until their invoice is finalized."""

from tests.api.helpers import invalid_request
from tests.billing.factories import draft, invoice_item, open_invoice
from tests.payments.factories import customer, event_types, ok


def test_an_item_with_an_amount_is_pending_for_its_customer(api):
    # given
    owner = customer(api)

    # when
    item = invoice_item(api, owner["id"], 2500, description="Setup fee",
                        metadata={"order_id": "6735"})

    # then
    assert item["id"].startswith("ii_")
    assert item["object"] == "invoiceitem"
    assert (item["amount"], item["currency"], item["quantity"]) == (2500, "usd", 1)
    assert (item["unit_amount"], item["unit_amount_decimal"]) == (2500, "2500")
    assert item["invoice"] is None and item["customer"] == owner["id"]
    assert item["period"] == {"start": item["date"], "end": item["date"]}
    assert item["metadata"] == {"order_id": "6735"}
    assert (item["price"], item["plan"], item["subscription"]) == (None, None, None)
    assert ok(api.get(f"/v1/invoiceitems/{item['id']}")) == item
    assert event_types(item["id"]) == ["invoiceitem.created"]


def test_a_unit_amount_times_a_quantity_is_the_amount(api):
    owner = customer(api)

    whole = invoice_item(api, owner["id"], None, unit_amount=350, quantity=3)
    fraction = invoice_item(api, owner["id"], None, unit_amount_decimal="0.125", quantity=10)

    assert (whole["amount"], whole["unit_amount"], whole["quantity"]) == (1050, 350, 3)
    # 1.25 cents rounds half up to 1; the unit amount has no whole-cent form
    assert (fraction["amount"], fraction["unit_amount"],
            fraction["unit_amount_decimal"]) == (1, None, "0.125")


def test_an_amount_and_a_unit_amount_are_exclusive_and_one_is_needed(api):
    owner = customer(api)

    both = api.post("/v1/invoiceitems", {"customer": owner["id"], "currency": "usd",
                                         "amount": 100, "unit_amount": 100})
    neither = api.post("/v1/invoiceitems", {"customer": owner["id"], "currency": "usd"})
    quantity = api.post("/v1/invoiceitems", {"customer": owner["id"], "currency": "usd",
                                             "amount": 100, "quantity": 2})

    assert invalid_request(both)["param"] == "amount"
    assert invalid_request(neither)["param"] == "amount"
    assert invalid_request(quantity)["param"] == "quantity"
    item = invoice_item(api, owner["id"], 100)
    both_again = api.post(f"/v1/invoiceitems/{item['id']}", {"amount": 200,
                                                              "unit_amount": 300})
    assert invalid_request(both_again)["param"] == "amount"
    assert ok(api.get(f"/v1/invoiceitems/{item['id']}"))["amount"] == 100


def test_the_currency_defaults_to_the_customers_and_is_required_otherwise(api):
    owner = customer(api)
    refused = api.post("/v1/invoiceitems", {"customer": owner["id"], "amount": 100})
    error = invalid_request(refused)
    assert (error["code"], error["param"]) == ("parameter_missing", "currency")

    # once the customer has a currency (its first invoice finalized), it is the default
    open_invoice(api, owner["id"], 500, currency="eur")
    item = ok(api.post("/v1/invoiceitems", {"customer": owner["id"], "amount": 100}))
    assert item["currency"] == "eur"


def test_an_item_on_a_draft_becomes_its_line_and_moves_its_totals(api):
    # given a draft
    owner = customer(api)
    invoice = draft(api, owner["id"])
    assert (invoice["total"], invoice["lines"]["total_count"]) == (0, 0)

    # when items are added to it
    first = invoice_item(api, owner["id"], 1200, invoice=invoice["id"])
    credit = invoice_item(api, owner["id"], -200, invoice=invoice["id"],
                          description="Loyalty credit")

    # then each is a line, in order, and the totals follow
    shown = ok(api.get(f"/v1/invoices/{invoice['id']}"))
    lines = shown["lines"]["data"]
    assert [line["invoice_item"] for line in lines] == [first["id"], credit["id"]]
    assert [line["amount"] for line in lines] == [1200, -200]
    assert all(line["id"].startswith("il_") and line["object"] == "line_item"
               and line["type"] == "invoiceitem" and line["invoice"] == invoice["id"]
               for line in lines)
    assert (shown["subtotal"], shown["total"], shown["amount_due"]) == (1000, 1000, 1000)
    assert first["invoice"] == invoice["id"]
    assert event_types(invoice["id"]) == ["invoice.created", "invoice.updated",
                                          "invoice.updated"]


def test_an_item_is_refused_on_a_finalized_invoice_and_another_customers(api):
    owner, other = customer(api), customer(api)
    finalized = open_invoice(api, owner["id"], 500)
    others = draft(api, other["id"])

    late = api.post("/v1/invoiceitems", {"customer": owner["id"], "amount": 100,
                                         "currency": "usd", "invoice": finalized["id"]})
    wrong = api.post("/v1/invoiceitems", {"customer": owner["id"], "amount": 100,
                                          "currency": "usd", "invoice": others["id"]})

    error = invalid_request(late)
    assert (error["code"], error["param"]) == ("invoice_not_editable", "invoice")
    assert invalid_request(wrong)["param"] == "invoice"


def test_an_item_on_a_draft_is_updated_with_its_line(api):
    # given
    owner = customer(api)
    invoice = draft(api, owner["id"])
    item = invoice_item(api, owner["id"], None, unit_amount=500, quantity=2,
                        invoice=invoice["id"])

    # when its quantity and description change
    updated = ok(api.post(f"/v1/invoiceitems/{item['id']}",
                          {"quantity": 3, "description": "Three seats"}))

    # then the amount follows, the line too, and the event names the old values
    assert (updated["amount"], updated["quantity"]) == (1500, 3)
    shown = ok(api.get(f"/v1/invoices/{invoice['id']}"))
    [line] = shown["lines"]["data"]
    assert (line["amount"], line["quantity"], line["description"]) == (1500, 3, "Three seats")
    assert shown["total"] == 1500
    event = ok(api.get("/v1/events", {"type": "invoiceitem.updated"}))["data"][0]
    assert event["data"]["previous_attributes"] == {"amount": 1000, "quantity": 2,
                                                    "description": None}


def test_an_item_on_a_finalized_invoice_can_no_longer_change(api):
    owner = customer(api)
    invoice = draft(api, owner["id"], 700)
    item_id = invoice["lines"]["data"][0]["invoice_item"]
    ok(api.post(f"/v1/invoices/{invoice['id']}/finalize"))

    changed = api.post(f"/v1/invoiceitems/{item_id}", {"amount": 1})
    deleted = api.delete(f"/v1/invoiceitems/{item_id}")

    assert invalid_request(changed)["code"] == "invoice_not_editable"
    assert invalid_request(deleted)["code"] == "invoice_not_editable"
    assert ok(api.get(f"/v1/invoiceitems/{item_id}"))["amount"] == 700


def test_deleting_an_item_removes_its_line(api):
    owner = customer(api)
    invoice = draft(api, owner["id"], 700, 300)
    first = invoice["lines"]["data"][0]["invoice_item"]

    gone = api.delete(f"/v1/invoiceitems/{first}")

    assert ok(gone) == {"id": first, "object": "invoiceitem", "deleted": True}
    shown = ok(api.get(f"/v1/invoices/{invoice['id']}"))
    assert [line["amount"] for line in shown["lines"]["data"]] == [300]
    assert shown["total"] == 300
    assert api.get(f"/v1/invoiceitems/{first}").status_code == 404
    assert "invoiceitem.deleted" in event_types(first)


def test_items_are_listed_by_customer_invoice_and_pending(api):
    owner, other = customer(api), customer(api)
    pending = invoice_item(api, owner["id"], 100)
    invoice = draft(api, owner["id"], 200)
    on_invoice = invoice["lines"]["data"][0]["invoice_item"]
    others = invoice_item(api, other["id"], 300)

    def ids(**params):
        return [item["id"] for item in ok(api.get("/v1/invoiceitems", params))["data"]]

    assert ids() == [others["id"], on_invoice, pending["id"]]
    assert ids(customer=owner["id"]) == [on_invoice, pending["id"]]
    assert ids(invoice=invoice["id"]) == [on_invoice]
    assert ids(customer=owner["id"], pending="true") == [pending["id"]]
    assert ids(customer=owner["id"], pending="false") == [on_invoice]


def test_another_merchants_item_is_not_found(api, other_account):
    item = invoice_item(api, customer(api)["id"])
    theirs = other_account.api()

    assert theirs.get(f"/v1/invoiceitems/{item['id']}").status_code == 404
    assert theirs.post(f"/v1/invoiceitems/{item['id']}", {"amount": 1}).status_code == 404
    assert theirs.delete(f"/v1/invoiceitems/{item['id']}").status_code == 404


def test_amounts_and_quantities_past_what_a_card_can_pay_are_refused(api):
    owner = customer(api)

    for params, param in (({"amount": 100_000_000}, "amount"),
                          ({"unit_amount": 100_000_000}, "unit_amount"),
                          ({"unit_amount": 100, "quantity": 2_000_000}, "amount"),
                          ({"unit_amount": 1, "quantity": 10**10}, "quantity")):
        refused = api.post("/v1/invoiceitems", {"customer": owner["id"], "currency": "usd",
                                                **params})
        assert invalid_request(refused)["param"] == param, params
