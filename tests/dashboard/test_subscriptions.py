"""Subscriptions in the dashboard: the list (Stripe's status filter, a customer), a
subscription's page (items, period, trial, upcoming invoice, invoices, timeline), and managing
it — cancel now, cancel at the period's end and undo, resume a paused one — by owners and
admins, through billing's services, attributed to the user."""

import re
from datetime import UTC, datetime

import pytest
from django.utils import timezone

from billing.models import Subscription
from core.models import StatusChange
from tests.billing.factories import customer_with_card, invoice_item, monthly, ok
from tests.dashboard.helpers import owner_of
from tests.payments.factories import attach, customer

DAY = 86400
CLOCK_START = int(timezone.now().timestamp()) // DAY * DAY - DAY


def subscribe(api, customer_id: str, price_id: str, **params) -> dict:
    return ok(api.post("/v1/subscriptions", {"customer": customer_id,
                                             "items": [{"price": price_id}], **params}))


def active(api, *, quantity: int = 1, **price_params) -> dict:
    """An active subscription of a customer with a card to $10.00 a month (unless told)."""
    owner, _ = customer_with_card(api, email="ana@example.test")
    price = monthly(api, **price_params)
    return ok(api.post("/v1/subscriptions", {"customer": owner["id"], "items": [
        {"price": price["id"], "quantity": quantity}]}))


@pytest.fixture
def paused(api, django_capture_on_commit_callbacks, eager_tasks) -> dict:
    """A subscription paused because its 7-day trial ended with no card (on a test clock)."""
    clock = ok(api.post("/v1/test_helpers/test_clocks", {"frozen_time": CLOCK_START}))
    owner = ok(api.post("/v1/customers", {"email": "paused@example.test",
                                          "test_clock": clock["id"]}))
    subscription = subscribe(api, owner["id"], monthly(api)["id"], trial_period_days=7,
                             **{"trial_settings[end_behavior][missing_payment_method]":
                                "pause"})
    with django_capture_on_commit_callbacks(execute=True):
        ok(api.post(f"/v1/test_helpers/test_clocks/{clock['id']}/advance",
                    {"frozen_time": CLOCK_START + 8 * DAY}))
    assert Subscription.objects.get(pk=subscription["id"]).status == "paused"
    return subscription


def test_the_list_shows_this_merchants_subscriptions_and_filters_them(owner, api,
                                                                      other_account):
    kept = active(api)
    canceled = active(api)
    ok(api.delete(f"/v1/subscriptions/{canceled['id']}"))
    theirs = active(other_account.api())

    page = owner.get("/subscriptions/").content.decode()
    ended = owner.get("/subscriptions/", {"status": "ended"}).content.decode()
    every = owner.get("/subscriptions/", {"status": "all"}).content.decode()
    of_customer = owner.get("/subscriptions/", {"status": "all",
                                                "customer": kept["customer"]}).content.decode()

    # as Stripe lists them: without a status, the canceled one is left out
    assert kept["id"] in page and canceled["id"] not in page and theirs["id"] not in page
    assert canceled["id"] in ended and kept["id"] not in ended
    assert kept["id"] in every and canceled["id"] in every
    assert kept["id"] in of_customer and canceled["id"] not in of_customer
    assert 'aria-current="page">Subscriptions' in page


def test_a_subscriptions_page_shows_its_items_period_invoices_and_upcoming_invoice(owner,
                                                                                   api):
    # given an active subscription of 3 × $10.00 a month, and a pending $5.00 item
    subscription = active(api, quantity=3)
    invoice_item(api, subscription["customer"], 500, description="Setup fee")
    latest = ok(api.get(f"/v1/invoices/{subscription['latest_invoice']}"))

    html = owner.get(f"/subscriptions/{subscription['id']}/").content.decode()

    # then its item, its paid first invoice, and the next renewal: $30.00 + $5.00 on the
    # period's end
    assert "Active" in html and "$30.00 USD" in html
    assert f"/invoices/{latest['id']}/" in html and latest["number"] in html
    end = datetime.fromtimestamp(subscription["current_period_end"], UTC)
    assert "$35.00 USD</strong> on" in html and "Setup fee" in html
    assert end.strftime("%b %-d, %Y") in html
    # and its timeline (incomplete → active) and its events
    assert "<code>incomplete</code> → <code>active</code>" in html
    assert "customer.subscription.created" in html


