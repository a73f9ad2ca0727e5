"""Payment Links (/v1/payment_links and /checkout/l/<token>), and the seed's story: a customer
pays once through a link that saves the card as the default, then the merchant charges that
card off-session for an invoice, with no redirect."""

from urllib.parse import urlsplit

import pytest
import stripe

from checkout.models import CheckoutSession
from tests.billing.factories import error_of, ok, price
from tests.conftest import Api

GOOD = "4242424242424242"


def card_form(**fields: str) -> dict[str, str]:
    return {"number": GOOD, "expiry": "12 / 34", "cvc": "987", "name": "Jenny Rosen",
            "email": "jenny@example.com", **fields}


def visit(client, url: str) -> str:
    """Opens a link as a browser would: the path of the session page it leads to."""
    response = client.get(urlsplit(url).path)
    assert response.status_code == 302, response.content
    return response["Location"]


@pytest.fixture
def poster(api: Api) -> dict:
    return price(api, unit_amount=1500, currency="usd", product_data={"name": "Poster"})


def test_each_visit_opens_a_new_session_for_the_links_items(client, api, poster):
    link = ok(api.post("/v1/payment_links", {
        "line_items": [{"price": poster["id"], "quantity": 2}], "metadata": {"campaign": "x"}}))
    assert (link["object"], link["active"], link["currency"]) == ("payment_link", True, "usd")
    assert link["after_completion"]["type"] == "hosted_confirmation"

    first, second = visit(client, link["url"]), visit(client, link["url"])

    assert first != second
    sessions = ok(api.get("/v1/checkout/sessions", {"payment_link": link["id"]}))["data"]
    assert len(sessions) == 2
    assert {(s["amount_total"], s["payment_link"], s["status"]) for s in sessions} == {
        (3000, link["id"], "open")}
    items = ok(api.get(f"/v1/payment_links/{link['id']}/line_items"))["data"]
    assert [(item["description"], item["quantity"], item["amount_total"]) for item in items] \
        == [("Poster", 2, 3000)]


def test_a_paid_visit_ends_on_the_hosted_confirmation(client, api, poster):
    link = ok(api.post("/v1/payment_links", {
        "line_items": [{"price": poster["id"], "quantity": 1}],
        "after_completion": {"type": "hosted_confirmation",
                             "hosted_confirmation": {"custom_message": "See you soon!"}}}))

    page = visit(client, link["url"])
    done = client.post(page, card_form())
    confirmation = client.get(done["Location"])

    assert confirmation.status_code == 200
    body = confirmation.content.decode()
    assert "See you soon!" in body and "Payment successful" in body


def test_a_redirect_link_goes_to_its_url_with_the_session_id(client, api, poster):
    link = ok(api.post("/v1/payment_links", {
        "line_items": [{"price": poster["id"], "quantity": 1}],
        "after_completion": {"type": "redirect", "redirect": {
            "url": "https://shop.example/done?cs={CHECKOUT_SESSION_ID}"}}}))

    done = client.post(visit(client, link["url"]), card_form())

    session = CheckoutSession.objects.get()
    assert done["Location"] == f"https://shop.example/done?cs={session.id}"


def test_an_inactive_link_opens_nothing(client, api, poster):
    link = ok(api.post("/v1/payment_links", {"line_items": [{"price": poster["id"],
                                                              "quantity": 1}]}))
    updated = ok(api.post(f"/v1/payment_links/{link['id']}", {"active": "false"}))
    assert updated["active"] is False

    response = client.get(urlsplit(link["url"]).path)

    assert response.status_code == 410
    assert "no longer available" in response.content.decode()
    assert CheckoutSession.objects.count() == 0


def test_the_completed_sessions_limit_deactivates_the_link(client, api, poster):
    link = ok(api.post("/v1/payment_links", {
        "line_items": [{"price": poster["id"], "quantity": 1}],
        "restrictions": {"completed_sessions": {"limit": 1}}}))
    open_first, open_second = visit(client, link["url"]), visit(client, link["url"])

    client.post(open_first, card_form())

    after = ok(api.get(f"/v1/payment_links/{link['id']}"))
    assert after["active"] is False
    assert after["restrictions"] == {"completed_sessions": {"count": 1, "limit": 1}}
    assert client.get(urlsplit(link["url"]).path).status_code == 410
    # a session opened before the limit was reached may still be paid, as Stripe's
    assert client.post(open_second, card_form()).status_code == 302
    error = error_of(api.post(f"/v1/payment_links/{link['id']}", {"active": "true"}))
    assert error["param"] == "active"


