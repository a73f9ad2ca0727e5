"""Simultaneous refunds on PostgreSQL: never more than was captured, and a batch's items,
shared by several workers, each refunded once."""

import threading

import pytest
from django.db import connection

from payments.models import Charge
from refunds import services
from refunds.models import Refund, RefundBatch
from tests.conftest import Api, needs_postgres
from tests.payments.factories import paid_intent


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_refunds_accept_only_what_the_charge_holds(account, settings):
    # given a 2000 payment, and ten clients each refunding 300 of it at the same moment
    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 3600
    paid = paid_intent(account.api(), amount=2000)
    threads_count = 10
    barrier = threading.Barrier(threads_count)
    responses: list = [None] * threads_count
    errors: list[BaseException] = []
    token = account.key()

    def send(index: int) -> None:
        try:
            api = Api(token)
            barrier.wait(timeout=30)
            responses[index] = api.post("/v1/refunds", {"payment_intent": paid["id"],
                                                        "amount": 300})
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(threads_count)]
    # when they all run
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then exactly six are accepted and the rest refused for the amount
    assert not errors, errors
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
    monkeypatch.setattr(services, "_batch_chunk_on_commit", lambda *args: None)
    api = account.api()
    charges = [paid_intent(api, amount=2000)["latest_charge"] for _ in range(4)]
    items = [({"charge": charges[n % 4], "amount": 300}, None) for n in range(60)]
    batch = services.refund_batch_create(merchant=account.merchant, livemode=False,
                                         items=items)
    ranges = [(0, 60), (0, 60), (0, 30), (30, 60), (0, 60), (30, 60)]
    barrier = threading.Barrier(len(ranges))
    processed: list[int] = []
    errors: list[BaseException] = []

    def work(start: int, stop: int) -> None:
        try:
            barrier.wait(timeout=30)
            processed.append(services.refund_batch_process(batch_id=batch.id, start=start,
                                                           stop=stop))
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=bounds) for bounds in ranges]
    # when the workers run together
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    # then every item was processed exactly once, and each charge refunded six times 300
    assert not errors, errors
    assert sum(processed) == 60
    shown = services.selectors.refund_batch_get(id=batch.id, merchant=account.merchant,
                                                livemode=False)
    assert shown.status == RefundBatch.Status.COMPLETED
    assert (shown.succeeded_count, shown.failed_count) == (24, 36)
    assert Refund.objects.count() == 24
    for charge_id in charges:
        charge = Charge.objects.get(pk=charge_id)
        assert charge.amount_refunded == 1800
        assert Refund.objects.filter(charge=charge).count() == 6
