"""Races on the legacy surface, on PostgreSQL: a card token pays once, however many
requests spend it at the same moment."""

import pytest

from payments.models import Charge, PaymentIntent
from tests.concurrency import run_together
from tests.conftest import Api, needs_postgres
from tests.payments.factories import NEXT_YEAR, ok

pytestmark = [needs_postgres(), pytest.mark.django_db(transaction=True)]


def test_six_simultaneous_charges_of_one_token_make_one_payment(account):
    # given a card token, and six clients charging it at once
    key = account.key()
    token = ok(Api(key).post("/v1/tokens", {"card": {
        "number": "4242424242424242", "exp_month": 12, "exp_year": NEXT_YEAR}}))

    # when
    responses = run_together(6, lambda _: Api(key).post(
        "/v1/charges", {"amount": 1000, "currency": "usd", "source": token["id"]}))

    # then one charge was made; every other request was refused as a second use
    paid = [r for r in responses if r.status_code == 200]
    assert len(paid) == 1, [r.status_code for r in responses]
    for response in responses:
        if response.status_code != 200:
            assert response.status_code == 400, response.content
            assert response.json()["error"]["code"] == "token_already_used"
    assert Charge.objects.count() == 1
    assert PaymentIntent.objects.count() == 1
