"""core's clock: bound to an instant, it is the "now" of the services and of the models'
defaults; unbound, it is the wall clock. Deliveries of webhooks stay on the wall clock."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from core import clock
from core.actor import TILL
from core.models import StatusChange
from payments.models import Customer, PaymentIntent
from payments.services import customer_create, payment_intent_create
from webhooks.models import Event, WebhookDelivery, WebhookEndpoint

AT = datetime(2031, 5, 17, 9, 30, 15, 250000, tzinfo=UTC)


def test_a_bound_clock_answers_its_time_inside_the_block_only():
    with clock.bound(AT) as at:
        assert at == AT
        assert clock.now() == AT
    assert clock.now() != AT


def test_the_clock_refuses_a_naive_time():
    with pytest.raises(ValueError, match="aware"), clock.bound(datetime(2031, 5, 17)):
        pass


def test_a_customer_created_under_a_bound_clock_is_created_at_its_time(account):
    # when
    with clock.bound(AT):
        customer = customer_create(merchant=account.merchant, livemode=False,
                                   email="jenny@example.test")

    # then the customer, as stored, and its event are of the bound time
    assert customer.created == AT
    assert Customer.objects.get(pk=customer.pk).created == AT
    assert Event.objects.get(object_id=customer.id, type="customer.created").created == AT


def test_a_payment_intent_created_under_a_bound_clock_is_created_at_its_time(account):
    # when
    with clock.bound(AT):
        intent = payment_intent_create(merchant=account.merchant, livemode=False, actor=TILL,
                                       amount=2000, currency="usd")

    # then the intent, as stored, its status change and its event are of the bound time
    assert intent.created == AT
    assert PaymentIntent.objects.get(pk=intent.pk).created == AT
    [change] = StatusChange.objects.filter(object_id=intent.id)
    assert (change.target, change.at) == ("requires_payment_method", AT)
    assert Event.objects.get(object_id=intent.id, type="payment_intent.created").created == AT


def test_unbound_the_clock_is_the_wall_clock(account):
    before = timezone.now()

    customer = customer_create(merchant=account.merchant, livemode=False)

    assert before <= customer.created <= timezone.now()


def test_an_events_deliveries_are_scheduled_on_the_wall_clock(account):
    # given an endpoint for every event
    WebhookEndpoint.objects.create(merchant=account.merchant, livemode=False,
                                   url="https://hooks.example.test/till", enabled_events=["*"],
                                   secret="whsec_test")
    before = timezone.now()

    # when an event is recorded under a bound clock
    with clock.bound(AT):
        customer = customer_create(merchant=account.merchant, livemode=False)

    # then the event is of the bound time, and its delivery is due in real time, as the
    # sweep and the health check measure it
    event = Event.objects.get(object_id=customer.id)
    delivery = WebhookDelivery.objects.get(event=event)
    assert event.created == AT
    assert before <= delivery.created <= timezone.now()
    assert delivery.created < delivery.next_attempt_at < AT
