"""A deleted customer's subscriptions are canceled, as Stripe cancels them: by the API's
deletion, by its test clock's deletion, and by the engine if a crash kept the deletion's
cancellation from running: a deleted customer is never billed again."""

from datetime import timedelta

import pytest
from django.utils import timezone

from billing import services
from billing.models import Invoice, Subscription
from core import clock
from payments.models import Customer
from tests.billing.factories import customer_with_card, monthly, ok

pytestmark = pytest.mark.django_db

START = timezone.now().replace(microsecond=0) - timedelta(days=15)


def subscribe(api, owner: dict) -> dict:
    with clock.bound(START):
        return ok(api.post("/v1/subscriptions", {
            "customer": owner["id"], "items": [{"price": monthly(api)["id"]}]}))


def test_deleting_a_customer_cancels_its_subscriptions(api, events_of,
                                                       django_capture_on_commit_callbacks):
    owner, _ = customer_with_card(api)
    first, second = subscribe(api, owner), subscribe(api, owner)

    with django_capture_on_commit_callbacks(execute=True):
        ok(api.delete(f"/v1/customers/{owner['id']}"))

    for subscription in (first, second):
        ended = ok(api.get(f"/v1/subscriptions/{subscription['id']}"))
        assert ended["status"] == "canceled" and ended["ended_at"] is not None
        assert events_of(subscription["id"])[-1]["type"] == "customer.subscription.deleted"
    # and its period's end bills nothing
    assert services.subscriptions_renew_due(now=timezone.now() + timedelta(days=40)) == 0
    assert not Invoice.objects.filter(customer_id=owner["id"],
                                      billing_reason="subscription_cycle").exists()


def test_deleting_a_test_clock_cancels_its_customers_subscriptions(
        api, django_capture_on_commit_callbacks):
    test_clock = ok(api.post("/v1/test_helpers/test_clocks",
                             {"frozen_time": int(START.timestamp())}))
    owner, _ = customer_with_card(api, test_clock=test_clock["id"])
    subscription = ok(api.post("/v1/subscriptions", {
        "customer": owner["id"], "items": [{"price": monthly(api)["id"]}]}))

    with django_capture_on_commit_callbacks(execute=True):
        ok(api.delete(f"/v1/test_helpers/test_clocks/{test_clock['id']}"))

    ended = Subscription.objects.get(pk=subscription["id"])
    assert ended.status == "canceled"
    # on the clock's time, as everything of its customers
    assert ended.ended_at == START


def test_the_engine_cancels_instead_of_billing_a_deleted_customers_subscription(api):
    # given a customer deleted by a run that crashed before its subscriptions were canceled
    owner, _ = customer_with_card(api)
    subscription = subscribe(api, owner)
    Customer.objects.filter(pk=owner["id"]).update(deleted_at=timezone.now())

    # when its period ends
    assert services.subscriptions_renew_due(now=timezone.now() + timedelta(days=40)) == 0

    # then it is canceled, not billed
    assert Subscription.objects.get(pk=subscription["id"]).status == "canceled"
    assert not Invoice.objects.filter(subscription_id=subscription["id"],
                                      billing_reason="subscription_cycle").exists()
