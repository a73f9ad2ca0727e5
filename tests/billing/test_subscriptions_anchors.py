"""A subscription's anchor, anchor config and backdated start through the API: Stripe's
refusals, each naming its parameter, with nothing created."""

from datetime import UTC, datetime, timedelta

import pytest

from billing.models import Invoice, Subscription
from core import clock
from tests.billing.factories import customer_with_card, error_of, monthly, ok, price

pytestmark = pytest.mark.django_db

DAY = 86400


@pytest.fixture
def owner(api) -> dict:
    return customer_with_card(api)[0]


@pytest.fixture
def gold(api) -> dict:
    return monthly(api)


def _now() -> int:
    return int(clock.now().timestamp())


def _create(api, owner: dict, gold: dict, **params):
    return api.post("/v1/subscriptions", {"customer": owner["id"],
                                          "items": [{"price": gold["id"]}], **params})


def _nothing_created() -> None:
    assert not Subscription.objects.exists()
    assert not Invoice.objects.exists()


def test_an_anchor_beyond_the_first_natural_period_is_refused(api, owner, gold):
    # when the anchor is more than a month away from a monthly price
    error = error_of(_create(api, owner, gold, billing_cycle_anchor=_now() + 40 * DAY))

    # then Stripe's refusal, naming the natural billing date, and nothing is created
    assert error["param"] == "billing_cycle_anchor"
    assert error["message"].startswith("billing_cycle_anchor cannot be later than next "
                                       "natural billing date (")
    _nothing_created()


def test_an_anchor_in_the_past_is_refused(api, owner, gold):
    error = error_of(_create(api, owner, gold, billing_cycle_anchor=_now() - DAY))
    assert (error["param"], error["type"]) == ("billing_cycle_anchor", "invalid_request_error")
    _nothing_created()


def test_an_anchor_before_the_trial_ends_is_refused(api, owner, gold):
    error = error_of(_create(api, owner, gold, trial_period_days=10,
                             billing_cycle_anchor=_now() + 5 * DAY))
    assert error["param"] == "billing_cycle_anchor"
    assert "trial_end" in error["message"]
    _nothing_created()


def test_an_anchor_more_than_a_period_after_the_trial_is_refused(api, owner, gold):
    error = error_of(_create(api, owner, gold, trial_period_days=10,
                             billing_cycle_anchor=_now() + 45 * DAY))
    assert error["param"] == "billing_cycle_anchor"
    _nothing_created()


def test_an_anchor_and_an_anchor_config_together_are_refused(api, owner, gold):
    error = error_of(_create(api, owner, gold, billing_cycle_anchor=_now() + 5 * DAY,
                             billing_cycle_anchor_config={"day_of_month": 1}))
    assert error["param"] == "billing_cycle_anchor_config"
    _nothing_created()


def test_an_anchor_config_is_refused_for_a_weekly_price(api, owner):
    weekly = price(api, recurring={"interval": "week"})
    error = error_of(_create(api, owner, weekly, billing_cycle_anchor_config={
        "day_of_month": 1}))
    assert error["param"] == "billing_cycle_anchor_config"
    _nothing_created()


@pytest.mark.parametrize(("config", "param"), [
    ({"day_of_month": 32}, "billing_cycle_anchor_config[day_of_month]"),
    ({"day_of_month": 1, "hour": 24}, "billing_cycle_anchor_config[hour]"),
    ({"hour": 3}, "billing_cycle_anchor_config[day_of_month]"),
])
def test_an_anchor_config_out_of_range_is_refused(api, owner, gold, config, param):
    error = error_of(_create(api, owner, gold, billing_cycle_anchor_config=config))
    assert error["param"] == param
    _nothing_created()


def test_an_anchor_config_on_the_31st_anchors_on_a_short_months_last_day(api, owner):
    # given a yearly price, and a config of February 31st at 12:00:00
    yearly = price(api, recurring={"interval": "year"})

    # when they subscribe so anchored
    subscription = ok(_create(api, owner, yearly, billing_cycle_anchor_config={
        "day_of_month": 31, "month": 2, "hour": 12, "minute": 0, "second": 0}))

    # then the anchor is the next February's last day at noon, within the year
    anchor = datetime.fromtimestamp(subscription["billing_cycle_anchor"], UTC)
    assert (anchor.month, anchor.hour, anchor.minute, anchor.second) == (2, 12, 0, 0)
    assert anchor.day in (28, 29)
    assert anchor > clock.now()
    assert subscription["current_period_end"] == subscription["billing_cycle_anchor"]
    assert subscription["billing_cycle_anchor_config"]["day_of_month"] == 31


def test_a_backdate_in_the_future_is_refused(api, owner, gold):
    error = error_of(_create(api, owner, gold, backdate_start_date=_now() + DAY))
    assert error["param"] == "backdate_start_date"
    _nothing_created()


def test_a_backdate_with_a_trial_is_refused(api, owner, gold):
    error = error_of(_create(api, owner, gold, backdate_start_date=_now() - DAY,
                             trial_period_days=7))
    assert error["param"] == "backdate_start_date"
    _nothing_created()


def test_an_unknown_proration_behavior_is_refused(api, owner, gold):
    error = error_of(_create(api, owner, gold, billing_cycle_anchor=_now() + DAY,
                             proration_behavior="sometimes"))
    assert error["param"] == "proration_behavior"
    _nothing_created()


def test_a_backdated_anchored_subscription_with_error_if_incomplete_is_charged_first(
        api, owner, gold):
    # when error_if_incomplete creates one backdated 5 days, anchored 5 days away
    now = clock.now()
    with clock.bound(now):
        subscription = ok(_create(
            api, owner, gold, payment_behavior="error_if_incomplete",
            backdate_start_date=int((now - timedelta(days=5)).timestamp()),
            billing_cycle_anchor=int((now + timedelta(days=5)).timestamp()),
            expand=["latest_invoice"]))

    # then it is active, the ten days charged (about a third of $10.00)
    assert subscription["status"] == "active"
    invoice = subscription["latest_invoice"]
    assert invoice["status"] == "paid"
    assert 300 <= invoice["amount_paid"] <= 340
