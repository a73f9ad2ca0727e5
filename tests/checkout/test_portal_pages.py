"""The customer portal's pages (/portal/p/<token>), through Django's test client: what the
customer sees, and each action the configuration allows (or refuses)."""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import urlsplit

import pytest

from billing.models import Subscription
from core import clock
from tests.billing.factories import customer_with_card, monthly, ok, open_invoice, product
from tests.conftest import Api

GOOD = "4242424242424242"
DECLINED = "4000000000000002"
# Saves (attaches) fine, then declines every charge: Stripe's 4000 0000 0000 0341.
DECLINES_CHARGES = "4000000000000341"
THREE_D_SECURE = "4000002760003184"


def card_form(number: str = GOOD) -> dict[str, str]:
    return {"number": number, "expiry": "12 / 34", "cvc": "123", "name": "Jenny Rosen"}


def text(response) -> str:
    return unescape(response.content.decode())


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@pytest.fixture
def plans(api: Api) -> dict[str, dict]:
    gold = product(api, name="Gold")
    return {"basic": monthly(api, gold["id"], unit_amount=1000, nickname="Basic"),
            "pro": monthly(api, gold["id"], unit_amount=2500, nickname="Pro"),
            "gold": gold}


def configuration(api: Api, plans: dict, **features) -> dict:
    defaults = {
        "invoice_history": {"enabled": True},
        "payment_method_update": {"enabled": True},
        "subscription_cancel": {"enabled": True, "mode": "at_period_end"},
        "subscription_update": {
            "enabled": True, "default_allowed_updates": ["price", "quantity"],
            "proration_behavior": "create_prorations",
            "products": [{"product": plans["gold"]["id"],
                          "prices": [plans["basic"]["id"], plans["pro"]["id"]]}]},
    }
    return ok(api.post("/v1/billing_portal/configurations", {
        "business_profile": {"headline": "Gold club billing"},
        "features": {**defaults, **features}}))


def portal(api: Api, customer_id: str, configuration_id: str | None = None) -> str:
    params = {"customer": customer_id, "return_url": "https://shop.example/account"}
    if configuration_id:
        params["configuration"] = configuration_id
    return path_of(ok(api.post("/v1/billing_portal/sessions", params))["url"])


def subscribed(api: Api, price_id: str, **card) -> tuple[dict, dict]:
    owner, _ = customer_with_card(api, **card)
    subscription = ok(api.post("/v1/subscriptions", {"customer": owner["id"],
                                                     "items": [{"price": price_id}]}))
    return owner, subscription


def test_the_portal_shows_subscriptions_card_and_invoices(client, api, account, plans):
    owner, subscription = subscribed(api, plans["basic"]["id"])
    page = portal(api, owner["id"], configuration(api, plans)["id"])

    response = client.get(page)

    body = text(response)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert account.merchant.name in body and "Gold club billing" in body
    assert "Gold" in body and "$10.00" in body and "Renews on" in body
    assert "Visa •••• 4242" in body
    invoice = ok(api.get(f"/v1/invoices/{subscription['latest_invoice']}"))
    assert invoice["number"] in body and "Paid" in body
    # each finalized invoice links its hosted page and its PDF (links signed as the API's)
    links = re.findall(rf'href="(http[^"]*/i/{invoice["id"]}/[^"]+)"', response.content.decode())
    assert len(links) == 2 and links[1] == f"{links[0]}/pdf"
    assert client.get(urlsplit(links[0]).path).status_code == 200
    assert "Return to" in body and "https://shop.example/account" in body
    for action in ("Change plan", "Cancel subscription", "Update card"):
        assert action in body


def test_an_unknown_token_is_a_404(client, db):
    assert client.get("/portal/p/nope").status_code == 404


def test_updating_the_card_makes_it_the_default(client, api, plans):
    owner, _ = subscribed(api, plans["basic"]["id"])
    page = portal(api, owner["id"], configuration(api, plans)["id"])

    response = client.post(f"{page}/card", card_form("5555555555554444"))

    assert response.status_code == 302
    home = client.get(path_of(response["Location"]))
    assert "Your card is updated" in text(home)
    assert "Mastercard •••• 4444" in text(home)
    customer = ok(api.get(f"/v1/customers/{owner['id']}"))
    method = ok(api.get(
        f"/v1/payment_methods/{customer['invoice_settings']['default_payment_method']}"))
    assert (method["card"]["last4"], method["customer"]) == ("4444", owner["id"])


