"""Export CSV of the payments list: the list's filters, Stripe's payments export columns and
formats, streamed a chunk of rows at a time, only the merchant's and the mode's payments,
and no cell a spreadsheet would run as a formula."""

import csv
import html as html_lib
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from dashboard.views import payments as payment_views
from payments.models import Charge, PaymentIntent
from tests.dashboard.helpers import new_customer, switch_mode
from tests.dashboard.test_payments import live_intent, pay

STRIPE_HEADER = [
    "id", "Description", "Created (UTC)", "Amount", "Amount Refunded", "Currency", "Fee",
    "Mode", "Status", "Statement Descriptor", "Customer ID", "Customer Email", "Captured",
    "Card ID", "Card Last4", "Card Brand", "Card Funding", "Invoice ID", "order_id (metadata)",
]


def export(client, **filters) -> StreamingHttpResponse:
    response = client.get("/payments/export.csv", filters)
    assert response.status_code == 200, response.content
    return response


def rows_of(response) -> list[dict[str, str]]:
    """The CSV's rows by column (its header checked to be Stripe's)."""
    reader = csv.reader(io.StringIO(b"".join(response.streaming_content).decode()))
    header = next(reader)
    assert header == STRIPE_HEADER
    return [dict(zip(header, row, strict=True)) for row in reader]


def test_the_export_streams_stripes_columns_for_a_payment(owner, account):
    # given a paid, partly refunded payment of Jenny's with an order id
    jenny = new_customer(account, email="jenny@example.test")
    intent_id = pay(account, 2000, customer=jenny.id, description="Blue T-shirt",
                    metadata={"order_id": "6735"})
    account.api().post("/v1/refunds", {"payment_intent": intent_id, "amount": 500})
    PaymentIntent.objects.filter(pk=intent_id).update(
        created=datetime(2026, 4, 1, 9, 5, 7, 123456, tzinfo=UTC))
    intent = PaymentIntent.objects.get(pk=intent_id)
    Charge.objects.filter(pk=intent.latest_charge_id).update(statement_descriptor="SHOP* TEE")

    # when
    response = owner.get("/payments/export.csv")

    # then the response streams an attachment named for the mode and the day
    assert isinstance(response, StreamingHttpResponse) and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert re.fullmatch(r'attachment; filename="payments-test-\d{4}-\d{2}-\d{2}\.csv"',
                        response["Content-Disposition"])
    assert "no-store" in response["Cache-Control"]
    [row] = rows_of(response)
    assert row == {
        "id": intent_id, "Description": "Blue T-shirt", "Created (UTC)": "2026-04-01 09:05:07",
        "Amount": "20.00", "Amount Refunded": "5.00", "Currency": "usd", "Fee": "0.88",
        "Mode": "Test", "Status": "succeeded",
        "Statement Descriptor": "SHOP* TEE",
        "Customer ID": jenny.id, "Customer Email": "jenny@example.test", "Captured": "true",
        "Card ID": intent.payment_method_id, "Card Last4": "4242", "Card Brand": "Visa",
        "Card Funding": "credit", "Invoice ID": "", "order_id (metadata)": "6735",
    }


def test_amounts_are_in_each_currencys_major_unit(owner, account):
    pay(account, 123456)
    pay(account, 1500, currency="jpy")
    pay(account, 12340, currency="kwd")

    amounts = [(row["Amount"], row["Currency"]) for row in rows_of(export(owner))]

    assert amounts == [("12.340", "kwd"), ("1500", "jpy"), ("1234.56", "usd")]


def test_a_payment_that_never_charged_has_empty_charge_columns(owner, account):
    response = account.api().post("/v1/payment_intents", {"amount": 700, "currency": "eur"})
    intent_id = response.json()["id"]

    [row] = rows_of(export(owner))

    assert row["id"] == intent_id and row["Status"] == "requires_payment_method"
    assert (row["Amount Refunded"], row["Fee"], row["Captured"], row["Card ID"],
            row["Card Last4"], row["Customer ID"]) == ("0.00", "", "false", "", "", "")


def test_the_export_carries_the_lists_filters(owner, account):
    # given payments the list filters tell apart
    jenny = new_customer(account, email="jenny@example.test")
    match = pay(account, 3000, customer=jenny.id, payment_method="pm_card_mastercard",
                metadata={"order_id": "42"})
    pay(account, 3000, customer=jenny.id, payment_method="pm_card_visa")
    pay(account, 3000, currency="eur", customer=jenny.id,
        payment_method="pm_card_mastercard")
    pay(account, 9000, customer=jenny.id, payment_method="pm_card_mastercard")
    filters = {"q": "42", "status": "succeeded", "currency": "usd", "amount_min": "20",
               "amount_max": "40", "customer": "jenny@example.test", "last4": "4444",
               "created_from": "2000-01-01", "created_to": "9998-12-31"}

    # when the merchant follows the list's Export CSV link
    page = owner.get("/payments/", {**filters, "after": ""}).content.decode()
    link = html_lib.unescape(re.search(r'href="(/payments/export\.csv[^"]*)"', page)[1])
    response = owner.get(link)

    # then it holds what the list shows, and the link names no page cursor
    assert "after=" not in link
    assert [row["id"] for row in rows_of(response)] == [match]
    assert [row["id"] for row in rows_of(export(owner, **filters))] == [match]


def test_the_link_follows_the_filters_an_htmx_swap_applies(owner, account):
    pay(account)

    # the form as a browser sends it: every field, most of them empty
    swapped = owner.get("/payments/", {"q": "", "status": "", "currency": "usd",
                                       "customer": "", "last4": "4242"},
                        headers={"HX-Request": "true"}).content.decode()

    # the link names only the filters set
    assert 'href="/payments/export.csv?currency=usd&amp;last4=4242"' in swapped


