"""`invoice.upcoming`: the renewal's invoice announced the merchant's days before it (three
by default), once a period, on Till's clock and on a test clock; none when no invoice is
coming or the merchant sends none."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from billing import services
from core import clock
from core.exceptions import InvalidParameter
from merchants.models import Merchant
from merchants.services import merchant_upcoming_invoice_days_set
from tests.billing.factories import customer_with_card, monthly, ok

pytestmark = pytest.mark.django_db

START = timezone.now().replace(microsecond=0) - timedelta(days=20)


def upcoming_events(api) -> list[dict]:
    data = ok(api.get("/v1/events", {"type": "invoice.upcoming", "limit": 100}))["data"]
    return [event["data"]["object"] for event in data]


@pytest.fixture
def subscription(api):
    owner, _ = customer_with_card(api)
    invoice_item = ok(api.post("/v1/invoiceitems", {"customer": owner["id"], "amount": 300,
                                                    "currency": "usd"}))
    with clock.bound(START):
        created = ok(api.post("/v1/subscriptions", {
            "customer": owner["id"], "items": [{"price": monthly(api, unit_amount=1500)["id"]}]}))
    # a pending item made after the first invoice waits for the renewal
    ok(api.post("/v1/invoiceitems", {"customer": owner["id"], "amount": 250,
                                     "currency": "usd"}))
    assert invoice_item["invoice"] is None
    return created


def test_the_renewal_is_announced_three_days_before_once(api, subscription):
    end = subscription["current_period_end"]
    notice = datetime.fromtimestamp(end - 3 * 86400, tz=UTC)

    # when beat runs a second before the notice is due, nothing is sent
    services.subscriptions_renew_due(now=notice - timedelta(seconds=1))
    assert upcoming_events(api) == []

    # when it runs at the notice's time, and again
    with clock.bound(notice):
        services.subscriptions_renew_due(now=notice)
        services.subscriptions_renew_due(now=notice + timedelta(hours=1))

    # then the renewal's invoice was announced once, as a preview makes it: no id
    [upcoming] = upcoming_events(api)
    assert "id" not in upcoming
    assert (upcoming["object"], upcoming["billing_reason"], upcoming["subscription"]) == (
        "invoice", "upcoming", subscription["id"])
    assert upcoming["period_start"] == end
    assert upcoming["amount_due"] == 1500 + 250


def test_none_is_sent_when_no_invoice_is_coming_or_the_merchant_sends_none(api,
                                                                          subscription):
    ok(api.post(f"/v1/subscriptions/{subscription['id']}", {"cancel_at_period_end": True}))
    services.subscriptions_renew_due(now=timezone.now() + timedelta(days=40))
    assert upcoming_events(api) == []

    merchant = Merchant.objects.get()
    merchant_upcoming_invoice_days_set(merchant=merchant, days=0)
    owner, _ = customer_with_card(api)
    with clock.bound(START):
        ok(api.post("/v1/subscriptions", {"customer": owner["id"],
                                          "items": [{"price": monthly(api)["id"]}]}))
    services.subscriptions_renew_due(now=timezone.now() + timedelta(days=9))
    assert upcoming_events(api) == []


def test_the_setting_is_checked(db):
    merchant = Merchant.objects.create(name="M")
    with pytest.raises(InvalidParameter) as refused:
        merchant_upcoming_invoice_days_set(merchant=merchant, days=46)
    assert refused.value.param == "upcoming_invoice_days"
    merchant.refresh_from_db()
    assert merchant.upcoming_invoice_days == 3
    assert merchant_upcoming_invoice_days_set(merchant=merchant,
                                              days=7).upcoming_invoice_days == 7


def test_a_test_clock_announces_each_renewal_in_time_order(api,
                                                            django_capture_on_commit_callbacks):
    frozen = int(START.timestamp())
    test_clock = ok(api.post("/v1/test_helpers/test_clocks", {"frozen_time": frozen}))
    owner, _ = customer_with_card(api, test_clock=test_clock["id"])
    ok(api.post("/v1/subscriptions", {"customer": owner["id"],
                                      "items": [{"price": monthly(api)["id"]}]}))
    # (two advances: a clock goes at most two intervals of its subscriptions at a time)
    for days in (35, 70):
        with django_capture_on_commit_callbacks(execute=True):
            ok(api.post(f"/v1/test_helpers/test_clocks/{test_clock['id']}/advance",
                        {"frozen_time": frozen + days * 86400}))
    announced = sorted(upcoming["period_start"] for upcoming in upcoming_events(api))
    invoices = ok(api.get("/v1/invoices", {"customer": owner["id"]}))["data"]
    renewals = sorted(i["period_start"] for i in invoices
                      if i["billing_reason"] == "subscription_cycle")
    assert len(renewals) == 2
    assert announced[:2] == renewals
