"""Products in the dashboard: the list (active or archived), a product's page with its prices,
and for owners and admins creating a product and its prices (an amount typed in the
currency's major unit), archiving and reactivating them — through billing's catalogue
services, as the API's do."""

import pytest

from billing.models import Price, Product
from tests.billing.factories import monthly, ok, product


def test_the_list_shows_this_merchants_products_and_filters_archived_ones(owner, api,
                                                                          other_account):
    gold = product(api, name="Gold plan")
    old = product(api, name="Old plan", active="false")
    theirs = product(other_account.api(), name="Their plan")

    page = owner.get("/products/").content.decode()
    archived = owner.get("/products/", {"active": "false"}).content.decode()
    active = owner.get("/products/", {"active": "true"}).content.decode()

    assert "Gold plan" in page and "Old plan" in page and "Their plan" not in page
    assert "Old plan" in archived and "Gold plan" not in archived
    assert "Gold plan" in active and "Old plan" not in active
    assert 'aria-current="page">Products' in page
    assert theirs["id"] not in page and gold["id"] in page and old["id"] in page


def test_creating_a_product(owner, api):
    response = owner.post("/products/new/", {"name": "Silver", "description": "The middle one"},
                          follow=True)

    created = Product.objects.get(name="Silver")
    assert (created.description, created.active, created.livemode) == (
        "The middle one", True, False)
    assert response.redirect_chain[-1][0] == f"/products/{created.id}/"
    assert "Created product Silver." in response.content.decode()
    # as the API makes it: the product.created event
    assert ok(api.get("/v1/events", {"type": "product.created"}))["data"][0]["data"][
        "object"]["id"] == created.id


def test_a_product_without_a_name_is_refused(owner):
    response = owner.post("/products/new/", {"name": ""})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Product.objects.exists()


@pytest.mark.parametrize(("typed", "currency", "amount"), [
    ("15.00", "usd", 1500), ("$1,200.50", "usd", 120050), ("1500 JPY", "jpy", 1500),
    ("1.234", "kwd", 1234)])
def test_creating_a_recurring_price_in_the_currencys_major_unit(owner, api, typed, currency,
                                                                amount):
    gold = product(api)

    response = owner.post(f"/products/{gold['id']}/prices/", {
        "amount": typed, "currency": currency, "type": "recurring", "interval": "month",
        "interval_count": "3", "nickname": "Quarterly"}, follow=True)

    price = Price.objects.get(product_id=gold["id"])
    assert (price.unit_amount, price.currency, price.type) == (amount, currency, "recurring")
    assert (price.recurring_interval, price.recurring_interval_count) == ("month", 3)
    assert price.nickname == "Quarterly"
    html = response.content.decode()
    assert f"Created price {price.id}" in html and "every 3 months" in html
    assert "/ 3 months" in html  # the prices table


def test_creating_a_one_time_price(owner, api):
    gold = product(api)

    owner.post(f"/products/{gold['id']}/prices/", {"amount": "49", "currency": "eur",
                                                    "type": "one_time", "interval": "month"})

    price = Price.objects.get(product_id=gold["id"])
    assert (price.unit_amount, price.currency, price.type) == (4900, "eur", "one_time")
    assert price.recurring_interval is None


@pytest.mark.parametrize(("typed", "currency", "error"), [
    ("15.001", "usd", "USD amounts have 2 decimal places."),
    ("15.5", "jpy", "JPY amounts have no decimal places."),
    ("15.00 EUR", "usd", "This price is in USD: the amount names EUR."),
    ("fifteen", "usd", "Enter an amount such as 15.00."),
])
def test_an_amount_the_currency_cannot_hold_is_refused(owner, api, typed, currency, error):
    gold = product(api)

    response = owner.post(f"/products/{gold['id']}/prices/", {
        "amount": typed, "currency": currency, "type": "recurring", "interval": "month",
        "interval_count": "1"})

    assert response.status_code == 200
    assert error in response.content.decode()
    assert not Price.objects.exists()


