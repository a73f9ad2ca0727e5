"""An invoice's PDF in the dashboard: a finalized invoice renders (number, parties, lines and
totals, through fpdf2's core fonts); a draft has none, and says why; another merchant's is
not found."""

import re
import zlib

import pytest

from tests.billing.factories import customer_with_card, draft, ok, open_invoice


def pdf_text(content: bytes) -> str:
    """The text the PDF's page streams draw: each stream is its /Length bytes after
    `stream` (fpdf2 deflates the page's; binary, so never split on what it holds)."""
    drawn = []
    for match in re.finditer(rb"/Length (\d+)[^>]*>>\s*stream\n", content):
        stream = content[match.end():match.end() + int(match[1])]
        try:
            drawn.append(zlib.decompress(stream).decode("latin-1"))
        except zlib.error:
            drawn.append(stream.decode("latin-1"))
    return "\n".join(drawn)


def test_a_finalized_invoice_is_a_pdf_with_its_number_lines_and_totals(owner, api):
    # given an open invoice of two lines for a named customer
    customer, _ = customer_with_card(api, name="Ana Lima", email="ana@example.test")
    invoice = open_invoice(api, customer["id"], 4200, 800)

    # when its PDF is asked for
    response = owner.get(f"/invoices/{invoice['id']}/pdf/")

    # then it is a PDF, shown inline, naming the number, the parties and the money
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="Invoice-{invoice["number"]}.pdf"'
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert invoice["number"] in text
    assert "Ana Lima" in text and "ana@example.test" in text and "Shop" in text
    assert "$42.00 USD" in text and "$8.00 USD" in text  # the lines
    assert "$50.00 USD due" in text  # the total due
    assert "Amount remaining" in text


def test_a_paid_invoice_shows_what_was_paid(owner, api):
    customer, _ = customer_with_card(api)
    invoice = open_invoice(api, customer["id"], 1500)
    paid = ok(api.post(f"/v1/invoices/{invoice['id']}/pay"))

    text = pdf_text(owner.get(f"/invoices/{paid['id']}/pdf/").content)

    assert paid["status"] == "paid"
    assert "Date paid" in text and "$15.00 USD" in text and "$0.00 USD" in text


def test_a_currency_whose_symbol_the_core_fonts_lack_keeps_its_code(owner, api):
    customer, _ = customer_with_card(api)
    invoice = open_invoice(api, customer["id"], 1999, currency="eur")

    response = owner.get(f"/invoices/{invoice['id']}/pdf/")

    assert response.status_code == 200
    assert "19.99 EUR" in pdf_text(response.content)


def test_a_draft_has_no_pdf_and_says_why(owner, api):
    customer, _ = customer_with_card(api)
    invoice = draft(api, customer["id"], 4200)

    response = owner.get(f"/invoices/{invoice['id']}/pdf/")
    page = owner.get(f"/invoices/{invoice['id']}/").content.decode()

    assert response.status_code == 404
    assert "A draft invoice has no PDF" in response.content.decode()
    assert f"/invoices/{invoice['id']}/pdf/" not in page


def test_the_invoice_page_links_its_pdf(owner, api):
    customer, _ = customer_with_card(api)
    invoice = open_invoice(api, customer["id"], 4200)

    page = owner.get(f"/invoices/{invoice['id']}/").content.decode()

    assert f'href="/invoices/{invoice["id"]}/pdf/"' in page


@pytest.mark.parametrize("whose", ["theirs", "missing"])
def test_another_merchants_or_a_missing_invoice_has_no_pdf(owner, other_account, whose):
    api = other_account.api()
    customer, _ = customer_with_card(api)
    theirs = open_invoice(api, customer["id"], 4200)
    invoice_id = theirs["id"] if whose == "theirs" else "in_missing"

    assert owner.get(f"/invoices/{invoice_id}/pdf/").status_code == 404


def test_the_pdf_stays_within_its_query_budget(owner, api, django_assert_max_num_queries):
    customer, _ = customer_with_card(api)
    invoice = open_invoice(api, customer["id"], *range(100, 1100, 100))

    # the session, the user and membership, the invoice with its customer, merchant and
    # payment, its lines
    with django_assert_max_num_queries(6):
        assert owner.get(f"/invoices/{invoice['id']}/pdf/").status_code == 200
