"""Coupons, promotion codes and discounts in Django admin: read-only pages; deleting a
coupon and deactivating a code go through the API's services (with their events)."""

import pytest
from django.contrib.admin.utils import quote
from django.contrib.auth import get_user_model
from django.urls import reverse

from billing.models import Coupon, Discount, PromotionCode
from tests.billing.factories import coupon, draft, error_of, ok, promotion_code
from tests.dashboard.helpers import PASSWORD, logged_in
from tests.payments.factories import customer
from webhooks.models import Event


@pytest.fixture
def superuser(db):
    user = get_user_model().objects.create_superuser(username="ops@till.test",
                                                     email="ops@till.test", password=PASSWORD)
    return logged_in(user)


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:billing_{model._meta.model_name}_{view}",
                   args=[quote(arg) for arg in args])


@pytest.fixture
def discounted(api):
    """A coupon, its code, and a draft discounted by the code."""
    made = coupon(api)
    code = promotion_code(api, made["id"], code="OPS")
    invoice = draft(api, customer(api)["id"], 1000)
    ok(api.post(f"/v1/invoices/{invoice['id']}", {"discounts": [{"promotion_code": code["id"]}]}))
    return made, code


@pytest.mark.parametrize("model", [Coupon, PromotionCode, Discount])
def test_pages_load_and_nothing_is_edited_added_or_deleted(superuser, discounted, model):
    obj = model.objects.get()

    assert superuser.get(admin_url(model, "changelist")).status_code == 200
    change = superuser.get(admin_url(model, "change", obj.pk))
    assert change.status_code == 200
    assert b'name="_save"' not in change.content
    assert superuser.get(admin_url(model, "add")).status_code == 403
    assert superuser.get(admin_url(model, "delete", obj.pk)).status_code == 403


def test_an_operator_deletes_a_coupon_and_deactivates_a_code_through_the_services(
        superuser, api, discounted):
    made, code = discounted

    superuser.post(admin_url(PromotionCode, "changelist"), {
        "action": "deactivate", "_selected_action": [code["id"]]}, follow=True)
    superuser.post(admin_url(Coupon, "changelist"), {
        "action": "delete_coupons", "_selected_action": [made["id"]]}, follow=True)

    assert ok(api.get(f"/v1/promotion_codes/{code['id']}"))["active"] is False
    assert error_of(api.get(f"/v1/coupons/{made['id']}"), 404)["code"] == "resource_missing"
    assert set(Event.objects.filter(type__in=["coupon.deleted", "promotion_code.updated"])
               .values_list("type", flat=True)) == {"coupon.deleted", "promotion_code.updated"}
