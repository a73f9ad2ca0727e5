"""`cancel_at`: a subscription asked to end at a moment ends at that second, mid-period or
not, by the engine (beat's task, a test clock's advance); `cancel_at=""` and
`cancel_at_period_end` each undo the other, as Stripe's do; bad moments are a 400."""

from datetime import UTC, datetime, timedelta

import pytest

from billing import services
from billing.models import Invoice, Subscription
from core import clock
from tests.billing.factories import customer_with_card, error_of, monthly, ok
from tests.billing.test_subscriptions import subscribe
from tests.billing.test_subscriptions_sdk import (
    CLOCK_START,
    _advance,
    _clocked_customer,
    _monthly_price,
)
from tests.concurrency import run_together
from tests.conftest import needs_postgres

DAY = 86400
# Midnight yesterday: the events stay in the events list's window.
START = datetime.fromtimestamp(int(clock.now().timestamp()) // DAY * DAY - DAY, UTC)


def at(timestamp: int, **delta: float) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC) + timedelta(**delta)


@pytest.fixture
def subscription(api):
    """An active monthly subscription of $10.00, started at START."""
    owner, _ = customer_with_card(api)
    with clock.bound(START):
        return subscribe(api, owner["id"], monthly(api)["id"])


def _update(api, subscription_id: str, **params):
    with clock.bound(START + timedelta(hours=1)):
        return api.post(f"/v1/subscriptions/{subscription_id}", params)


@pytest.mark.django_db
def test_cancel_at_mid_period_cancels_at_that_second_and_bills_nothing_more(
        api, subscription, events_of):
    # given an active subscription asked to end ten days into its period
    cancel_at = int((START + timedelta(days=10, seconds=7)).timestamp())
    shown = ok(_update(api, subscription["id"], cancel_at=cancel_at))
    assert (shown["status"], shown["cancel_at"], shown["cancel_at_period_end"]) == (
        "active", cancel_at, False)
    assert shown["canceled_at"] == int((START + timedelta(hours=1)).timestamp())

    # when the engine runs a second before, then a minute after that moment
    assert services.subscriptions_renew_due(now=at(cancel_at, seconds=-1)) == 0
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["status"] == "active"
    assert services.subscriptions_renew_due(now=at(cancel_at, minutes=1)) == 1

    # then it is canceled at that second, as requested, and no invoice followed its first
    ended = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert (ended["status"], ended["ended_at"], ended["cancel_at"]) == (
        "canceled", cancel_at, cancel_at)
    assert ended["canceled_at"] == shown["canceled_at"]
    assert ended["cancellation_details"]["reason"] == "cancellation_requested"
    assert Invoice.objects.filter(subscription_id=subscription["id"]).count() == 1
    types = [event["type"] for event in events_of(subscription["id"])]
    assert types[-2:] == ["customer.subscription.updated", "customer.subscription.deleted"]
    assert types.count("customer.subscription.deleted") == 1

    # and the engine running again finds nothing more to do
    assert services.subscriptions_renew_due(now=at(cancel_at, days=40)) == 0


@pytest.mark.django_db
def test_cancel_at_behind_a_missed_period_end_ends_at_cancel_at_not_renewing(
        api, subscription):
    # given a cancel_at three days before the period's end, and an engine that was down
    end = subscription["current_period_end"]
    cancel_at = end - 3 * DAY
    ok(_update(api, subscription["id"], cancel_at=cancel_at))

    # when it runs after the period ended
    services.subscriptions_renew_due(now=at(end, hours=2))

    # then it ended at cancel_at, with no renewal billed
    ended = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert (ended["status"], ended["ended_at"]) == ("canceled", cancel_at)
    assert not Invoice.objects.filter(subscription_id=subscription["id"],
                                      billing_reason="subscription_cycle").exists()


@pytest.mark.django_db
def test_cancel_at_later_than_the_period_renews_until_then(api, subscription):
    # given a cancel_at in the second period
    end = subscription["current_period_end"]
    cancel_at = end + 5 * DAY
    ok(_update(api, subscription["id"], cancel_at=cancel_at))

    # when the first period ends, then cancel_at comes
    assert services.subscriptions_renew_due(now=at(end, seconds=5)) == 1
    renewed = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert (renewed["status"], renewed["current_period_start"]) == ("active", end)
    services.subscriptions_renew_due(now=at(cancel_at, seconds=5))

    # then it renewed once and ended at cancel_at
    ended = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert (ended["status"], ended["ended_at"]) == ("canceled", cancel_at)
    assert Invoice.objects.filter(subscription_id=subscription["id"],
                                  billing_reason="subscription_cycle").count() == 1


@pytest.mark.django_db
def test_cancel_at_and_cancel_at_period_end_each_clear_the_other(api, subscription):
    cancel_at = int((START + timedelta(days=10)).timestamp())
    sid = subscription["id"]

    # cancel_at_period_end=true after a cancel_at: cancel_at is cleared
    ok(_update(api, sid, cancel_at=cancel_at))
    shown = ok(_update(api, sid, cancel_at_period_end=True))
    assert (shown["cancel_at"], shown["cancel_at_period_end"]) == (None, True)

    # a cancel_at after cancel_at_period_end=true: cancel_at_period_end is cleared
    shown = ok(_update(api, sid, cancel_at=cancel_at))
    assert (shown["cancel_at"], shown["cancel_at_period_end"]) == (cancel_at, False)

    # cancel_at="" clears it, and the subscription no longer ends
    shown = ok(_update(api, sid, cancel_at=""))
    assert (shown["cancel_at"], shown["cancel_at_period_end"], shown["canceled_at"]) == (
        None, False, None)
    assert services.subscriptions_renew_due(now=at(cancel_at, seconds=5)) == 0
    assert ok(api.get(f"/v1/subscriptions/{sid}"))["status"] == "active"


