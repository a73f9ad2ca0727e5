"""Batches of refunds: each item on its own, the batch idempotent, nothing refunded twice."""

from datetime import timedelta

import pytest
from django.utils import timezone

from payments.models import Charge
from refunds import services, tasks
from refunds.models import Refund, RefundBatch
from tests.api.helpers import error_of
from tests.payments.factories import ok, paid_intent


def batch(api, refunds, capture, headers=None):
    """POSTs a batch and runs what it enqueued on commit (the chunks), as a worker would."""
    with capture(execute=True):
        response = api.post("/v1/refunds/batch", {"refunds": refunds}, headers=headers)
    return response


def shown(api, batch_id: str) -> dict:
    return ok(api.get(f"/v1/refunds/batch/{batch_id}"))


# -- outcomes ------------------------------------------------------------------------------

def test_good_items_refund_and_bad_ones_carry_their_error(
        api, django_capture_on_commit_callbacks):
    # given three paid intents, and one more to over-refund
    first, second, third, small = (paid_intent(api, amount=amount)
                                   for amount in (2000, 1500, 1000, 300))

    # when a batch refunds them, with two bad items among the good
    response = batch(api, [
        {"payment_intent": first["id"], "reason": "requested_by_customer",
         "metadata": {"order_id": "42"}},
        {"charge": second["latest_charge"], "amount": 500},
        {"payment_intent": small["id"], "amount": 5000},
        {"payment_intent": "pi_nobody"},
        {"payment_intent": third["id"], "amount": 1000},
    ], django_capture_on_commit_callbacks)

    # then the call accepted the batch
    accepted = ok(response)
    assert accepted["object"] == "refund_batch"
    assert accepted["id"].startswith("rfb_")
    assert accepted["total_count"] == 5
    # and once its chunks ran, it is completed with one outcome per item
    body = shown(api, accepted["id"])
    assert body["status"] == "completed"
    assert (body["total_count"], body["succeeded_count"], body["failed_count"]) == (5, 3, 2)
    items = body["items"]
    assert [item["index"] for item in items] == [0, 1, 2, 3, 4]
    assert [item["refund"] is not None for item in items] == [True, True, False, False, True]
    assert [item["error"] is None for item in items] == [True, True, False, False, True]
    assert items[2]["error"]["param"] == "amount"
    assert items[2]["error"]["type"] == "invalid_request_error"
    assert "greater than unrefunded amount" in items[2]["error"]["message"]
    assert (items[3]["error"]["code"], items[3]["error"]["param"]) == ("resource_missing",
                                                                       "payment_intent")
    # and the refunds are the ones asked for
    refunds = [ok(api.get(f"/v1/refunds/{items[i]['refund']}")) for i in (0, 1, 4)]
    assert [(r["payment_intent"], r["amount"]) for r in refunds] == [
        (first["id"], 2000), (second["id"], 500), (third["id"], 1000)]
    assert refunds[0]["reason"] == "requested_by_customer"
    assert refunds[0]["metadata"] == {"order_id": "42"}
    assert Refund.objects.count() == 3
    assert Charge.objects.get(pk=small["latest_charge"]).amount_refunded == 0


def test_two_items_over_one_charge_refund_only_what_it_holds(
        api, django_capture_on_commit_callbacks):
    # given a charge of 1000
    paid = paid_intent(api, amount=1000)

    # when two items each refund 700 of it
    response = batch(api, [{"charge": paid["latest_charge"], "amount": 700},
                           {"payment_intent": paid["id"], "amount": 700}],
                     django_capture_on_commit_callbacks)

    # then the first succeeds and the second is refused
    items = shown(api, ok(response)["id"])["items"]
    assert items[0]["refund"] is not None and items[0]["error"] is None
    assert items[1]["refund"] is None and items[1]["error"]["param"] == "amount"
    assert Charge.objects.get(pk=paid["latest_charge"]).amount_refunded == 700


def test_a_batch_larger_than_a_chunk_is_shared_out_and_completes(
        api, django_capture_on_commit_callbacks):
    # given 51 items (two chunks), all naming intents nobody has
    refunds = [{"payment_intent": f"pi_nobody_{n}"} for n in range(51)]

    # when
    with django_capture_on_commit_callbacks(execute=True) as enqueued:
        response = api.post("/v1/refunds/batch", {"refunds": refunds})

    # then two messages were enqueued, and every item has its error
    assert len(enqueued) == 2
    body = shown(api, ok(response)["id"])
    assert (body["status"], body["failed_count"], body["succeeded_count"]) == ("completed", 51,
                                                                               0)


# -- the array is checked up front -----------------------------------------------------------

@pytest.mark.parametrize(("item", "param"), [
    ({"charge": "ch_1", "payment_intent": "pi_1"}, "refunds[1][payment_intent]"),
    ({"amount": 100}, "refunds[1][charge]"),
    ({"charge": "ch_1", "amount": 0}, "refunds[1][amount]"),
    ({"charge": "ch_1", "reason": "bored"}, "refunds[1][reason]"),
    ({"charge": "ch_1", "currency": "usd"}, "refunds[1][currency]"),
])
def test_a_malformed_item_gets_its_own_error_and_the_others_proceed(
        api, item, param, django_capture_on_commit_callbacks):
    # given a good charge and a malformed second item
    paid = paid_intent(api, amount=1000)

    # when
    response = batch(api, [{"charge": paid["latest_charge"]}, item],
                     django_capture_on_commit_callbacks)

    # then the batch is accepted: the good item refunds, the malformed one carries its error
    accepted = ok(response)
    body = shown(api, accepted["id"])
    assert (body["status"], body["succeeded_count"], body["failed_count"]) == ("completed", 1,
                                                                               1)
    good, bad = body["items"]
    assert good["refund"] is not None and good["error"] is None
    assert bad["refund"] is None
    assert bad["error"]["type"] == "invalid_request_error"
    assert bad["error"]["param"] == param
    assert Refund.objects.count() == 1


