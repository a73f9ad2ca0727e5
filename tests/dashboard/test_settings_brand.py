"""The dashboard's brand colour setting: owners and admins change it; a bad one is refused."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_owner_sets_the_brand_colour(account, owner):
    response = owner.post("/settings/brand/", {"brand_color": "#12ab34"})
    assert response.status_code == 302
    account.merchant.refresh_from_db()
    assert account.merchant.brand_color == "#12ab34"
    assert "#12ab34" in owner.get("/settings/").content.decode()


def test_a_bad_colour_is_refused_beside_its_field(account, owner, support):
    response = owner.post("/settings/brand/", {"brand_color": "red"})
    assert response.status_code == 200
    assert "#rrggbb" in response.content.decode()
    account.merchant.refresh_from_db()
    assert account.merchant.brand_color == "#0a2540"
    assert support.post("/settings/brand/", {"brand_color": "#000000"}).status_code == 403
