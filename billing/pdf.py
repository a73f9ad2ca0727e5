"""A finalized invoice as a PDF (fpdf2, its core fonts: nothing is fetched, nothing embedded).

What it shows is what the invoice's page shows: its number and dates, the merchant and the
customer as the invoice recorded them at finalization, its lines with their periods, and its
totals. Money through core.money.format_money. A draft has no PDF (it has no number and can
still change), as Stripe's `invoice_pdf` is null until finalization.
"""

import io
from datetime import datetime

from fpdf import FPDF

from billing.models import Invoice, InvoiceLineItem
from core.addresses import address_lines
from core.money import SYMBOLS, format_money
from merchants.selectors import merchant_logo_png

# The core fonts speak Latin-1: a symbol outside it is left out (the currency's code follows
# every amount anyway), any other character outside it shows as "?".
_CORE_FONT_ENCODING = "latin-1"
_DROPPED_SYMBOLS = {symbol for symbol in SYMBOLS.values()
                    if not symbol.encode(_CORE_FONT_ENCODING, "ignore")}

_PAGE_WIDTH = 180  # mm between the margins of an A4 page
_LINE_COLUMNS = (92, 14, 42, 32)  # description, qty, period, amount


def _text(value: object) -> str:
    text = "".join(char for char in str(value) if char not in _DROPPED_SYMBOLS)
    return text.encode(_CORE_FONT_ENCODING, "replace").decode(_CORE_FONT_ENCODING)


def _money(amount: int | None, currency: str) -> str:
    return _text(format_money(amount or 0, currency))


def _date(moment: datetime | None) -> str:
    return moment.strftime("%b %-d, %Y") if moment else "-"


def invoice_has_pdf(invoice: Invoice) -> bool:
    return invoice.status != Invoice.Status.DRAFT and bool(invoice.number)


def invoice_pdf(invoice: Invoice, lines: list[InvoiceLineItem]) -> bytes:
    """The PDF of a finalized invoice (its merchant, customer and lines already read)."""
    if not invoice_has_pdf(invoice):
        raise ValueError(f"A draft invoice has no PDF: {invoice.id} is {invoice.status}.")
    pdf = FPDF(format="A4")
    pdf.set_title(_text(f"Invoice {invoice.number}"))
    pdf.set_author(_text(invoice.merchant.name))
    pdf.set_creator("Till")
    pdf.set_auto_page_break(auto=True, margin=20)
    pdf.add_page()
    _header(pdf, invoice)
    _parties(pdf, invoice)
    _lines(pdf, invoice, lines)
    _totals(pdf, invoice)
    _footer(pdf, invoice)
    return bytes(pdf.output())


def _brand_rgb(invoice: Invoice) -> tuple[int, int, int]:
    color = (invoice.merchant.brand_color or "#0a2540").lstrip("#")
    return int(color[0:2], 16), int(color[2:4], 16), int(color[4:6], 16)