def test_a_trials_upcoming_invoice_is_its_first_paid_period_in_its_currency(owner, api):
    # given a 14-day trial of $10.00 a month, and pending items in usd and in eur
    owner_customer, _ = customer_with_card(api)
    subscription = subscribe(api, owner_customer["id"], monthly(api)["id"],
                             trial_period_days=14)
    invoice_item(api, owner_customer["id"], 250, description="Onboarding")
    invoice_item(api, owner_customer["id"], 9900, currency="eur", description="Euro item")

    html = owner.get(f"/subscriptions/{subscription['id']}/").content.decode()

    # then the trial is shown, and the next invoice bills the first month at the trial's
    # end, with the usd item only
    trial_end = datetime.fromtimestamp(subscription["trial_end"], UTC)
    assert subscription["status"] == "trialing" and "Trialing" in html
    assert re.search(r"\$12\.50 USD</strong> on <time datetime=\"[^\"]+\">"
                     + trial_end.strftime("%b %-d, %Y"), html)
    assert "Onboarding" in html and "Euro item" not in html


def test_canceling_at_the_period_end_and_undoing_it(owner, api, account):
    subscription = active(api)

    response = owner.post(f"/subscriptions/{subscription['id']}/cancel-at-period-end/",
                          follow=True)

    row = Subscription.objects.get(pk=subscription["id"])
    assert (row.status, row.cancel_at_period_end) == ("active", True)
    html = response.content.decode()
    assert "cancels at the end of its period" in html
    assert "No upcoming invoice: it cancels at the end of its period." in html

    response = owner.post(f"/subscriptions/{subscription['id']}/keep/", follow=True)

    assert Subscription.objects.get(pk=subscription["id"]).cancel_at_period_end is False
    assert "no longer cancels" in response.content.decode()


def test_canceling_now_ends_it_as_the_users(owner, api, account):
    subscription = active(api)

    response = owner.post(f"/subscriptions/{subscription['id']}/cancel/", follow=True)

    row = Subscription.objects.get(pk=subscription["id"])
    assert row.status == "canceled" and row.ended_at is not None
    html = response.content.decode()
    assert "Canceled subscription" in html and "has ended" in html
    assert StatusChange.objects.filter(object_id=row.id, target="canceled",
                                       actor=f"user:{owner_of(account).id}").exists()


def test_a_refused_action_shows_why_and_changes_nothing(owner, api):
    subscription = active(api)
    ok(api.delete(f"/v1/subscriptions/{subscription['id']}"))
    before = Subscription.objects.get(pk=subscription["id"])

    response = owner.post(f"/subscriptions/{subscription['id']}/resume/", follow=True)
    again = owner.post(f"/subscriptions/{subscription['id']}/cancel/", follow=True)

    assert "Only a paused subscription can be resumed" in response.content.decode()
    assert "is already canceled" in again.content.decode()
    after = Subscription.objects.get(pk=subscription["id"])
    assert (after.status, after.ended_at) == (before.status, before.ended_at)


def test_resuming_a_paused_subscription(owner, api, paused):
    html = owner.get(f"/subscriptions/{paused['id']}/").content.decode()
    assert "Paused" in html and f"/subscriptions/{paused['id']}/resume/" in html
    assert "nothing is billed until it is resumed" in html

    # given the customer has added a card since
    method = attach(api, "pm_card_visa", paused["customer"])
    ok(api.post(f"/v1/customers/{paused['customer']}",
                {"invoice_settings[default_payment_method]": method["id"]}))

    response = owner.post(f"/subscriptions/{paused['id']}/resume/", follow=True)

    # then it is active from now, its new period's invoice charged and paid
    row = Subscription.objects.select_related("latest_invoice").get(pk=paused["id"])
    assert row.status == "active"
    assert (row.latest_invoice.status, row.latest_invoice.amount_paid) == ("paid", 1000)
    assert f"Resumed subscription {paused['id']}: it is active." in response.content.decode()


