"""Daily reconciliation: a day of a mode's charges and refunds compared with its Stripe
account's (listed with the SDK's auto-paging at localstripe), every difference recorded as a
row of the run. localstripe keeps one store for every key, so each test starts it empty."""

from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from core.exceptions import InvalidRequest, ObjectBusy
from payments.models import Charge, ProcessorCall
from refunds import services
from refunds.models import ReconciliationRun, Refund
from refunds.services.reconciliation import reconciliations_run_daily
from tests.payments.factories import ok
from tests.stripe_support import stripe_card, stripe_connect, stripe_intent_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(account, stripe_api):
    requests.delete(f"{stripe_api}/_config/data", timeout=5)  # localstripe's store emptied
    stripe_connect(account)
    return account.api()


def today():
    return timezone.now().date()


def paid(api, stripe_sdk, amount: int = 2000) -> dict:
    return ok(api.post("/v1/payment_intents", {
        "amount": amount, "currency": "usd", "payment_method": stripe_card(stripe_sdk),
        "confirm": True}))


def reconcile(account, day=None) -> ReconciliationRun:
    return services.reconciliation_run(merchant=account.merchant, livemode=False,
                                       day=day or today())


def differences(run: ReconciliationRun) -> list[tuple]:
    return sorted((d.object_type, d.kind, d.till_id, d.processor_id)
                  for d in run.differences.all())


def test_a_day_that_agrees_has_no_differences(api, account, stripe_sdk):
    # given two payments through Stripe today, one partly refunded
    first, second = paid(api, stripe_sdk), paid(api, stripe_sdk, amount=3500)
    ok(api.post("/v1/refunds", {"payment_intent": first["id"], "amount": 500}))

    # when the day is reconciled
    run = reconcile(account)

    # then both sides had the same charges and refunds, and nothing differs
    assert run.status == "completed"
    assert (run.processor_charges, run.till_charges) == (2, 2)
    assert (run.processor_refunds, run.till_refunds) == (1, 1)
    assert run.differences_count == 0 and differences(run) == []
    # Stripe was read with one logged listing per kind
    assert sorted(ProcessorCall.objects.filter(operation__endswith=".list")
                  .values_list("operation", flat=True)) == ["charges.list", "refunds.list"]
    assert second["status"] == "succeeded"


def test_a_refund_made_in_stripes_dashboard_is_missing_at_till(api, account, stripe_sdk):
    payment = paid(api, stripe_sdk)
    # given a refund made at Stripe directly, not through Till
    behind = stripe_intent_of(stripe_sdk, payment["id"])
    outside = stripe_sdk.v1.refunds.create(params={"payment_intent": behind.id, "amount": 700})

    run = reconcile(account)

    assert differences(run) == [("refund", "missing_at_till", "", outside.id)]
    [difference] = run.differences.all()
    assert (difference.processor_amount, difference.processor_currency,
            difference.processor_status) == (700, "usd", "succeeded")


def test_what_stripe_does_not_have_is_missing_at_stripe(api, account, stripe_sdk):
    # given a payment and a refund through Stripe, then Stripe's side gone (a different
    # account behind the same key, data Stripe lost)
    payment = paid(api, stripe_sdk)
    refund = ok(api.post("/v1/refunds", {"payment_intent": payment["id"], "amount": 500}))
    requests.delete(f"{api_base(stripe_sdk)}/_config/data", timeout=5)

    run = reconcile(account)

    assert differences(run) == [
        ("charge", "missing_at_processor", payment["latest_charge"], ""),
        ("refund", "missing_at_processor", refund["id"], "")]
    assert (run.processor_charges, run.till_charges) == (0, 1)


def test_amounts_currencies_and_statuses_that_differ_are_each_recorded(api, account,
                                                                        stripe_sdk):
    # given three payments and a refund that Till's records no longer agree with
    amount, currency, status = (paid(api, stripe_sdk) for _ in range(3))
    refund = ok(api.post("/v1/refunds", {"payment_intent": amount["id"], "amount": 500}))
    Charge.objects.filter(pk=amount["latest_charge"]).update(amount=1999)
    Charge.objects.filter(pk=currency["latest_charge"]).update(currency="eur")
    Charge.objects.filter(pk=status["latest_charge"]).update(status="pending")
    Refund.objects.filter(pk=refund["id"]).update(amount=400)

    run = reconcile(account)

    found = {(d.till_id, d.kind): (d.till_amount, d.processor_amount, d.till_currency,
                                   d.processor_currency, d.till_status, d.processor_status)
             for d in run.differences.all()}
    assert found == {
        (amount["latest_charge"], "amount_mismatch"):
            (1999, 2000, "usd", "usd", "succeeded", "succeeded"),
        (currency["latest_charge"], "currency_mismatch"):
            (2000, 2000, "eur", "usd", "succeeded", "succeeded"),
        (status["latest_charge"], "status_mismatch"):
            (2000, 2000, "usd", "usd", "pending", "succeeded"),
        (refund["id"], "amount_mismatch"): (400, 500, "usd", "usd", "succeeded", "succeeded"),
    }
    assert run.differences_count == 4


