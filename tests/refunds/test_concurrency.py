"""Simultaneous refunds on PostgreSQL: never more than was captured, and a batch's items,
shared by several workers, each refunded once."""

import pytest

from core.actor import Actor
from payments.models import Charge
from refunds import selectors, services
from refunds.models import Refund, RefundBatch
from refunds.services import batches
from tests.concurrency import run_together
from tests.conftest import Api, needs_postgres
from tests.payments.factories import authorized_intent, paid_intent, secret_key_id


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_refunds_accept_only_what_the_charge_holds(account, settings):
    # given a 2000 payment, and ten clients each refunding 300 of it at the same moment
    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 3600
    paid = paid_intent(account.api(), amount=2000)
    token = account.key()
    apis = [Api(token) for _ in range(10)]

    # when they all run
    responses = run_together(10, lambda i: apis[i].post(
        "/v1/refunds", {"payment_intent": paid["id"], "amount": 300}), timeout=60)

    # then exactly six are accepted and the rest refused for the amount
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200] * 6 + [400] * 4, statuses
    for response in responses:
        if response.status_code == 400:
            assert response.json()["error"]["param"] == "amount"
    charge = Charge.objects.get(pk=paid["latest_charge"])
    assert (charge.amount_refunded, charge.refunded) == (1800, False)
    assert Refund.objects.filter(charge=charge).count() == 6


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_workers_sharing_a_batch_refund_each_item_once(account, settings, monkeypatch):
    # given a batch of 60 items of 300 over four 2000 charges (more than they hold), whose
    # chunk messages are delivered to several workers at once (and redelivered)
    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 3600
    monkeypatch.setattr(batches, "_batch_chunk_on_commit", lambda *args: None)
    api = account.api()
    charges = [paid_intent(api, amount=2000)["latest_charge"] for _ in range(4)]
    items = [services.RefundRequest(charge=charges[n % 4], amount=300) for n in range(60)]
    batch = services.refund_batch_create(merchant=account.merchant, livemode=False,
                                         items=items, actor=Actor(secret_key_id(account)))
    ranges = [(0, 60), (0, 60), (0, 30), (30, 60), (0, 60), (30, 60)]

    # when the workers run together
    processed = run_together(len(ranges), lambda i: services.refund_batch_process(
        batch_id=batch.id, start=ranges[i][0], stop=ranges[i][1]), timeout=120)

    # then every item was processed exactly once, and each charge refunded six times 300
    assert sum(processed) == 60
    shown = selectors.refund_batch_get(id=batch.id, merchant=account.merchant,
                                       livemode=False)
    assert shown.status == RefundBatch.Status.COMPLETED
    assert (shown.succeeded_count, shown.failed_count) == (24, 36)
    assert Refund.objects.count() == 24
    for charge_id in charges:
        charge = Charge.objects.get(pk=charge_id)
        assert charge.amount_refunded == 1800
        assert Refund.objects.filter(charge=charge).count() == 6


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_simultaneous_refunds_of_an_authorization_release_it_once(account):
    # given an uncaptured authorization, and five clients refunding it at the same moment
    held = authorized_intent(account.api(), amount=3000)
    token = account.key()
    apis = [Api(token) for _ in range(5)]

    # when they all run
    responses = run_together(5, lambda i: apis[i].post(
        "/v1/refunds", {"payment_intent": held["id"]}), timeout=60)

    # then one releases it; the others are refused (already refunded, no longer uncaptured,
    # or the intent busy with the release), and one refund records it
    statuses = sorted(r.status_code for r in responses)
    assert statuses.count(200) == 1, [r.content for r in responses]
    assert all(status in (400, 429) for status in statuses if status != 200)
    [released] = Refund.objects.all()
    assert (released.status, released.amount) == ("succeeded", 3000)
    charge = Charge.objects.get(pk=held["latest_charge"])
    assert (charge.amount_refunded, charge.refunded) == (3000, True)
