"""The hosted invoice page and the receipt page in a real browser (Debian's Chromium through
Playwright, as the payment page's browser tests): an invoice paid, a decline then a retry,
and the receipt it links. With TILL_SCREENSHOTS set to a directory the run saves there
hosted-invoice.png and receipt.png."""

import os
import re
from pathlib import Path

from billing.models import Invoice
from payments.models import Charge
from tests.payments.test_pages_browser import (  # noqa: F401 (fixtures)
    DECLINED,
    GOOD,
    _orm_beside_playwright,
    assert_no_card_data,
    browser,
    customer,
    expect,
    shop,
    till_url,
)


def screenshot(page, name: str) -> None:
    directory = os.environ.get("TILL_SCREENSHOTS")
    if directory:  # the directory `make screenshots` names, as the other browser tests read it
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / name), full_page=True)


def open_invoice(account) -> dict:
    api = account.api()
    owner = api.post("/v1/customers", {"name": "Jenny Rosen",
                                       "email": "jenny@example.com"}).json()
    draft = api.post("/v1/invoices", {"customer": owner["id"],
                                      "collection_method": "send_invoice",
                                      "days_until_due": 30}).json()
    for amount, description in ((4900, "Pro plan, December"), (1500, "Extra seats × 3")):
        api.post("/v1/invoiceitems", {"customer": owner["id"], "invoice": draft["id"],
                                      "amount": amount, "currency": "usd",
                                      "description": description})
    finalized = api.post(f"/v1/invoices/{draft['id']}/finalize")
    assert finalized.status_code == 200, finalized.content
    return finalized.json()


def type_card(page, number: str) -> None:
    page.get_by_label("Card number").press_sequentially(number)
    page.get_by_label("Expiry").clear()  # a failed attempt gives the expiry back
    page.get_by_label("Expiry").press_sequentially("1234")
    page.get_by_label("CVC").press_sequentially("987")
    page.get_by_label("Name on card").fill("Jenny Rosen")


def test_an_invoice_paid_after_a_decline_then_its_receipt(customer, till_url, shop):  # noqa: F811
    # given the customer on the hosted page of an open invoice for 64.00 USD
    invoice = open_invoice(shop)
    page = customer.page
    page.goto(invoice["hosted_invoice_url"])
    expect(page.locator(".pay-amount")).to_have_text("$64.00 USD")
    expect(page.locator(".invoice-lines")).to_contain_text("Pro plan, December")
    screenshot(page, "hosted-invoice.png")

    # when they pay with a card the bank declines
    type_card(page, DECLINED)
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()

    # then the decline shows, nothing is paid, and the card is not echoed back
    expect(page.get_by_role("alert")).to_have_text("Your card was declined.")
    assert Invoice.objects.get(pk=invoice["id"]).status == "open"
    assert_no_card_data(customer, DECLINED)

    # when they retry with a good card
    type_card(page, GOOD)
    page.get_by_role("button", name=re.compile(r"^Pay ")).click()

    # then the page says Paid, once, and links the receipt
    expect(page.locator(".invoice-status")).to_have_text("Paid")
    assert Invoice.objects.get(pk=invoice["id"]).status == "paid"
    assert Charge.objects.filter(status="succeeded").count() == 1
    assert customer.errors == [] and customer.csp_violations() == []

    page.get_by_role("link", name="View receipt").click()
    expect(page.locator(".pay-merchant")).to_contain_text(shop.merchant.name)
    expect(page.locator(".receipt-card")).to_contain_text("$64.00 USD")
    expect(page.locator(".receipt-card")).to_contain_text("Visa ending in 4242")
    expect(page.locator(".receipt-number")).to_have_text(re.compile(r"^\d{4}-\d{4}$"))
    assert customer.csp_violations() == []
    screenshot(page, "receipt.png")
