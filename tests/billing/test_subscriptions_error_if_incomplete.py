"""`payment_behavior=error_if_incomplete`: the subscription shows only once its first payment
succeeded, and no crash at any point leaves money taken for a subscription that does not
exist, or a hidden subscription that bills anyone.

A crash is simulated by an exception no service expects, raised at the point the process
would die: the request ends in a 500 and the database keeps what had been committed.
"""

from datetime import timedelta

import pytest

from billing import services
from billing.models import Invoice, InvoiceLineItem, Subscription
from core import clock
from payments import services as payment_services
from payments.models import PaymentIntent
from tests.billing.factories import customer_with_card, error_of, monthly, ok

pytestmark = pytest.mark.django_db


class Crash(BaseException):
    """The process dying: not an Exception, so nothing on the way catches it."""


def create(api, owner: dict, price: dict, **params):
    return api.post("/v1/subscriptions", {"customer": owner["id"],
                                          "items": [{"price": price["id"]}],
                                          "payment_behavior": "error_if_incomplete", **params})


def test_a_paid_first_payment_announces_the_subscription_in_stripes_order(api, events_of):
    # given a customer with a good card
    owner, _ = customer_with_card(api)

    # when they subscribe with error_if_incomplete
    subscription = ok(create(api, owner, monthly(api), expand=["latest_invoice"]))

    # then it is active, its invoice paid, and the events tell it as Stripe tells it
    assert subscription["status"] == "active"
    invoice = subscription["latest_invoice"]
    assert (invoice["status"], invoice["amount_paid"], invoice["number"]) == (
        "paid", 1000, f"{owner['invoice_prefix']}-0001")
    data = ok(api.get("/v1/events", {"limit": 100}))["data"]
    billing = [event["type"] for event in reversed(data)
               if event["data"]["object"].get("id") in (subscription["id"], invoice["id"])]
    assert billing == ["customer.subscription.created", "invoice.created",
                       "invoice.finalized", "invoice.paid", "invoice.payment_succeeded",
                       "customer.subscription.updated"]
    created = events_of(subscription["id"])[0]["data"]["object"]
    assert created["status"] == "incomplete"


def test_a_crash_right_after_the_charge_still_leaves_the_subscription_paid_for(
        api, monkeypatch):
    # given a customer with a good card, and a process that dies the moment its charge is
    # confirmed, before the request can do anything more
    owner, _ = customer_with_card(api)
    gold = monthly(api)
    confirm = payment_services.payment_intent_confirm

    def confirm_then_die(**kwargs):
        confirm(**kwargs)
        raise Crash

    monkeypatch.setattr(payment_services, "payment_intent_confirm", confirm_then_die)

    # when they subscribe with error_if_incomplete
    with pytest.raises(Crash):
        create(api, owner, gold)

    # then the money taken has its subscription: active, shown, its invoice paid by it
    [intent] = PaymentIntent.objects.filter(customer_id=owner["id"])
    assert (intent.status, intent.amount_received) == ("succeeded", 1000)
    [subscription] = ok(api.get("/v1/subscriptions", {"customer": owner["id"]}))["data"]
    assert subscription["status"] == "active"
    invoice = ok(api.get(f"/v1/invoices/{subscription['latest_invoice']}"))
    assert (invoice["status"], invoice["amount_paid"], invoice["payment_intent"]) == (
        "paid", 1000, intent.id)
    # and beat's housekeeping, however late, leaves it be
    assert services.subscriptions_provisional_drop_due(
        now=clock.wall_now() + timedelta(days=2)) == 0
    assert Subscription.objects.get(pk=subscription["id"]).status == "active"


def test_while_its_payment_is_attempted_the_subscription_is_nowhere_to_be_seen(
        api, monkeypatch):
    # given a customer with a good card, and a look at the API from inside the charge
    owner, _ = customer_with_card(api)
    confirm = payment_services.payment_intent_confirm
    seen = {}

    def look_then_confirm(**kwargs):
        [subscription] = Subscription.objects.all()
        seen["retrieve"] = api.get(f"/v1/subscriptions/{subscription.pk}").status_code
        seen["list"] = ok(api.get("/v1/subscriptions", {"status": "all"}))["data"]
        seen["invoice"] = api.get(f"/v1/invoices/{subscription.latest_invoice_id}").status_code
        seen["invoices"] = ok(api.get("/v1/invoices"))["data"]
        seen["pay"] = api.post(f"/v1/invoices/{subscription.latest_invoice_id}/pay").status_code
        seen["cancel"] = api.delete(f"/v1/subscriptions/{subscription.pk}").status_code
        return confirm(**kwargs)

    monkeypatch.setattr(payment_services, "payment_intent_confirm", look_then_confirm)

    # when they subscribe with error_if_incomplete
    subscription = ok(create(api, owner, monthly(api)))

    # then nothing of it could be read, paid or canceled before its payment succeeded
    assert seen == {"retrieve": 404, "list": [], "invoice": 404, "invoices": [], "pay": 404,
                    "cancel": 404}
    assert subscription["status"] == "active"
    assert PaymentIntent.objects.get().amount_received == 1000


