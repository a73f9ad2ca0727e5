"""Test clocks in the dashboard (test mode only): the list, creating one, a clock's page with
its customers, their subscriptions and what happened to them, advancing it (the work in
Celery, as the API's advance runs it) and deleting it — by owners and admins, through
payments' services."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from billing.models import Subscription
from payments.models import Customer, TestClock
from tests.billing.factories import monthly, ok
from tests.dashboard.helpers import switch_mode
from tests.payments.factories import attach

DAY = 86400
START = datetime.fromtimestamp(int(timezone.now().timestamp()) // DAY * DAY - DAY, UTC)


def new_clock(api, name: str = "Renewals", frozen_time: datetime = START) -> dict:
    return ok(api.post("/v1/test_helpers/test_clocks", {
        "frozen_time": int(frozen_time.timestamp()), "name": name}))


def subscribed_on(api, clock: dict) -> tuple[dict, dict]:
    """A customer on the clock with a card, subscribed to $10.00 a month."""
    owner = ok(api.post("/v1/customers", {"email": "clocked@example.test",
                                          "test_clock": clock["id"]}))
    method = attach(api, "pm_card_visa", owner["id"])
    ok(api.post(f"/v1/customers/{owner['id']}",
                {"invoice_settings[default_payment_method]": method["id"]}))
    subscription = ok(api.post("/v1/subscriptions", {"customer": owner["id"],
                                                     "items[0][price]": monthly(api)["id"]}))
    return owner, subscription


def test_creating_a_clock(owner, account):
    response = owner.post("/test-clocks/new/", {"name": "Year of billing",
                                                "frozen_time": "2026-01-15T09:30"},
                          follow=True)

    clock = TestClock.objects.get()
    assert (clock.name, clock.frozen_time, clock.status, clock.livemode) == (
        "Year of billing", datetime(2026, 1, 15, 9, 30, tzinfo=UTC), "ready", False)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/test-clocks/{clock.id}/"
    assert "Created test clock Year of billing." in html
    assert "test_helpers.test_clock.created" in html  # what happened, on its page
    assert "Jan 15, 2026, 09:30" in html

    listed = owner.get("/test-clocks/").content.decode()
    assert "Year of billing" in listed and 'aria-current="page">Test clocks' in listed


def test_a_clock_without_a_time_is_refused(owner):
    response = owner.post("/test-clocks/new/", {"name": "No time", "frozen_time": ""})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not TestClock.objects.exists()


def test_a_clocks_page_shows_its_customers_and_their_subscriptions(owner, api):
    clock = new_clock(api)
    customer, subscription = subscribed_on(api, clock)
    elsewhere = ok(api.post("/v1/customers", {"email": "elsewhere@example.test"}))

    html = owner.get(f"/test-clocks/{clock['id']}/").content.decode()

    assert f"/customers/{customer['id']}/" in html and elsewhere["id"] not in html
    assert f"/subscriptions/{subscription['id']}/" in html
    assert "customer.subscription.created" in html and "invoice.paid" in html


def test_advancing_a_clock_renews_its_customers_subscriptions(owner, api,
                                                             django_capture_on_commit_callbacks,
                                                             eager_tasks):
    # given a customer on the clock, subscribed monthly
    clock = new_clock(api)
    _, subscription = subscribed_on(api, clock)
    later = START + timedelta(days=32)

    # when the clock is advanced past the period's end from the dashboard
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(f"/test-clocks/{clock['id']}/advance/",
                              {"frozen_time": later.strftime("%Y-%m-%dT%H:%M")})

    # then the advance ran (in Celery, eagerly here): the clock is ready at that time, and
    # the subscription renewed with a second paid invoice
    assert response.status_code == 302
    moved = TestClock.objects.get(pk=clock["id"])
    assert (moved.status, moved.frozen_time) == ("ready", later)
    renewed = Subscription.objects.get(pk=subscription["id"])
    assert renewed.current_period_start > datetime.fromtimestamp(
        subscription["current_period_start"], UTC)
    html = owner.get(f"/test-clocks/{clock['id']}/").content.decode()
    assert "test_helpers.test_clock.ready" in html
    invoices = ok(api.get("/v1/invoices", {"subscription": subscription["id"]}))["data"]
    assert [invoice["amount_paid"] for invoice in invoices] == [1000, 1000]


def test_advancing_backwards_is_refused_and_changes_nothing(owner, api):
    clock = new_clock(api)

    response = owner.post(f"/test-clocks/{clock['id']}/advance/", {
        "frozen_time": (START - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")})

    assert response.status_code == 200
    assert "a test clock only moves forward" in response.content.decode()
    unchanged = TestClock.objects.get(pk=clock["id"])
    assert (unchanged.status, unchanged.frozen_time) == ("ready", START)


def test_deleting_a_clock_deletes_its_customers(owner, api):
    clock = new_clock(api)
    customer, _ = subscribed_on(api, clock)

    response = owner.post(f"/test-clocks/{clock['id']}/delete/", follow=True)

    assert response.redirect_chain[-1][0] == "/test-clocks/"
    assert "Deleted test clock Renewals and its customers." in response.content.decode()
    assert TestClock.objects.get(pk=clock["id"]).deleted_at is not None
    assert Customer.objects.get(pk=customer["id"]).deleted_at is not None
    assert owner.get(f"/test-clocks/{clock['id']}/").status_code == 404


def test_in_live_mode_the_page_says_clocks_are_test_mode_only(owner, api):
    clock = new_clock(api)
    switch_mode(owner, "live")

    listed = owner.get("/test-clocks/")
    detail = owner.get(f"/test-clocks/{clock['id']}/")
    created = owner.post("/test-clocks/new/", {"frozen_time": "2026-01-15T09:30"})

    for response in (listed, detail, created):
        assert response.status_code == 200
        assert "Test clocks exist only in test mode" in response.content.decode()
        assert clock["id"] not in response.content.decode()
    assert TestClock.objects.count() == 1


def test_a_support_member_sees_the_clock_without_its_buttons(support, api):
    clock = new_clock(api)

    html = support.get(f"/test-clocks/{clock['id']}/").content.decode()
    listed = support.get("/test-clocks/").content.decode()

    assert "Renewals" in html and "/advance/" not in html and "/delete/" not in html
    assert "Only owners and admins can create, advance or delete test clocks." in html
    assert "New test clock" not in listed


@pytest.mark.parametrize("path", ["/test-clocks/{id}/", "/test-clocks/{id}/delete/"])
def test_another_merchants_or_a_missing_clock_is_a_404(owner, other_account, path):
    theirs = new_clock(other_account.api())
    method = owner.post if path.endswith("/delete/") else owner.get

    assert method(path.format(id=theirs["id"])).status_code == 404
    assert method(path.format(id="clock_missing")).status_code == 404
    assert TestClock.objects.get(pk=theirs["id"]).deleted_at is None


def test_the_pages_stay_within_their_query_budgets(owner, api, django_assert_max_num_queries):
    clocks = [new_clock(api, name=f"Clock {n}") for n in range(5)]
    for _ in range(3):
        subscribed_on(api, clocks[0])

    # the session, the user and membership, the page of clocks
    with django_assert_max_num_queries(4):
        assert owner.get("/test-clocks/").status_code == 200
    # the clock, its customers, their subscriptions with customers, items, prices and
    # discounts, their invoices' ids, the events, its status changes and who made them
    with django_assert_max_num_queries(13):
        assert owner.get(f"/test-clocks/{clocks[0]['id']}/").status_code == 200