@pytest.mark.parametrize(("params", "param"), [
    ({}, "line_items"),
    ({"line_items": [{"price": "price_nope", "quantity": 1}]}, "line_items[0][price]"),
    ({"line_items": [{"price": "POSTER", "quantity": 1}],
      "after_completion": {"type": "redirect"}}, "after_completion[redirect][url]"),
])
def test_bad_links_are_refused_with_their_param(api, poster, params, param):
    for item in params.get("line_items", []):
        item["price"] = poster["id"] if item["price"] == "POSTER" else item["price"]
    response = api.post("/v1/payment_links", params)
    assert response.status_code in (400, 404)
    assert response.json()["error"]["param"] == param


def test_the_seed_story_link_saves_the_default_card_then_an_invoice_is_paid_off_session(
        sdk, client, live_server):
    # given a payment link that saves the card as the customer's default for invoices
    product = sdk.v1.products.create(params={"name": "Onboarding"})
    one_time = sdk.v1.prices.create(params={"product": product.id, "unit_amount": 4900,
                                         "currency": "usd"})
    link = sdk.v1.payment_links.create(params={
        "line_items": [{"price": one_time.id, "quantity": 1}],
        "save_card_and_make_default": True})

    # when the customer pays once through it
    page = visit(client, link.url)
    assert client.post(page, card_form()).status_code == 302

    # then the card is the customer's default for invoices
    [session] = sdk.v1.checkout.sessions.list(params={"payment_link": link.id}).data
    assert (session.status, session.payment_status) == ("complete", "paid")
    customer = sdk.v1.customers.retrieve(session.customer)
    card = customer.invoice_settings.default_payment_method
    assert card is not None

    # and an invoice is paid off-session with it, with no redirect
    sdk.v1.invoice_items.create(params={"customer": customer.id, "amount": 2500,
                                     "currency": "usd"})
    invoice = sdk.v1.invoices.create(params={"customer": customer.id,
                                          "pending_invoice_items_behavior": "include"})
    paid = sdk.v1.invoices.pay(invoice.id)
    assert (paid.status, paid.amount_paid) == ("paid", 2500)
    intent = sdk.v1.payment_intents.retrieve(paid.payment_intent)
    assert (intent.payment_method, intent.status) == (card, "succeeded")


def test_links_are_listed_and_retrieved_through_the_sdk(sdk):
    product = sdk.v1.products.create(params={"name": "Mug"})
    one_time = sdk.v1.prices.create(params={"product": product.id, "unit_amount": 900,
                                         "currency": "eur"})
    link = sdk.v1.payment_links.create(params={"line_items": [{"price": one_time.id,
                                                            "quantity": 1}]})

    assert sdk.v1.payment_links.retrieve(link.id).url == link.url
    assert [item.id for item in sdk.v1.payment_links.list().data] == [link.id]
    with pytest.raises(stripe.InvalidRequestError) as refused:
        sdk.v1.payment_links.retrieve("plink_missing")
    assert refused.value.http_status == 404


def test_a_link_with_a_recurring_price_starts_subscriptions(client, api):
    club = price(api, unit_amount=900, currency="usd", recurring={"interval": "month"},
                 product_data={"name": "Club"})
    link = ok(api.post("/v1/payment_links", {
        "line_items": [{"price": club["id"], "quantity": 1}],
        "subscription_data": {"trial_period_days": 7, "metadata": {"via": "link"}}}))
    assert link["subscription_data"]["trial_period_days"] == 7

    done = client.post(visit(client, link["url"]), card_form())

    assert done.status_code == 302
    [session] = ok(api.get("/v1/checkout/sessions", {"payment_link": link["id"]}))["data"]
    assert (session["mode"], session["status"]) == ("subscription", "complete")
    subscription = ok(api.get(f"/v1/subscriptions/{session['subscription']}"))
    assert (subscription["status"], subscription["metadata"]) == ("trialing", {"via": "link"})


def test_payment_intent_data_is_refused_on_a_subscription_link(api):
    club = price(api, unit_amount=900, currency="usd", recurring={"interval": "month"},
                 product_data={"name": "Club"})
    error = error_of(api.post("/v1/payment_links", {
        "line_items": [{"price": club["id"], "quantity": 1}],
        "payment_intent_data": {"capture_method": "manual"}}))
    assert error["param"] == "payment_intent_data"
