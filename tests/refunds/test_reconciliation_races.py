"""Reconciliations of one day racing (two beat schedulers, a manual run while beat's runs),
on real PostgreSQL: one run row for the day, each difference recorded once, and a run that
finds the day being reconciled refused with ObjectBusy rather than reconciling it twice at
once."""

import pytest
import requests
from django.utils import timezone

from core.exceptions import ObjectBusy
from payments.models import Charge, ProcessorCall
from refunds import services
from refunds.models import ReconciliationDifference, ReconciliationRun
from tests.concurrency import run_together
from tests.conftest import needs_postgres
from tests.payments.factories import ok
from tests.stripe_support import stripe_card, stripe_connect

pytestmark = [needs_postgres(), pytest.mark.django_db(transaction=True)]


def test_simultaneous_runs_of_a_day_record_it_once(account, stripe_api, stripe_sdk):
    # given a payment through Stripe that Till's record no longer agrees with
    requests.delete(f"{stripe_api}/_config/data", timeout=5)
    stripe_connect(account)
    payment = ok(account.api().post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "payment_method": stripe_card(stripe_sdk),
        "confirm": True}))
    Charge.objects.filter(pk=payment["latest_charge"]).update(amount=1999)
    day = timezone.now().date()

    def run(index: int) -> str:
        try:
            return services.reconciliation_run(merchant=account.merchant, livemode=False,
                                               day=day).status
        except ObjectBusy:
            return "busy"

    # when four runs of the day start at once
    answers = run_together(4, run)

    # then each either reconciled the day or was told it was being reconciled, and the day
    # has one run with its one difference
    assert set(answers) <= {"completed", "busy"} and "completed" in answers
    run_row = ReconciliationRun.objects.get()
    assert (run_row.status, run_row.differences_count) == ("completed", 1)
    assert ReconciliationDifference.objects.count() == 1
    assert ProcessorCall.objects.filter(operation="charges.list").count() == answers.count(
        "completed")