@pytest.mark.django_db
@pytest.mark.parametrize("params", [
    {"cancel_at": "past"},
    {"cancel_at": "now"},
    {"cancel_at": "soon", "cancel_at_period_end": "true"},
    {"cancel_at": "tomorrow"},
])
def test_a_bad_cancel_at_on_update_is_a_400_and_changes_nothing(api, subscription, params,
                                                                 events_of):
    moments = {"past": int((START - timedelta(days=1)).timestamp()),
               "now": int((START + timedelta(hours=1)).timestamp()),
               "soon": int((START + timedelta(days=3)).timestamp()),
               "tomorrow": "tomorrow"}
    given = {**params, "cancel_at": moments[params["cancel_at"]]}
    before = len(events_of(subscription["id"]))

    error = error_of(_update(api, subscription["id"], **given))

    assert error["param"] == "cancel_at"
    shown = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
    assert (shown["cancel_at"], shown["cancel_at_period_end"]) == (None, False)
    assert len(events_of(subscription["id"])) == before


@pytest.mark.django_db
def test_cancel_at_on_creation_is_shown_and_a_past_one_creates_nothing(api):
    owner, _ = customer_with_card(api)
    price = monthly(api)
    cancel_at = int((clock.now() + timedelta(days=45)).timestamp())

    created = subscribe(api, owner["id"], price["id"], cancel_at=cancel_at)
    assert (created["status"], created["cancel_at"], created["cancel_at_period_end"]) == (
        "active", cancel_at, False)

    error = error_of(api.post("/v1/subscriptions", {
        "customer": owner["id"], "items": [{"price": price["id"]}],
        "cancel_at": int((clock.now() - timedelta(days=1)).timestamp())}))
    assert error["param"] == "cancel_at"
    assert Subscription.objects.filter(customer_id=owner["id"]).count() == 1


@pytest.mark.django_db
def test_cancel_at_on_an_ended_subscription_is_refused(api, subscription):
    ok(api.delete(f"/v1/subscriptions/{subscription['id']}"))
    error = error_of(api.post(f"/v1/subscriptions/{subscription['id']}", {
        "cancel_at": int((clock.now() + timedelta(days=3)).timestamp())}))
    assert error["type"] == "invalid_request_error"


# -- the SDK's story on a test clock -----------------------------------------------------------

@pytest.fixture
def client(sdk):
    """The official SDK (tests/billing/conftest.py's `sdk`), by the name these tests use."""
    return sdk


def test_sdk_cancel_at_mid_period_on_a_test_clock_ends_at_the_right_second(client):
    # given a customer on a test clock, subscribed to $15.00 a month, to end 40 days and
    # 123 seconds in (ten days into its second period)
    test_clock, customer = _clocked_customer(client)
    cancel_at = CLOCK_START + 40 * DAY + 123
    subscription = client.v1.subscriptions.create(params={
        "customer": customer.id, "items": [{"price": _monthly_price(client).id}],
        "cancel_at": cancel_at})
    assert (subscription.status, subscription.cancel_at) == ("active", cancel_at)

    # when the clock passes the first renewal, then a second short of cancel_at
    _advance(client, test_clock, cancel_at - 1)
    renewed = client.v1.subscriptions.retrieve(subscription.id)
    assert (renewed.status, renewed.current_period_start) == (
        "active", subscription.current_period_end)

    # and then past it
    _advance(client, test_clock, cancel_at + 3 * DAY)

    # then it was canceled at that second, once
    ended = client.v1.subscriptions.retrieve(subscription.id)
    assert (ended.status, ended.ended_at, ended.cancel_at) == ("canceled", cancel_at, cancel_at)
    assert ended.cancellation_details.reason == "cancellation_requested"
    events = client.v1.events.list(params={"type": "customer.subscription.deleted"}).data
    assert [event.data.object.id for event in events] == [subscription.id]
    assert events[0].data.object.ended_at == cancel_at


# -- engines at once (PostgreSQL) --------------------------------------------------------------

@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_two_engines_that_see_a_due_cancel_at_cancel_it_once(account):
    # given an active subscription whose cancel_at has just come
    api = account.api()
    owner, _ = customer_with_card(api)
    subscription = subscribe(api, owner["id"], monthly(api)["id"])
    cancel_at = clock.now() - timedelta(seconds=1)
    Subscription.objects.filter(pk=subscription["id"]).update(cancel_at=cancel_at)

    # when two engines run at the same moment
    moved = run_together(2, lambda i: services.subscriptions_renew_due(), timeout=60)

    # then one canceled it, and one deleted event was sent
    assert sum(moved) == 1
    assert Subscription.objects.get(pk=subscription["id"]).status == "canceled"
    deleted = [event for event in ok(api.get("/v1/events", {
        "type": "customer.subscription.deleted"}))["data"]
        if event["data"]["object"]["id"] == subscription["id"]]
    assert len(deleted) == 1
