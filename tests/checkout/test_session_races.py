"""Races on one Checkout Session, on real PostgreSQL: one charge and one completion, however
many tabs submit at once, and an expiry racing the payment never leaves both done.

Each thread is a browser with its own database connection, released together by a barrier.
"""

from urllib.parse import urlsplit

import pytest
from django.test import Client

from billing.models import Subscription
from checkout.models import CheckoutSession
from payments.models import Charge, PaymentIntent
from tests.billing.factories import ok, price
from tests.concurrency import run_together
from tests.conftest import Api, needs_postgres
from webhooks.models import Event

pytestmark = [needs_postgres(), pytest.mark.django_db(transaction=True)]


def card_form(number: str = "4242424242424242") -> dict[str, str]:
    return {"number": number, "expiry": "12 / 34", "cvc": "987", "name": "Jenny Rosen",
            "email": "jenny@example.com"}


def open_session(api: Api, **params) -> dict:
    poster = price(api, unit_amount=1500, currency="usd", product_data={"name": "Poster"})
    return ok(api.post("/v1/checkout/sessions", {
        "mode": "payment", "success_url": "https://shop.example/thanks",
        "line_items": [{"price": poster["id"], "quantity": 1}], **params}))


def test_six_tabs_submitting_at_once_make_one_charge(account):
    session = open_session(Api(account.key()), save_card_and_make_default="true")
    path = urlsplit(session["url"]).path

    responses = run_together(6, lambda _: Client().post(path, card_form()))

    # every tab ends at the success URL (paid) or back on the form, told the payment is busy
    statuses = sorted(response.status_code for response in responses)
    assert 302 in statuses and set(statuses) <= {302, 400, 429}, statuses
    assert Charge.objects.filter(status="succeeded").count() == 1
    assert PaymentIntent.objects.get().amount_received == 1500
    done = CheckoutSession.objects.get()
    assert (done.status, done.payment_status) == ("complete", "paid")
    assert Event.objects.filter(type="checkout.session.completed").count() == 1
    # one customer holds the card as its default, whichever tab made the customer
    assert done.customer.invoice_settings["default_payment_method"] == \
        PaymentIntent.objects.get().payment_method_id


@pytest.mark.parametrize("round_", range(3))
def test_an_expiry_racing_the_payment_leaves_one_outcome(account, round_):
    token = account.key()
    session = open_session(Api(token))
    path = urlsplit(session["url"]).path

    def act(index: int):
        if index == round_ % 2:
            return Client().post(path, card_form())
        return Api(token).post(f"/v1/checkout/sessions/{session['id']}/expire")

    run_together(2, act)

    done = CheckoutSession.objects.get()
    charged = Charge.objects.filter(status="succeeded").count()
    if done.status == "complete":
        assert (done.payment_status, charged) == ("paid", 1)
        assert not Event.objects.filter(type="checkout.session.expired").exists()
    else:
        assert (done.status, charged) == ("expired", 0)
        assert PaymentIntent.objects.get().status == "canceled"
        assert not Event.objects.filter(type="checkout.session.completed").exists()


def test_four_tabs_starting_a_subscription_at_once_make_one(account):
    api = Api(account.key())
    gold = price(api, unit_amount=1000, currency="usd", recurring={"interval": "month"},
                 product_data={"name": "Gold"})
    session = ok(api.post("/v1/checkout/sessions", {
        "mode": "subscription", "success_url": "https://shop.example/welcome",
        "line_items": [{"price": gold["id"], "quantity": 1}]}))
    path = urlsplit(session["url"]).path

    responses = run_together(4, lambda _: Client().post(path, card_form()))

    assert 302 in [response.status_code for response in responses]
    [subscription] = Subscription.objects.all()
    assert subscription.status == "active"
    assert Charge.objects.filter(status="succeeded").count() == 1
    assert CheckoutSession.objects.get().subscription_id == subscription.id
