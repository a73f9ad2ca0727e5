"""Refund approvals over the API: above the merchant's threshold a refund waits in
`pending_approval` (counted on the charge, the processor not asked) until it is approved
(then refunded as any other) or rejected (canceled, the amount given back)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.actor import Actor
from core.exceptions import InvalidParameter
from core.models import StatusChange
from core.money import Money
from merchants.models import ApiKey, Membership, hash_api_key
from merchants.services import api_key_roll
from payments.models import Charge, SimulatedOperation
from refunds import services
from refunds.models import Refund
from tests.api.helpers import error_of
from tests.conftest import Api
from tests.payments.factories import (
    another_secret_key,
    event_types,
    ok,
    paid_intent,
    secret_key_id,
)


def refund(api, **params):
    return api.post("/v1/refunds", params)


def charge_of(paid: dict) -> Charge:
    return Charge.objects.get(pk=paid["latest_charge"])


def approvals_above(account, threshold: int | None, currency: str = "usd") -> None:
    account.merchant.refund_approval_thresholds = (
        {} if threshold is None else {currency: threshold})
    account.merchant.save()


def waiting_refund(api, account, amount: int = 1500, paid_amount: int = 2000
                   ) -> tuple[dict, dict]:
    approvals_above(account, 1000)
    paid = paid_intent(api, amount=paid_amount)
    made = ok(refund(api, payment_intent=paid["id"], amount=amount))
    assert made["status"] == "pending_approval"
    return paid, made


def asked_processor(refund_id: str) -> bool:
    return SimulatedOperation.objects.filter(pk=f"{refund_id}:refund").exists()


# -- creation ------------------------------------------------------------------------------

def test_a_refund_above_the_threshold_waits_counted_on_the_charge(api, account):
    # given a merchant whose refunds above 10.00 need approval
    approvals_above(account, 1000)
    paid = paid_intent(api, amount=2000)

    # when a refund of 15.00 is made
    made = ok(refund(api, payment_intent=paid["id"], amount=1500))

    # then it waits, counted on the charge, and the processor was not asked
    assert (made["status"], made["amount"]) == ("pending_approval", 1500)
    charge = charge_of(paid)
    assert (charge.amount_refunded, charge.refunded) == (1500, False)
    assert not asked_processor(made["id"])
    assert event_types(made["id"]) == ["refund.created"]
    assert event_types(paid["latest_charge"])[-1] == "charge.refunded"


def test_a_refund_at_or_below_the_threshold_proceeds(api, account):
    approvals_above(account, 1000)
    paid = paid_intent(api, amount=2000)

    at = ok(refund(api, payment_intent=paid["id"], amount=1000))
    below = ok(refund(api, payment_intent=paid["id"], amount=999))

    assert (at["status"], below["status"]) == ("pending", "pending")
    assert asked_processor(at["id"]) and asked_processor(below["id"])


def test_without_a_threshold_nothing_waits(api, account):
    approvals_above(account, None)
    paid = paid_intent(api, amount=2000)

    made = ok(refund(api, payment_intent=paid["id"]))

    assert made["status"] == "pending"
    assert asked_processor(made["id"])


def test_each_currency_has_its_own_threshold(api, account):
    # given refunds above $10.00 wait, and refunds above ¥5,000
    services.refund_approval_threshold_set(merchant=account.merchant,
                                           threshold=Money(1000, "usd"))
    services.refund_approval_threshold_set(merchant=account.merchant,
                                           threshold=Money(5000, "jpy"))
    usd = paid_intent(api, amount=2000)
    jpy = paid_intent(api, amount=20000, currency="jpy")
    eur = paid_intent(api, amount=2000, currency="eur")

    # when ¥1,500 (1,500 minor units: more than 1,000, less than 5,000), $15.00 and €15.00
    # are refunded
    yen = ok(refund(api, payment_intent=jpy["id"], amount=1500))
    dollars = ok(refund(api, payment_intent=usd["id"], amount=1500))
    euros = ok(refund(api, payment_intent=eur["id"], amount=1500))

    # then only the dollars wait: the yen are under the yen threshold, and euros have none
    assert (yen["status"], dollars["status"], euros["status"]) == (
        "pending", "pending_approval", "pending")
    assert ok(refund(api, payment_intent=jpy["id"], amount=5001))["status"] == (
        "pending_approval")


def test_clearing_one_currencys_threshold_keeps_the_others(account):
    merchant = account.merchant
    services.refund_approval_threshold_set(merchant=merchant, threshold=Money(1000, "usd"))
    services.refund_approval_threshold_set(merchant=merchant, threshold=Money(500, "gbp"))

    services.refund_approval_threshold_clear(merchant=merchant, currency="usd")

    merchant.refresh_from_db()
    assert merchant.refund_approval_thresholds == {"gbp": 500}
    assert merchant.refund_approval_threshold("usd") is None
    assert merchant.refund_approval_threshold("gbp") == Money(500, "gbp")


@pytest.mark.parametrize(("call", "param"), [
    (lambda merchant: services.refund_approval_threshold_set(
        merchant=merchant, threshold=Money(1000, "xyz")), "currency"),
    (lambda merchant: services.refund_approval_threshold_set(
        merchant=merchant, threshold=Money(-1, "usd")), "threshold"),
    (lambda merchant: services.refund_approval_threshold_clear(
        merchant=merchant, currency="US"), "currency"),
])
def test_a_threshold_outside_tills_currencies_and_amounts_is_refused(account, call, param):
    with pytest.raises(InvalidParameter) as refused:
        call(account.merchant)

    assert refused.value.param == param
    account.merchant.refresh_from_db()
    assert account.merchant.refund_approval_thresholds == {}


@pytest.mark.parametrize("thresholds", [
    [1000], {"USD": 1000}, {"xyz": 1000}, {"usd": -1}, {"usd": 10.5}, {"usd": True},
    {"usd": 100_000_000},
])
def test_the_admin_refuses_thresholds_that_are_not_currency_amounts(account, thresholds):
    account.merchant.refund_approval_thresholds = thresholds

    with pytest.raises(ValidationError) as refused:
        account.merchant.full_clean()

    assert "refund_approval_thresholds" in refused.value.message_dict


def test_a_further_refund_cannot_exceed_what_the_waiting_one_leaves(api, account):
    # given 15.00 of 20.00 waiting for approval
    paid, _made = waiting_refund(api, account)

    # when 6.00 more is asked for
    error = error_of(refund(api, payment_intent=paid["id"], amount=600), 400)

    # then it is refused: only 5.00 remains
    assert error["param"] == "amount"
    assert "unrefunded amount on charge ($5.00 USD)" in error["message"]
    assert ok(refund(api, payment_intent=paid["id"], amount=500))["status"] == "pending"
    assert charge_of(paid).amount_refunded == 2000


# -- approve -------------------------------------------------------------------------------

def test_approving_refunds_it_as_any_other(api, account, settings,
                                           django_capture_on_commit_callbacks):
    # given a waiting refund and an acquirer that settles at once
    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 0
    paid, made = waiting_refund(api, account)

    # when it is approved, with another secret key than the one that asked for it
    creator_id = secret_key_id(account)
    approver = another_secret_key(account)
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        approved = ok(approver.post(f"/v1/refunds/{made['id']}/approve"))
    after = timezone.now()

    # then it is pending with the processor asked, and the settlement finishes it
    assert approved["status"] == "pending"
    assert asked_processor(made["id"])
    services.refunds_settle_due()
    assert ok(api.get(f"/v1/refunds/{made['id']}"))["status"] == "succeeded"
    assert charge_of(paid).amount_refunded == 1500
    assert event_types(made["id"])[:2] == ["refund.created", "refund.updated"]
    # and the audit log names the key that asked for it, the key that approved it, and when
    changes = list(StatusChange.objects.filter(object_id=made["id"]).order_by("at", "pk")
                   .values_list("source", "target", "actor", "at"))
    assert changes[0][:3] == ("created", "pending_approval", creator_id)
    approver_id = ApiKey.objects.get(key_hash=hash_api_key(approver.key)).id
    assert changes[1][:3] == ("pending_approval", "pending", approver_id)
    assert before <= changes[1][3] <= after


def test_approving_twice_is_refused_naming_the_status(api, account):
    _paid, made = waiting_refund(api, account)
    approver = another_secret_key(account)
    ok(approver.post(f"/v1/refunds/{made['id']}/approve"))

    error = error_of(approver.post(f"/v1/refunds/{made['id']}/approve"), 400)

    assert error["code"] == "refund_unexpected_state"
    assert "has a status of pending" in error["message"]
    assert "pending_approval" in error["message"]


def test_a_refund_that_never_waited_cannot_be_approved_or_rejected(api):
    paid = paid_intent(api, amount=2000)
    made = ok(refund(api, payment_intent=paid["id"]))

    for action in ("approve", "reject"):
        error = error_of(api.post(f"/v1/refunds/{made['id']}/{action}"), 400)
        assert error["code"] == "refund_unexpected_state"
        assert f"cannot {action} this refund" in error["message"]


# -- who may approve -------------------------------------------------------------------------

def assert_still_waiting(api, made: dict) -> None:
    """Nothing changed: still waiting, the processor not asked, no event but its creation,
    no audit record but its creation."""
    assert ok(api.get(f"/v1/refunds/{made['id']}"))["status"] == "pending_approval"
    assert not asked_processor(made["id"])
    assert event_types(made["id"]) == ["refund.created"]
    assert list(StatusChange.objects.filter(object_id=made["id"])
                .values_list("source", "target")) == [("created", "pending_approval")]


def test_the_key_that_asked_for_a_refund_cannot_approve_it(api, account):
    # given a refund waiting for approval, asked for with the merchant's secret key
    _paid, made = waiting_refund(api, account)

    # when the same key approves it
    response = api.post(f"/v1/refunds/{made['id']}/approve")

    # then it is refused, saying why and what would do, and nothing changed
    error = error_of(response, 400)
    assert (error["type"], error["code"], error["param"]) == (
        "invalid_request_error", "refund_approval_forbidden", "id")
    assert "cannot also approve it" in error["message"]
    assert "another secret key" in error["message"]
    assert_still_waiting(api, made)


def test_the_requester_is_recorded_on_the_refund_and_in_the_audit_log(api, account):
    _paid, made = waiting_refund(api, account)

    refund = Refund.objects.get(pk=made["id"])
    assert refund.requested_by == secret_key_id(account)
    change = StatusChange.objects.get(object_id=made["id"])
    assert (change.source, change.target, change.actor) == (
        "created", "pending_approval", secret_key_id(account))


@pytest.mark.parametrize("approver", ["rolled_into", "rolled_from"])
def test_a_key_of_the_same_roll_chain_cannot_approve_either(api, account, approver):
    # given the secret key rolled twice (old keys keep working for their grace period)
    first = ApiKey.objects.get(merchant=account.merchant, livemode=False,
                               kind=ApiKey.Kind.SECRET)
    second = api_key_roll(key_id=first.id, merchant=account.merchant)
    third = api_key_roll(key_id=second.key.id, merchant=account.merchant)
    if approver == "rolled_into":
        # a refund asked for with the first key, approved with the newest
        asker, approving = api, Api(third.token)
    else:
        # a refund asked for with the newest key, approved with the first (still in grace)
        asker, approving = Api(third.token), api
    _paid, made = waiting_refund(asker, account)

    # when a key of the same chain approves it
    error = error_of(approving.post(f"/v1/refunds/{made['id']}/approve"), 400)

    # then it is the same principal: refused
    assert error["code"] == "refund_approval_forbidden"
    assert_still_waiting(api, made)


def test_a_batch_refund_cannot_be_approved_by_the_key_that_sent_the_batch(
        api, account, django_capture_on_commit_callbacks):
    # given a batch, sent with the secret key and worked through by a worker (Till), whose
    # refund waits for approval
    approvals_above(account, 1000)
    paid = paid_intent(api, amount=2000)
    with django_capture_on_commit_callbacks(execute=True):
        batch = ok(api.post("/v1/refunds/batch", {"refunds": [
            {"payment_intent": paid["id"], "amount": 1500}]}))
    made = {"id": ok(api.get(f"/v1/refunds/batch/{batch['id']}"))["items"][0]["refund"]}
    assert Refund.objects.get(pk=made["id"]).requested_by == secret_key_id(account)

    # when the same key approves it: refused; another key may
    assert error_of(api.post(f"/v1/refunds/{made['id']}/approve"), 400)["code"] == (
        "refund_approval_forbidden")
    assert_still_waiting(api, made)
    assert ok(another_secret_key(account).post(
        f"/v1/refunds/{made['id']}/approve"))["status"] == "pending"


def test_a_refund_asked_for_in_the_dashboard_may_be_approved_with_a_key(api, account):
    # given a refund asked for by the owner in the dashboard
    approvals_above(account, 1000)
    paid = paid_intent(api, amount=2000)
    owner = Membership.objects.get(merchant=account.merchant).user
    refund = services.refund_create(merchant=account.merchant, livemode=False,
                                    payment_intent=paid["id"], amount=1500,
                                    actor=Actor.user(owner.pk))

    # when the merchant's server approves it with its secret key: another principal
    approved = ok(api.post(f"/v1/refunds/{refund.id}/approve"))

    assert approved["status"] == "pending"


# -- reject --------------------------------------------------------------------------------

def test_rejecting_cancels_it_and_gives_the_amount_back(api, account):
    # given a waiting refund
    paid, made = waiting_refund(api, account)

    # when it is rejected, by the key that asked for it (withdrawing one's own request
    # moves no money, so it needs nobody else)
    rejected = ok(api.post(f"/v1/refunds/{made['id']}/reject"))

    # then it is canceled, the charge has its amount back, the processor was never asked
    assert rejected["status"] == "canceled"
    charge = charge_of(paid)
    assert (charge.amount_refunded, charge.refunded) == (0, False)
    assert not asked_processor(made["id"])
    assert event_types(made["id"]) == ["refund.created", "refund.updated",
                                       "charge.refund.updated"]
    change = StatusChange.objects.get(object_id=made["id"], target="canceled")
    assert (change.source, change.target, change.actor) == ("pending_approval", "canceled",
                                                            secret_key_id(account))
    # and a rejected refund cannot be approved afterward
    error = error_of(api.post(f"/v1/refunds/{made['id']}/approve"), 400)
    assert "has a status of canceled" in error["message"]


def test_a_publishable_key_cannot_approve_or_reject(api, account):
    _paid, made = waiting_refund(api, account)
    publishable = account.api("test_publishable_key")

    for action in ("approve", "reject"):
        response = publishable.post(f"/v1/refunds/{made['id']}/{action}")
        assert response.status_code in (401, 403), response.content
    assert ok(api.get(f"/v1/refunds/{made['id']}"))["status"] == "pending_approval"


def test_rejecting_a_refund_that_no_longer_waits_names_its_status(api, account):
    # given a refund that waited for approval and was rejected
    _, made = waiting_refund(api, account)
    ok(api.post(f"/v1/refunds/{made['id']}/reject"))

    # when it is rejected again
    again = api.post(f"/v1/refunds/{made['id']}/reject")

    # then the error says what it is now and what would have been allowed
    message = error_of(again, 400)["message"]
    assert "status of canceled" in message
    assert message.endswith("may be rejected.")
