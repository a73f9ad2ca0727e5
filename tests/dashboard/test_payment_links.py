"""Payment links in the dashboard: the list, creating one from a price, a link's page with the
sessions it opened, deactivating and reactivating it — through checkout's services."""

from urllib.parse import urlsplit

from checkout.models import PaymentLink
from tests.billing.factories import ok, price


def test_creating_a_link_from_a_price(owner, api):
    poster = price(api, unit_amount=1500, currency="usd", product_data={"name": "Poster"})
    price(api, unit_amount=900, currency="usd", recurring={"interval": "month"},
          product_data={"name": "Club"})
    form = owner.get("/payment-links/").content.decode()
    assert "Poster — $15.00" in form and "Club — $9.00 USD / month" in form

    response = owner.post("/payment-links/new/", {
        "price": poster["id"], "quantity": 2, "message": "Thanks!",
        "save_card_and_make_default": "on"}, follow=True)

    link = PaymentLink.objects.get()
    assert response.redirect_chain[-1][0] == f"/payment-links/{link.id}/"
    body = response.content.decode()
    assert "Poster × 2" in body and "“Thanks!”" in body and "as the customer's default" in body
    api_link = ok(api.get(f"/v1/payment_links/{link.id}"))
    assert api_link["url"] in body
    assert api_link["save_card_and_make_default"] is True


def test_a_links_page_shows_its_sessions_and_the_list_its_links(owner, api, client,
                                                               other_account):
    poster = price(api, unit_amount=1500, currency="usd", product_data={"name": "Poster"})
    link = ok(api.post("/v1/payment_links", {"line_items": [{"price": poster["id"],
                                                              "quantity": 1}]}))
    theirs = ok(other_account.api().post("/v1/payment_links", {"line_items": [{
        "price": price(other_account.api(), unit_amount=100, currency="usd",
                       product_data={"name": "X"})["id"], "quantity": 1}]}))
    client.get(urlsplit(link["url"]).path)

    listed = owner.get("/payment-links/").content.decode()
    page = owner.get(f"/payment-links/{link['id']}/").content.decode()

    assert link["id"] in listed and theirs["id"] not in listed
    [session] = ok(api.get("/v1/checkout/sessions", {"payment_link": link["id"]}))["data"]
    assert session["id"] in page and "$15.00" in page
    assert owner.get(f"/payment-links/{theirs['id']}/").status_code == 404


def test_deactivating_and_reactivating_a_link(owner, api):
    poster = price(api, unit_amount=1500, currency="usd", product_data={"name": "Poster"})
    link = ok(api.post("/v1/payment_links", {"line_items": [{"price": poster["id"],
                                                              "quantity": 1}]}))

    off = owner.post(f"/payment-links/{link['id']}/active/", {"active": "false"}, follow=True)
    assert "Deactivated payment link" in off.content.decode()
    assert ok(api.get(f"/v1/payment_links/{link['id']}"))["active"] is False
    owner.post(f"/payment-links/{link['id']}/active/", {"active": "true"})
    assert ok(api.get(f"/v1/payment_links/{link['id']}"))["active"] is True


def test_a_refused_link_shows_the_form_again_and_makes_nothing(owner, api):
    price(api, unit_amount=1500, currency="usd", product_data={"name": "Poster"})
    response = owner.post("/payment-links/new/", {"price": "price_forged", "quantity": 1})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert PaymentLink.objects.count() == 0
