"""CSV exports of the dashboard's lists, in the columns and formats of Stripe's dashboard
exports (so a spreadsheet or an importer made for Stripe's reads them unchanged), written
row by row as the rows are read: a million rows cost one chunk's memory."""

import csv
from collections.abc import Iterable, Iterator
from datetime import UTC
from typing import Any

from dashboard.forms import major_units
from payments.models import card_id_of
from payments.pages import BRAND_NAMES

# Stripe's payments export, the columns Till has (its names and its order).
PAYMENT_COLUMNS = (
    "id", "Description", "Created (UTC)", "Amount", "Amount Refunded", "Currency", "Fee",
    "Mode", "Status", "Statement Descriptor", "Customer ID", "Customer Email", "Captured",
    "Card ID", "Card Last4", "Card Brand", "Card Funding", "Invoice ID", "order_id (metadata)",
)
# Card brands as Stripe's exports (and its legacy Card objects) name them.
CARD_BRANDS = {**BRAND_NAMES, "mastercard": "MasterCard"}
# A cell starting with one of these is read as a formula by spreadsheets (OWASP's list).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(text: str | None) -> str:
    """Text a merchant or a customer typed, as a cell no spreadsheet runs as a formula: a
    leading `'` before what would start one."""
    if not text:
        return ""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _payment_cells(row: dict[str, Any]) -> list[str]:
    """One exported intent (payments.selectors.PAYMENT_INTENT_EXPORT_FIELDS) as its cells."""
    currency = row["currency"]
    card = row["payment_method__card"] or {}
    card_id = row["payment_method_id"]
    if card_id and row["payment_method__card_source"]:
        card_id = card_id_of(card_id)
    fee = row["latest_charge__balance_transaction__fee"]
    metadata = row["metadata"] or {}
    captured = row["latest_charge__captured"]
    return [
        row["id"],
        csv_safe(row["description"]),
        row["created"].astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        major_units(row["amount"], currency),
        major_units(row["latest_charge__amount_refunded"] or 0, currency),
        currency,
        # In the balance's currency, which is the charge's unless it was converted.
        (major_units(fee, row["latest_charge__balance_transaction__currency"])
         if fee is not None else ""),
        "Live" if row["livemode"] else "Test",
        row["status"],
        csv_safe(row["latest_charge__statement_descriptor"] or row["statement_descriptor"]),
        row["customer_id"] or "",
        csv_safe(row["customer__email"]),
        "true" if captured else "false",
        card_id or "",
        csv_safe(card.get("last4")),
        CARD_BRANDS.get(card.get("brand") or "", csv_safe(card.get("brand"))),
        csv_safe(card.get("funding")),
        row["invoice_id"] or "",
        csv_safe(str(metadata.get("order_id") or "")),
    ]


class _Line:
    """What csv.writer writes to: it hands back each line instead of keeping it."""

    def write(self, line: str) -> str:
        return line


def payment_csv_lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The header, then a line per exported intent, each produced as it is read."""
    writer = csv.writer(_Line())
    yield writer.writerow(PAYMENT_COLUMNS)
    for row in rows:
        yield writer.writerow(_payment_cells(row))