def test_a_declined_card_is_shown_with_its_wording_and_changes_nothing(client, api, plans):
    owner, card = customer_with_card(api)
    page = portal(api, owner["id"], configuration(api, plans)["id"])

    response = client.post(f"{page}/card", card_form(DECLINED))

    assert response.status_code == 402
    assert "Your card was declined." in text(response)
    customer = ok(api.get(f"/v1/customers/{owner['id']}"))
    assert customer["invoice_settings"]["default_payment_method"] == card["id"]


def test_a_card_asking_for_3d_secure_comes_back_to_the_portal(client, api, plans):
    owner, _ = subscribed(api, plans["basic"]["id"])
    page = portal(api, owner["id"], configuration(api, plans)["id"])

    challenge = client.post(f"{page}/card", card_form(THREE_D_SECURE))
    assert challenge.status_code == 302
    back = client.post(path_of(challenge["Location"]), {"outcome": "complete"})
    assert back.status_code == 302 and urlsplit(back["Location"]).path == f"{page}/card/return"
    returned = client.get(path_of(back["Location"]))

    assert returned.status_code == 302
    assert "Your card is updated" in text(client.get(path_of(returned["Location"])))
    customer = ok(api.get(f"/v1/customers/{owner['id']}"))
    method = ok(api.get(
        f"/v1/payment_methods/{customer['invoice_settings']['default_payment_method']}"))
    assert method["card"]["last4"] == "3184"


def test_a_failed_3d_secure_keeps_the_old_card(client, api, plans):
    owner, card = customer_with_card(api)
    page = portal(api, owner["id"], configuration(api, plans)["id"])

    challenge = client.post(f"{page}/card", card_form(THREE_D_SECURE))
    back = client.post(path_of(challenge["Location"]), {"outcome": "fail"})
    returned = client.get(path_of(back["Location"]))

    assert returned.status_code == 402
    assert "authentication failed" in text(returned)
    customer = ok(api.get(f"/v1/customers/{owner['id']}"))
    assert customer["invoice_settings"]["default_payment_method"] == card["id"]


def test_an_open_invoice_declined_then_paid_with_a_new_card(client, api, plans):
    # given a customer whose card declines, and an open invoice that failed with it
    owner, _ = customer_with_card(api, number=DECLINES_CHARGES)
    invoice = open_invoice(api, owner["id"], 1500)
    page = portal(api, owner["id"], configuration(api, plans)["id"])

    declined = client.post(f"{page}/invoices/{invoice['id']}/pay")
    assert declined.status_code == 402
    assert "Your card was declined." in text(declined)
    assert ok(api.get(f"/v1/invoices/{invoice['id']}"))["status"] == "open"

    # when the customer updates the card, then pays
    assert client.post(f"{page}/card", card_form()).status_code == 302
    paid = client.post(f"{page}/invoices/{invoice['id']}/pay")

    assert paid.status_code == 302
    assert "the invoice is paid" in text(client.get(path_of(paid["Location"])))
    after = ok(api.get(f"/v1/invoices/{invoice['id']}"))
    assert (after["status"], after["amount_paid"]) == ("paid", 1500)


def test_paying_an_invoice_with_3d_secure_comes_back_paid(client, api, plans):
    owner, _ = customer_with_card(api, number=THREE_D_SECURE)
    invoice = open_invoice(api, owner["id"], 1500)
    page = portal(api, owner["id"], configuration(api, plans)["id"])

    challenge = client.post(f"{page}/invoices/{invoice['id']}/pay")
    assert challenge.status_code == 302 and "authenticate" in challenge["Location"]
    back = client.post(path_of(challenge["Location"]), {"outcome": "complete"})
    returned = client.get(path_of(back["Location"]))

    assert returned.status_code == 302
    assert ok(api.get(f"/v1/invoices/{invoice['id']}"))["status"] == "paid"


def test_cancel_at_period_end_asks_first_then_cancels_at_the_end(client, api, plans):
    owner, subscription = subscribed(api, plans["basic"]["id"])
    page = portal(api, owner["id"], configuration(api, plans)["id"])
    cancel = f"{page}/subscriptions/{subscription['id']}/cancel"

    confirm = client.get(cancel)
    assert confirm.status_code == 200 and "at the end of the current period" in (
        text(confirm))
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["cancel_at_period_end"] is False

    done = client.post(cancel)

    assert done.status_code == 302
    home = text(client.get(path_of(done["Location"])))
    assert "will be canceled at the end" in home and "Cancels on" in home
    after = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert (after["status"], after["cancel_at_period_end"]) == ("active", True)

    # and "Renew" takes it back
    client.post(f"{page}/subscriptions/{subscription['id']}/renew")
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}"))[
        "cancel_at_period_end"] is False


