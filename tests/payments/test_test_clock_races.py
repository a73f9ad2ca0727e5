"""Races on one test clock, on real PostgreSQL: its lock keeps Stripe's limit of three
customers, one advance at a time, and no live customer on a deleted clock."""

import pytest

from payments.models import Customer, TestClock
from tests.concurrency import run_together
from tests.conftest import Api, needs_postgres
from tests.payments.factories import ok
from webhooks.models import Event

pytestmark = [needs_postgres(), pytest.mark.django_db(transaction=True)]

FROZEN = 1_893_456_000  # 2030-01-01: the events stay in their window
BASE = "/v1/test_helpers/test_clocks"


def test_six_simultaneous_customers_on_one_clock_make_three(account):
    token = account.key()
    test_clock = ok(Api(token).post(BASE, {"frozen_time": FROZEN}))

    responses = run_together(6, lambda _: Api(token).post(
        "/v1/customers", {"test_clock": test_clock["id"]}))

    assert sorted(r.status_code for r in responses) == [200] * 3 + [400] * 3
    assert all(r.json()["error"]["param"] == "test_clock"
               for r in responses if r.status_code == 400)
    assert Customer.objects.filter(test_clock_id=test_clock["id"]).count() == 3


def test_four_simultaneous_advances_advance_once(account):
    token = account.key()
    test_clock = ok(Api(token).post(BASE, {"frozen_time": FROZEN}))

    responses = run_together(4, lambda _: Api(token).post(
        f"{BASE}/{test_clock['id']}/advance", {"frozen_time": FROZEN + 86400}))

    assert sorted(r.status_code for r in responses) == [200, 400, 400, 400]
    assert TestClock.objects.get(pk=test_clock["id"]).status == "ready"
    assert Event.objects.filter(object_id=test_clock["id"],
                                type="test_helpers.test_clock.advancing").count() == 1


def test_a_customer_racing_its_clocks_deletion_never_outlives_it(account):
    token = account.key()
    for _ in range(3):
        test_clock = ok(Api(token).post(BASE, {"frozen_time": FROZEN}))

        def race(index: int, clock_id: str = test_clock["id"]):
            api = Api(token)
            if index == 0:
                return api.delete(f"{BASE}/{clock_id}")
            return api.post("/v1/customers", {"test_clock": clock_id})

        deleted, *created = run_together(3, race)

        assert deleted.status_code == 200, deleted.content
        assert {r.status_code for r in created} <= {200, 404}
        assert not Customer.objects.filter(test_clock_id=test_clock["id"],
                                           deleted_at__isnull=True).exists()