def test_a_crash_before_the_charge_leaves_nothing_billable_and_beat_drops_it(
        api, monkeypatch):
    # given a process that dies after the subscription was made provisional, before any
    # payment was asked for
    owner, _ = customer_with_card(api)
    monkeypatch.setattr(payment_services, "payment_intent_create",
                        lambda **kwargs: (_ for _ in ()).throw(Crash))
    with pytest.raises(Crash):
        create(api, owner, monthly(api))
    monkeypatch.undo()

    # then nothing shows, and no engine bills it
    assert ok(api.get("/v1/subscriptions", {"status": "all"}))["data"] == []
    assert ok(api.get("/v1/invoices"))["data"] == []
    assert services.subscriptions_renew_due(now=clock.now() + timedelta(days=40)) == 0
    assert not PaymentIntent.objects.exists()

    # when beat's housekeeping runs within the hour, it is left (a payment may be under way)
    assert services.subscriptions_provisional_drop_due(
        now=clock.wall_now() + timedelta(minutes=30)) == 0
    assert Subscription.objects.count() == 1

    # and after the hour it is dropped, rows and all
    assert services.subscriptions_provisional_drop_due(
        now=clock.wall_now() + timedelta(hours=2)) == 1
    assert not Subscription.objects.exists()
    assert not Invoice.objects.exists()
    assert not InvoiceLineItem.objects.exists()
    # and the customer's invoice numbers were never spent on it
    assert ok(api.get(f"/v1/customers/{owner['id']}"))["next_invoice_sequence"] == 1


def test_a_crash_after_a_decline_is_cleaned_up_with_the_payment_canceled(api, monkeypatch):
    # given a card that declines, and a process that dies after the decline, before it
    # could drop what it made
    owner, _ = customer_with_card(api, "4000000000000341")
    monkeypatch.setattr(services.subscriptions, "subscription_provisional_drop",
                        lambda **kwargs: (_ for _ in ()).throw(Crash))
    with pytest.raises(Crash):
        create(api, owner, monthly(api))
    monkeypatch.undo()
    intent = PaymentIntent.objects.get()
    assert intent.status == "requires_payment_method"
    assert ok(api.get("/v1/subscriptions", {"status": "all"}))["data"] == []

    # when beat's housekeeping runs after the hour
    assert services.subscriptions_provisional_drop_due(
        now=clock.wall_now() + timedelta(hours=2)) == 1

    # then nothing is left, and the declined payment can never be completed
    assert not Subscription.objects.exists()
    assert not Invoice.objects.exists()
    intent.refresh_from_db()
    assert (intent.status, intent.cancellation_reason) == ("canceled", "abandoned")


def test_a_decline_creates_nothing_and_spends_no_invoice_number(api):
    # given a customer whose card declines
    owner, _ = customer_with_card(api, "4000000000000341")

    # when they subscribe with error_if_incomplete
    error = error_of(create(api, owner, monthly(api)), 402)

    # then it is the card error, with the payment, and nothing else remains
    assert (error["type"], error["code"], error["decline_code"]) == (
        "card_error", "card_declined", "generic_decline")
    assert not Subscription.objects.exists()
    assert not Invoice.objects.exists()
    assert ok(api.get(f"/v1/customers/{owner['id']}"))["next_invoice_sequence"] == 1

    # and a later subscription with a good card is the customer's first invoice
    good, _ = customer_with_card(api)
    assert ok(create(api, good, monthly(api)))["status"] == "active"


def test_3d_secure_wanted_off_session_is_a_402_with_nothing_created(api):
    # given a card whose bank always wants 3-D Secure
    owner, _ = customer_with_card(api, "4000002760003184")

    # when they subscribe with error_if_incomplete
    error = error_of(create(api, owner, monthly(api)), 402)

    # then nothing is created, and the payment is canceled rather than left to complete
    assert error["type"] == "card_error"
    assert not Subscription.objects.exists()
    assert PaymentIntent.objects.get().status == "canceled"


def test_a_credit_balance_is_charged_net_and_a_covering_one_charges_nothing(api):
    # given a customer with $4.00 of credit
    owner, _ = customer_with_card(api, balance=-400)

    # when they subscribe to $10.00 a month with error_if_incomplete
    subscription = ok(create(api, owner, monthly(api), expand=["latest_invoice"]))

    # then $6.00 is charged and the credit is spent
    invoice = subscription["latest_invoice"]
    assert (invoice["starting_balance"], invoice["amount_due"], invoice["amount_paid"]) == (
        -400, 600, 600)
    assert PaymentIntent.objects.get().amount == 600
    assert ok(api.get(f"/v1/customers/{owner['id']}"))["balance"] == 0

    # and a customer whose credit covers the month is subscribed with no charge at all
    rich, _ = customer_with_card(api, balance=-5000)
    subscription = ok(create(api, rich, monthly(api), expand=["latest_invoice"]))
    assert (subscription["status"], subscription["latest_invoice"]["status"]) == (
        "active", "paid")
    assert PaymentIntent.objects.filter(customer_id=rich["id"]).count() == 0
