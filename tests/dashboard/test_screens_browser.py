"""Home, Payments and Settings on a desktop and on a phone: nothing wider than the screen,
the page's links reachable, the charts drawn. With TILL_SCREENSHOTS set to a directory
(`make screenshots`), each is saved there as a full-page PNG for the README."""

import os
import random
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from core import clock
from tests.dashboard.test_pages_browser import Tab, owner_tab  # noqa: F401 - a fixture
from tests.payments.test_pages_browser import (  # the same browser, one per module
    _orm_beside_playwright,  # noqa: F401 - a fixture
    browser,  # noqa: F401 - a fixture
    expect,
)

SCREENS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# What sticks out past the screen's edge (but the row of links, which scrolls): named in the
# failure, to find it.
WIDER_THAN_THE_SCREEN = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.nav'))
  .slice(0, 12).map(e => `${e.tagName}.${e.className} ${e.getBoundingClientRect().right}`)"""
PAGES = {"home": "/?range=30d", "payments": "/payments/", "settings": "/settings/"}


@pytest.fixture
def account(transactional_db):
    from tests.conftest import make_account

    return make_account("Cedar & Sons")


@pytest.fixture
def a_month_of_business(account) -> None:
    """Sixty days of card payments, some declined, some refunded, with customers."""
    api, rng, now = account.api(), random.Random(7), timezone.now()
    for day in range(59, -1, -1):
        for n in range(rng.randint(1, 5)):
            at = now - timedelta(days=day, minutes=rng.randint(1, 600))
            with clock.bound(at):
                card = "pm_card_chargeDeclined" if rng.random() < .1 else "pm_card_visa"
                paid = api.post("/v1/payment_intents", {
                    "amount": rng.choice([1200, 2500, 4900, 9900]), "currency": "usd",
                    "payment_method": card, "confirm": "true",
                    "metadata": {"order_id": f"{day}-{n}"}})
                if paid.status_code == 200 and rng.random() < .15:
                    api.post("/v1/refunds", {"payment_intent": paid.json()["id"],
                                             "amount": 1000})
                if rng.random() < .4:
                    api.post("/v1/customers", {"email": f"c{day}-{n}@example.test"})


def save(tab: Tab, name: str) -> None:
    directory = os.environ.get("TILL_SCREENSHOTS")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        tab.page.evaluate("document.activeElement && document.activeElement.blur()")
        tab.page.screenshot(path=str(Path(directory) / f"dashboard-{name}.png"),
                            full_page=True)


@pytest.mark.parametrize("screen", SCREENS)
def test_home_payments_and_settings_fit_the_screen(owner_tab, a_month_of_business,  # noqa: F811
                                                   screen):
    tab, page = owner_tab, owner_tab.page
    page.set_viewport_size(SCREENS[screen])
    for name, path in PAGES.items():
        tab.open(path)
        if name == "home":
            page.wait_for_function("window.tillCharts && window.tillCharts.gross")
            expect(page.locator("#figure-gross .figure-value")).not_to_have_text("$0.00 USD")
        # nothing is wider than the screen: no sideways scrolling of the page
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        wide = page.evaluate(WIDER_THAN_THE_SCREEN)
        assert overflow <= 0, f"{path} is {overflow}px wider than a {screen}: {wide}"
        # and the current page's link is in view in the (scrolling) row of links
        current = page.locator('.nav [aria-current="page"]')
        expect(current).to_be_in_viewport()
        save(tab, f"{name}-{screen}")
    assert tab.csp_violations() == []
    assert tab.errors == []