def test_only_the_merchants_payments_in_the_mode_are_exported(owner, account, other_account):
    mine = pay(account)
    live = live_intent(account)
    pay(other_account)

    assert [row["id"] for row in rows_of(export(owner))] == [mine]
    switch_mode(owner, "live")
    live_rows = rows_of(export(owner))
    assert [(row["id"], row["Mode"]) for row in live_rows] == [(live.id, "Live")]
    assert 'filename="payments-live-' in owner.get("/payments/export.csv")[
        "Content-Disposition"]


def test_another_merchants_customer_filters_to_nothing(owner, account, other_account):
    theirs = new_customer(other_account, email="sam@example.test")
    pay(other_account, customer=theirs.id)
    pay(account)

    assert rows_of(export(owner, customer=theirs.id)) == []
    assert rows_of(export(owner, customer="sam@example.test")) == []


@pytest.mark.parametrize("text", ["=HYPERLINK(\"x.test\")", "+1+1", "-2+3",
                                  "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_like_text_is_exported_as_text(owner, account, text):
    jenny = new_customer(account, email="-jenny@example.test")
    intent_id = pay(account, customer=jenny.id)
    # as stored (the API would strip a leading tab or carriage return)
    PaymentIntent.objects.filter(pk=intent_id).update(description=text,
                                                      metadata={"order_id": text})
    Charge.objects.filter(payment_intent_id=intent_id).update(statement_descriptor=text)

    [row] = rows_of(export(owner))

    assert row["Description"] == "'" + text
    assert row["order_id (metadata)"] == "'" + text
    assert row["Statement Descriptor"] == "'" + text
    assert row["Customer Email"] == "'-jenny@example.test"


def test_ordinary_text_is_exported_as_typed(owner, account):
    pay(account, description="Blue T-shirt, size M; \"cotton\"", metadata={"order_id": "A-1"})

    [row] = rows_of(export(owner))

    assert row["Description"] == "Blue T-shirt, size M; \"cotton\""
    assert row["order_id (metadata)"] == "A-1"


def test_bad_filters_send_the_merchant_back_to_the_list_that_says_why(owner, account):
    pay(account)

    response = owner.get("/payments/export.csv", {"amount_min": "10", "last4": "4242"})

    assert response.status_code == 302
    assert response["Location"] == "/payments/?amount_min=10&last4=4242"
    page = owner.get(response["Location"]).content.decode()
    assert "Enter the currency of the amounts" in page


def test_every_role_that_sees_the_list_may_export_it(support, developer, account):
    mine = pay(account)

    for client in (support, developer):
        assert [row["id"] for row in rows_of(export(client))] == [mine]


def test_the_export_needs_a_login(client, account):
    pay(account)

    response = client.get("/payments/export.csv")

    assert response.status_code == 302 and "/login/" in response["Location"]


def exported_with_queries(client, **filters) -> tuple[list[dict[str, str]], int]:
    """The export's rows, and the queries spent answering and streaming it."""
    with CaptureQueriesContext(connection) as queries:
        rows = rows_of(export(client, **filters))
    return rows, len(queries)


def test_rows_are_read_a_chunk_at_a_time_in_keyset_order(owner, account, monkeypatch):
    # given 17 payments read 5 at a time, the fifth and sixth newest made at the same
    # instant (so a chunk ends between two rows of one `created`)
    monkeypatch.setattr(payment_views, "EXPORT_CHUNK_SIZE", 5)
    ids = [pay(account, 1000 + n) for n in range(17)]
    start = datetime(2026, 4, 1, 12, tzinfo=UTC)
    for n, intent_id in enumerate(ids):
        PaymentIntent.objects.filter(pk=intent_id).update(
            created=start - timedelta(minutes=4 if n == 5 else n))
    expected = list(PaymentIntent.objects.order_by("-created", "-pk")
                    .values_list("pk", flat=True))
    assert len(set(PaymentIntent.objects.values_list("created", flat=True))) == 16

    # when
    rows, queries = exported_with_queries(owner)

    # then every payment once, newest first, and each chunk one query (5, 5, 5 and 2 rows
    # where an empty export reads one)
    assert [row["id"] for row in rows] == expected
    _, empty = exported_with_queries(owner, currency="eur")
    assert queries == empty + 3


def test_the_query_count_does_not_grow_with_the_rows(owner, account, monkeypatch,
                                                     django_assert_max_num_queries):
    # given chunks of 10: session, user, membership with its merchant, then one query per
    # chunk, whatever the customers, cards, charges and balance transactions shown
    monkeypatch.setattr(payment_views, "EXPORT_CHUNK_SIZE", 10)
    for n in range(3):
        pay(account, 1000 + n, customer=new_customer(account, email=f"c{n}@example.test").id)

    with django_assert_max_num_queries(4):
        assert len(rows_of(export(owner))) == 3

    for n in range(3, 30):
        pay(account, 1000 + n, customer=new_customer(account, email=f"c{n}@example.test").id)

    # three full chunks and the empty read that ends them: 30 rows, not 30 queries
    with django_assert_max_num_queries(7):
        assert len(rows_of(export(owner))) == 30
    # a chunk as large as the rows reads them in one query
    monkeypatch.setattr(payment_views, "EXPORT_CHUNK_SIZE", 2000)
    with django_assert_max_num_queries(4):
        assert len(rows_of(export(owner))) == 30
