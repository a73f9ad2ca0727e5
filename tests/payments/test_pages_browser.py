"""The hosted payment page in a real browser: what a customer sees and does.

Chromium (Debian's, never a downloaded one) driven by Playwright against a live Till server.
test_pages.py covers the same page through Django's test client; these add what only a
browser shows: till.js formatting the inputs as typed, the redirects followed, the page
working with JavaScript off, and nothing card-like in the DOM or the console afterwards.
Skipped, with the reason, where Chromium or Playwright is missing (CI installs both).
"""

import os
import re
from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from payments.models import Charge, PaymentIntent
from tests.conftest import Account, make_account

CHROMIUM = "/usr/bin/chromium"
if not os.access(CHROMIUM, os.X_OK):
    pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)",
                allow_module_level=True)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (requirements-dev.txt pins it)")
expect = sync_api.expect

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
# Every wait is for an element or a URL (never a sleep); this bounds each action and URL wait,
# `expect` has its own five seconds, so a broken page fails fast.
TIMEOUT_MS = 10_000

GOOD = "4242424242424242"
DECLINED = "4000000000000002"
THREE_D_SECURE = "4000002760003184"
CVC = "987"
NAME = "Jenny Rosen"


@pytest.fixture(scope="module")
def _orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API parks an asyncio loop in this thread, so Django's guard takes
    every ORM call here (the test's, pytest-django's flush) for one made inside async code.
    None is: the loop only runs while a Playwright call blocks. The guard is lifted for this
    module alone, as long as the browser lives, as pytest-playwright's docs advise."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


@pytest.fixture(scope="module")
def browser(_orm_beside_playwright) -> Iterator["sync_api.Browser"]:
    """One Chromium for the module: launching costs far more than a page."""
    playwright = sync_api.sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()
    finally:
        playwright.stop()


# Records, in each document, what its Content-Security-Policy refused (Playwright's init
# scripts are not subject to the page's policy).
RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


class Customer:
    """A browser tab, with every console message it logged and every uncaught error."""

    def __init__(self, page: "sync_api.Page") -> None:
        self.page = page
        self.console: list[str] = []
        page.on("console", lambda message: self.console.append(message.text))
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.add_init_script(RECORD_CSP_VIOLATIONS)

    def csp_violations(self) -> list[str]:
        """What the current document's policy refused, and what any document's did as the
        console reported it."""
        found = self.page.evaluate("window.__cspViolations || []")
        return found + [text for text in self.console if "Content Security Policy" in text]

    def type_card(self, number: str, *, expiry_digits: str = "1234", cvc: str = CVC,
                  name: str = NAME) -> None:
        """Key by key, as a person types (so till.js's formatting runs when JS is on)."""
        page = self.page
        page.get_by_label("Card number").press_sequentially(" ".join(
            number[i:i + 4] for i in range(0, len(number), 4)))
        expiry = page.get_by_label("Expiry")
        expiry.clear()
        expiry.press_sequentially(expiry_digits)
        page.get_by_label("CVC").press_sequentially(cvc)
        page.get_by_label("Name on card").fill(name)

    def press_pay(self) -> None:
        self.page.get_by_role("button", name=re.compile(r"^Pay ")).click()


def _customer(browser, *, java_script_enabled: bool) -> Iterator[Customer]:
    context = browser.new_context(java_script_enabled=java_script_enabled)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield Customer(context.new_page())
    finally:
        context.close()


@pytest.fixture
def customer(browser) -> Iterator[Customer]:
    yield from _customer(browser, java_script_enabled=True)


@pytest.fixture
def customer_without_js(browser) -> Iterator[Customer]:
    yield from _customer(browser, java_script_enabled=False)


@pytest.fixture
def shop(transactional_db) -> Account:
    return make_account("Browser Shop")


@pytest.fixture
def till_url(live_server, settings) -> str:
    """The live server as Till's public address: the 3-D Secure and return URLs point at it."""
    settings.TILL_PUBLIC_URL = live_server.url
    return live_server.url


@pytest.fixture
def intent(shop: Account, till_url: str) -> PaymentIntent:
    response = shop.api().post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "description": "Order 42"})
    assert response.status_code == 200, response.content
    return PaymentIntent.objects.get(pk=response.json()["id"])


def pay_url(till_url: str, intent: PaymentIntent) -> str:
    return till_url + reverse("pages:pay", args=[intent.id]) + "?" + urlencode(
        {"client_secret": intent.client_secret})


def result_path(intent: PaymentIntent) -> re.Pattern[str]:
    return re.compile(re.escape(reverse("pages:result", args=[intent.id])) + r"\?")


def charges(intent: PaymentIntent) -> list[str]:
    return sorted(Charge.objects.filter(payment_intent_id=intent.id)
                  .values_list("status", flat=True))


def assert_paid(customer: Customer, intent: PaymentIntent) -> None:
    page = customer.page
    page.wait_for_url(result_path(intent))
    expect(page.get_by_role("heading", level=1)).to_have_text("Payment successful")
    expect(page.locator(".receipt")).to_contain_text("$20.00 USD")
    expect(page.locator(".receipt")).to_contain_text("Visa •••• 4242")
    assert customer.errors == []


