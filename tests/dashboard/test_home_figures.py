"""Home's figures: what a merchant's payments, refunds, disputes, customers and
subscriptions add up to over a period, beside the period before, and the charts' data."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from core import clock
from ledger.models import BalanceTransaction
from ledger.services.volume_totals import volume_totals_roll
from payments.services.charge_outcome_totals import charge_outcome_totals_roll
from tests.billing.factories import customer_with_card, monthly
from tests.payments.factories import ok, paid_intent

pytestmark = pytest.mark.django_db


def figures(owner, **params) -> dict[str, str]:
    """Each figure's value and the previous period's, as the page shows them."""
    html = owner.get("/", params).content.decode()
    found = re.findall(r'<article class="figure" id="figure-([a-z_]+)">.*?'
                       r'<p class="figure-value">([^<]*)</p>.*?<span class="muted">([^<]*?) '
                       r'(?:before|at the period|the period before)', html, re.S)
    return {key: (value.strip(), previous.strip()) for key, value, previous in found}


def chart_data(owner, **params) -> dict:
    html = owner.get("/", params).content.decode()
    match = re.search(r'<script id="home-chart-data" type="application/json">(.*?)</script>',
                      html, re.S)
    return json.loads(match.group(1))


def test_a_payment_shows_in_the_volume_and_on_todays_point_of_the_chart(owner, api):
    paid = paid_intent(api, amount=2000)
    fee = BalanceTransaction.objects.get(source=paid["latest_charge"]).fee

    shown = figures(owner)
    data = chart_data(owner)

    assert shown["gross"] == ("$20.00 USD", "$0.00 USD")
    assert shown["net"][0] == f"${(2000 - fee) / 100:.2f} USD"
    assert shown["payments"] == ("1", "0")
    assert shown["success_rate"][0] == "100.0%"
    # 7 days by default, today last; the previous week beside it, all zero
    gross = data["charts"]["gross"]
    assert (len(gross["series"]), gross["series"][-1], sum(gross["series"][:-1])) == (7, 2000, 0)
    assert gross["previous"] == [0] * 7
    assert data["currency"] == "usd"


def test_refunds_disputes_and_declines_take_their_share(owner, api,
                                                       django_capture_on_commit_callbacks):
    paid = paid_intent(api, amount=5000)
    ok(api.post("/v1/refunds", {"payment_intent": paid["id"], "amount": 1200}))
    with django_capture_on_commit_callbacks(execute=True):  # the bank opens the dispute
        paid_intent(api, amount=3000, payment_method="pm_card_createDispute")
    declined = api.post("/v1/payment_intents", {
        "amount": 700, "currency": "usd", "payment_method": "pm_card_chargeDeclined",
        "confirm": "true"})
    assert declined.status_code == 402

    shown = figures(owner)

    assert shown["gross"][0] == "$80.00 USD"
    assert shown["refunds"][0] == "$12.00 USD"
    assert shown["disputes"][0] == "1"
    assert shown["payments"][0] == "2"
    # two of the three attempts succeeded
    assert shown["success_rate"][0] == "66.7%"
    fees = sum(BalanceTransaction.objects.values_list("fee", flat=True))
    # net: what the balance kept, the disputed 30.00 withdrawn
    assert shown["net"][0] == f"${(8000 - 1200 - 3000 - fees) / 100:.2f} USD"


def test_last_weeks_payments_are_the_previous_period_and_the_range_changes_it(owner, api):
    with clock.bound(timezone.now() - timedelta(days=8)):
        paid_intent(api, amount=1500)
        ok(api.post("/v1/customers", {"email": "last-week@example.test"}))
    paid_intent(api, amount=4500)

    week = figures(owner)
    month = figures(owner, range="30d")
    today = chart_data(owner, range="today")

    assert week["gross"] == ("$45.00 USD", "$15.00 USD")
    assert week["customers"] == ("0", "1")
    assert month["gross"] == ("$60.00 USD", "$0.00 USD")
    assert month["customers"] == ("1", "0")
    # today by the hour, the hours still to come empty, beside yesterday's
    series = today["charts"]["gross"]["series"]
    assert (today["unit"], len(series)) == ("hour", 24)
    hour = timezone.localtime().hour
    assert series[hour] == 4500 and all(value is None for value in series[hour + 1:])


def test_each_currency_apart_the_busiest_first(owner, api):
    paid_intent(api, amount=1000, currency="eur")
    paid_intent(api, amount=1000, currency="eur")
    paid_intent(api, amount=500, currency="jpy")

    assert figures(owner)["gross"][0] == "€20.00 EUR"
    assert figures(owner, currency="jpy")["gross"][0] == "¥500 JPY"
    assert figures(owner, currency="usd")["gross"][0] == "€20.00 EUR"  # never charged in


def test_only_this_merchant_and_mode_count(owner, api, other_account, account):
    paid_intent(other_account.api(), amount=9900)
    response = account.api("live_secret_key").post("/v1/payment_intents", {
        "amount": 9900, "currency": "usd", "payment_method": "pm_card_visa", "confirm": "true"})
    assert response.status_code >= 400  # no live processor: nothing moves in live mode
    paid_intent(api, amount=100)

    assert figures(owner)["gross"][0] == "$1.00 USD"


def test_mrr_and_active_subscriptions(owner, api):
    owner_customer, _ = customer_with_card(api)
    yearly = ok(api.post("/v1/prices", {"currency": "usd", "unit_amount": 12000,
                                        "recurring": {"interval": "year"},
                                        "product_data": {"name": "Annual"}}))
    seats = monthly(api, unit_amount=1000)
    ok(api.post("/v1/subscriptions", {"customer": owner_customer["id"], "items": [
        {"price": seats["id"], "quantity": 3}]}))
    ok(api.post("/v1/subscriptions", {"customer": owner_customer["id"], "items": [
        {"price": yearly["id"]}]}))
    trialing = ok(api.post("/v1/subscriptions", {"customer": owner_customer["id"],
                                                 "items": [{"price": seats["id"]}],
                                                 "trial_period_days": 14}))
    assert trialing["status"] == "trialing"

    shown = figures(owner)

    # 3 × $10.00 a month, and $120.00 a year as $10.00 a month; a trial bills nothing yet
    assert shown["mrr"] == ("$40.00 USD", "$0.00 USD")
    assert shown["subscriptions"] == ("2", "0")


def test_a_subscription_canceled_in_the_period_is_churn(owner, api):
    owner_customer, _ = customer_with_card(api)
    basic = monthly(api, unit_amount=2000)
    with clock.bound(timezone.now() - timedelta(days=20)):
        kept = ok(api.post("/v1/subscriptions", {"customer": owner_customer["id"],
                                                 "items": [{"price": basic["id"]}]}))
        left = ok(api.post("/v1/subscriptions", {"customer": owner_customer["id"],
                                                 "items": [{"price": basic["id"]}]}))
    ok(api.delete(f"/v1/subscriptions/{left['id']}"))
    assert kept["status"] == "active"

    shown = figures(owner)

    assert shown["churn"][0] == "50.0%"
    assert shown["mrr"] == ("$20.00 USD", "$40.00 USD")
    assert shown["subscriptions"] == ("1", "2")


def test_nothing_yet_says_what_to_do(owner):
    html = owner.get("/").content.decode()

    assert "Nothing has happened in test mode yet" in html
    assert figures(owner)["gross"] == ("$0.00 USD", "$0.00 USD")


def test_the_period_links_swap_only_the_figures_for_htmx(owner, api):
    paid_intent(api, amount=100)

    response = owner.get("/", {"range": "90d"}, HTTP_HX_REQUEST="true",
                         HTTP_HX_TARGET="home-figures")

    html = response.content.decode()
    assert html.lstrip().startswith("<section") and 'id="home-figures"' in html
    assert "API keys" not in html
    assert 'aria-current="true">Last 90 days' in html
    assert "HX-Request" in response["Vary"]


def test_home_costs_the_same_queries_however_many_payments(owner, api, account,
                                                           django_assert_max_num_queries):
    owner_customer, _ = customer_with_card(api)
    ok(api.post("/v1/subscriptions", {"customer": owner_customer["id"],
                                      "items": [{"price": monthly(api)["id"]}]}))
    with clock.bound(timezone.now() - timedelta(days=3)):  # in hours rolled up
        for n in range(6):
            paid_intent(api, amount=100 + n, currency=["usd", "eur", "gbp"][n % 3])
    volume_totals_roll()
    charge_outcome_totals_roll()
    for n in range(6):
        paid_intent(api, amount=100 + n, currency=["usd", "eur", "gbp"][n % 3])

    with django_assert_max_num_queries(19):
        assert owner.get("/", {"range": "90d"}).status_code == 200
