"""Payments in the dashboard: the list (newest first, status filter, the search box that
finds an order id, an id or a Stripe query), the payment's page (charges, decline, timeline,
events) and the capture and cancel buttons, attributed to the dashboard user."""

import html as html_lib
import re
from typing import Any

import pytest

from core.models import StatusChange
from dashboard.views import common
from payments.models import Charge, PaymentIntent
from tests.conftest import Account
from tests.dashboard.helpers import new_customer, owner_of

PAYMENT_LINK = re.compile(r'href="/payments/(pi_[A-Za-z0-9]+)/"')


def listed(html: str) -> list[str]:
    """Payment ids in the order the page lists them (each row links twice)."""
    return list(dict.fromkeys(PAYMENT_LINK.findall(html)))


def text(html: str) -> str:
    """What the page says, tags stripped and whitespace collapsed."""
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def section(html: str, heading: str) -> str:
    """The text of the card titled `heading`."""
    start = html.index(f"<h2>{heading}</h2>")
    return text(html[start:html.index("</section>", start)])


def pay(account: Account, amount: int = 2000, **params: Any) -> str:
    """A card payment made over the API as the merchant's server makes it; its id."""
    response = account.api().post("/v1/payment_intents", {
        "amount": amount, "currency": "usd", "payment_method": "pm_card_visa",
        "confirm": True, **params})
    body = response.json()
    if response.status_code == 402:  # a decline still made (and returns) the intent
        return body["error"]["payment_intent"]["id"]
    assert response.status_code == 200, body
    return body["id"]


def authorize(account: Account, amount: int = 2000, **params: Any) -> str:
    intent_id = pay(account, amount, capture_method="manual", **params)
    assert status_of(intent_id) == "requires_capture"
    return intent_id


def status_of(intent_id: str) -> str:
    return PaymentIntent.objects.get(pk=intent_id).status


def live_intent(account: Account, amount: int = 3000) -> PaymentIntent:
    """A live-mode intent (no live processor is connected in tests, so made directly)."""
    return PaymentIntent.objects.create(merchant=account.merchant, livemode=True,
                                        amount=amount, currency="usd")


# -- the list --------------------------------------------------------------------------------

def test_lists_the_merchants_test_payments_newest_first_with_amounts(owner, account,
                                                                     other_account):
    # given two test payments, a live one, and another merchant's
    first = pay(account, 2000)
    second = pay(account, 123456)
    live = live_intent(account)
    theirs = pay(other_account, 999)

    # when
    response = owner.get("/payments/")

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert listed(html) == [second, first]
    assert live.id not in html and theirs not in html
    assert "$1,234.56 USD" in html and "$20.00 USD" in html
    assert "Visa •••• 4242" in text(html) and "Succeeded" in html
    assert 'aria-current="page">Payments' in html


def test_the_list_shows_the_customer_and_the_order_id(owner, account):
    customer = new_customer(account, email="jenny@example.test")
    pay(account, customer=customer.id, metadata={"order_id": "6735"})

    page = text(owner.get("/payments/").content.decode())

    assert "jenny@example.test" in page and customer.id in page
    assert "Order 6735" in page


def test_filters_by_status(owner, account):
    paid = pay(account)
    held = authorize(account)

    uncaptured = owner.get("/payments/", {"status": "requires_capture"}).content.decode()
    succeeded = owner.get("/payments/", {"status": "succeeded"}).content.decode()

    assert listed(uncaptured) == [held]
    assert listed(succeeded) == [paid]


def test_an_order_id_finds_exactly_that_payment(owner, account, other_account):
    # given the order's payment among others with similar order ids, and another merchant's
    order = pay(account, metadata={"order_id": "6735"})
    pay(account, metadata={"order_id": "67350"})
    pay(account, metadata={"order_id": "16735", "note": "6735"})
    pay(account, description="6735")
    pay(other_account, metadata={"order_id": "6735"})

    # when the merchant types the order number
    html = owner.get("/payments/", {"q": " 6735 "}).content.decode()

    # then
    assert listed(html) == [order]


def test_an_order_id_with_quotes_is_searched_as_typed(owner, account):
    order = pay(account, metadata={"order_id": "O'Brien\\7"})

    assert listed(owner.get("/payments/", {"q": "O'Brien\\7"}).content.decode()) == [order]


