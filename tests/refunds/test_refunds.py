"""Refunds as a merchant sees them: full and partial, the refusals, settlement, lists."""

from datetime import timedelta

import pytest
from django.utils import timezone

from payments.models import Charge
from refunds import services
from refunds.models import Refund
from tests.api.helpers import error_of
from tests.payments.factories import authorized_intent, intent, ok, paid_intent
from webhooks.models import Event


def refund(api, **params):
    return api.post("/v1/refunds", params)


def charge_of(paid: dict) -> Charge:
    return Charge.objects.get(pk=paid["latest_charge"])


# -- full and partial --------------------------------------------------------------------

def test_full_refund_by_payment_intent(api):
    # given
    paid = paid_intent(api, amount=2000)

    # when
    refunded = ok(refund(api, payment_intent=paid["id"], reason="requested_by_customer",
                         metadata={"order_id": "42"}))

    # then
    assert refunded["id"].startswith("re_")
    assert refunded["object"] == "refund"
    assert (refunded["amount"], refunded["currency"], refunded["status"]) == (2000, "usd",
                                                                              "pending")
    assert (refunded["charge"], refunded["payment_intent"]) == (paid["latest_charge"],
                                                                paid["id"])
    assert refunded["reason"] == "requested_by_customer"
    assert refunded["metadata"] == {"order_id": "42"}
    # the refund's debit, booked at once: the charge's fee is not given back
    debit = ok(api.get(f"/v1/balance_transactions/{refunded['balance_transaction']}"))
    assert (debit["type"], debit["amount"], debit["fee"], debit["net"], debit["source"]) == (
        "refund", -2000, 0, -2000, refunded["id"])
    assert "failure_balance_transaction" not in refunded
    assert "failure_reason" not in refunded  # Stripe's is there only once a refund failed
    # the money goes back to the card, as Stripe shows a card refund's destination (its
    # acquirer reference number pending while the refund is)
    assert refunded["destination_details"] == {
        "card": {"reference_status": "pending", "reference_type": "acquirer_reference_number",
                 "type": "refund"},
        "type": "card"}
    for field in ("receipt_number", "source_transfer_reversal", "transfer_reversal"):
        assert refunded[field] is None
    charge = ok(api.get(f"/v1/charges/{paid['latest_charge']}"))
    assert (charge["amount_refunded"], charge["refunded"]) == (2000, True)
    assert ok(api.get(f"/v1/payment_intents/{paid['id']}"))["status"] == "succeeded"


def test_full_refund_by_charge(api):
    paid = paid_intent(api, amount=1500)

    refunded = ok(refund(api, charge=paid["latest_charge"]))

    assert (refunded["amount"], refunded["payment_intent"]) == (1500, paid["id"])
    assert ok(api.get(f"/v1/refunds/{refunded['id']}")) == refunded
    assert charge_of(paid).refunded is True


def test_partial_refunds_up_to_the_full_amount_then_already_refunded(api):
    # given
    paid = paid_intent(api, amount=2000)

    # when it is refunded in three parts
    amounts = [ok(refund(api, payment_intent=paid["id"], amount=500))["amount"],
               ok(refund(api, charge=paid["latest_charge"], amount=700))["amount"],
               ok(refund(api, payment_intent=paid["id"]))["amount"]]

    # then the last takes what remained, and the charge is fully refunded
    assert amounts == [500, 700, 800]
    charge = charge_of(paid)
    assert (charge.amount_refunded, charge.refunded) == (2000, True)
    # and one more is refused, creating nothing
    error = error_of(refund(api, payment_intent=paid["id"], amount=1), 400)
    assert error["code"] == "charge_already_refunded"
    assert error["message"] == f"Charge {paid['latest_charge']} has already been refunded."
    assert Refund.objects.count() == 3


def test_a_partly_captured_charge_refunds_what_was_captured_and_no_more(api):
    # given a 3000 hold of which 1800 was captured (1200 released, shown as refunded)
    held = authorized_intent(api, amount=3000)
    ok(api.post(f"/v1/payment_intents/{held['id']}/capture", {"amount_to_capture": 1800}))

    # when the merchant refunds 1000, then the rest by default
    first = ok(refund(api, payment_intent=held["id"], amount=1000))
    charge = ok(api.get(f"/v1/charges/{held['latest_charge']}"))
    assert (charge["amount_refunded"], charge["refunded"]) == (2200, False)
    rest = ok(refund(api, payment_intent=held["id"]))

    # then the default takes what was captured and remains, and the charge is refunded
    assert (first["amount"], rest["amount"]) == (1000, 800)
    charge = ok(api.get(f"/v1/charges/{held['latest_charge']}"))
    assert (charge["amount_refunded"], charge["refunded"]) == (3000, True)
    assert error_of(refund(api, payment_intent=held["id"], amount=1),
                    400)["code"] == "charge_already_refunded"


