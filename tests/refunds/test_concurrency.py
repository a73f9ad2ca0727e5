"""Simultaneous refunds of one charge on PostgreSQL: never more than was captured."""

import threading

import pytest
from django.db import connection

from payments.models import Charge
from refunds.models import Refund
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
