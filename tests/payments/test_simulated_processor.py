"""The simulated processor: its ledger, its idempotency, and the test-mode rules it keeps."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core import clock
from payments.models import SimulatedOperation
from payments.processors.base import AuthorizeRequest, Outcome
from payments.processors.simulated import TOKEN_PREFIX, SimulatedProcessor
from tests.api.helpers import error_of
from tests.payments.factories import (
    attach,
    authorized_intent,
    card_payment_method,
    customer,
    intent,
    ok,
    paid_intent,
)


def request(key: str, card: str = "visa", **overrides) -> AuthorizeRequest:
    fields = {"idempotency_key": key, "amount": 1000, "currency": "usd",
              "card_token": TOKEN_PREFIX + card, "capture": True, "settle_async": False,
              "off_session": False, "authenticated": False, "card_set_up": False}
    return AuthorizeRequest(**{**fields, **overrides})


@pytest.mark.django_db
def test_asking_twice_with_one_key_gets_the_first_answer():
    processor = SimulatedProcessor()

    first = processor.authorize(request("pi_1:confirm:1"))
    again = processor.authorize(request("pi_1:confirm:1", amount=999_999))
    other = processor.authorize(request("pi_1:confirm:2"))

    assert first.outcome == Outcome.SUCCEEDED
    assert again == first
    assert other.reference != first.reference
    assert SimulatedOperation.objects.count() == 2
    assert SimulatedOperation.objects.get(pk="pi_1:confirm:1").amount == 1000


@pytest.mark.django_db
def test_an_async_payment_settles_when_the_clock_reaches_its_time(settings):
    # given a payment accepted for settlement in an hour
    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 3600
    processor = SimulatedProcessor()
    accepted = processor.authorize(request("pi_1:confirm:1", settle_async=True))

    # then it is pending until core's clock says the hour has passed
    assert accepted.outcome == Outcome.PENDING
    asked = {"idempotency_key": "pi_1:confirm:1", "reference": accepted.reference}
    assert processor.settlement(**asked).outcome == Outcome.PENDING
    with clock.bound(timezone.now() + timedelta(hours=1, seconds=1)):
        assert processor.settlement(**asked).outcome == Outcome.SUCCEEDED


@pytest.mark.django_db
@pytest.mark.parametrize(("card", "overrides", "outcome", "code"), [
    ("visa", {"capture": False}, Outcome.AUTHORIZED, None),
    ("visa", {"settle_async": True}, Outcome.PENDING, None),
    ("chargeDeclined", {}, Outcome.DECLINED, "card_declined"),
    ("authenticationRequired", {}, Outcome.REQUIRES_ACTION, None),
    ("authenticationRequired", {"authenticated": True}, Outcome.SUCCEEDED, None),
    ("authenticationRequired", {"off_session": True}, Outcome.DECLINED,
     "authentication_required"),
    ("authenticationRequiredOnSetup", {"off_session": True, "card_set_up": True},
     Outcome.SUCCEEDED, None),
    ("authenticationRequiredSetupForOffSession", {"off_session": True}, Outcome.SUCCEEDED,
     None),
    ("authenticationRequiredSetupForOffSession", {}, Outcome.REQUIRES_ACTION, None),
    ("threeDSecureOptional", {}, Outcome.SUCCEEDED, None),
])
def test_the_processor_follows_stripes_test_cards(card, overrides, outcome, code):
    result = SimulatedProcessor().authorize(request("k", card, **overrides))

    assert result.outcome == outcome
    assert (result.decline.code if result.decline else None) == code


def test_the_ledger_has_one_row_per_step_of_a_payment(api):
    # given a hold captured, and a hold canceled
    captured = authorized_intent(api)
    ok(api.post(f"/v1/payment_intents/{captured['id']}/capture", {"amount_to_capture": 700}))
    voided = authorized_intent(api)
    ok(api.post(f"/v1/payment_intents/{voided['id']}/cancel"))

    # then
    rows = {row.idempotency_key: row for row in SimulatedOperation.objects.all()}
    assert set(rows) == {f"{captured['id']}:confirm:1", f"{captured['id']}:capture",
                         f"{voided['id']}:confirm:1", f"{voided['id']}:cancel"}
    assert rows[f"{captured['id']}:capture"].kind == "capture"
    assert rows[f"{captured['id']}:capture"].amount == 700
    assert rows[f"{voided['id']}:cancel"].kind == "void"
    assert (rows[f"{captured['id']}:capture"].reference
            == rows[f"{captured['id']}:confirm:1"].reference)


def test_each_attempt_of_an_intent_has_its_own_key(api):
    declined = api.post("/v1/payment_intents", {"amount": 1000, "currency": "usd",
                                                "payment_method": "pm_card_chargeDeclined",
                                                "confirm": True})
    intent_id = error_of(declined, 402)["payment_intent"]["id"]
    ok(api.post(f"/v1/payment_intents/{intent_id}/confirm", {"payment_method": "pm_card_visa"}))

    keys = set(SimulatedOperation.objects.values_list("idempotency_key", flat=True))
    assert keys == {f"{intent_id}:confirm:1", f"{intent_id}:confirm:2"}


def test_a_real_card_number_is_declined_in_test_mode(api):
    # given a valid number that is none of Stripe's test cards
    method = card_payment_method(api, "4111111111111111")
    jenny = customer(api)

    # when it is attached, and when it pays
    attached = api.post(f"/v1/payment_methods/{method['id']}/attach", {"customer": jenny["id"]})
    paid = api.post("/v1/payment_intents", {"amount": 1000, "currency": "usd", "confirm": True,
                                            "payment_method": method["id"]})

    # then both are Stripe's test-mode decline
    for response in (attached, paid):
        error = error_of(response, 402)
        assert (error["code"], error["decline_code"]) == ("card_declined",
                                                          "test_mode_live_card")


def test_a_card_that_is_set_up_on_session_pays_off_session(api):
    # given the …0446 card: off-session fine, on-session needs 3-D Secure
    jenny, method = customer(api), card_payment_method(api, "4000003800000446")
    attach(api, method["id"], jenny["id"])

    off = paid_intent(api, customer=jenny["id"], payment_method=method["id"], off_session=True)
    on = intent(api, customer=jenny["id"], payment_method=method["id"], confirm=True)

    assert off["status"] == "succeeded"
    assert on["status"] == "requires_action"
