"""The business's settings: its name and support email (what customers see and write to)
and the dashboard's time zone (dates, and Home's days, are the merchant's)."""

from datetime import UTC, datetime
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from core import clock
from tests.dashboard.test_home_figures import chart_data
from tests.payments.factories import ok, paid_intent

pytestmark = pytest.mark.django_db

SAVED = {"name": "Cedar & Sons", "support_email": "help@cedar.example",
         "time_zone": "Asia/Tokyo"}


def test_an_owner_sets_the_business_details(account, owner, api):
    response = owner.post("/settings/business/", SAVED)

    assert response.status_code == 302
    account.merchant.refresh_from_db()
    assert (account.merchant.name, account.merchant.support_email,
            account.merchant.time_zone) == ("Cedar & Sons", "help@cedar.example", "Asia/Tokyo")
    page = owner.get("/settings/").content.decode()
    assert "Cedar &amp; Sons" in page and "Asia/Tokyo" in page
    # and the customer's receipt names the business and its support address
    paid = paid_intent(api, amount=2500)
    charge = ok(api.get(f"/v1/charges/{paid['latest_charge']}"))
    receipt = Client().get(urlparse(charge["receipt_url"]).path).content.decode()
    assert "Cedar &amp; Sons" in receipt and "mailto:help@cedar.example" in receipt


def test_without_a_support_email_customers_write_to_the_account_email(account, api):
    paid = paid_intent(api, amount=2500)
    charge = ok(api.get(f"/v1/charges/{paid['latest_charge']}"))

    receipt = Client().get(urlparse(charge["receipt_url"]).path).content.decode()

    assert f"mailto:{account.merchant.email}" in receipt


@pytest.mark.parametrize(("field", "value", "message"), [
    ("time_zone", "Mars/Olympus", "Select a valid choice"),
    ("support_email", "not-an-address", "Enter a valid email address"),
    ("name", "   ", "This field is required"),
])
def test_a_bad_value_is_refused_beside_its_field_and_nothing_changes(account, owner, field,
                                                                      value, message):
    response = owner.post("/settings/business/", {**SAVED, field: value})

    assert response.status_code == 200
    assert message in response.content.decode()
    account.merchant.refresh_from_db()
    assert (account.merchant.time_zone, account.merchant.support_email) == ("UTC", "")


def test_only_owners_and_admins_change_them(account, support, developer, admin_member):
    assert support.post("/settings/business/", SAVED).status_code == 403
    assert developer.post("/settings/business/", SAVED).status_code == 403
    account.merchant.refresh_from_db()
    assert account.merchant.time_zone == "UTC"
    assert admin_member.post("/settings/business/", SAVED).status_code == 302


def test_dates_are_shown_in_the_merchants_time_zone(account, owner, api):
    with clock.bound(datetime(2026, 1, 15, 23, 30, tzinfo=UTC)):
        paid = paid_intent(api, amount=2500)
    owner.post("/settings/business/", SAVED)

    page = owner.get(f"/payments/{paid['id']}/").content.decode()

    # 23:30 UTC is 08:30 the next morning in Tokyo; the machine-readable instant is exact
    assert "Jan 16, 2026" in page and "08:30" in page
    assert 'datetime="2026-01-16T08:30:00+09:00"' in page


def test_homes_days_are_the_merchants_days(account, owner, api):
    owner.post("/settings/business/", {**SAVED, "time_zone": "Pacific/Kiritimati"})  # UTC+14
    paid_intent(api, amount=700)

    data = chart_data(owner)

    # today is the Kiritimati day, and the payment falls on it
    today = datetime.now(tz=ZoneInfo("Pacific/Kiritimati"))
    assert data["labels"][-1] == f"{today:%b} {today.day}"
    assert data["charts"]["gross"]["series"][-1] == 700
