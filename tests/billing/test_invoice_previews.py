"""The upcoming invoice previewed (create_preview, the legacy upcoming): what the renewal
will bill, with a change's prorations when one is previewed — and nothing kept."""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.utils import timezone

from billing import services
from billing.models import Invoice, InvoiceItem, SubscriptionItem
from core import clock
from tests.billing.factories import customer_with_card, error_of, invoice_item, monthly, ok
from webhooks.models import Event

pytestmark = pytest.mark.django_db

START = timezone.now().replace(microsecond=0) - timedelta(days=10)


@pytest.fixture
def subscribed(api):
    owner, _ = customer_with_card(api)
    basic, pro = monthly(api, unit_amount=1000), monthly(api, unit_amount=3000)
    with clock.bound(START):
        subscription = ok(api.post("/v1/subscriptions", {
            "customer": owner["id"], "items": [{"price": basic["id"]}]}))
    return owner, subscription, basic, pro


def kept() -> tuple[int, int, int, int]:
    return (Invoice.objects.count(), InvoiceItem.objects.count(), Event.objects.count(),
            SubscriptionItem.objects.count())


def test_the_preview_is_the_renewal_to_come_and_leaves_nothing_behind(api, subscribed):
    owner, subscription, basic, pro = subscribed
    invoice_item(api, owner["id"], 250, description="Setup")
    before = kept()

    preview = ok(api.post("/v1/invoices/create_preview",
                          {"subscription": subscription["id"]}))

    assert preview["id"].startswith("upcoming_in_")
    assert (preview["billing_reason"], preview["status"], preview["number"]) == (
        "upcoming", "draft", None)
    assert preview["period_start"] == subscription["current_period_end"]
    assert sorted(line["amount"] for line in preview["lines"]["data"]) == [250, 1000]
    assert (preview["total"], preview["amount_due"]) == (1250, 1250)
    assert kept() == before

    # and the renewal, when it comes, bills exactly that
    services.subscriptions_renew_due(
        now=timezone.now() + timedelta(days=40))
    renewed = ok(api.get(f"/v1/subscriptions/{subscription['id']}",
                         {"expand": ["latest_invoice"]}))["latest_invoice"]
    assert (renewed["period_start"], renewed["total"]) == (preview["period_start"], 1250)


def test_a_previewed_upgrade_shows_its_prorations_to_the_second(api, subscribed):
    owner, subscription, basic, pro = subscribed
    [item] = subscription["items"]["data"]
    at = int((START + timedelta(days=4)).timestamp())
    before = kept()

    preview = ok(api.post("/v1/invoices/create_preview", {
        "customer": owner["id"],
        "subscription_details": {"items": [{"id": item["id"], "price": pro["id"]}],
                                 "proration_date": at}}))

    end, start = subscription["current_period_end"], subscription["current_period_start"]

    def share(amount: int) -> int:
        return int((Decimal(amount) * (end - at) / (end - start)).quantize(
            Decimal(1), rounding=ROUND_HALF_UP))

    assert sorted((line["amount"], line["proration"]) for line in preview["lines"]["data"]) == (
        sorted([(-share(1000), True), (share(3000), True), (3000, False)]))
    assert preview["total"] == 3000 + share(3000) - share(1000)
    assert kept() == before
    # and the subscription itself did not change
    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert shown["items"]["data"][0]["price"]["id"] == basic["id"]


def test_the_legacy_upcoming_invoice_has_no_id(api, subscribed):
    owner, subscription, basic, pro = subscribed
    upcoming = ok(api.get("/v1/invoices/upcoming", {"customer": owner["id"]}))
    assert "id" not in upcoming
    assert upcoming["amount_due"] == 1000


def test_no_upcoming_invoice_is_stripes_error(api, subscribed):
    owner, subscription, basic, pro = subscribed
    ok(api.post(f"/v1/subscriptions/{subscription['id']}", {"cancel_at_period_end": True}))
    error = error_of(api.post("/v1/invoices/create_preview", {"customer": owner["id"]}))
    assert error["code"] == "invoice_upcoming_none"
    stranger, _ = customer_with_card(api)
    assert error_of(api.get("/v1/invoices/upcoming", {"customer": stranger["id"]}))[
        "code"] == "invoice_upcoming_none"
    assert error_of(api.post("/v1/invoices/create_preview", {}))["param"] == "customer"
