"""The customer portal in a real browser (Debian's Chromium through Playwright, as the payment
page's browser tests): a customer updates the card, then cancels at the period's end, with
JavaScript on and off. With TILL_SCREENSHOTS set, the portal is saved as portal.png (in the
directory it names, else docs/screenshots/)."""

import os
import re
from pathlib import Path

from billing.models import Subscription
from payments.models import Customer as CustomerRow
from tests.billing.factories import customer_with_card, monthly, ok, product
from tests.payments import test_pages_browser as pages_browser
from tests.payments.test_pages_browser import Customer, assert_no_card_data, expect

# The payment page's browser fixtures: one Chromium, a tab with JavaScript on or off, a shop
# and the live server as Till's public address.
_orm_beside_playwright = pages_browser._orm_beside_playwright
browser = pages_browser.browser
customer = pages_browser.customer
customer_without_js = pages_browser.customer_without_js
shop = pages_browser.shop
till_url = pages_browser.till_url

MASTERCARD = "5555555555554444"


def _screenshot(page, name: str) -> None:
    target = os.environ.get("TILL_SCREENSHOTS")
    if not target:
        return
    folder = Path(target) if Path(target).is_dir() else Path("docs/screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / name), full_page=True)


def _portal(account, public_url: str) -> tuple[str, str, str]:
    """A subscribed customer with a Visa on file, and a portal session for them."""
    api = account.api()
    gold = product(api, name="Gold plan")
    price = monthly(api, gold["id"], unit_amount=1500)
    owner, _ = customer_with_card(api, email="jenny@example.com")
    subscription = ok(api.post("/v1/subscriptions", {"customer": owner["id"],
                                                     "items": [{"price": price["id"]}]}))
    configuration = ok(api.post("/v1/billing_portal/configurations", {
        "business_profile": {"headline": "Manage your Gold plan"},
        "features": {"invoice_history": {"enabled": True},
                     "payment_method_update": {"enabled": True},
                     "subscription_cancel": {"enabled": True, "mode": "at_period_end"}}}))
    session = ok(api.post("/v1/billing_portal/sessions", {
        "customer": owner["id"], "configuration": configuration["id"],
        "return_url": public_url + "/healthz"}))
    return session["url"], owner["id"], subscription["id"]


def _update_card_then_cancel(visitor: Customer, url: str, customer_id: str,
                             subscription_id: str, *, screenshot: bool) -> None:
    page = visitor.page
    page.goto(url)
    expect(page.locator(".portal-card-line")).to_contain_text("Visa •••• 4242")
    expect(page.locator(".portal-subscription")).to_contain_text("Gold plan")
    expect(page.locator(".portal-invoices")).to_contain_text("Paid")

    # the card
    page.get_by_role("link", name="Update card").click()
    visitor.type_card(MASTERCARD)
    page.get_by_role("button", name="Save card").click()
    page.wait_for_url(re.compile(r"\?done=card$"))
    expect(page.locator("p.message")).to_contain_text("Your card is updated")
    expect(page.locator(".portal-card-line")).to_contain_text("Mastercard •••• 4444")
    assert_no_card_data(visitor, MASTERCARD)
    if screenshot:
        _screenshot(page, "portal.png")

    # canceling, after the confirmation step
    page.get_by_role("link", name="Cancel subscription").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your subscription")
    assert Subscription.objects.get(pk=subscription_id).cancel_at_period_end is False
    page.get_by_role("button", name="Cancel subscription").click()
    page.wait_for_url(re.compile(r"\?done=cancels$"))
    expect(page.locator(".portal-subscription")).to_contain_text("Cancels on")
    expect(page.get_by_role("button", name="Renew subscription")).to_be_visible()

    # and back to the business
    page.get_by_role("link", name=re.compile("Return to")).first.click()
    page.wait_for_url(re.compile(r"/healthz$"))

    subscription = Subscription.objects.get(pk=subscription_id)
    assert (subscription.status, subscription.cancel_at_period_end) == ("active", True)
    default = CustomerRow.objects.get(pk=customer_id).invoice_settings[
        "default_payment_method"]
    assert visitor.errors == []
    assert visitor.csp_violations() == []
    assert default.startswith("pm_")


def test_the_customer_updates_the_card_and_cancels(customer, shop, till_url):
    url, customer_id, subscription_id = _portal(shop, till_url)
    _update_card_then_cancel(customer, url, customer_id, subscription_id, screenshot=True)


def test_the_portal_works_without_javascript(customer_without_js, shop, till_url):
    url, customer_id, subscription_id = _portal(shop, till_url)
    _update_card_then_cancel(customer_without_js, url, customer_id, subscription_id,
                             screenshot=False)
