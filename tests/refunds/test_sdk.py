"""The official `stripe` SDK refunding a payment against a live Till server."""

import pytest
import stripe

from tests.conftest import Account, make_account


@pytest.fixture
def client(live_server, transactional_db, monkeypatch):
    monkeypatch.setattr(stripe, "enable_telemetry", False)
    monkeypatch.setattr(stripe, "max_network_retries", 0)
    account: Account = make_account("SDK")
    http = stripe.RequestsClient()
    yield stripe.StripeClient(account.key(), base_addresses={"api": live_server.url},
                              max_network_retries=0, http_client=http)
    http.close()


def test_the_sdk_refunds_a_payment(client, settings):
    # given a payment made through the SDK
    settings.TILL_SIMULATED_SETTLEMENT_SECONDS = 3600
    paid = client.v1.payment_intents.create(params={
        "amount": 2000, "currency": "usd", "payment_method": "pm_card_visa", "confirm": True})

    # when it is refunded in part, then the rest
    first = client.v1.refunds.create(params={"payment_intent": paid.id, "amount": 500})
    rest = client.v1.refunds.create(params={"payment_intent": paid.id})

    # then
    assert isinstance(first, stripe.Refund)
    assert (first.amount, first.status, first.charge) == (500, "pending", paid.latest_charge)
    assert rest.amount == 1500
    assert client.v1.refunds.retrieve(first.id).id == first.id
    listed = client.v1.refunds.list(params={"payment_intent": paid.id})
    assert [r.id for r in listed.data] == [rest.id, first.id]
    charge = client.v1.charges.retrieve(paid.latest_charge)
    assert (charge.amount_refunded, charge.refunded) == (2000, True)
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.refunds.create(params={"payment_intent": paid.id})
    assert raised.value.code == "charge_already_refunded"
