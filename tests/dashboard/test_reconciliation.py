"""Reconciliation in the dashboard: the mode's daily runs, each with its differences, for
anyone at the merchant; reached from the nav once the mode has a processor."""

from datetime import date

import pytest
import requests
from django.utils import timezone

from refunds import services
from refunds.models import ReconciliationDifference, ReconciliationRun
from tests.dashboard.helpers import switch_mode
from tests.payments.factories import ok
from tests.stripe_support import stripe_card, stripe_connect, stripe_intent_of

pytestmark = pytest.mark.django_db


def a_run(account, *, day: date, livemode: bool = False, differences: int = 0,
          **fields) -> ReconciliationRun:
    run = ReconciliationRun.objects.create(
        merchant=account.merchant, livemode=livemode, day=day, started_at=timezone.now(),
        account_id="acct_stripe1", **fields)
    ReconciliationDifference.objects.bulk_create([
        ReconciliationDifference(run=run, object_type="charge", kind="amount_mismatch",
                                 till_id=f"ch_till{n}", processor_id=f"pi_stripe{n}",
                                 till_amount=1999, processor_amount=2000, till_currency="usd",
                                 processor_currency="usd", till_status="succeeded",
                                 processor_status="succeeded")
        for n in range(differences)])
    return run


def finished(run: ReconciliationRun, **counts) -> ReconciliationRun:
    run.complete(at=timezone.now(), **{"processor_charges": 0, "processor_refunds": 0,
                                       "till_charges": 0, "till_refunds": 0,
                                       "differences": run.differences.count(), **counts})
    run.save()
    return run


def test_a_refund_made_at_stripe_shows_on_its_days_page(owner, account, stripe_api,
                                                        stripe_sdk):
    # given a payment through Stripe, and a refund made at Stripe outside Till
    requests.delete(f"{stripe_api}/_config/data", timeout=5)
    stripe_connect(account)
    payment = ok(account.api().post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "payment_method": stripe_card(stripe_sdk),
        "confirm": True}))
    outside = stripe_sdk.v1.refunds.create(params={
        "payment_intent": stripe_intent_of(stripe_sdk, payment["id"]).id, "amount": 700})
    run = services.reconciliation_run(merchant=account.merchant, livemode=False,
                                      day=timezone.now().date())

    # when the owner opens reconciliation from the nav, then the day
    home = owner.get("/").content.decode()
    listing = owner.get("/reconciliation/").content.decode()
    detail = owner.get(f"/reconciliation/{run.id}/").content.decode()

    # then the list shows the day with one difference, and its page the refund
    assert 'href="/reconciliation/"' in home
    assert f'href="/reconciliation/{run.id}/"' in listing and "1 difference" in listing
    assert "Missing at Till" in detail and outside.id in detail and "$7.00" in detail
    assert "1 / 1" in listing  # one charge on each side


def test_the_list_shows_the_modes_runs_only(owner, account):
    ours = finished(a_run(account, day=date(2026, 3, 1), differences=2))
    clean = finished(a_run(account, day=date(2026, 3, 2)))
    live = finished(a_run(account, day=date(2026, 3, 1), livemode=True))

    html = owner.get("/reconciliation/").content.decode()

    assert ours.id in html and clean.id in html and live.id not in html
    assert "2 differences" in html and "Matches" in html
    assert owner.get(f"/reconciliation/{live.id}/").status_code == 404
    switch_mode(owner, "live")
    assert live.id in owner.get("/reconciliation/").content.decode()


def test_a_failed_run_says_why(owner, account):
    run = a_run(account, day=date(2026, 3, 1))
    run.fail(at=timezone.now(), error="Stripe refused to list (charges.list): Expired key")
    run.save()

    html = owner.get(f"/reconciliation/{run.id}/").content.decode()

    assert "This run failed" in html and "Expired key" in html


def test_a_support_member_may_look(support, account):
    run = finished(a_run(account, day=date(2026, 3, 1), differences=1))

    assert support.get("/reconciliation/").status_code == 200
    assert "ch_till0" in support.get(f"/reconciliation/{run.id}/").content.decode()


def test_another_merchants_run_is_not_found(owner, account, other_account):
    theirs = finished(a_run(other_account, day=date(2026, 3, 1)))

    assert owner.get(f"/reconciliation/{theirs.id}/").status_code == 404
    assert theirs.id not in owner.get("/reconciliation/").content.decode()


def test_the_pages_stay_within_budget(owner, account, django_assert_max_num_queries):
    runs = [finished(a_run(account, day=date(2026, 3, day), differences=3))
            for day in range(1, 28)]

    with django_assert_max_num_queries(5):
        assert owner.get("/reconciliation/").status_code == 200
    with django_assert_max_num_queries(5):
        assert owner.get(f"/reconciliation/{runs[0].id}/").status_code == 200