def assert_no_card_data(customer: Customer, *numbers: str) -> None:
    """Neither the number (grouped or not) nor the CVC in the DOM, the inputs or the
    console: the page never echoes a card back."""
    page = customer.page
    html = page.content()
    inputs = page.eval_on_selector_all("input", "nodes => nodes.map(n => n.value)")
    for number in numbers:
        grouped = " ".join(number[i:i + 4] for i in range(0, len(number), 4))
        for text in [html, *inputs, *customer.console, *customer.errors]:
            assert number not in text
            assert grouped not in text
    for text in [*inputs, *customer.console, *customer.errors]:
        assert CVC not in text
    assert not re.search(rf"(?<![\w-]){CVC}(?![\w-])", html)


# -- paying ---------------------------------------------------------------------------------

def test_a_good_card_pays_and_the_page_says_so(customer, till_url, intent):
    # given the customer on the payment page for 20.00 USD
    page = customer.page
    page.goto(pay_url(till_url, intent))
    expect(page.locator(".pay-amount")).to_have_text("$20.00 USD")
    expect(page.locator(".pay-merchant")).to_have_text(intent.merchant.name)

    # when they type a good card (till.js groups it as typed) and press Pay
    customer.type_card(GOOD)
    expect(page.get_by_label("Card number")).to_have_value("4242 4242 4242 4242")
    expect(page.get_by_label("Expiry")).to_have_value("12 / 34")
    customer.press_pay()

    # then the page shows the payment went through, and it did, with one charge
    assert_paid(customer, intent)
    intent.refresh_from_db()
    assert intent.status == "succeeded"
    assert intent.amount_received == 2000
    assert charges(intent) == ["succeeded"]
    assert intent.payment_method.billing_details["name"] == NAME
    assert_no_card_data(customer, GOOD)


def test_a_declined_card_shows_the_decline_and_another_card_then_pays(
        customer, till_url, intent):
    # given the customer on the payment page
    page = customer.page
    page.goto(pay_url(till_url, intent))

    # when they pay with a card the bank declines
    customer.type_card(DECLINED)
    customer.press_pay()

    # then the page says so, with the form back: number and CVC empty, name and expiry kept
    expect(page.get_by_role("alert")).to_have_text("Your card was declined.")
    expect(page.get_by_label("Card number")).to_have_value("")
    expect(page.get_by_label("CVC")).to_have_value("")
    expect(page.get_by_label("Expiry")).to_have_value("12 / 34")
    expect(page.get_by_label("Name on card")).to_have_value(NAME)
    expect(page.get_by_role("button", name=re.compile(r"^Pay "))).to_be_enabled()
    assert_no_card_data(customer, DECLINED)

    # when they retry with a good card on the same page (the expiry is still filled in)
    page.get_by_label("Card number").press_sequentially("4242 4242 4242 4242")
    page.get_by_label("CVC").press_sequentially(CVC)
    customer.press_pay()

    # then it goes through: one failed charge and one succeeded
    assert_paid(customer, intent)
    intent.refresh_from_db()
    assert intent.status == "succeeded"
    assert charges(intent) == ["failed", "succeeded"]
    assert_no_card_data(customer, DECLINED, GOOD)