def test_over_refund_names_amount_with_formatted_amounts(api):
    paid = paid_intent(api, amount=2000)
    ok(refund(api, payment_intent=paid["id"], amount=500))

    error = error_of(refund(api, payment_intent=paid["id"], amount=3000), 400)

    assert error["param"] == "amount"
    assert error["message"] == ("Refund amount ($30.00 USD) is greater than unrefunded "
                                "amount on charge ($15.00 USD)")
    assert Refund.objects.count() == 1
    assert charge_of(paid).amount_refunded == 500


@pytest.mark.parametrize("amount", [0, -5])
def test_an_amount_below_one_is_refused(api, amount):
    paid = paid_intent(api)

    error = error_of(refund(api, payment_intent=paid["id"], amount=amount), 400)

    assert error["param"] == "amount"
    assert not Refund.objects.exists()


@pytest.mark.parametrize(("params", "param"), [
    ({}, "charge"),
    ({"charge": "ch_x", "payment_intent": "pi_x"}, "payment_intent"),
])
def test_exactly_one_of_charge_and_payment_intent(api, params, param):
    error = error_of(refund(api, **params), 400)
    assert error["param"] == param


# -- refusals --------------------------------------------------------------------------

def test_refunding_an_uncaptured_authorization_releases_it(api):
    # given an authorization that was never captured
    held = authorized_intent(api)

    # when the merchant refunds it
    released = ok(refund(api, payment_intent=held["id"], reason="requested_by_customer"))

    # then the hold is released, as Stripe does: the intent is canceled, the charge shows the
    # whole amount refunded, and a succeeded refund records it
    assert (released["status"], released["amount"]) == ("succeeded", held["amount"])
    assert released["reason"] == "requested_by_customer"
    assert api.get(f"/v1/payment_intents/{held['id']}").json()["status"] == "canceled"
    charge = charge_of(held)
    assert (charge.amount_refunded, charge.refunded, charge.captured) == (
        held["amount"], True, False)
    assert Refund.objects.get().status == "succeeded"
    # and a second refund finds nothing left to release
    again = error_of(refund(api, payment_intent=held["id"]), 400)
    assert again["code"] == "payment_intent_unexpected_state"
    assert Refund.objects.count() == 1


def test_an_uncaptured_authorization_is_released_whole_or_not_at_all(api):
    held = authorized_intent(api)

    error = error_of(refund(api, charge=held["latest_charge"], amount=500), 400)

    assert error["param"] == "amount"
    assert "releases the whole authorization" in error["message"]
    assert not Refund.objects.exists()
    assert api.get(f"/v1/payment_intents/{held['id']}").json()["status"] == "requires_capture"


def test_a_canceled_intent_cannot_be_refunded(api):
    canceled = ok(api.post(f"/v1/payment_intents/{intent(api)['id']}/cancel"))

    error = error_of(refund(api, payment_intent=canceled["id"]), 400)

    assert error["code"] == "payment_intent_unexpected_state"
    assert "canceled" in error["message"]
    assert not Refund.objects.exists()


@pytest.mark.parametrize("confirm", [False, True])
def test_an_unpaid_intent_cannot_be_refunded(api, confirm):
    # given an intent never paid: not confirmed, or declined (back to a payment method)
    unpaid = intent(api)
    if confirm:
        api.post(f"/v1/payment_intents/{unpaid['id']}/confirm",
                 {"payment_method": "pm_card_chargeDeclined"})
    status = api.get(f"/v1/payment_intents/{unpaid['id']}").json()["status"]
    assert status in ("requires_payment_method", "requires_confirmation")

    # when
    error = error_of(refund(api, payment_intent=unpaid["id"]), 400)

    # then
    assert (error["code"], error["param"]) == ("payment_intent_unexpected_state",
                                               "payment_intent")
    assert f"status of {status}" in error["message"]
    assert not Refund.objects.exists()


