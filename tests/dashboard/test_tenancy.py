"""A merchant sees only its own objects, and only in the selected mode."""

import pytest

from payments.models import Charge, PaymentIntent
from tests.dashboard.helpers import new_customer, new_endpoint, switch_mode
from webhooks.models import Event, WebhookDelivery


def event_of(customer) -> Event:
    return Event.objects.get(data__object__id=customer.id, type="customer.created")


def test_another_merchants_customer_and_event_are_404s(owner, other_account):
    theirs = new_customer(other_account, email="theirs@example.test")

    assert owner.get(f"/customers/{theirs.id}/").status_code == 404
    assert owner.get(f"/events/{event_of(theirs).id}/").status_code == 404


def test_another_merchants_webhook_endpoint_and_delivery_are_404s(owner, other_account):
    theirs = new_endpoint(other_account)
    new_customer(other_account)
    delivery = WebhookDelivery.objects.get(endpoint=theirs)
    base = f"/webhooks/{theirs.id}"

    assert owner.get(f"{base}/").status_code == 404
    assert owner.get(f"{base}/deliveries/{delivery.id}/").status_code == 404
    assert owner.get(f"{base}/delete/").status_code == 404
    for action in ("disable/", "enable/", "delete/", f"deliveries/{delivery.id}/resend/"):
        assert owner.post(f"{base}/{action}").status_code == 404, action
    assert owner.post(f"{base}/roll/", {"expires_in": "now"}).status_code == 404

    theirs.refresh_from_db()
    assert (theirs.status, theirs.deleted_at, theirs.previous_secret) == ("enabled", None, None)


def test_lists_show_only_the_merchants_own_objects(owner, account, other_account):
    mine = new_customer(account, email="mine@example.test")
    theirs = new_customer(other_account, email="theirs@example.test")

    my_endpoint = new_endpoint(account)
    their_endpoint = new_endpoint(other_account)

    customers = owner.get("/customers/").content.decode()
    events = owner.get("/events/").content.decode()
    webhooks = owner.get("/webhooks/").content.decode()

    assert mine.id in customers and theirs.id not in customers
    assert event_of(mine).id in events and event_of(theirs).id not in events
    assert my_endpoint.id in webhooks and their_endpoint.id not in webhooks


def test_search_never_finds_another_merchants_customer(owner, other_account):
    theirs = new_customer(other_account, email="same@example.test")

    html = owner.get("/customers/", {"email": "same@example.test"}).content.decode()

    assert theirs.id not in html


def test_another_merchants_id_as_a_cursor_is_a_404(owner, account, other_account):
    new_customer(account)
    theirs = new_customer(other_account)

    assert owner.get("/customers/", {"after": theirs.id}).status_code == 404
    assert owner.get("/events/", {"before": event_of(theirs).id}).status_code == 404
    assert owner.get("/webhooks/", {"after": new_endpoint(other_account).id}).status_code == 404


def test_test_mode_is_the_default_and_shows_the_banner(owner, account):
    test_customer = new_customer(account, email="t@example.test")
    live_customer = new_customer(account, livemode=True, email="l@example.test")

    html = owner.get("/customers/").content.decode()

    assert "test-banner" in html
    assert test_customer.id in html and live_customer.id not in html


def test_live_mode_shows_only_live_objects_and_no_banner(owner, account):
    test_customer = new_customer(account)
    live_customer = new_customer(account, livemode=True)
    test_endpoint = new_endpoint(account)
    live_endpoint = new_endpoint(account, livemode=True)

    switch_mode(owner, "live")
    customers = owner.get("/customers/").content.decode()
    events = owner.get("/events/").content.decode()
    webhooks = owner.get("/webhooks/").content.decode()

    assert "test-banner" not in customers
    assert live_customer.id in customers and test_customer.id not in customers
    assert event_of(live_customer).id in events and event_of(test_customer).id not in events
    assert live_endpoint.id in webhooks and test_endpoint.id not in webhooks


@pytest.mark.parametrize("mode", ["test", "live"])
def test_the_other_modes_objects_are_404s(owner, account, mode):
    endpoint = new_endpoint(account, livemode=(mode == "test"))
    other = new_customer(account, livemode=(mode == "test"))
    delivery = WebhookDelivery.objects.get(endpoint=endpoint)
    switch_mode(owner, mode)

    assert owner.get(f"/customers/{other.id}/").status_code == 404
    assert owner.get(f"/events/{event_of(other).id}/").status_code == 404
    assert owner.get(f"/webhooks/{endpoint.id}/").status_code == 404
    assert owner.get(f"/webhooks/{endpoint.id}/deliveries/{delivery.id}/").status_code == 404
    assert owner.post(f"/webhooks/{endpoint.id}/disable/").status_code == 404


def test_switching_back_to_test_mode(owner, account):
    switch_mode(owner, "live")
    switch_mode(owner, "test")

    assert "test-banner" in owner.get("/").content.decode()


def test_mode_switch_goes_back_to_the_page_but_never_off_site(owner):
    assert owner.post("/mode/", {"mode": "live", "next": "/events/"})["Location"] == "/events/"
    off_site = owner.post("/mode/", {"mode": "live", "next": "https://evil.test/"})
    assert off_site["Location"] == "/"


def test_mode_switch_needs_a_post(owner):
    assert owner.get("/mode/", {"mode": "live"}).status_code == 405


# -- payments ------------------------------------------------------------------------------

def payment(account, **params) -> str:
    """An authorized (capturable, cancelable) test payment made over the API; its id."""
    response = account.api().post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "payment_method": "pm_card_visa", "confirm": True,
        "capture_method": "manual", **params})
    assert response.status_code == 200, response.content
    return response.json()["id"]


def test_another_merchants_payment_is_a_404_and_cannot_be_captured_or_canceled(
        owner, other_account):
    theirs = payment(other_account)

    assert owner.get(f"/payments/{theirs}/").status_code == 404
    assert owner.post(f"/payments/{theirs}/capture/", {"amount": ""}).status_code == 404
    assert owner.post(f"/payments/{theirs}/cancel/").status_code == 404

    assert PaymentIntent.objects.get(pk=theirs).status == "requires_capture"


def test_the_payments_search_never_finds_another_merchants_payment(owner, account,
                                                                   other_account):
    payment(account, metadata={"order_id": "1"})
    theirs = payment(other_account, metadata={"order_id": "6735"})
    their_charge = Charge.objects.get(payment_intent_id=theirs)

    for query in (theirs, their_charge.id, "6735", "metadata['order_id']:'6735'",
                  "status:'requires_capture'"):
        html = owner.get("/payments/", {"q": query}).content.decode()
        assert f"/payments/{theirs}/" not in html, query
    assert owner.get("/payments/", {"after": theirs}).status_code == 404


@pytest.mark.parametrize("mode", ["test", "live"])
def test_the_other_modes_payments_are_404s_and_unlisted(owner, account, mode):
    if mode == "live":
        other = payment(account)  # a test payment, seen from live mode
    else:
        other = PaymentIntent.objects.create(merchant=account.merchant, livemode=True,
                                             amount=3000, currency="usd").id
    switch_mode(owner, mode)

    assert other not in owner.get("/payments/").content.decode()
    assert owner.get(f"/payments/{other}/").status_code == 404
    assert owner.post(f"/payments/{other}/capture/", {"amount": ""}).status_code == 404
    assert owner.post(f"/payments/{other}/cancel/").status_code == 404