def test_cancel_immediately_ends_the_subscription_now(client, api, plans):
    owner, subscription = subscribed(api, plans["basic"]["id"])
    config = configuration(api, plans, subscription_cancel={
        "enabled": True, "mode": "immediately", "proration_behavior": "create_prorations"})
    page = portal(api, owner["id"], config["id"])

    assert "canceled now" in text(client.get(
        f"{page}/subscriptions/{subscription['id']}/cancel"))
    done = client.post(f"{page}/subscriptions/{subscription['id']}/cancel")

    assert done.status_code == 302
    assert "Your subscription is canceled." in text(client.get(
        path_of(done["Location"])))
    after = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert after["status"] == "canceled"
    # the unused time is credited, as the configuration's proration_behavior says
    unused = ok(api.get("/v1/invoiceitems", {"customer": owner["id"]}))["data"]
    assert unused and unused[0]["amount"] < 0


def test_switching_plan_uses_the_configurations_proration(client, api, plans):
    owner, subscription = subscribed(api, plans["basic"]["id"])
    page = portal(api, owner["id"], configuration(api, plans)["id"])
    update = f"{page}/subscriptions/{subscription['id']}/update"

    choose = text(client.get(update))
    assert "Pro" in choose and "$25.00" in choose
    done = client.post(update, {"price": plans["pro"]["id"], "quantity": "2"})

    assert done.status_code == 302
    after = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    item = after["items"]["data"][0]
    assert (item["price"]["id"], item["quantity"]) == (plans["pro"]["id"], 2)
    prorations = ok(api.get("/v1/invoiceitems", {"customer": owner["id"]}))["data"]
    assert prorations and all(entry["proration"] for entry in prorations)


def test_a_price_the_configuration_does_not_list_is_refused(client, api, plans):
    owner, subscription = subscribed(api, plans["basic"]["id"])
    other = monthly(api, plans["gold"]["id"], unit_amount=100)
    page = portal(api, owner["id"], configuration(api, plans)["id"])

    response = client.post(f"{page}/subscriptions/{subscription['id']}/update",
                           {"price": other["id"]})

    assert response.status_code == 400
    assert "isn't one you can switch to" in text(response)
    item = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["items"]["data"][0]
    assert item["price"]["id"] == plans["basic"]["id"]


def test_disabled_features_are_hidden_and_refused(client, api, plans):
    owner, subscription = subscribed(api, plans["basic"]["id"])
    invoice = open_invoice(api, owner["id"], 700)
    config = ok(api.post("/v1/billing_portal/configurations", {"features": {
        "invoice_history": {"enabled": False}}}))
    page = portal(api, owner["id"], config["id"])

    home = text(client.get(page))
    for action in ("Change plan", "Cancel subscription", "Update card", "Invoice history"):
        assert action not in home
    sub = f"{page}/subscriptions/{subscription['id']}"
    for method, url, data in (
            ("post", f"{sub}/cancel", {}), ("post", f"{sub}/update",
                                            {"price": plans["pro"]["id"]}),
            ("post", f"{page}/card", card_form()),
            ("post", f"{page}/invoices/{invoice['id']}/pay", {})):
        response = getattr(client, method)(url, data)
        assert response.status_code == 403, url
        assert "isn't available here" in text(response)
    after = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert (after["cancel_at_period_end"], after["items"]["data"][0]["price"]["id"]) == (
        False, plans["basic"]["id"])
    assert ok(api.get(f"/v1/invoices/{invoice['id']}"))["status"] == "open"