def test_finds_a_payment_by_its_id_its_charge_or_its_customer(owner, account):
    customer = new_customer(account)
    mine = pay(account, customer=customer.id)
    other = pay(account)
    charge = Charge.objects.get(payment_intent_id=other)

    assert listed(owner.get("/payments/", {"q": mine}).content.decode()) == [mine]
    assert listed(owner.get("/payments/", {"q": charge.id}).content.decode()) == [other]
    assert listed(owner.get("/payments/", {"q": customer.id}).content.decode()) == [mine]


def test_a_declined_attempts_charge_finds_its_payment(owner, account):
    intent_id = pay(account, payment_method="pm_card_chargeDeclined")
    charge = Charge.objects.get(payment_intent_id=intent_id)

    assert listed(owner.get("/payments/", {"q": charge.id}).content.decode()) == [intent_id]


def test_a_stripe_search_query_works_as_in_the_api(owner, account):
    small = pay(account, 1000, metadata={"order_id": "A1"})
    pay(account, 5000)
    held = authorize(account, 7000)

    by_amount = owner.get("/payments/", {"q": "amount<2000"}).content.decode()
    combined = owner.get("/payments/", {
        "q": "status:'requires_capture' AND amount>=7000"}).content.decode()
    by_metadata = owner.get("/payments/", {"q": "metadata['order_id']:'A1'"}).content.decode()

    assert listed(by_amount) == [small]
    assert listed(combined) == [held]
    assert listed(by_metadata) == [small]


def test_search_and_status_filter_combine(owner, account):
    pay(account, metadata={"order_id": "42"})
    held = authorize(account, metadata={"order_id": "42"})

    html = owner.get("/payments/", {"q": "42", "status": "requires_capture"}).content.decode()

    assert listed(html) == [held]


@pytest.mark.parametrize(("query", "message"), [
    ("status:succeeded", "Unquoted value 'succeeded'"),
    ("email:'jenny@example.test'", "Unsupported search field 'email'"),
    ("amount=2000", "use ':' for an exact match"),
    ("status:'succeeded' AND amount>1 OR currency:'usd'", "AND and OR cannot be combined"),
])
def test_a_bad_query_says_what_is_wrong(owner, account, query, message):
    pay(account)

    response = owner.get("/payments/", {"q": query})

    html = response.content.decode()
    assert response.status_code == 200
    assert html_lib.escape(message) in html
    assert listed(html) == []


def test_nothing_matching_says_so(owner, account):
    pay(account, metadata={"order_id": "1"})

    page = text(owner.get("/payments/", {"q": "6735"}).content.decode())

    assert "No test payment matches" in page


def test_empty_list(owner):
    assert "No test payments yet" in text(owner.get("/payments/").content.decode())