def test_a_3ds_card_completes_the_challenge_and_pays(customer, till_url, intent):
    # given the customer paying with a card whose bank asks for 3-D Secure
    page = customer.page
    page.goto(pay_url(till_url, intent))
    customer.type_card(THREE_D_SECURE)
    customer.press_pay()

    # then the browser is on Till's challenge page
    page.wait_for_url(re.compile(re.escape(
        reverse("pages:authenticate", args=[intent.id])) + r"\?"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your payment")
    expect(page.locator("section.card")).to_contain_text("ending in 3184")
    intent.refresh_from_db()
    assert intent.status == "requires_action"

    # when they complete the authentication
    page.get_by_role("button", name="Complete authentication").click()

    # then they end on the result, paid
    page.wait_for_url(result_path(intent))
    expect(page.get_by_role("heading", level=1)).to_have_text("Payment successful")
    intent.refresh_from_db()
    assert intent.status == "succeeded"
    assert charges(intent) == ["succeeded"]
    assert_no_card_data(customer, THREE_D_SECURE)


def test_a_3ds_card_that_fails_the_challenge_is_not_paid(customer, till_url, intent):
    # given the customer on the challenge page
    page = customer.page
    page.goto(pay_url(till_url, intent))
    customer.type_card(THREE_D_SECURE)
    customer.press_pay()
    challenge = page.get_by_role("button", name="Fail authentication")

    # when they fail the authentication
    challenge.click()

    # then the page says authentication failed, and offers another card
    page.wait_for_url(result_path(intent))
    expect(page.get_by_role("heading", level=1)).to_have_text("Payment not completed")
    expect(page.locator("section.card")).to_contain_text(
        "unable to authenticate your payment method")
    intent.refresh_from_db()
    assert intent.status == "requires_payment_method"
    assert charges(intent) == []

    # and "Try another card" brings back the form for this intent
    page.get_by_role("link", name="Try another card").click()
    expect(page.get_by_label("Card number")).to_have_value("")
    expect(page.locator(".pay-amount")).to_have_text("$20.00 USD")


def test_a_year_typed_in_full_is_kept_and_pays(customer, till_url, intent):
    # given the customer on the payment page
    page = customer.page
    page.goto(pay_url(till_url, intent))

    # when they type the expiry with a four-digit year, as printed on many cards
    customer.type_card(GOOD, expiry_digits="12/2034")

    # then till.js shortens it to MM / YY (it used to cut it to "12 / 20", an expired card)
    expect(page.get_by_label("Expiry")).to_have_value("12 / 34")
    customer.press_pay()
    assert_paid(customer, intent)
    intent.refresh_from_db()
    assert (intent.payment_method.card["exp_month"],
            intent.payment_method.card["exp_year"]) == (12, 2034)


# -- without JavaScript ---------------------------------------------------------------------

def test_the_plain_form_pays_with_javascript_off(customer_without_js, till_url, intent):
    # given the customer's browser runs no JavaScript
    customer = customer_without_js
    page = customer.page
    page.goto(pay_url(till_url, intent))

    # when they type the card (nothing formats it) and press Pay
    customer.type_card(GOOD, expiry_digits="12/34")
    expect(page.get_by_label("Card number")).to_have_value("4242 4242 4242 4242")
    customer.press_pay()

    # then the HTML form alone paid
    assert_paid(customer, intent)
    intent.refresh_from_db()
    assert intent.status == "succeeded"
    assert charges(intent) == ["succeeded"]
    assert_no_card_data(customer, GOOD)


def test_a_declined_card_with_javascript_off_shows_the_decline(
        customer_without_js, till_url, intent):
    customer = customer_without_js
    page = customer.page
    page.goto(pay_url(till_url, intent))

    customer.type_card(DECLINED, expiry_digits="12/34")
    customer.press_pay()

    expect(page.get_by_role("alert")).to_have_text("Your card was declined.")
    expect(page.get_by_label("Card number")).to_have_value("")
    assert_no_card_data(customer, DECLINED)


# -- till.js before the round trip --------------------------------------------------------

def test_a_mistyped_number_is_caught_in_the_page_before_anything_is_sent(
        customer, till_url, intent):
    # given the customer on the payment page
    page = customer.page
    page.goto(pay_url(till_url, intent))
    posts: list[str] = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))

    # when they mistype the number (a failed Luhn check) and press Pay
    customer.type_card("4242424242424241")
    customer.press_pay()

    # then the number field says so, nothing was posted, and the intent is untouched
    expect(page.locator("#card-number-error")).to_have_text("Your card number is incorrect.")
    expect(page.get_by_label("Card number")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Card number")).to_be_focused()
    assert posts == []
    intent.refresh_from_db()
    assert intent.status == "requires_payment_method"
    assert customer.console == customer.errors == []


# -- the Content-Security-Policy -------------------------------------------------------------

def test_the_pages_work_under_their_content_security_policy(customer, till_url, intent):
    # given the payment page, served with its policy
    response = customer.page.goto(pay_url(till_url, intent))
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert response.headers["cache-control"].count("no-store") == 1

    # when a 3-D Secure card pays: till.js, the challenge page, the result page
    customer.type_card(THREE_D_SECURE)
    assert customer.page.get_by_label("Card number").input_value() == "4000 0027 6000 3184"
    assert customer.csp_violations() == []
    customer.press_pay()
    customer.page.wait_for_url(re.compile(r"/pay/authenticate/"))
    assert customer.csp_violations() == []
    customer.page.get_by_role("button", name=re.compile("Complete")).click()

    # then it pays, and no page had anything refused
    expect(customer.page.get_by_role("heading", level=1)).to_have_text("Payment successful")
    assert customer.csp_violations() == []
    assert customer.errors == []


def test_the_challenge_sends_the_customer_on_to_the_merchants_return_url(customer, shop,
                                                                         till_url):
    # given a merchant's integration confirming with a 3-D Secure card and its own return_url
    response = shop.api().post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "payment_method": "pm_card_authenticationRequired",
        "confirm": True, "return_url": "https://shop.example/order/42/done"})
    assert response.status_code == 200, response.content
    challenge = response.json()["next_action"]["redirect_to_url"]["url"]
    # (the shop's page, served to the browser here: no network)
    customer.page.route("https://shop.example/**",
                        lambda route: route.fulfill(body="<h1>Back at the shop</h1>",
                                                    content_type="text/html"))

    # when the customer completes the challenge on Till's page
    customer.page.goto(challenge)
    customer.page.get_by_role("button", name="Complete authentication").click()

    # then the form's redirect to the shop is not refused by the page's form-action
    customer.page.wait_for_url(re.compile(r"^https://shop\.example/order/42/done\?"))
    expect(customer.page.get_by_role("heading", level=1)).to_have_text("Back at the shop")
    assert [text for text in customer.console if "Content Security Policy" in text] == []
