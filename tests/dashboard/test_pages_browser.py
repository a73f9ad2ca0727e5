"""The dashboard in a real browser under its Content-Security-Policy: htmx and the page's own
script run, nothing inline is refused. Chromium and Playwright as the hosted page's browser
tests use them (skipped, with the reason, without them)."""

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

from tests.dashboard.helpers import PUBLIC_URL, owner_of
from tests.payments.test_pages_browser import (  # the same browser, one per module
    RECORD_CSP_VIOLATIONS,
    TIMEOUT_MS,
    _orm_beside_playwright,  # noqa: F401 - a fixture
    browser,  # noqa: F401 - a fixture
    expect,
)


@pytest.fixture
def owner_tab(browser, live_server, account) -> Iterator["Tab"]:  # noqa: F811
    """A tab signed in as the account's owner (the session made by Django's test client)."""
    client = Client()
    client.force_login(owner_of(account))
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                          "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                          "url": live_server.url}])
    try:
        yield Tab(context.new_page(), live_server.url)
    finally:
        context.close()


class Tab:
    def __init__(self, page, url: str) -> None:
        self.page, self.url = page, url
        self.console: list[str] = []
        self.errors: list[str] = []
        page.on("console", lambda message: self.console.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.add_init_script(RECORD_CSP_VIOLATIONS)

    def open(self, path: str):
        return self.page.goto(self.url + path)

    def csp_violations(self) -> list[str]:
        return (self.page.evaluate("window.__cspViolations || []")
                + [text for text in self.console if "Content Security Policy" in text])


@pytest.fixture
def account(transactional_db):
    from tests.conftest import make_account

    return make_account("Dashboard Browser Shop")


def test_the_dashboard_works_under_its_content_security_policy(owner_tab):
    tab, page = owner_tab, owner_tab.page
    # given Home, served with its policy and out of caches
    response = tab.open("/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "form-action 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "no-store" in response.headers["cache-control"]

    # when the owner adds a webhook endpoint, whose secret is shown once
    tab.open("/webhooks/new/")
    page.get_by_label("Endpoint URL").fill(PUBLIC_URL)
    page.get_by_label("All events, including types added later").check()
    page.get_by_role("button", name="Add endpoint").click()
    secret = page.get_by_label("Signing secret")
    expect(secret).to_have_value(re.compile(r"^whsec_"))
    # then focusing it selects it whole, for copying (the page's script, not an inline one)
    secret.focus()
    selected = page.evaluate("el => [el.selectionStart, el.selectionEnd, el.value.length]",
                             secret.element_handle())
    assert selected[0] == 0 and selected[1] == selected[2] > 0
    assert tab.csp_violations() == []

    # and htmx swaps a filtered list in place, pushing its URL
    tab.open("/payments/")
    page.get_by_label("Status").select_option("succeeded")
    page.wait_for_url(re.compile(r"/payments/\?.*status=succeeded"))
    expect(page.locator("#results")).to_be_visible()
    assert tab.csp_violations() == []
    assert tab.errors == []


def test_the_balance_filters_swap_in_place_under_the_policy(owner_tab, account):
    tab, page = owner_tab, owner_tab.page
    # given a captured payment on the Balance page
    intent = account.api().post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "payment_method": "pm_card_visa", "confirm": True})
    assert intent.status_code == 200, intent.content
    tab.open("/balance/")
    expect(page.locator("#results")).to_contain_text("$19.12")

    # when the type filter is changed, htmx swaps the results and pushes the URL
    page.get_by_label("Type").select_option("refund")
    page.wait_for_url(re.compile(r"/balance/\?.*type=refund"))

    # then only the list changed: no refund yet, the balance above it still shown
    expect(page.locator("#results")).to_contain_text("No test balance transaction matches")
    expect(page.locator("table.balances")).to_contain_text("$19.12")
    assert tab.csp_violations() == []
    assert tab.errors == []


def test_a_payment_appears_on_homes_chart(owner_tab, account):
    tab, page = owner_tab, owner_tab.page
    # given Home with nothing paid yet, its charts drawn by the page's own script
    tab.open("/")
    expect(page.locator("#figure-gross .figure-value")).to_have_text("$0.00 USD")
    assert page.evaluate("window.tillCharts.gross.data[1].slice(-1)[0]") == 0

    # when a payment is made and Home is opened again
    intent = account.api().post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "payment_method": "pm_card_visa", "confirm": True})
    assert intent.status_code == 200, intent.content
    tab.open("/")

    # then the figure and today's point of the chart (the last of the week) show it
    expect(page.locator("#figure-gross .figure-value")).to_have_text("$20.00 USD")
    assert page.evaluate("window.tillCharts.gross.data[1].slice(-1)[0]") == 2000
    expect(page.locator("#figure-gross canvas")).to_be_visible()
    # and its recent activity is dated in the merchant's zone, with UTC on hover
    expect(page.locator("#recent-title ~ .table-wrap time").first).to_have_attribute(
        "title", re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$"))

    # and another period swaps the figures in place (htmx), drawn again by the hour
    page.get_by_role("link", name="Today").click()
    page.wait_for_url(re.compile(r"/\?range=today"))
    expect(page.get_by_role("link", name="Today")).to_have_attribute("aria-current", "true")
    page.wait_for_function("window.tillCharts.gross && "
                           "window.tillCharts.gross.data[0].length === 24")
    assert tab.csp_violations() == []
    assert tab.errors == []


def test_a_filtered_list_exports_as_csv(owner_tab, account):
    tab, page = owner_tab, owner_tab.page
    # given payments in dollars and in euros
    api = account.api()
    for amount, currency in [(2000, "usd"), (1500, "eur"), (700, "eur")]:
        paid = api.post("/v1/payment_intents", {
            "amount": amount, "currency": currency, "payment_method": "pm_card_visa",
            "confirm": True, "metadata": {"order_id": f"{currency}-{amount}"}})
        assert paid.status_code == 200, paid.content

    # when the list is filtered to euros (htmx swaps the results and the export link)
    tab.open("/payments/")
    page.get_by_label("Currency", exact=True).fill("eur")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"/payments/\?.*currency=eur"))
    expect(page.locator("#results")).not_to_contain_text("$20.00")

    # then Export CSV downloads those payments only, in Stripe's columns
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Export CSV")).click()
    assert re.fullmatch(r"payments-test-\d{4}-\d\d-\d\d\.csv",
                        download.value.suggested_filename)
    rows = list(csv.DictReader(io.StringIO(
        Path(download.value.path()).read_text(encoding="utf-8"))))
    assert sorted((row["Amount"], row["Currency"], row["order_id (metadata)"])
                  for row in rows) == [("15.00", "eur", "eur-1500"), ("7.00", "eur", "eur-700")]
    assert tab.errors == []