def test_htmx_search_returns_only_the_results(owner, account):
    order = pay(account, metadata={"order_id": "6735"})
    pay(account)

    response = owner.get("/payments/", {"q": "6735"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert listed(html) == [order]
    assert "<html" not in html
    assert "HX-Request" in response["Vary"]


def test_pages_keep_the_search(owner, account, monkeypatch):
    # given three payments of one order (a retried checkout), one to a page
    monkeypatch.setattr(common, "PAGE_SIZE", 1)
    ids = [pay(account, metadata={"order_id": "6735"}) for _ in range(3)]
    pay(account)

    # when walking older
    page1 = owner.get("/payments/", {"q": "6735"}).content.decode()
    page2 = owner.get("/payments/", {"q": "6735", "after": ids[2]}).content.decode()

    # then
    assert listed(page1) == [ids[2]] and listed(page2) == [ids[1]]
    assert "q=6735" in page1 and f"after={ids[2]}" in page1


# -- the payment's page -------------------------------------------------------------------------

def test_the_page_shows_amounts_customer_card_metadata_and_charge(owner, account):
    customer = new_customer(account, email="jenny@example.test")
    intent_id = pay(account, 2500, customer=customer.id, description="Two mugs",
                    metadata={"order_id": "6735"})
    charge = Charge.objects.get(payment_intent_id=intent_id)

    response = owner.get(f"/payments/{intent_id}/")

    html = response.content.decode()
    page = text(html)
    assert response.status_code == 200
    assert f'href="/customers/{customer.id}/"' in html
    for shown in ("$25.00 USD", "Succeeded", "Two mugs", "Visa •••• 4242", "order_id",
                  "6735", "jenny@example.test"):
        assert shown in page
    assert "Amount received $25.00 USD" in page
    assert "Amount capturable $0.00 USD" in page
    charges = section(html, "Charges")
    assert charge.id in charges and "Succeeded" in charges and "$25.00 USD" in charges


def test_a_declined_payment_shows_why(owner, account):
    intent_id = pay(account, payment_method="pm_card_chargeDeclinedInsufficientFunds")

    html = owner.get(f"/payments/{intent_id}/").content.decode()

    page = text(html)
    assert "Failed" in page
    assert "Your card has insufficient funds." in page
    assert "card_declined" in page and "insufficient_funds" in page
    charges = section(html, "Charges")
    assert "Failed" in charges and "Your card has insufficient funds." in charges


def test_a_charge_shows_its_risk_and_a_block(owner, account):
    risky = pay(account, payment_method="pm_card_riskLevelElevated")
    blocked = pay(account, payment_method="pm_card_riskLevelHighest")

    risky_charges = section(owner.get(f"/payments/{risky}/").content.decode(), "Charges")
    blocked_charges = section(owner.get(f"/payments/{blocked}/").content.decode(), "Charges")

    assert "Succeeded" in risky_charges and "Elevated risk" in risky_charges
    assert "Blocked" in blocked_charges and "Highest risk" in blocked_charges
    assert "highest_risk_level" in blocked_charges


def test_a_payment_waiting_for_3d_secure_names_the_next_action(owner, account):
    intent_id = pay(account, payment_method="pm_card_threeDSecure2Required",
                    return_url="https://shop.example.test/done")

    page = text(owner.get(f"/payments/{intent_id}/").content.decode())

    assert "Requires action" in page and "redirect_to_url" in page


def test_the_timeline_shows_each_change_and_the_api_key_that_made_it(owner, account):
    intent_id = pay(account)
    redacted = account.key()[:8] + "…" + account.key()[-4:]

    html = owner.get(f"/payments/{intent_id}/").content.decode()

    timeline = section(html, "Timeline")
    assert re.findall(r"(\w+) → (\w+)", timeline) == [
        ("created", "requires_confirmation"), ("requires_confirmation", "succeeded")]
    assert timeline.count(f"by API key {redacted}") == 2


def test_the_page_lists_the_payments_events(owner, account):
    intent_id = pay(account)
    other = pay(account)

    events = section(owner.get(f"/payments/{intent_id}/").content.decode(), "Events")

    assert "payment_intent.created" in events and "payment_intent.succeeded" in events
    assert other not in events


def test_the_customers_page_lists_their_payments(owner, account):
    customer = new_customer(account, email="jenny@example.test")
    theirs = pay(account, 4200, customer=customer.id)
    pay(account)

    html = owner.get(f"/customers/{customer.id}/").content.decode()

    payments = section(html, "Payments")
    assert listed(html) == [theirs]
    assert "$42.00 USD" in payments and "Succeeded" in payments


# -- capture and cancel --------------------------------------------------------------------

def test_capture_takes_the_whole_authorization_by_the_dashboard_user(owner, account):
    # given an authorized payment
    intent_id = authorize(account, 2000)
    page = owner.get(f"/payments/{intent_id}/").content.decode()
    assert f'action="/payments/{intent_id}/capture/"' in page
    assert 'value="20.00"' in page  # the capturable amount, ready to submit

    # when the owner captures it, leaving the amount blank
    response = owner.post(f"/payments/{intent_id}/capture/", {"amount": ""}, follow=True)

    # then
    intent = PaymentIntent.objects.get(pk=intent_id)
    assert (intent.status, intent.amount_received) == ("succeeded", 2000)
    html = response.content.decode()
    assert "Captured $20.00 USD." in text(html)
    user = owner_of(account)
    timeline = section(html, "Timeline")
    assert "requires_capture → succeeded" in timeline
    assert timeline.endswith(f"by dashboard user {user.email} (owner)")
    assert StatusChange.objects.get(object_id=intent_id,
                                    target="succeeded").actor == f"user:{user.pk}"


def test_capture_part_of_the_authorization(owner, account):
    intent_id = authorize(account, 2500)

    response = owner.post(f"/payments/{intent_id}/capture/", {"amount": "15.00"}, follow=True)

    intent = PaymentIntent.objects.get(pk=intent_id)
    assert (intent.status, intent.amount_received) == ("succeeded", 1500)
    assert Charge.objects.get(payment_intent_id=intent_id).amount_captured == 1500
    assert ("Captured $15.00 USD. The remaining $10.00 USD was released."
            in text(response.content.decode()))


@pytest.mark.parametrize(("amount", "message"), [
    ("30.00", "greater than the amount capturable"),
    ("0", "greater than zero"),
    ("1.005", "USD amounts have 2 decimal places"),
    ("lots", "Enter a number"),
])
def test_a_capture_that_cannot_be_made_says_why(owner, account, amount, message):
    intent_id = authorize(account, 2500)

    response = owner.post(f"/payments/{intent_id}/capture/", {"amount": amount}, follow=True)

    assert response.status_code == 200
    assert message in text(response.content.decode())
    assert status_of(intent_id) == "requires_capture"


def test_capturing_a_payment_already_captured_shows_the_error(owner, account):
    # given a page opened before the payment was captured elsewhere
    intent_id = authorize(account)
    assert account.api().post(f"/v1/payment_intents/{intent_id}/capture").status_code == 200

    response = owner.post(f"/payments/{intent_id}/capture/", {"amount": ""}, follow=True)

    assert response.status_code == 200
    assert "You cannot capture this PaymentIntent because it has a status of succeeded" in text(
        response.content.decode())


def test_a_payment_in_flight_is_refused_with_its_message(owner, account):
    intent_id = authorize(account)
    PaymentIntent.objects.filter(pk=intent_id).update(operation="capture")

    response = owner.post(f"/payments/{intent_id}/cancel/", follow=True)

    assert "another API request or Stripe process" in text(response.content.decode())
    assert status_of(intent_id) == "requires_capture"


def test_cancel_releases_an_authorization(owner, account):
    intent_id = authorize(account, 2000)
    assert f'action="/payments/{intent_id}/cancel/"' in owner.get(
        f"/payments/{intent_id}/").content.decode()

    response = owner.post(f"/payments/{intent_id}/cancel/", follow=True)

    intent = PaymentIntent.objects.get(pk=intent_id)
    assert (intent.status, intent.cancellation_reason) == ("canceled", "requested_by_customer")
    assert Charge.objects.get(payment_intent_id=intent_id).amount_refunded == 2000
    page = text(response.content.decode())
    assert "Canceled the payment. The hold of $20.00 USD was released." in page
    assert "requires_capture → canceled" in page
    assert StatusChange.objects.get(object_id=intent_id, target="canceled").actor == (
        f"user:{owner_of(account).pk}")


def test_a_succeeded_payment_offers_neither_button(owner, account):
    intent_id = pay(account)

    html = owner.get(f"/payments/{intent_id}/").content.decode()

    assert "/capture/" not in html and "/cancel/" not in html


def test_an_admin_may_capture(admin_member, account):
    intent_id = authorize(account)

    admin_member.post(f"/payments/{intent_id}/capture/", {"amount": ""})

    assert status_of(intent_id) == "succeeded"


@pytest.mark.parametrize("role", ["support", "developer"])
def test_support_and_developers_see_no_buttons_and_may_not_capture_or_cancel(request, role,
                                                                            account):
    client = request.getfixturevalue(role)
    intent_id = authorize(account)

    page = client.get(f"/payments/{intent_id}/").content.decode()
    capture = client.post(f"/payments/{intent_id}/capture/", {"amount": ""})
    cancel = client.post(f"/payments/{intent_id}/cancel/")

    assert "/capture/" not in page and "/cancel/" not in page
    assert "Only owners and admins can capture, cancel or refund payments" in page
    assert capture.status_code == 403 and cancel.status_code == 403
    assert status_of(intent_id) == "requires_capture"


def test_capture_and_cancel_need_a_post(owner, account):
    intent_id = authorize(account)

    assert owner.get(f"/payments/{intent_id}/capture/").status_code == 405
    assert owner.get(f"/payments/{intent_id}/cancel/").status_code == 405
