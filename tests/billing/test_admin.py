"""The catalogue in Django admin: read-only pages, and archive / reactivate through the same
services as the API (so with their events and their refusals)."""

import pytest
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.urls import reverse

from billing.models import Plan, Price, Product
from tests.billing.factories import monthly, ok, price, product
from tests.dashboard.helpers import PASSWORD, logged_in
from webhooks.models import Event


@pytest.fixture
def superuser(db):
    user = get_user_model().objects.create_superuser(username="ops@till.test",
                                                     email="ops@till.test", password=PASSWORD)
    return logged_in(user)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:billing_{model._meta.model_name}_{view}",
                   args=[quote(arg) for arg in args])


@pytest.mark.parametrize("model", [Product, Price])
def test_pages_load_and_nothing_is_edited_added_or_deleted(superuser, api, model):
    made = price(api, nickname="Standard")
    obj = model.objects.get(pk=made["product"] if model is Product else made["id"])

    assert superuser.get(admin_url(model, "changelist")).status_code == 200
    change = superuser.get(admin_url(model, "change", obj.pk))
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    assert superuser.post(admin_url(model, "change", obj.pk), {"active": ""}).status_code == 403
    assert superuser.get(admin_url(model, "add")).status_code == 403
    assert superuser.get(admin_url(model, "delete", obj.pk)).status_code == 403


def test_archiving_a_price_goes_through_the_service(superuser, api):
    made = price(api)

    response = superuser.post(admin_url(Price, "changelist"), {
        "action": "archive", "_selected_action": [made["id"]]}, follow=True)

    assert response.status_code == 200
    assert ok(api.get(f"/v1/prices/{made['id']}"))["active"] is False
    assert Event.objects.filter(type="price.updated").count() == 1


def test_a_refusal_is_shown_and_the_rest_is_done(superuser, api):
    gold = product(api, default_price_data={"currency": "usd", "unit_amount": 100})
    other = price(api, gold["id"])

    response = superuser.post(admin_url(Price, "changelist"), {
        "action": "archive", "_selected_action": [gold["default_price"], other["id"]]},
        follow=True)

    html = response.content.decode()
    assert "default price of its product" in html
    assert "1 archived." in html
    assert ok(api.get(f"/v1/prices/{gold['default_price']}"))["active"] is True
    assert ok(api.get(f"/v1/prices/{other['id']}"))["active"] is False


def test_a_product_is_archived_and_reactivated(superuser, api):
    made = product(api)
    url = admin_url(Product, "changelist")

    superuser.post(url, {"action": "archive", "_selected_action": [made["id"]]})
    archived = ok(api.get(f"/v1/products/{made['id']}"))["active"]
    superuser.post(url, {"action": "reactivate", "_selected_action": [made["id"]]})

    assert (archived, ok(api.get(f"/v1/products/{made['id']}"))["active"]) == (False, True)
    assert Event.objects.filter(type="product.updated").count() == 2


def test_plans_are_the_recurring_prices_and_archive_through_the_plans_service(superuser, api):
    recurring = monthly(api, nickname="Monthly")
    one_time = price(api, nickname="Once")

    listed = superuser.get(admin_url(Plan, "changelist")).content.decode()
    change = superuser.get(admin_url(Plan, "change", recurring["id"]))
    response = superuser.post(admin_url(Plan, "changelist"), {
        "action": "archive", "_selected_action": [recurring["id"]]}, follow=True)

    assert recurring["id"] in listed and one_time["id"] not in listed
    assert change.status_code == 200 and b'name="_save"' not in change.content
    assert superuser.get(admin_url(Plan, "add")).status_code == 403
    assert response.status_code == 200
    assert ok(api.get(f"/v1/plans/{recurring['id']}"))["active"] is False
    assert Event.objects.filter(type="plan.updated").count() == 1