def test_the_services_refusal_is_shown_beside_the_form(owner, api):
    gold = product(api)

    # Stripe's longest interval is three years: 37 months is refused by billing.pricing
    response = owner.post(f"/products/{gold['id']}/prices/", {
        "amount": "10", "currency": "usd", "type": "recurring", "interval": "month",
        "interval_count": "37"})

    assert response.status_code == 200
    assert "the maximum billing interval is three years" in response.content.decode()
    assert not Price.objects.exists()


def test_archiving_and_reactivating_a_product_and_a_price(owner, api):
    gold = product(api)
    price = monthly(api, gold["id"])

    owner.post(f"/products/{gold['id']}/prices/{price['id']}/active/", {"active": "false"})
    owner.post(f"/products/{gold['id']}/active/", {"active": "false"})

    assert Price.objects.get(pk=price["id"]).active is False
    assert Product.objects.get(pk=gold["id"]).active is False
    assert ok(api.get(f"/v1/products/{gold['id']}"))["active"] is False
    html = owner.get(f"/products/{gold['id']}/").content.decode()
    assert "Reactivate product" in html

    owner.post(f"/products/{gold['id']}/active/", {"active": "true"})
    owner.post(f"/products/{gold['id']}/prices/{price['id']}/active/", {"active": "true"})

    assert Product.objects.get(pk=gold["id"]).active is True
    assert Price.objects.get(pk=price["id"]).active is True


def test_a_default_price_cannot_be_archived_and_nothing_changes(owner, api):
    gold = ok(api.post("/v1/products", {"name": "Gold", "default_price_data[currency]": "usd",
                                        "default_price_data[unit_amount]": 1000}))

    response = owner.post(f"/products/{gold['id']}/prices/{gold['default_price']}/active/",
                          {"active": "false"}, follow=True)

    assert Price.objects.get(pk=gold["default_price"]).active is True
    assert "default price" in response.content.decode()


def test_a_price_of_another_product_is_not_found(owner, api):
    gold, silver = product(api), product(api, name="Silver")
    price = monthly(api, silver["id"])

    response = owner.post(f"/products/{gold['id']}/prices/{price['id']}/active/",
                          {"active": "false"})

    assert response.status_code == 404
    assert Price.objects.get(pk=price["id"]).active is True


def test_a_support_member_sees_the_product_without_its_buttons(support, api):
    gold = product(api)
    monthly(api, gold["id"])

    html = support.get(f"/products/{gold['id']}/").content.decode()
    listed = support.get("/products/").content.decode()

    assert "$10.00 USD / month" in html and "Archive" not in html
    assert "Only owners and admins can create, archive or reactivate" in html
    assert "New product" not in listed


@pytest.mark.parametrize("path", ["/products/{id}/", "/products/{id}/active/"])
def test_another_merchants_or_a_missing_product_is_a_404(owner, other_account, path):
    theirs = product(other_account.api())
    method = owner.post if path.endswith("/active/") else owner.get

    assert method(path.format(id=theirs["id"]), {"active": "false"}).status_code == 404
    assert method(path.format(id="prod_missing"), {"active": "false"}).status_code == 404
    assert Product.objects.get(pk=theirs["id"]).active is True


def test_the_pages_stay_within_their_query_budgets(owner, api, django_assert_max_num_queries):
    products = [product(api, name=f"Plan {n}") for n in range(5)]
    for item in products:
        monthly(api, item["id"])
        monthly(api, item["id"], unit_amount=2000)

    # the session, the user and membership, the page of products with their default prices
    with django_assert_max_num_queries(4):
        assert owner.get("/products/").status_code == 200
    # the product, its prices, its events
    with django_assert_max_num_queries(6):
        assert owner.get(f"/products/{products[0]['id']}/").status_code == 200


def test_an_htmx_filter_swaps_in_only_the_results(owner, api):
    product(api, name="Old plan", active="false")

    swapped = owner.get("/products/", {"active": "false"}, headers={"HX-Request": "true"})

    html = swapped.content.decode()
    assert "Old plan" in html and "<html" not in html and "New product" not in html
    assert "HX-Request" in swapped["Vary"]