def test_a_support_member_sees_the_subscription_without_its_buttons(support, api):
    subscription = active(api)

    html = support.get(f"/subscriptions/{subscription['id']}/").content.decode()

    assert "$10.00 USD" in html and "/cancel/" not in html
    assert "Only owners and admins can cancel or resume subscriptions." in html


def test_a_customers_page_lists_their_subscriptions_and_invoices(owner, api):
    subscription = active(api)
    other = customer(api)

    html = owner.get(f"/customers/{subscription['customer']}/").content.decode()
    empty = owner.get(f"/customers/{other['id']}/").content.decode()

    assert f"/subscriptions/{subscription['id']}/" in html
    assert f"/invoices/{subscription['latest_invoice']}/" in html
    assert "No subscriptions for this customer." in empty
    assert "No invoices for this customer." in empty


@pytest.mark.parametrize("path", ["/subscriptions/{id}/", "/subscriptions/{id}/cancel/"])
def test_another_merchants_or_a_missing_subscription_is_a_404(owner, other_account, path):
    theirs = active(other_account.api())
    method = owner.post if path.endswith("/cancel/") else owner.get

    assert method(path.format(id=theirs["id"])).status_code == 404
    assert method(path.format(id="sub_missing")).status_code == 404
    assert Subscription.objects.get(pk=theirs["id"]).status == "active"


def test_the_pages_stay_within_their_query_budgets(owner, api, django_assert_max_num_queries):
    subscriptions = [active(api, quantity=n) for n in range(1, 6)]
    for subscription in subscriptions[:2]:
        invoice_item(api, subscription["customer"], 500)

    # the session, the user and membership, the page with its customers, their items and
    # prices, their discounts: the same for five subscriptions as for one
    with django_assert_max_num_queries(7):
        assert owner.get("/subscriptions/", {"status": "all"}).status_code == 200
    # the subscription with its customer, items and prices, its items with prices and
    # products, its invoices with their lines, its status changes and who made them, its
    # events; and the upcoming invoice, which is billing's preview: the renewal made for
    # real and rolled back (its lock, the period's move, the draft, its lines and pending
    # items, its discounts), about twenty statements whatever the page holds
    with django_assert_max_num_queries(34):
        assert owner.get(f"/subscriptions/{subscriptions[0]['id']}/").status_code == 200
    with django_assert_max_num_queries(12):
        assert owner.get(f"/customers/{subscriptions[0]['customer']}/").status_code == 200


def test_an_htmx_filter_swaps_in_only_the_results(owner, api):
    kept = active(api)

    swapped = owner.get("/subscriptions/", {"status": "active"}, headers={"HX-Request": "true"})

    html = swapped.content.decode()
    assert kept["id"] in html and "<html" not in html and "<nav" not in html
    assert "HX-Request" in swapped["Vary"]


def test_pausing_and_resuming_collection_from_the_page(owner, api):
    subscription = active(api)
    page = owner.get(f"/subscriptions/{subscription['id']}/").content.decode()
    assert "Pause collection" in page and "Resume collection" not in page

    paused = owner.post(f"/subscriptions/{subscription['id']}/pause-collection/",
                        {"behavior": "void"}, follow=True).content.decode()

    assert "is paused" in paused and "Resume collection" in paused
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["pause_collection"] == {
        "behavior": "void", "resumes_at": None}
    # a behaviour Stripe does not have is refused, and the pause stays as it was
    refused = owner.post(f"/subscriptions/{subscription['id']}/pause-collection/",
                         {"behavior": "later"}, follow=True).content.decode()
    assert "pause_collection[behavior]" in refused or "Invalid" in refused
    assert Subscription.objects.get(pk=subscription["id"]).pause_collection_behavior == "void"

    resumed = owner.post(f"/subscriptions/{subscription['id']}/resume-collection/",
                         follow=True).content.decode()
    assert "resumed" in resumed
    assert Subscription.objects.get(pk=subscription["id"]).pause_collection_behavior is None
