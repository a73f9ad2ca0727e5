"""Checkout's hosted pages in a real browser: what a customer sees and does.

Chromium (Debian's) driven by Playwright against a live Till server, with the browser, the tab
helpers and the card checks of the payment page's browser tests. The sessions and links are
made through the API, as a merchant's integration makes them; the test-client tests beside
this file cover the same pages request by request. These add what only a browser shows:
till.js formatting the card as typed, the redirects followed to the merchant's success_url,
3-D Secure and back, the plain form with JavaScript off, and nothing card-like left in the
DOM or the console.

With TILL_SCREENSHOTS set to a directory, the pages are also saved there as full-page PNGs
(`make screenshots` writes docs/screenshots/).
"""

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from billing.models import Invoice, Subscription
from checkout.models import CheckoutSession
from merchants.services import merchant_create
from payments.models import Charge, PaymentIntent
from tests.billing.factories import ok, price
from tests.conftest import Account, Api
from tests.payments.test_pages_browser import (  # the same browser, one per module
    CVC,
    DECLINED,
    GOOD,
    NAME,
    THREE_D_SECURE,
    TIMEOUT_MS,
    Customer,
    _orm_beside_playwright,  # noqa: F401 - a fixture
    assert_no_card_data,
    browser,  # noqa: F401 - a fixture
    expect,
)

EMAIL = "jenny@example.com"
# The merchant's own pages (success_url, cancel_url): answered in the browser, no network.
SHOP = "https://shop.example"
# Small enough for the screenshots to stay light, wide enough for the page's layout.
VIEWPORT = {"width": 1000, "height": 900}


def screenshot(customer: Customer, name: str) -> None:
    """A full-page PNG of what the customer sees, when TILL_SCREENSHOTS names a directory."""
    directory = os.environ.get("TILL_SCREENSHOTS")
    if not directory:
        return
    Path(directory).mkdir(parents=True, exist_ok=True)
    # No focus ring, whose rendering varies by a few pixels run to run.
    customer.page.evaluate("document.activeElement && document.activeElement.blur()")
    customer.page.screenshot(path=str(Path(directory) / name), full_page=True)


class Shopper(Customer):
    """A tab on Checkout: the payment page's Customer, with the email and the merchant's
    pages served."""

    def __init__(self, page) -> None:
        super().__init__(page)
        page.context.route(SHOP + "/**", lambda route: route.fulfill(
            body="<!doctype html><title>Shop</title><h1>Back at the shop</h1>",
            content_type="text/html"))

    def fill_in(self, number: str, *, email: str = EMAIL, expiry_digits: str = "1234") -> None:
        email_field = self.page.get_by_label("Email")
        if email_field.count() and not email_field.input_value():
            email_field.fill(email)
        self.type_card(number, expiry_digits=expiry_digits)

    def submit(self) -> None:
        self.page.locator("button.pay-button").click()


