"""The Settings page: the dunning settings shown to every member, changed by owners and
admins only, a refused schedule shown with its reason and nothing changed."""

import pytest

from merchants.models import Merchant

pytestmark = pytest.mark.django_db


def stored(account) -> tuple:
    merchant = Merchant.objects.get(pk=account.merchant.pk)
    return (merchant.dunning_retry_days, merchant.dunning_subscription_action,
            merchant.dunning_invoice_action)


def test_the_page_shows_the_schedule_and_an_owner_changes_it(owner, account):
    # given the defaults
    page = owner.get("/settings/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "retried 3, 5 and 7 days after the first failure" in " ".join(html.split())
    assert 'value="3, 5, 7"' in html
    assert 'aria-current="page">Settings' in html

    # when the owner saves another schedule and final actions
    response = owner.post("/settings/dunning/", {
        "retry_days": "2, 4, 10, 20", "subscription_action": "mark_unpaid",
        "invoice_action": "mark_uncollectible"}, follow=True)

    # then they are stored, and the page says so
    assert response.status_code == 200
    assert stored(account) == ([2, 4, 10, 20], "mark_unpaid", "mark_uncollectible")
    text = " ".join(response.content.decode().split())
    assert "2, 4, 10 and 20 days after the first failure" in text
    assert "mark the subscription as unpaid" in text


@pytest.mark.parametrize(("typed", "says"), [
    ("7, 5", "later than the one before"),
    ("3, 90", "from 1 to 60"),
    ("1, 2, 3, 4, 5", "At most 4"),
    ("three", "whole numbers of days"),
])
def test_a_refused_schedule_is_shown_with_its_reason_and_nothing_changes(admin_member, account,
                                                                         typed, says):
    response = admin_member.post("/settings/dunning/", {
        "retry_days": typed, "subscription_action": "leave_past_due",
        "invoice_action": "leave_open"})
    assert response.status_code == 200  # the form again, with the reason beside the field
    assert says in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    assert stored(account) == ([3, 5, 7], "cancel", "leave_open")


def test_a_support_member_sees_the_settings_but_cannot_change_them(support, developer, account):
    page = support.get("/settings/")
    assert page.status_code == 200
    assert "/settings/dunning/" not in page.content.decode()
    assert "Only owners and admins can change these settings." in page.content.decode()

    for client in (support, developer):
        refused = client.post("/settings/dunning/", {
            "retry_days": "1", "subscription_action": "leave_past_due",
            "invoice_action": "leave_open"})
        assert refused.status_code == 403
        assert "Only owners and admins can change the billing settings." in (
            refused.content.decode())
    assert stored(account) == ([3, 5, 7], "cancel", "leave_open")


def test_the_page_and_a_save_stay_within_budget(owner, django_assert_max_num_queries):
    # session + user + membership with its merchant; nothing more to read
    with django_assert_max_num_queries(3):
        assert owner.get("/settings/").status_code == 200
    # and the save: those three, the merchant locked and written (its transaction's
    # savepoint), and the session keeping the success message
    with django_assert_max_num_queries(7):
        assert owner.post("/settings/dunning/", {
            "retry_days": "3", "subscription_action": "cancel",
            "invoice_action": "leave_open"}).status_code == 302


def test_an_owner_sets_when_upcoming_renewals_are_announced(owner, support, account):
    page = " ".join(owner.get("/settings/").content.decode().split())
    assert "is sent 3 days before each subscription renews" in page

    refused = owner.post("/settings/upcoming/", {"upcoming_invoice_days": "46"})
    assert refused.status_code == 200
    assert "between 0 and 45" in refused.content.decode()
    assert support.post("/settings/upcoming/", {"upcoming_invoice_days": "1"}).status_code == 403
    assert Merchant.objects.get(pk=account.merchant.pk).upcoming_invoice_days == 3

    saved = owner.post("/settings/upcoming/", {"upcoming_invoice_days": "0"}, follow=True)
    assert "No <code>invoice.upcoming</code> events are sent." in saved.content.decode()
    assert Merchant.objects.get(pk=account.merchant.pk).upcoming_invoice_days == 0