def test_another_day_does_not_see_todays_objects(api, account, stripe_sdk):
    paid(api, stripe_sdk)

    run = reconcile(account, day=today() - timedelta(days=1))

    assert run.status == "completed"
    assert (run.processor_charges, run.till_charges, run.differences_count) == (0, 0, 0)


def test_running_a_day_again_replaces_its_differences(api, account, stripe_sdk):
    payment = paid(api, stripe_sdk)
    Charge.objects.filter(pk=payment["latest_charge"]).update(amount=1)
    first = reconcile(account)
    assert first.differences_count == 1

    # when Till's record is put right and the day reconciled again
    Charge.objects.filter(pk=payment["latest_charge"]).update(amount=2000)
    again = reconcile(account)

    # then it is the same run, with nothing left to show
    assert again.pk == first.pk and ReconciliationRun.objects.count() == 1
    assert again.differences_count == 0 and differences(again) == []


def test_the_daily_task_reconciles_each_connected_mode_once(api, account, stripe_sdk):
    paid(api, stripe_sdk)

    # when beat's task runs twice for the day
    assert reconciliations_run_daily(day=today()) == 1
    first = ReconciliationRun.objects.get()
    assert reconciliations_run_daily(day=today()) == 1

    # then the day was reconciled once: the completed run left as it was
    again = ReconciliationRun.objects.get()
    assert (again.pk, again.started_at, again.finished_at) == (
        first.pk, first.started_at, first.finished_at)
    assert ProcessorCall.objects.filter(operation="charges.list").count() == 1


def test_the_daily_task_reconciles_yesterday(api, account, stripe_sdk, settings):
    reconciliations_run_daily()

    assert ReconciliationRun.objects.get().day == today() - timedelta(days=1)
    entry = settings.CELERY_BEAT_SCHEDULE["reconciliations-run-daily"]
    assert entry["task"] == "refunds.tasks.reconciliations_run_daily"
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({1}, {0})


def test_a_stripe_refusal_fails_the_run_with_its_words(account, recorded_stripe):
    recorded_stripe.answer("GET", "/v1/balance", 200, {"object": "balance"})
    stripe_connect(account)
    recorded_stripe.answer("GET", "/v1/charges", 401, {"error": {
        "message": "Expired API Key provided: sk_test_****abcd",
        "type": "invalid_request_error"}})

    run = reconcile(account)

    assert run.status == "failed"
    assert "Expired API Key provided" in run.error
    assert run.differences_count == 0


def test_a_mode_without_a_processor_has_nothing_to_reconcile(account):
    with pytest.raises(InvalidRequest) as refused:
        reconcile(account)

    assert refused.value.code == "processor_not_connected"
    assert not ReconciliationRun.objects.exists()


def api_base(stripe_sdk) -> str:
    return stripe_sdk._requestor.base_addresses["api"]


def test_the_simulators_charges_are_not_stripes_to_reconcile(account, stripe_api,
                                                             stripe_sdk):
    # given a payment on the simulator, then the mode connected to Stripe
    requests.delete(f"{stripe_api}/_config/data", timeout=5)
    ok(account.api().post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "payment_method": "pm_card_visa",
        "confirm": True}))
    stripe_connect(account)

    run = reconcile(account)

    assert (run.till_charges, run.differences_count) == (0, 0)


def test_a_day_being_reconciled_elsewhere_is_not_run_twice(api, account):
    # given a run of today started a minute ago by another worker
    ReconciliationRun.objects.create(merchant=account.merchant, livemode=False, day=today(),
                                     started_at=timezone.now() - timedelta(minutes=1))

    # then another run of the day is refused, and beat's task passes over it
    with pytest.raises(ObjectBusy):
        reconcile(account)
    assert reconciliations_run_daily(day=today()) == 0
    assert not ProcessorCall.objects.filter(operation="charges.list").exists()


def test_a_run_that_died_midway_is_run_again(api, account):
    # given a run of today left `running` by a worker that died long ago
    stale = ReconciliationRun.objects.create(
        merchant=account.merchant, livemode=False, day=today(),
        started_at=timezone.now() - timedelta(hours=1))

    run = reconcile(account)

    assert (run.pk, run.status) == (stale.pk, "completed")