def test_another_customers_subscription_and_invoice_are_refused(client, api, plans):
    owner, _ = subscribed(api, plans["basic"]["id"])
    stranger, theirs = subscribed(api, plans["basic"]["id"])
    their_invoice = open_invoice(api, stranger["id"], 900)
    page = portal(api, owner["id"], configuration(api, plans)["id"])

    for url, data in ((f"{page}/subscriptions/{theirs['id']}/cancel", {}),
                      (f"{page}/subscriptions/{theirs['id']}/update",
                       {"price": plans["pro"]["id"]}),
                      (f"{page}/subscriptions/{theirs['id']}/renew", {}),
                      (f"{page}/invoices/{their_invoice['id']}/pay", {})):
        response = client.post(url, data)
        assert response.status_code == 404, url
        assert "No such" in text(response)
    assert client.get(f"{page}/subscriptions/{theirs['id']}/cancel").status_code == 404
    assert Subscription.objects.get(pk=theirs["id"]).cancel_at_period_end is False
    assert ok(api.get(f"/v1/invoices/{their_invoice['id']}"))["status"] == "open"
    assert theirs["id"] not in text(client.get(page))


def test_an_unvisited_session_expires_after_five_minutes(client, api, plans):
    owner, _ = subscribed(api, plans["basic"]["id"])
    page = portal(api, owner["id"], configuration(api, plans)["id"])

    with clock.bound(clock.now() + timedelta(minutes=5, seconds=1)):
        response = client.get(page)

    assert response.status_code == 410
    assert "This link has expired" in text(response)


def test_a_visited_session_lasts_an_hour_then_refuses_every_action(client, api, plans):
    owner, subscription = subscribed(api, plans["basic"]["id"])
    page = portal(api, owner["id"], configuration(api, plans)["id"])
    assert client.get(page).status_code == 200

    with clock.bound(clock.now() + timedelta(minutes=59)):
        assert client.get(page).status_code == 200
    with clock.bound(clock.now() + timedelta(hours=1, seconds=1)):
        assert client.get(page).status_code == 410
        cancel = client.post(f"{page}/subscriptions/{subscription['id']}/cancel")
        card = client.post(f"{page}/card", card_form())
    assert (cancel.status_code, card.status_code) == (410, 410)
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["cancel_at_period_end"] is False


def test_forms_are_csrf_protected(api, plans):
    from django.test import Client

    owner, subscription = subscribed(api, plans["basic"]["id"])
    page = portal(api, owner["id"], configuration(api, plans)["id"])
    strict = Client(enforce_csrf_checks=True)

    assert strict.post(f"{page}/subscriptions/{subscription['id']}/cancel").status_code == 403
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["cancel_at_period_end"] is False


def test_the_portal_page_has_a_query_budget(client, api, plans, django_assert_max_num_queries):
    owner, _ = subscribed(api, plans["basic"]["id"])
    ok(api.post("/v1/subscriptions", {"customer": owner["id"],
                                      "items": [{"price": plans["pro"]["id"]}]}))
    for amount in (500, 700, 900):
        open_invoice(api, owner["id"], amount)
    page = portal(api, owner["id"], configuration(api, plans)["id"])
    client.get(page)

    # the same queries for two subscriptions and five invoices as for one of each
    with django_assert_max_num_queries(10):
        response = client.get(page)
    assert response.status_code == 200


def test_a_subscription_of_an_unlisted_product_is_not_switched(client, api, plans):
    other = monthly(api, unit_amount=400)
    owner, subscription = subscribed(api, other["id"])
    page = portal(api, owner["id"], configuration(api, plans)["id"])

    assert "Change plan" not in text(client.get(page))
    response = client.post(f"{page}/subscriptions/{subscription['id']}/update",
                           {"price": plans["pro"]["id"]})

    assert response.status_code == 400
    assert "can't be changed here" in text(response)
    item = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["items"]["data"][0]
    assert item["price"]["id"] == other["id"]


def test_a_quantity_only_configuration_changes_the_quantity_not_the_price(client, api, plans):
    owner, subscription = subscribed(api, plans["basic"]["id"])
    config = configuration(api, plans, subscription_update={
        "enabled": True, "default_allowed_updates": ["quantity"], "proration_behavior": "none",
        "products": [{"product": plans["gold"]["id"], "prices": [plans["basic"]["id"]]}]})
    page = portal(api, owner["id"], config["id"])
    update = f"{page}/subscriptions/{subscription['id']}/update"

    assert "Change plan" in text(client.get(page))
    refused = client.post(update, {"price": plans["pro"]["id"]})
    done = client.post(update, {"quantity": "3"})

    assert refused.status_code == 400
    assert done.status_code == 302
    item = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["items"]["data"][0]
    assert (item["price"]["id"], item["quantity"]) == (plans["basic"]["id"], 3)
    # proration_behavior none: nothing billed now
    assert ok(api.get("/v1/invoiceitems", {"customer": owner["id"]}))["data"] == []