def test_an_item_that_is_not_a_hash_refuses_the_whole_batch(api):
    error = error_of(api.post("/v1/refunds/batch", {"refunds": ["ch_1", "ch_2"]}), 400)

    assert error["param"].startswith("refunds")
    assert RefundBatch.objects.count() == 0


def test_a_batch_of_a_thousand_is_accepted_in_chunks(api, django_capture_on_commit_callbacks):
    # given the most a batch may hold
    refunds = [{"payment_intent": f"pi_nobody_{n}"} for n in range(services.BATCH_MAX_ITEMS)]

    # when it is sent (its chunks not yet run)
    with django_capture_on_commit_callbacks(execute=False) as enqueued:
        accepted = ok(api.post("/v1/refunds/batch", {"refunds": refunds}))

    # then it is accepted whole, one message per chunk of 50
    assert services.BATCH_MAX_ITEMS == 1000
    assert (accepted["status"], accepted["total_count"]) == ("processing", 1000)
    assert [item["index"] for item in accepted["items"]] == list(range(1000))
    assert len(enqueued) == 1000 // services.BATCH_CHUNK_SIZE


@pytest.mark.parametrize("refunds", [[], [{"charge": "ch_1"}] * 1001])
def test_an_empty_or_oversized_array_is_refused(api, refunds):
    error = error_of(api.post("/v1/refunds/batch", {"refunds": refunds}), 400)

    assert error["param"] == "refunds"
    assert RefundBatch.objects.count() == 0


# -- nothing twice -------------------------------------------------------------------------

def test_a_replay_with_the_same_idempotency_key_returns_the_same_batch(
        api, django_capture_on_commit_callbacks):
    # given a batch sent under a key
    paid = paid_intent(api, amount=1000)
    refunds = [{"payment_intent": paid["id"], "amount": 400}]
    headers = {"Idempotency-Key": "recall-2026-11"}
    first = ok(batch(api, refunds, django_capture_on_commit_callbacks, headers=headers))

    # when it is sent again under the same key
    replay = batch(api, refunds, django_capture_on_commit_callbacks, headers=headers)

    # then the same batch comes back and nothing new was refunded
    assert replay["Idempotent-Replayed"] == "true"
    assert ok(replay) == first
    assert RefundBatch.objects.count() == 1
    assert Refund.objects.count() == 1


def test_running_a_chunk_again_refunds_nothing_twice(api, django_capture_on_commit_callbacks):
    # given a batch whose chunk was not run yet
    paid = paid_intent(api, amount=1000)
    with django_capture_on_commit_callbacks(execute=False):
        accepted = ok(api.post("/v1/refunds/batch", {"refunds": [
            {"charge": paid["latest_charge"], "amount": 300},
            {"payment_intent": "pi_nobody"}]}))
    assert accepted["status"] == "processing"
    assert (accepted["succeeded_count"], accepted["failed_count"]) == (0, 0)
    assert [item["refund"] for item in accepted["items"]] == [None, None]

    # when its message is delivered, then delivered again
    with django_capture_on_commit_callbacks(execute=True):
        processed = [tasks.refund_batch_process(accepted["id"], 0, 50),
                     tasks.refund_batch_process(accepted["id"], 0, 50)]

    # then the second delivery found nothing left to do
    assert processed == [2, 0]
    body = shown(api, accepted["id"])
    assert (body["status"], body["succeeded_count"], body["failed_count"]) == ("completed", 1,
                                                                               1)
    assert Refund.objects.count() == 1
    assert Charge.objects.get(pk=paid["latest_charge"]).amount_refunded == 300


def test_a_batch_whose_message_was_lost_is_finished_by_the_sweep(
        api, django_capture_on_commit_callbacks):
    # given a batch accepted minutes ago whose chunk message never reached a worker
    paid = paid_intent(api, amount=1000)
    with django_capture_on_commit_callbacks(execute=False):
        accepted = ok(api.post("/v1/refunds/batch", {"refunds": [
            {"charge": paid["latest_charge"], "amount": 400}]}))
    fresh = services.refund_batches_resume()
    RefundBatch.objects.filter(pk=accepted["id"]).update(
        created=timezone.now() - services.BATCH_RESUME_AFTER - timedelta(seconds=1))

    # when beat's sweep runs
    with django_capture_on_commit_callbacks(execute=True):
        resumed = services.refund_batches_resume()

    # then a fresh batch was left to its message, and the stalled one is finished, once
    assert (fresh, resumed) == (0, 1)
    body = shown(api, accepted["id"])
    assert (body["status"], body["succeeded_count"]) == ("completed", 1)
    assert Charge.objects.get(pk=paid["latest_charge"]).amount_refunded == 400
    assert services.refund_batches_resume() == 0


# -- tenancy -------------------------------------------------------------------------------

def test_another_merchants_batch_is_missing(api, other_account,
                                            django_capture_on_commit_callbacks):
    # given a batch of this merchant's
    accepted = ok(batch(api, [{"payment_intent": "pi_nobody"}],
                        django_capture_on_commit_callbacks))

    # when another merchant asks for it
    error = error_of(other_account.api().get(f"/v1/refunds/batch/{accepted['id']}"), 404)

    # then it does not exist for them
    assert (error["code"], error["param"]) == ("resource_missing", "id")
    assert accepted["id"] in error["message"]
