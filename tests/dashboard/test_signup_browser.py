"""Sign-up and team in a real browser: a visitor signs up, confirms the emailed link, logs
in, invites a support colleague, who joins from their email and then cannot refund.
Chromium and Playwright as the other browser tests use them (skipped without them)."""

import re

import pytest
from django.core import mail

from merchants.models import ApiKey, Membership
from merchants.services import api_key_roll
from tests.conftest import Api
from tests.payments.factories import paid_intent
from tests.payments.test_pages_browser import (  # the same browser, one per module
    TIMEOUT_MS,
    _orm_beside_playwright,  # noqa: F401 - a fixture
    browser,  # noqa: F401 - a fixture
    expect,
)

PASSWORD = "a long and unusual passphrase"


def link_path(body: str, prefix: str) -> str:
    return re.search(rf"https?://[^/\s]+({prefix}\S+/)", body).group(1)


@pytest.fixture
def tab(browser, live_server, transactional_db):  # noqa: F811
    contexts = []

    def new_tab():
        context = browser.new_context()
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield new_tab
    for context in contexts:
        context.close()


def test_sign_up_confirm_invite_support_who_cannot_refund(tab, live_server):
    url = live_server.url
    # given a visitor who signs up
    founder = tab()
    founder.goto(url + "/login/")
    founder.get_by_role("link", name="Sign up").click()
    founder.get_by_label("Business name").fill("Browser Bakery")
    founder.get_by_label("Email").fill("founder@bakery.test")
    founder.get_by_label("Password").fill(PASSWORD)
    founder.get_by_role("button", name="Sign up").click()
    expect(founder.get_by_role("heading", name="Check your email")).to_be_visible()

    # when they follow the emailed link and log in
    [confirmation] = mail.outbox
    founder.goto(url + link_path(confirmation.body, "/signup/confirm/"))
    expect(founder.get_by_text("Email confirmed")).to_be_visible()
    founder.get_by_label("Email").fill("founder@bakery.test")
    founder.get_by_label("Password").fill(PASSWORD)
    founder.get_by_role("button", name="Log in").click()
    expect(founder.get_by_text("signed in as founder@bakery.test (owner)")).to_be_visible()

    # and invite a support colleague from the team page
    founder.get_by_role("link", name="Team").click()
    founder.get_by_label("Email").fill("help@bakery.test")
    founder.get_by_label("Role", exact=True).select_option("support")
    founder.get_by_role("button", name="Send invitation").click()
    expect(founder.get_by_text("Invited help@bakery.test as support.")).to_be_visible()

    # then the colleague joins from their email, as support
    invitation = mail.outbox[1]
    assert invitation.to == ["help@bakery.test"]
    colleague = tab()
    colleague.goto(url + link_path(invitation.body, "/invitations/"))
    colleague.get_by_label("Choose a password").fill(PASSWORD)
    colleague.get_by_role("button", name="Join the team").click()
    expect(colleague.get_by_text("You joined Browser Bakery as support.")).to_be_visible()

    # and, shown a paid payment, they get no Refund button, and a refund is refused
    membership = (Membership.objects.select_related("merchant")
                  .get(user__username="help@bakery.test"))
    assert membership.role == "support"
    key = ApiKey.objects.get(merchant=membership.merchant, livemode=False, kind="secret")
    paid = paid_intent(Api(api_key_roll(key_id=key.id, merchant=membership.merchant).token),
                       amount=1500, currency="usd")
    colleague.goto(url + f"/payments/{paid['id']}/")
    expect(colleague.get_by_text("Only owners and admins can capture, cancel or refund "
                                 "payments")).to_be_visible()
    expect(colleague.get_by_role("button", name=re.compile("Refund"))).to_have_count(0)
    # (with the page's CSRF token, so the refusal is the role's, not the CSRF check's)
    csrf = colleague.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    refused = colleague.request.post(url + f"/payments/{paid['id']}/refund/",
                                     form={"amount": "15.00", "csrfmiddlewaretoken": csrf})
    assert refused.status == 403
    assert "Only owners and admins can refund payments." in refused.text()