def _shopper(browser, *, java_script_enabled: bool) -> Iterator[Shopper]:  # noqa: F811
    context = browser.new_context(java_script_enabled=java_script_enabled, viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield Shopper(context.new_page())
    finally:
        context.close()


@pytest.fixture
def shopper(browser) -> Iterator[Shopper]:  # noqa: F811
    yield from _shopper(browser, java_script_enabled=True)


@pytest.fixture
def shopper_without_js(browser) -> Iterator[Shopper]:  # noqa: F811
    yield from _shopper(browser, java_script_enabled=False)


@pytest.fixture
def shop(transactional_db) -> Account:
    """One name for every test's merchant, so the screenshots read the same run to run."""
    return Account(merchant_create(name="Northwind Goods",
                                   email=f"owner-{uuid.uuid4().hex[:12]}@northwind.test",
                                   password="correct horse battery staple"))


@pytest.fixture
def till_url(live_server, settings) -> str:
    """The live server as Till's public address: session and link URLs point at it."""
    settings.TILL_PUBLIC_URL = live_server.url
    return live_server.url


@pytest.fixture
def api(shop: Account, till_url: str) -> Api:
    return shop.api()


@pytest.fixture
def order(api: Api) -> dict:
    """A payment-mode session for two T-shirts and a mug: $52.50, back to the shop after."""
    tshirt = price(api, unit_amount=2000, currency="usd", product_data={"name": "T-shirt"})
    mug = price(api, unit_amount=1250, currency="usd", product_data={"name": "Mug"})
    return ok(api.post("/v1/checkout/sessions", {
        "mode": "payment",
        "line_items": [{"price": tshirt["id"], "quantity": 2}, {"price": mug["id"],
                                                                "quantity": 1}],
        "success_url": SHOP + "/thanks?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": SHOP + "/cart"}))


def thanks_url(session: dict) -> re.Pattern[str]:
    return re.compile("^" + re.escape(f"{SHOP}/thanks?session_id={session['id']}") + "$")


def session_of(api: Api, session: dict) -> dict:
    return ok(api.get(f"/v1/checkout/sessions/{session['id']}"))


def charges(session: dict) -> list[str]:
    return sorted(Charge.objects.filter(payment_intent_id=session["payment_intent"])
                  .values_list("status", flat=True))


def assert_back_at_the_shop(shopper: Shopper, session: dict) -> None:
    page = shopper.page
    page.wait_for_url(thanks_url(session))
    expect(page.get_by_role("heading", level=1)).to_have_text("Back at the shop")
    assert shopper.errors == []


# -- payment mode ---------------------------------------------------------------------------

def test_a_payment_session_shows_its_items_and_pays_on_to_the_success_url(
        shopper, shop, api, order):
    # given the customer on the session's page: each line, the total, the button's amount
    page = shopper.page
    page.goto(order["url"])
    expect(page.locator(".pay-merchant")).to_have_text(shop.merchant.name)
    rows = page.locator(".checkout-lines tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("T-shirt")
    expect(rows.nth(0)).to_contain_text("× 2")
    expect(rows.nth(0)).to_contain_text("$40.00 USD")
    expect(rows.nth(1)).to_contain_text("Mug")
    expect(rows.nth(1)).to_contain_text("$12.50 USD")
    expect(page.locator(".checkout-lines tfoot")).to_contain_text("$52.50 USD")
    expect(page.locator(".pay-amount")).to_have_text("$52.50 USD")
    expect(page.locator("button.pay-button")).to_have_text("Pay $52.50 USD")
    expect(page.get_by_role("link", name=re.compile("Back to"))).to_have_attribute(
        "href", SHOP + "/cart")
    page.get_by_label("Email").fill(EMAIL)
    screenshot(shopper, "checkout-payment.png")

    # when they type a card (till.js groups it as typed) and pay
    shopper.type_card(GOOD)
    expect(page.get_by_label("Card number")).to_have_value("4242 4242 4242 4242")
    expect(page.get_by_label("Expiry")).to_have_value("12 / 34")
    assert shopper.csp_violations() == []
    shopper.submit()

    # then the browser is back at the shop, the session's id in the URL, and it is paid
    assert_back_at_the_shop(shopper, order)
    done = session_of(api, order)
    assert (done["status"], done["payment_status"], done["amount_total"]) == (
        "complete", "paid", 5250)
    assert done["customer_details"]["email"] == EMAIL
    intent = PaymentIntent.objects.get(pk=order["payment_intent"])
    assert (intent.status, intent.amount_received) == ("succeeded", 5250)
    assert intent.payment_method.billing_details["name"] == NAME
    assert charges(order) == ["succeeded"]
    assert_no_card_data(shopper, GOOD)


def test_a_decline_shows_the_banks_answer_then_another_card_pays(shopper, api, order):
    # given the customer on the session's page
    page = shopper.page
    page.goto(order["url"])

    # when they pay with a card the bank declines
    shopper.fill_in(DECLINED)
    shopper.submit()

    # then the page says so in Stripe's words, the form back with number and CVC empty
    expect(page.get_by_role("alert")).to_have_text("Your card was declined.")
    expect(page.get_by_label("Card number")).to_have_value("")
    expect(page.get_by_label("CVC")).to_have_value("")
    expect(page.get_by_label("Email")).to_have_value(EMAIL)
    expect(page.get_by_label("Name on card")).to_have_value(NAME)
    expect(page.locator(".checkout-lines tfoot")).to_contain_text("$52.50 USD")
    assert session_of(api, order)["status"] == "open"
    assert_no_card_data(shopper, DECLINED)
    screenshot(shopper, "checkout-decline.png")

    # when they try again with a good card
    page.get_by_label("Card number").press_sequentially("4242 4242 4242 4242")
    page.get_by_label("CVC").press_sequentially(CVC)
    shopper.submit()

    # then it pays: one failed charge and one succeeded on the session's one intent
    assert_back_at_the_shop(shopper, order)
    assert session_of(api, order)["payment_status"] == "paid"
    assert charges(order) == ["failed", "succeeded"]
    assert_no_card_data(shopper, DECLINED, GOOD)


def test_3d_secure_goes_to_the_challenge_and_back_to_checkout_then_done(shopper, api, order):
    # given the customer paying with a card whose bank asks for 3-D Secure
    page = shopper.page
    page.goto(order["url"])
    shopper.fill_in(THREE_D_SECURE)
    shopper.submit()

    # then the browser is on the challenge page, the session still open
    page.wait_for_url(re.compile(r"/pay/authenticate/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your payment")
    expect(page.locator("section.card")).to_contain_text("$52.50 USD")
    expect(page.locator("section.card")).to_contain_text("ending in 3184")
    assert session_of(api, order)["status"] == "open"

    # when they complete it, they come back through Checkout to the shop, paid
    page.get_by_role("button", name="Complete authentication").click()
    assert_back_at_the_shop(shopper, order)
    done = session_of(api, order)
    assert (done["status"], done["payment_status"]) == ("complete", "paid")
    assert charges(order) == ["succeeded"]
    assert_no_card_data(shopper, THREE_D_SECURE)


def test_a_failed_challenge_comes_back_to_checkout_with_the_banks_answer(
        shopper, api, order):
    # given the customer on the challenge page
    page = shopper.page
    page.goto(order["url"])
    shopper.fill_in(THREE_D_SECURE)
    shopper.submit()

    # when they fail it
    page.get_by_role("button", name="Fail authentication").click()

    # then they are back on the session's page with the bank's answer and the form
    expect(page.get_by_role("alert")).to_contain_text("unable to authenticate your payment method")
    expect(page.locator(".checkout-lines tfoot")).to_contain_text("$52.50 USD")
    expect(page.get_by_label("Card number")).to_have_value("")
    expect(page.get_by_label("Email")).to_have_value(EMAIL)
    expect(page.get_by_label("Name on card")).to_have_value(NAME)
    assert session_of(api, order)["status"] == "open"
    assert_no_card_data(shopper, THREE_D_SECURE)

    # and another card pays
    shopper.type_card(GOOD)
    shopper.submit()
    assert_back_at_the_shop(shopper, order)
    assert session_of(api, order)["payment_status"] == "paid"
    assert_no_card_data(shopper, THREE_D_SECURE, GOOD)


@pytest.fixture
def adjustable_order(api: Api) -> dict:
    """One T-shirt whose quantity the customer may set from 1 to 5."""
    tshirt = price(api, unit_amount=2000, currency="usd", product_data={"name": "T-shirt"})
    return ok(api.post("/v1/checkout/sessions", {
        "mode": "payment", "success_url": SHOP + "/thanks?session_id={CHECKOUT_SESSION_ID}",
        "line_items": [{"price": tshirt["id"], "quantity": 1, "adjustable_quantity": {
            "enabled": True, "minimum": 1, "maximum": 5}}]}))


@pytest.fixture(params=[True, False], ids=["js", "no-js"])
def either_shopper(request, browser) -> Iterator[Shopper]:  # noqa: F811
    """The same story with JavaScript on, then off."""
    yield from _shopper(browser, java_script_enabled=request.param)


def test_the_customer_sets_a_quantity_sees_the_new_total_then_pays_it(
        either_shopper, api, adjustable_order):
    # given the customer on the page, one T-shirt, nothing typed yet
    shopper = either_shopper
    page = shopper.page
    page.goto(adjustable_order["url"])
    expect(page.locator(".pay-amount")).to_have_text("$20.00 USD")

    # when they ask for three and press "Update total" (the card not typed yet)
    page.get_by_label("Qty").fill("3")
    page.get_by_role("button", name="Update total").click()

    # then the page shows the new total before anything is charged
    expect(page.locator("p.message[role=status]")).to_have_text(
        "Your order is updated: check the total, then pay.")
    expect(page.locator(".pay-amount")).to_have_text("$60.00 USD")
    expect(page.get_by_label("Qty")).to_have_value("3")
    expect(page.locator("button.pay-button")).to_have_text("Pay $60.00 USD")
    assert Charge.objects.count() == 0

    # and paying charges what the page showed
    shopper.fill_in(GOOD, expiry_digits="12/34")
    shopper.submit()
    assert_back_at_the_shop(shopper, adjustable_order)
    assert session_of(api, adjustable_order)["amount_total"] == 6000
    assert list(Charge.objects.values_list("amount", "status")) == [(6000, "succeeded")]


# -- subscription mode ----------------------------------------------------------------------

@pytest.fixture
def gold(api: Api) -> dict:
    return price(api, unit_amount=1000, currency="usd", recurring={"interval": "month"},
                 product_data={"name": "Gold plan"})


def subscription_session(api: Api, gold: dict, **params) -> dict:
    return ok(api.post("/v1/checkout/sessions", {
        "mode": "subscription", "success_url": SHOP + "/thanks?session_id={CHECKOUT_SESSION_ID}",
        "line_items": [{"price": gold["id"], "quantity": 2}], **params}))


def test_a_subscription_session_starts_an_active_subscription_its_first_invoice_paid(
        shopper, api, gold):
    # given a session for two seats of a monthly plan
    session = subscription_session(api, gold)
    page = shopper.page
    page.goto(session["url"])
    expect(page.locator(".pay-amount")).to_have_text("$20.00 USD")
    expect(page.locator(".checkout-lines tbody")).to_contain_text("Gold plan")
    expect(page.locator(".checkout-lines tbody")).to_contain_text("/ month")
    expect(page.locator("button.pay-button")).to_have_text("Subscribe")
    page.get_by_label("Email").fill(EMAIL)
    screenshot(shopper, "checkout-subscription.png")

    # when the customer subscribes with a card
    shopper.type_card(GOOD)
    shopper.submit()

    # then they are back at the shop; the subscription is active, its first invoice paid
    assert_back_at_the_shop(shopper, session)
    done = session_of(api, session)
    assert (done["status"], done["payment_status"]) == ("complete", "paid")
    subscription = Subscription.objects.get(pk=done["subscription"])
    assert subscription.status == "active"
    invoice = Invoice.objects.get(pk=done["invoice"])
    assert (invoice.status, invoice.amount_paid) == ("paid", 2000)
    assert Subscription.objects.count() == 1
    assert_no_card_data(shopper, GOOD)


def test_a_trial_shows_its_free_days_and_charges_nothing(shopper, api, gold):
    # given a session with a 14-day trial
    session = subscription_session(api, gold, subscription_data={"trial_period_days": 14})
    page = shopper.page
    page.goto(session["url"])
    expect(page.locator(".pay-amount")).to_have_text("14 days free")
    expect(page.locator(".pay-description")).to_contain_text("Nothing is charged today")
    expect(page.locator("button.pay-button")).to_have_text("Start trial")

    # when the customer starts it
    shopper.fill_in(GOOD)
    shopper.submit()

    # then the subscription is trialing, nothing was charged, the card kept for later
    assert_back_at_the_shop(shopper, session)
    done = session_of(api, session)
    assert (done["status"], done["payment_status"]) == ("complete", "no_payment_required")
    subscription = Subscription.objects.get(pk=done["subscription"])
    assert subscription.status == "trialing"
    assert subscription.default_payment_method_id is not None
    assert Charge.objects.count() == 0
    assert_no_card_data(shopper, GOOD)


# -- payment links --------------------------------------------------------------------------

@pytest.fixture
def poster_link(api: Api) -> dict:
    poster = price(api, unit_amount=1500, currency="usd", product_data={"name": "Poster"})
    return ok(api.post("/v1/payment_links", {
        "line_items": [{"price": poster["id"], "quantity": 2}],
        "after_completion": {"type": "hosted_confirmation", "hosted_confirmation": {
            "custom_message": "Thanks! Your posters ship on Monday."}}}))


def test_a_link_visited_twice_opens_two_sessions_and_one_paid_shows_the_confirmation(
        shopper, api, poster_link):
    # given a customer who opens the link, then opens it again (another tab, a reload)
    page = shopper.page
    page.goto(poster_link["url"])
    page.wait_for_url(re.compile(r"/checkout/c/"))
    first = page.url
    page.goto(poster_link["url"])
    page.wait_for_url(re.compile(r"/checkout/c/"))
    second = page.url

    # then each visit opened its own session for the link's items
    assert first != second
    sessions = CheckoutSession.objects.filter(payment_link_id=poster_link["id"])
    assert sorted(s.status for s in sessions) == ["open", "open"]
    expect(page.locator(".checkout-lines tbody")).to_contain_text("Poster")
    expect(page.locator(".pay-amount")).to_have_text("$30.00 USD")

    # when they pay on the second one
    shopper.fill_in(GOOD)
    shopper.submit()

    # then Till's confirmation page shows the link's message and the amount
    page.wait_for_url(re.compile(r"/checkout/c/[^/]+/done$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Payment successful")
    expect(page.locator(".pay-result")).to_contain_text("Thanks! Your posters ship on Monday.")
    expect(page.locator(".receipt")).to_contain_text("$30.00 USD")
    expect(page.locator(".receipt")).to_contain_text(EMAIL)
    screenshot(shopper, "checkout-done.png")
    assert sorted(s.status for s in sessions.all()) == ["complete", "open"]
    assert_no_card_data(shopper, GOOD)

    # and the first tab's session is still there to pay, not the paid one
    page.goto(first)
    expect(page.locator("button.pay-button")).to_have_text("Pay $30.00 USD")


def test_a_deactivated_link_says_it_is_no_longer_available(shopper, api, poster_link):
    ok(api.post(f"/v1/payment_links/{poster_link['id']}", {"active": "false"}))

    response = shopper.page.goto(poster_link["url"])

    assert response.status == 410
    expect(shopper.page.get_by_role("heading", level=1)).to_have_text(
        "This link is no longer available")
    screenshot(shopper, "payment-link-inactive.png")
    assert CheckoutSession.objects.count() == 0


# -- without JavaScript ---------------------------------------------------------------------

def test_the_plain_form_pays_with_javascript_off(shopper_without_js, api, order):
    # given the customer's browser runs no JavaScript
    shopper = shopper_without_js
    page = shopper.page
    page.goto(order["url"])
    expect(page.locator(".checkout-lines tfoot")).to_contain_text("$52.50 USD")

    # when a declined card, then a good one, are typed as is (nothing formats them)
    shopper.fill_in(DECLINED, expiry_digits="12/34")
    shopper.submit()
    expect(page.get_by_role("alert")).to_have_text("Your card was declined.")
    assert_no_card_data(shopper, DECLINED)
    page.get_by_label("Card number").fill(GOOD)
    page.get_by_label("CVC").fill(CVC)
    shopper.submit()

    # then the HTML form alone paid, and the browser followed the redirect to the shop
    assert_back_at_the_shop(shopper, order)
    query = parse_qs(urlsplit(shopper.page.url).query)
    assert query == {"session_id": [order["id"]]}
    assert session_of(api, order)["payment_status"] == "paid"
    assert charges(order) == ["failed", "succeeded"]
    assert_no_card_data(shopper, DECLINED, GOOD)


def test_3d_secure_with_javascript_off(shopper_without_js, api, order):
    shopper = shopper_without_js
    page = shopper.page
    page.goto(order["url"])
    shopper.fill_in(THREE_D_SECURE, expiry_digits="12/34")
    shopper.submit()

    page.get_by_role("button", name="Complete authentication").click()

    assert_back_at_the_shop(shopper, order)
    assert session_of(api, order)["payment_status"] == "paid"
    assert_no_card_data(shopper, THREE_D_SECURE)