def test_a_declined_charge_cannot_be_refunded(api):
    # given a payment whose first charge was declined and second succeeded
    paying = intent(api)
    api.post(f"/v1/payment_intents/{paying['id']}/confirm",
             {"payment_method": "pm_card_chargeDeclined"})
    declined = Charge.objects.get(payment_intent_id=paying["id"])
    ok(api.post(f"/v1/payment_intents/{paying['id']}/confirm",
                {"payment_method": "pm_card_visa"}))

    # when the declined charge is refunded
    error = error_of(refund(api, charge=declined.id), 400)

    # then nothing was captured on it to refund
    assert (error["code"], error["param"]) == ("charge_not_refundable", "charge")
    assert not Refund.objects.exists()


def test_a_reason_outside_stripes_enum_is_refused(api):
    paid = paid_intent(api)

    error = error_of(refund(api, payment_intent=paid["id"], reason="bored"), 400)

    assert error["param"] == "reason"
    assert not Refund.objects.exists()


@pytest.mark.parametrize(("window_days", "age", "refused"), [
    (1, timedelta(hours=23), False),
    (1, timedelta(hours=25), True),
    (30, timedelta(days=29), False),
])
def test_the_refund_window_is_configurable(api, settings, window_days, age, refused):
    # given a refund window of `window_days` and a charge made `age` ago
    settings.TILL_REFUND_WINDOW_DAYS = window_days
    paid = paid_intent(api)
    Charge.objects.filter(pk=paid["latest_charge"]).update(created=timezone.now() - age)

    # when
    response = refund(api, payment_intent=paid["id"])

    # then
    if refused:
        assert error_of(response, 400)["code"] == "charge_expired_for_refund"
        assert f"older than {window_days} days" in response.json()["error"]["message"]
    else:
        assert ok(response)["status"] == "pending"


def test_a_charge_past_the_refund_window_is_expired(api, settings):
    # given a charge made longer ago than the window
    paid = paid_intent(api)
    Charge.objects.filter(pk=paid["latest_charge"]).update(
        created=timezone.now() - timedelta(days=settings.TILL_REFUND_WINDOW_DAYS + 1))

    # when
    error = error_of(refund(api, payment_intent=paid["id"]), 400)

    # then
    assert error["code"] == "charge_expired_for_refund"
    assert not Refund.objects.exists()


def test_a_disputed_charge_cannot_be_refunded(api):
    paid = paid_intent(api)
    Charge.objects.filter(pk=paid["latest_charge"]).update(disputed=True)

    error = error_of(refund(api, charge=paid["latest_charge"]), 400)

    assert error["code"] == "charge_disputed"
    assert not Refund.objects.exists()


@pytest.mark.parametrize(("param", "object_id"), [("payment_intent", "pi_nope"),
                                                  ("charge", "ch_nope")])
def test_an_unknown_id_is_missing(api, param, object_id):
    error = error_of(refund(api, **{param: object_id}), 404)
    assert (error["code"], error["param"]) == ("resource_missing", param)


def test_another_merchants_charge_and_refund_are_missing(api, other_account):
    paid = paid_intent(api)
    mine = ok(refund(api, payment_intent=paid["id"], amount=100))
    intruder = other_account.api()

    assert error_of(intruder.post("/v1/refunds", {"charge": paid["latest_charge"]}),
                    404)["param"] == "charge"
    assert error_of(intruder.post("/v1/refunds", {"payment_intent": paid["id"]}),
                    404)["param"] == "payment_intent"
    assert error_of(intruder.get(f"/v1/refunds/{mine['id']}"), 404)["param"] == "id"
    assert Refund.objects.count() == 1


# -- settlement --------------------------------------------------------------------------

def test_a_refund_settles_as_succeeded(api, settings, django_capture_on_commit_callbacks):
    # given an acquirer that settles at once
    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 0
    paid = paid_intent(api, amount=2000)
    first_event = Event.objects.count()

    # when the refund is made and its settlement runs
    with django_capture_on_commit_callbacks(execute=True):
        made = ok(refund(api, payment_intent=paid["id"]))

    # then
    shown = ok(api.get(f"/v1/refunds/{made['id']}"))
    assert shown["status"] == "succeeded" and "failure_reason" not in shown
    assert (charge_of(paid).amount_refunded, charge_of(paid).refunded) == (2000, True)
    events = Event.objects.order_by("created")[first_event:]
    assert [e.type for e in events] == ["refund.created", "charge.refunded", "refund.updated",
                                        "charge.refund.updated"]
    updated = events[2]
    # (the simulated acquirer gives no reference number: once sent, it is unavailable)
    assert updated.data["previous_attributes"] == {
        "status": "pending", "destination_details": {
            "card": {"reference_status": "pending",
                     "reference_type": "acquirer_reference_number", "type": "refund"},
            "type": "card"}}
    assert shown["destination_details"]["card"]["reference_status"] == "unavailable"