def _header(pdf: FPDF, invoice: Invoice) -> None:
    # The merchant's colour (dashboard settings): a bar across the top and the title; its
    # logo, when it has one, above them.
    pdf.set_fill_color(*_brand_rgb(invoice))
    pdf.rect(0, 0, 210, 6, style="F")
    logo = (merchant_logo_png(digest=invoice.merchant.logo_digest)
            if invoice.merchant.logo_digest else None)
    if logo is not None:
        pdf.image(io.BytesIO(logo), x=pdf.l_margin, y=pdf.get_y(), h=14)
        pdf.ln(18)
    pdf.set_text_color(*_brand_rgb(invoice))
    pdf.set_font("helvetica", style="B", size=20)
    pdf.cell(_PAGE_WIDTH / 2, 10, "Invoice")
    pdf.set_text_color(0)
    pdf.set_font("helvetica", size=10)
    pdf.cell(_PAGE_WIDTH / 2, 10, _text(invoice.merchant.name), align="R",
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    rows = [("Invoice number", invoice.number), ("Date of issue", _date(invoice.finalized_at))]
    if invoice.due_date:
        rows.append(("Date due", _date(invoice.due_date)))
    if invoice.paid_at:
        rows.append(("Date paid", _date(invoice.paid_at)))
    if invoice.status in (Invoice.Status.VOID, Invoice.Status.UNCOLLECTIBLE):
        rows.append(("Status", invoice.get_status_display()))
    for label, value in rows:
        pdf.set_font("helvetica", style="B", size=10)
        pdf.cell(40, 6, label)
        pdf.set_font("helvetica", size=10)
        pdf.cell(0, 6, _text(value), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _parties(pdf: FPDF, invoice: Invoice) -> None:
    merchant = [invoice.merchant.name, invoice.merchant.contact_email]
    customer = [invoice.customer_name, *address_lines(invoice.customer_address),
                invoice.customer_email, invoice.customer_phone]
    merchant = [line for line in merchant if line]
    customer = [line for line in customer if line] or [invoice.customer_id]
    pdf.set_font("helvetica", style="B", size=10)
    pdf.cell(_PAGE_WIDTH / 2, 6, "From")
    pdf.cell(_PAGE_WIDTH / 2, 6, "Bill to", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=10)
    for index in range(max(len(merchant), len(customer))):
        left = merchant[index] if index < len(merchant) else ""
        right = customer[index] if index < len(customer) else ""
        pdf.cell(_PAGE_WIDTH / 2, 5, _text(left))
        pdf.cell(_PAGE_WIDTH / 2, 5, _text(right), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font("helvetica", style="B", size=13)
    due = (f"{_money(invoice.amount_due, invoice.currency)} "
           + (f"due {_date(invoice.due_date)}" if invoice.due_date else "due"))
    pdf.cell(0, 8, _text(due), new_x="LMARGIN", new_y="NEXT")
    if invoice.description:
        pdf.set_font("helvetica", size=10)
        pdf.multi_cell(0, 5, _text(invoice.description), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _lines(pdf: FPDF, invoice: Invoice, lines: list[InvoiceLineItem]) -> None:
    description, quantity, period, amount = _LINE_COLUMNS
    pdf.set_font("helvetica", style="B", size=9)
    pdf.cell(description, 7, "Description", border="B")
    pdf.cell(quantity, 7, "Qty", border="B", align="R")
    pdf.cell(period, 7, "Period", border="B", align="C")
    pdf.cell(amount, 7, "Amount", border="B", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", size=9)
    for line in lines:
        text = (line.description or "-") + (" (proration)" if line.proration else "")
        dates = _date(line.period_start)
        if line.period_end != line.period_start:
            dates += f" - {_date(line.period_end)}"
        pdf.cell(description, 6, _text(text)[:70])
        pdf.cell(quantity, 6, str(line.quantity), align="R")
        pdf.cell(period, 6, _text(dates), align="C")
        pdf.cell(amount, 6, _money(line.amount, line.currency), align="R",
                 new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)


def _totals(pdf: FPDF, invoice: Invoice) -> None:
    currency = invoice.currency
    rows = [("Subtotal", invoice.subtotal), ("Total", invoice.total)]
    if invoice.starting_balance:
        rows.append(("Applied balance", invoice.starting_balance))
    rows += [("Amount due", invoice.amount_due), ("Amount paid", invoice.amount_paid),
             ("Amount remaining", invoice.amount_remaining)]
    label_width = _PAGE_WIDTH - _LINE_COLUMNS[-1] - 40
    for label, value in rows:
        bold = label in ("Amount due", "Amount remaining")
        pdf.set_font("helvetica", style="B" if bold else "", size=10)
        pdf.cell(label_width, 6, "")
        pdf.cell(40, 6, label, border="T")
        pdf.cell(_LINE_COLUMNS[-1], 6, _money(value, currency), border="T", align="R",
                 new_x="LMARGIN", new_y="NEXT")


def _footer(pdf: FPDF, invoice: Invoice) -> None:
    pdf.ln(10)
    pdf.set_font("helvetica", size=8)
    if invoice.footer:
        pdf.multi_cell(0, 4, _text(invoice.footer), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(110)
    pdf.cell(0, 4, _text(f"{invoice.number} · {invoice.id} · "
                         f"{'live' if invoice.livemode else 'test'} mode"),
             new_x="LMARGIN", new_y="NEXT")
