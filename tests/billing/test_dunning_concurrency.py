"""Dunning's retry racing itself and a manual `pay` on PostgreSQL: one charge."""

from datetime import UTC, datetime, timedelta

import pytest

from billing import services
from billing.models import Invoice
from core import clock
from payments.models import Charge, PaymentMethod
from tests.billing.factories import customer_with_card, monthly, ok, pay
from tests.billing.test_subscriptions import subscribe
from tests.concurrency import run_together
from tests.conftest import Api, needs_postgres
from tests.payments.factories import attach, card_payment_method


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_two_engines_and_a_manual_pay_of_a_due_retry_charge_once(account):
    # given a renewal that failed on a card that declines, its first retry due
    api = account.api()
    owner, _ = customer_with_card(api)
    with clock.bound(datetime.now(UTC) - timedelta(days=40)):
        subscription = subscribe(api, owner["id"], monthly(api)["id"])
    bad = card_payment_method(api, "4000000000000341")
    attach(api, bad["id"], owner["id"])
    ok(api.post(f"/v1/subscriptions/{subscription['id']}", {"default_payment_method": bad["id"]}))
    assert services.subscriptions_renew_due(
        now=datetime.fromtimestamp(subscription["current_period_end"] + 1, UTC)) == 1
    invoice = Invoice.objects.get(subscription_id=subscription["id"],
                                  billing_reason="subscription_cycle")
    assert (invoice.status, invoice.attempt_count) == ("open", 1)
    due = invoice.next_payment_attempt + timedelta(seconds=1)
    # and the bank now approves that card
    PaymentMethod.objects.filter(pk=bad["id"]).update(processor_token="sim_visa")

    # when two engines retry it while the merchant pays it by hand, at the same moment
    apis = [Api(account.key()) for _ in range(3)]
    actions = [lambda: services.invoices_retry_due(now=due),
               lambda: services.invoices_retry_due(now=due),
               lambda: pay(apis[2], invoice.id)]
    answers = run_together(3, lambda i: actions[i](), timeout=60)

    # then at most one engine retried, and the customer was charged once
    assert answers[0] + answers[1] <= 1
    shown = Invoice.objects.get(pk=invoice.pk)
    assert (shown.status, shown.amount_paid, shown.next_payment_attempt) == ("paid", 1000, None)
    charges = Charge.objects.filter(payment_intent__invoice_id=invoice.pk)
    assert charges.filter(status="succeeded").count() == 1
    assert charges.filter(status="failed").count() == 1
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["status"] == "active"
    # and nothing is left to retry
    assert services.invoices_retry_due(now=due + timedelta(days=30)) == 0