def test_a_refund_to_a_card_that_refuses_it_fails(api, settings,
                                                  django_capture_on_commit_callbacks):
    # given a payment on pm_card_refundFail, partly refunded already
    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 3600
    paid = paid_intent(api, payment_method="pm_card_refundFail", amount=2000)
    ok(refund(api, payment_intent=paid["id"], amount=300))
    assert charge_of(paid).amount_refunded == 300
    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 0

    # when another refund is made and settles
    with django_capture_on_commit_callbacks(execute=True):
        made = ok(refund(api, payment_intent=paid["id"], amount=500))

    # then it failed and the charge has its amount back
    shown = ok(api.get(f"/v1/refunds/{made['id']}"))
    assert (shown["status"], shown["failure_reason"]) == ("failed", "declined")
    charge = charge_of(paid)
    assert (charge.amount_refunded, charge.refunded) == (300, False)
    types = list(Event.objects.filter(data__object__id=made["id"]).order_by("created")
                 .values_list("type", flat=True))
    assert types == ["refund.created", "refund.failed", "refund.updated",
                     "charge.refund.updated"]


def test_the_sweep_settles_pending_refunds(api, settings):
    # given a refund accepted while the acquirer takes its time
    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 3600
    paid = paid_intent(api)
    made = ok(refund(api, payment_intent=paid["id"]))
    assert services.refunds_settle_due() == 0

    # when its time has come and the sweep runs
    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 0
    from payments.models import SimulatedOperation
    operation = SimulatedOperation.objects.get(pk=f"{made['id']}:refund")
    operation.result = {**operation.result, "settle_at": timezone.now().isoformat()}
    operation.save()
    settled = services.refunds_settle_due()

    # then
    assert settled == 1
    assert ok(api.get(f"/v1/refunds/{made['id']}"))["status"] == "succeeded"
    assert services.refunds_settle_due() == 0


# -- update, cancel, list ----------------------------------------------------------------

def test_metadata_is_the_only_thing_an_update_changes(api):
    made = ok(refund(api, payment_intent=paid_intent(api)["id"]))

    updated = ok(api.post(f"/v1/refunds/{made['id']}", {"metadata": {"note": "late"}}))
    refused = error_of(api.post(f"/v1/refunds/{made['id']}", {"amount": 1}), 400)

    assert updated["metadata"] == {"note": "late"}
    assert refused["code"] == "parameter_unknown"
    assert Event.objects.filter(type="refund.updated").count() == 1


def test_a_card_refund_cannot_be_canceled(api):
    paid = paid_intent(api)
    made = ok(refund(api, payment_intent=paid["id"]))

    error = error_of(api.post(f"/v1/refunds/{made['id']}/cancel"), 400)

    assert error["code"] == "refund_unexpected_state"
    assert "pending" in error["message"]
    assert ok(api.get(f"/v1/refunds/{made['id']}"))["status"] == "pending"
    assert charge_of(paid).amount_refunded == 2000


def test_a_refund_awaiting_action_can_be_canceled_and_gives_the_amount_back(api):
    paid = paid_intent(api, amount=2000)
    made = ok(refund(api, payment_intent=paid["id"], amount=600))
    Refund.objects.filter(pk=made["id"]).update(status="requires_action")

    canceled = ok(api.post(f"/v1/refunds/{made['id']}/cancel"))

    assert canceled["status"] == "canceled"
    assert (charge_of(paid).amount_refunded, charge_of(paid).refunded) == (0, False)
    assert ok(refund(api, payment_intent=paid["id"]))["amount"] == 2000


def test_lists_filter_by_payment_intent_charge_and_created(api):
    # given two payments with refunds
    first, second = paid_intent(api), paid_intent(api)
    a = ok(refund(api, payment_intent=first["id"], amount=100))["id"]
    b = ok(refund(api, payment_intent=first["id"], amount=100))["id"]
    c = ok(refund(api, payment_intent=second["id"]))["id"]

    def listed(**filters) -> list[str]:
        return [r["id"] for r in ok(api.get("/v1/refunds", filters))["data"]]

    # then
    assert listed() == [c, b, a]
    assert listed(payment_intent=first["id"]) == [b, a]
    assert listed(charge=second["latest_charge"]) == [c]
    assert listed(created={"gte": 0}, limit=2) == [c, b]
    assert listed(created={"lt": 1}) == []
