"""Refunds through a connected Stripe account: Till's refunds drive Stripe refunds (read back
with the SDK at localstripe), uncaptured holds are released by canceling at Stripe, and a
refund Stripe fails later (which localstripe never does: its refunds succeed at once) is
played from Stripe's recorded answers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.actor import TILL
from refunds import services
from refunds.models import Refund
from refunds.services import common
from tests.api.helpers import error_of
from tests.payments.factories import ok
from tests.stripe_support import calls, stripe_card, stripe_connect, stripe_intent_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(account, stripe_api):
    stripe_connect(account)
    return account.api()


def paid(api, stripe_sdk, **params) -> dict:
    return ok(api.post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "payment_method": stripe_card(stripe_sdk),
        "confirm": True, **params}))


def stripe_refunds(stripe_sdk, intent_id: str) -> list:
    charge = stripe_intent_of(stripe_sdk, intent_id).latest_charge.id
    return list(stripe_sdk.v1.refunds.list(params={"charge": charge}).auto_paging_iter())


def test_a_refund_is_made_at_stripe(api, stripe_sdk):
    payment = paid(api, stripe_sdk)

    refund = ok(api.post("/v1/refunds", {"payment_intent": payment["id"], "amount": 500}))

    # localstripe's refunds succeed at once; Till records what Stripe answered
    assert (refund["status"], refund["amount"]) == ("succeeded", 500)
    [at_stripe] = stripe_refunds(stripe_sdk, payment["id"])
    assert (at_stripe.amount, at_stripe.status) == (500, "succeeded")
    assert at_stripe.metadata["till_refund"] == refund["id"]
    assert Refund.objects.get(pk=refund["id"]).processor_reference == at_stripe.id
    assert calls("refunds.create")[0].idempotency_key == f"{refund['id']}:refund"


def test_refunds_until_nothing_remains(api, stripe_sdk):
    payment = paid(api, stripe_sdk)

    ok(api.post("/v1/refunds", {"payment_intent": payment["id"], "amount": 500}))
    rest = ok(api.post("/v1/refunds", {"payment_intent": payment["id"]}))
    again = api.post("/v1/refunds", {"payment_intent": payment["id"]})

    assert rest["amount"] == 1500
    assert error_of(again, 400)["code"] == "charge_already_refunded"
    assert sorted(each.amount for each in stripe_refunds(stripe_sdk, payment["id"])) == [
        500, 1500]
    charge = ok(api.get(f"/v1/charges/{payment['latest_charge']}"))
    assert (charge["amount_refunded"], charge["refunded"]) == (2000, True)


def test_refunding_a_hold_cancels_it_at_stripe(api, stripe_sdk):
    held = paid(api, stripe_sdk, capture_method="manual")

    refund = ok(api.post("/v1/refunds", {"payment_intent": held["id"]}))

    assert (refund["status"], refund["amount"]) == ("succeeded", 2000)
    assert stripe_intent_of(stripe_sdk, held["id"]).status == "canceled"
    assert stripe_refunds(stripe_sdk, held["id"]) == []


def test_a_refund_retried_after_a_crash_is_made_once(api, account, stripe_sdk, settings,
                                                     monkeypatch):
    # given a refund whose answer from Stripe was never recorded (the worker died)
    payment = paid(api, stripe_sdk)
    real = common._refund_record
    crashed = {"once": False}

    def record(*args, **kwargs):
        if not crashed["once"]:
            crashed["once"] = True
            raise RuntimeError("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(common, "_refund_record", record)
    with pytest.raises(RuntimeError):
        services.refund_create(merchant=account.merchant, livemode=False, actor=TILL,
                               payment_intent=payment["id"])

    # when the sweep asks again under the same key
    Refund.objects.update(operation_started_at=timezone.now() - timedelta(
        seconds=settings.TILL_PAYMENT_RECOVERY_SECONDS + 1))
    services.refunds_settle_due()

    # then one refund at Stripe, the one Till records
    [refund] = Refund.objects.all()
    assert (refund.status, refund.operation) == ("succeeded", None)
    [at_stripe] = stripe_refunds(stripe_sdk, payment["id"])
    assert refund.processor_reference == at_stripe.id
    assert len(calls("refunds.create")) == 1


# Stripe's answers for a payment and a refund that its bank fails days later (recorded from
# Stripe's test mode, card 4000000000005126 "refund fails"; ids shortened).
RECORDED_CARD = {"id": "pm_1RecordedRefundFail", "object": "payment_method", "type": "card",
                 "card": {"brand": "visa", "last4": "5126", "exp_month": 12,
                          "exp_year": 2030, "funding": "credit", "country": "US",
                          "fingerprint": "Rf9aJ1wQ0xLyWqCd", "checks": {}}}
RECORDED_PAYMENT = {"id": "pi_3RecordedRefundFail", "object": "payment_intent",
                    "amount": 2000, "currency": "usd", "status": "succeeded",
                    "client_secret": "pi_3RecordedRefundFail_secret_Recorded",
                    "latest_charge": {"id": "ch_3RecordedRefundFail", "object": "charge",
                                      "outcome": {"network_status": "approved_by_network",
                                                  "risk_level": "normal",
                                                  "risk_score": 12}}}
RECORDED_REFUND = {"id": "re_3RecordedRefundFail", "object": "refund", "amount": 2000,
                   "currency": "usd", "status": "pending", "failure_reason": None,
                   "payment_intent": "pi_3RecordedRefundFail"}


def test_a_refund_stripe_fails_later_gives_the_amount_back(account, recorded_stripe):
    recorded_stripe.answer("GET", "/v1/balance", 200, {"object": "balance"})
    recorded_stripe.answer("GET", "/v1/payment_methods/pm_1RecordedRefundFail", 200,
                           RECORDED_CARD)
    recorded_stripe.answer("POST", "/v1/payment_intents", 200, RECORDED_PAYMENT)
    recorded_stripe.answer("POST", "/v1/refunds", 200, RECORDED_REFUND)
    recorded_stripe.answer("GET", "/v1/refunds/re_3RecordedRefundFail", 200, RECORDED_REFUND)
    stripe_connect(account)
    api = account.api()
    payment = ok(api.post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "payment_method": "pm_1RecordedRefundFail",
        "confirm": True}))
    assert payment["status"] == "succeeded"

    # when the refund is accepted (pending at Stripe), then fails there
    refund = ok(api.post("/v1/refunds", {"payment_intent": payment["id"]}))
    assert refund["status"] == "pending"
    recorded_stripe.answer("GET", "/v1/refunds/re_3RecordedRefundFail", 200, {
        **RECORDED_REFUND, "status": "failed", "failure_reason": "expired_or_canceled_card"})
    services.refunds_settle_due()

    # then the refund failed with Stripe's reason, and the charge has its amount back
    failed = ok(api.get(f"/v1/refunds/{refund['id']}"))
    assert (failed["status"], failed["failure_reason"]) == (
        "failed", "expired_or_canceled_card")
    charge = ok(api.get(f"/v1/charges/{payment['latest_charge']}"))
    assert (charge["amount_refunded"], charge["refunded"]) == (0, False)
