"""Engines renewing at the same moment on PostgreSQL: one invoice per subscription and
period, one charge each, whoever runs."""


import pytest

from billing import services, tasks
from billing.models import Invoice, Subscription
from core import clock
from payments.models import Charge
from tests.billing.factories import customer_with_card, monthly, period_just_ended
from tests.billing.test_subscriptions import subscribe
from tests.concurrency import run_together
from tests.conftest import needs_postgres


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_two_engines_at_once_bill_each_period_once_and_charge_once(account):
    # given five active subscriptions whose periods have all just ended
    api = account.api()
    price = monthly(api)
    ids = [subscribe(api, customer_with_card(api)[0]["id"], price["id"])["id"]
           for _ in range(5)]
    period_just_ended(*ids)
    charges_before = Charge.objects.filter(status="succeeded").count()

    # when two engines run at the same moment
    moved = run_together(2, lambda i: services.subscriptions_renew_due(), timeout=60)

    # then each subscription was renewed once, between them, and charged once
    assert sum(moved) == 5
    for pk in ids:
        renewals = Invoice.objects.filter(subscription_id=pk, billing_reason="subscription_cycle")
        assert [invoice.status for invoice in renewals] == ["paid"]
        assert Subscription.objects.get(pk=pk).status == "active"
    assert Charge.objects.filter(status="succeeded").count() == charges_before + 5


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_two_renewals_of_one_subscription_at_once_bill_it_once(account):
    # given an active subscription whose period has just ended
    api = account.api()
    owner, _ = customer_with_card(api)
    subscription = subscribe(api, owner["id"], monthly(api)["id"])
    period_just_ended(subscription["id"])
    charges_before = Charge.objects.filter(status="succeeded").count()

    # when two engines renew it at the same moment
    # (each answer boxed: run_together takes None for a thread that did not finish)
    results = run_together(2, lambda i: [services.subscription_renew(
        id=subscription["id"], now=clock.now())], timeout=60)

    # then one of them billed the period, and the customer was charged once
    assert sum(invoice is not None for [invoice] in results) == 1
    assert Invoice.objects.filter(subscription_id=subscription["id"]).count() == 2
    assert Charge.objects.filter(status="succeeded").count() == charges_before + 1


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_two_workers_renewing_the_same_batch_at_once_bill_each_subscription_once(account):
    # given six active subscriptions whose periods have all just ended
    api = account.api()
    price = monthly(api)
    ids = [subscribe(api, customer_with_card(api)[0]["id"], price["id"])["id"]
           for _ in range(6)]
    period_just_ended(*ids)
    charges_before = Charge.objects.filter(status="succeeded").count()

    # when two workers run the fan-out's batch task over the same ids at the same moment
    # (one of them in reverse order, so they meet in the middle)
    billed = run_together(2, lambda i: tasks.subscriptions_renew_batch.apply(
        args=[ids if i == 0 else ids[::-1]]).get(), timeout=60)

    # then each subscription was renewed once, between them, and charged once
    assert sum(billed) == 6
    for pk in ids:
        renewals = Invoice.objects.filter(subscription_id=pk, billing_reason="subscription_cycle")
        assert [invoice.status for invoice in renewals] == ["paid"]
        assert Subscription.objects.get(pk=pk).status == "active"
    assert Charge.objects.filter(status="succeeded").count() == charges_before + 6
