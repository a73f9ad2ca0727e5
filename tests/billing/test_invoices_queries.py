"""Query budgets of the invoice endpoints: a page of invoices costs the same however many
invoices and lines it shows, and a payment a bounded number of statements."""

from django.db import connection

from tests.billing.factories import customer_with_card, draft, open_invoice, pay
from tests.payments.factories import customer, ok


def test_a_page_of_invoices_costs_the_same_for_one_invoice_or_ten(
        api, django_assert_max_num_queries):
    # given one invoice with two lines, listed; then ten
    owner = customer(api)
    draft(api, owner["id"], 100, 200)
    with django_assert_max_num_queries(5) as one:
        ok(api.get("/v1/invoices"))
    for _ in range(9):
        draft(api, owner["id"], 100, 200)

    # when the ten are listed
    with django_assert_max_num_queries(5) as ten:
        listed = ok(api.get("/v1/invoices"))

    # then the key, the invoices (customers, merchant and intents joined), their lines and
    # the request log's row
    assert len(listed["data"]) == 10
    assert len(ten.captured_queries) == len(one.captured_queries)


def test_paying_an_invoice_has_a_query_budget(api, django_assert_max_num_queries):
    # given an open invoice of a customer with a default card
    owner, _ = customer_with_card(api)
    invoice = open_invoice(api, owner["id"], 1000)

    # then paying it (the invoice's phases, the intent's create, confirm and record, the
    # hook's writes and the events, the ledger's booking of the charge (one statement on
    # PostgreSQL, two on SQLite), the answer read with its discounts) stays within its
    # budget, savepoints and the request log's row included
    with django_assert_max_num_queries(43 if connection.vendor == "postgresql" else 44):
        ok(pay(api, invoice["id"]))


def test_a_page_of_discounted_invoices_costs_the_same_for_one_or_ten(
        api, django_assert_max_num_queries):
    # given an invoice with one discount (shown whole as its `discount`), listed; then ten
    owner = customer(api)
    twenty = ok(api.post("/v1/coupons", {"percent_off": 20, "duration": "forever"}))

    def discounted() -> None:
        invoice = draft(api, owner["id"], 100, 200)
        ok(api.post(f"/v1/invoices/{invoice['id']}", {"discounts": [{"coupon": twenty["id"]}]}))

    discounted()
    with django_assert_max_num_queries(6) as one:
        ok(api.get("/v1/invoices"))
    for _ in range(9):
        discounted()

    with django_assert_max_num_queries(6) as ten:
        listed = ok(api.get("/v1/invoices"))

    assert all(invoice["discount"]["coupon"]["id"] == twenty["id"] for invoice in listed["data"])
    assert len(ten.captured_queries) == len(one.captured_queries)
