"""Checkout Sessions through the official `stripe` SDK: every endpoint as an integration
calls it."""

import pytest
import stripe


def test_every_session_endpoint_through_the_sdk(sdk):
    client = sdk.v1
    price = client.prices.create(params={"product_data": {"name": "Poster"},
                                         "unit_amount": 1500, "currency": "usd"})
    session = client.checkout.sessions.create(params={
        "mode": "payment", "success_url": "https://shop.example/ok?cs={CHECKOUT_SESSION_ID}",
        "line_items": [{"price": price.id, "quantity": 2}], "client_reference_id": "o-1"})
    assert (session.status, session.amount_total, session.client_reference_id) == (
        "open", 3000, "o-1")

    assert client.checkout.sessions.retrieve(session.id).url == session.url
    [item] = client.checkout.sessions.line_items.list(session.id).data
    assert (item.quantity, item.amount_total, item.price.id) == (2, 3000, price.id)
    assert [s.id for s in client.checkout.sessions.list(params={"status": "open"}).data] == [
        session.id]
    expanded = client.checkout.sessions.retrieve(session.id,
                                                 params={"expand": ["payment_intent"]})
    assert expanded.payment_intent.amount == 3000

    expired = client.checkout.sessions.expire(session.id)
    assert (expired.status, expired.url) == ("expired", None)
    assert client.payment_intents.retrieve(session.payment_intent).status == "canceled"
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.checkout.sessions.expire(session.id)
    assert refused.value.code == "checkout_session_unexpected_state"
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.checkout.sessions.retrieve("cs_missing")
    assert missing.value.http_status == 404
    events = {event.type for event in client.events.list(params={"limit": 100}).data}
    assert "checkout.session.expired" in events
