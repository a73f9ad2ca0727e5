"""Each charge records the processor (and Stripe account) that made it, and its capture,
cancel and refunds go back to that processor whatever the mode uses since: a simulator
charge stays with the simulator after the mode is connected to Stripe, and a Stripe charge
whose account is no longer connected is refused clearly, changing nothing."""

import pytest
from django.core.management import call_command

from payments.models import Charge, PaymentIntent, ProcessorCall, ProcessorConnection
from refunds.models import Refund
from tests.api.helpers import error_of
from tests.payments.factories import ok
from tests.stripe_support import stripe_card, stripe_connect

pytestmark = pytest.mark.django_db


def disconnect(account) -> None:
    call_command("processor_disconnect", "--merchant", account.merchant.id, "--mode", "test",
                 stdout=None)


def pay(api, payment_method: str, **params) -> dict:
    return ok(api.post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "payment_method": payment_method,
        "confirm": True, **params}))


def test_a_simulator_charge_is_refunded_by_the_simulator_after_connecting_stripe(
        account, stripe_api):
    api = account.api()
    # given a payment on the simulator, then the mode connected to Stripe
    payment = pay(api, "pm_card_visa")
    assert Charge.objects.get(pk=payment["latest_charge"]).processor == "simulated"
    stripe_connect(account)
    ProcessorCall.objects.all().delete()

    # when it is refunded
    refund = ok(api.post("/v1/refunds", {"payment_intent": payment["id"], "amount": 500}))

    # then the simulator refunded it: Stripe was not asked
    assert refund["status"] in ("pending", "succeeded")
    assert not ProcessorCall.objects.filter(operation="refunds.create").exists()


def test_a_stripe_charge_is_not_refunded_once_its_account_is_disconnected(
        account, stripe_api, stripe_sdk):
    stripe_connect(account)
    api = account.api()
    payment = pay(api, stripe_card(stripe_sdk))
    charge = Charge.objects.get(pk=payment["latest_charge"])
    assert (charge.processor, charge.processor_reference[:3]) == ("stripe", "pi_")

    # when the mode is disconnected (back to the simulator) and the charge refunded
    disconnect(account)
    refused = api.post("/v1/refunds", {"payment_intent": payment["id"]})

    # then it is refused, clearly, and nothing changed: no refund, none through the simulator
    error = error_of(refused, 400)
    assert error["code"] == "charge_processor_disconnected"
    assert "no longer connected to test mode" in error["message"]
    assert not Refund.objects.exists()
    assert Charge.objects.get(pk=charge.pk).amount_refunded == 0

    # and once the account is connected again, it is refunded through Stripe
    stripe_connect(account)
    refund = ok(api.post("/v1/refunds", {"payment_intent": payment["id"]}))
    assert refund["status"] == "succeeded"
    assert ProcessorCall.objects.filter(operation="refunds.create").count() == 1


@pytest.mark.parametrize("action", ["capture", "cancel"])
def test_a_stripe_hold_is_not_moved_once_its_account_is_disconnected(account, stripe_api,
                                                                     stripe_sdk, action):
    stripe_connect(account)
    api = account.api()
    held = pay(api, stripe_card(stripe_sdk), capture_method="manual")
    disconnect(account)

    refused = api.post(f"/v1/payment_intents/{held['id']}/{action}")

    assert error_of(refused, 400)["code"] == "charge_processor_disconnected"
    intent = PaymentIntent.objects.get(pk=held["id"])
    assert (intent.status, intent.operation) == ("requires_capture", None)


def test_a_stripe_charge_is_not_refunded_through_another_stripe_account(account, stripe_api,
                                                                        stripe_sdk):
    stripe_connect(account)
    api = account.api()
    payment = pay(api, stripe_card(stripe_sdk))
    # given the charge made through acct_first, and the mode now connected to acct_second
    # (localstripe has no accounts: the ids are set as Stripe would have read them)
    Charge.objects.filter(pk=payment["latest_charge"]).update(processor_account="acct_first")
    ProcessorConnection.objects.update(account_id="acct_second")

    refused = api.post("/v1/refunds", {"payment_intent": payment["id"]})

    error = error_of(refused, 400)
    assert error["code"] == "charge_processor_disconnected"
    assert "acct_first" in error["message"]
    assert not Refund.objects.exists()
