"""Subscriptions collected by invoice (`collection_method=send_invoice`, `days_until_due`):
active at once, each invoice finalized with its due date and emailed, never charged; past
its due date unpaid the subscription is `past_due`, and paying (a charge or out of band)
makes it `active` again. Through the API on a test clock, one story through the SDK."""

from datetime import timedelta

import pytest
from django.core import mail

from billing import services
from billing.models import Invoice, Subscription
from core import clock
from payments.models import Charge
from tests.billing.factories import (
    customer_with_card,
    error_of,
    monthly,
    ok,
    pay,
    period_just_ended,
)
from tests.billing.test_subscriptions_sdk import CLOCK_START, _advance, _monthly_price
from tests.concurrency import run_together
from tests.conftest import Api, needs_postgres
from tests.payments.factories import attach, card_payment_method, customer

DAY = 86400
START = int(clock.now().timestamp()) // DAY * DAY - DAY


def _types(api, object_id: str) -> list[str]:
    events = ok(api.get("/v1/events", {"limit": 100}))["data"]
    return [event["type"] for event in reversed(events)
            if event["data"]["object"].get("id") == object_id]


def _sent_subscription(api, django_capture_on_commit_callbacks, *, clocked: bool = True):
    test_clock = (ok(api.post("/v1/test_helpers/test_clocks", {"frozen_time": START}))
                  if clocked else None)
    owner = customer(api, email="ap@example.test",
                     **({"test_clock": test_clock["id"]} if test_clock else {}))
    with django_capture_on_commit_callbacks(execute=True):
        subscription = ok(api.post("/v1/subscriptions", {
            "customer": owner["id"], "items": [{"price": monthly(api)["id"]}],
            "collection_method": "send_invoice", "days_until_due": 30,
            "expand": ["latest_invoice"]}))
    return test_clock, owner, subscription


@pytest.mark.django_db
def test_a_send_invoice_subscription_is_active_at_once_its_invoice_sent_not_charged(
        api, django_capture_on_commit_callbacks):
    # given a customer with no payment method, subscribed with send_invoice, 30 days to pay
    # (on Till's clock: a frozen test clock gives separate steps' events one instant)
    _, owner, subscription = _sent_subscription(api, django_capture_on_commit_callbacks,
                                                clocked=False)

    # then it is active at once, and says how it is collected
    assert (subscription["status"], subscription["collection_method"],
            subscription["days_until_due"]) == ("active", "send_invoice", 30)
    # and its first invoice is open, send_invoice, due 30 days after it was made
    invoice = subscription["latest_invoice"]
    assert (invoice["status"], invoice["collection_method"], invoice["amount_due"]) == (
        "open", "send_invoice", 1000)
    # Stripe's days_until_due: "from when the invoice is created until it is due"
    assert invoice["due_date"] == invoice["created"] + 30 * DAY
    assert invoice["next_payment_attempt"] is None
    # and it was emailed, never charged
    [email] = mail.outbox
    assert email.to == ["ap@example.test"] and invoice["number"] in email.subject
    assert Charge.objects.filter(payment_intent__invoice_id=invoice["id"]).count() == 0
    # and the events come in Stripe's order
    assert _types(api, subscription["id"]) == ["customer.subscription.created"]
    assert _types(api, invoice["id"]) == ["invoice.created", "invoice.finalized",
                                          "invoice.sent"]


@pytest.mark.django_db
def test_renewals_are_sent_the_due_date_passing_makes_it_past_due_and_paying_active(
        api, advance, django_capture_on_commit_callbacks):
    # given a send_invoice subscription whose first invoice is paid out of band
    test_clock, owner, subscription = _sent_subscription(api, django_capture_on_commit_callbacks)
    first = subscription["latest_invoice"]
    ok(pay(api, first["id"], paid_out_of_band="true"))
    mail.outbox.clear()

    # when its period ends: the renewal is made, sent, not charged
    advance(api, test_clock["id"], subscription["current_period_end"] + 60)
    renewed = ok(api.get(f"/v1/subscriptions/{subscription['id']}",
                         {"expand[]": "latest_invoice"}))
    renewal = renewed["latest_invoice"]
    assert renewed["status"] == "active"
    assert (renewal["billing_reason"], renewal["collection_method"], renewal["status"]) == (
        "subscription_cycle", "send_invoice", "open")
    assert renewal["due_date"] == renewal["created"] + 30 * DAY
    assert len(mail.outbox) == 1
    assert Charge.objects.filter(payment_intent__customer_id=owner["id"]).count() == 0

    # when its due date passes unpaid: past_due
    advance(api, test_clock["id"], renewal["due_date"] + 60)
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["status"] == "past_due"
    assert _types(api, subscription["id"])[-1] == "customer.subscription.updated"

    # when the customer pays it out of band: active again
    paid = ok(pay(api, renewal["id"], paid_out_of_band="true"))
    assert paid["status"] == "paid"
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["status"] == "active"


@pytest.mark.django_db
def test_a_past_due_send_invoice_subscription_paid_by_card_is_active(
        api, advance, django_capture_on_commit_callbacks):
    # given a send_invoice subscription of a customer with a card, its first invoice unpaid
    test_clock = ok(api.post("/v1/test_helpers/test_clocks", {"frozen_time": START}))
    owner, _ = customer_with_card(api, test_clock=test_clock["id"])
    subscription = ok(api.post("/v1/subscriptions", {
        "customer": owner["id"], "items": [{"price": monthly(api)["id"]}],
        "collection_method": "send_invoice", "days_until_due": 7}))
    invoice_id = subscription["latest_invoice"]
    assert Charge.objects.filter(payment_intent__invoice_id=invoice_id).count() == 0

    # when its due date passes: past_due; then it is paid with the card: active
    advance(api, test_clock["id"], START + 7 * DAY + 60)
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["status"] == "past_due"
    assert ok(pay(api, invoice_id))["status"] == "paid"
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["status"] == "active"
    assert Charge.objects.filter(payment_intent__invoice_id=invoice_id).count() == 1


@pytest.mark.django_db
def test_beat_marks_an_overdue_send_invoice_subscription_past_due_on_tills_clock(api):
    # given a send_invoice subscription on Till's own clock, due in no days
    owner = customer(api)
    subscription = ok(api.post("/v1/subscriptions", {
        "customer": owner["id"], "items": [{"price": monthly(api)["id"]}],
        "collection_method": "send_invoice", "days_until_due": 0}))

    # when beat runs a minute later, and again
    later = clock.now() + timedelta(minutes=1)
    services.subscriptions_renew_due(now=later)
    services.subscriptions_renew_due(now=later)

    # then it is past_due, told once
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["status"] == "past_due"
    assert _types(api, subscription["id"]).count("customer.subscription.updated") == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("params", "param"), [
    ({"collection_method": "send_invoice"}, "days_until_due"),
    ({"days_until_due": 30}, "days_until_due"),
    ({"collection_method": "charge_automatically", "days_until_due": 30}, "days_until_due"),
    ({"collection_method": "send_invoice", "days_until_due": -1}, "days_until_due"),
    ({"collection_method": "send_invoice", "days_until_due": "soon"}, "days_until_due"),
    ({"collection_method": "by_pigeon", "days_until_due": 30}, "collection_method"),
])
def test_bad_collection_input_is_refused_naming_its_parameter_and_makes_nothing(
        api, params, param):
    owner = customer(api)
    error = error_of(api.post("/v1/subscriptions", {
        "customer": owner["id"], "items": [{"price": monthly(api)["id"]}], **params}))
    assert error["param"] == param
    assert not Subscription.objects.exists()
    assert ok(api.get("/v1/invoices"))["data"] == []
    assert mail.outbox == []


# -- the official SDK --------------------------------------------------------------------------

@pytest.fixture
def client(sdk):
    """The official SDK (tests/billing/conftest.py's `sdk`), by the name these tests use."""
    return sdk


def test_a_send_invoice_subscription_through_the_sdk(client):
    # given a customer on a test clock, subscribed with send_invoice and 14 days to pay
    test_clock = client.v1.test_helpers.test_clocks.create(params={"frozen_time": CLOCK_START})
    owner = client.v1.customers.create(params={"email": "ap@example.test",
                                               "test_clock": test_clock.id})
    subscription = client.v1.subscriptions.create(params={
        "customer": owner.id, "items": [{"price": _monthly_price(client).id}],
        "collection_method": "send_invoice", "days_until_due": 14,
        "expand": ["latest_invoice"]})
    assert (subscription.status, subscription.days_until_due) == ("active", 14)
    assert subscription.latest_invoice.due_date == CLOCK_START + 14 * DAY

    # when 14 days and a minute pass unpaid, then it is past_due
    _advance(client, test_clock, CLOCK_START + 14 * DAY + 60)
    assert client.v1.subscriptions.retrieve(subscription.id).status == "past_due"

    # when it is paid out of band, then it is active again
    client.v1.invoices.pay(subscription.latest_invoice.id, params={"paid_out_of_band": True})
    assert client.v1.subscriptions.retrieve(subscription.id).status == "active"


# -- switching on update ----------------------------------------------------------------------

@pytest.mark.django_db
def test_switching_to_send_invoice_applies_to_invoices_from_then_on_and_back(
        api, advance, django_capture_on_commit_callbacks):
    # given a subscription charged automatically, its first invoice paid by card
    test_clock = ok(api.post("/v1/test_helpers/test_clocks", {"frozen_time": START}))
    owner, _ = customer_with_card(api, test_clock=test_clock["id"])
    subscription = ok(api.post("/v1/subscriptions", {
        "customer": owner["id"], "items": [{"price": monthly(api)["id"]}]}))
    first = subscription["latest_invoice"]

    # when it is switched to send_invoice with 10 days to pay
    switched = ok(api.post(f"/v1/subscriptions/{subscription['id']}", {
        "collection_method": "send_invoice", "days_until_due": 10}))

    # then it says so, `.updated` tells the old values, and the paid invoice keeps its own
    assert (switched["collection_method"], switched["days_until_due"]) == ("send_invoice", 10)
    assert ok(api.get(f"/v1/invoices/{first}"))["collection_method"] == "charge_automatically"
    changes = [event["data"]["previous_attributes"] for event in ok(api.get(
        "/v1/events", {"type": "customer.subscription.updated"}))["data"]]
    assert {"collection_method": "charge_automatically", "days_until_due": None} in changes
    # and its renewal is sent, not charged, though the customer has a card
    advance(api, test_clock["id"], subscription["current_period_end"] + 60)
    renewal = ok(api.get(f"/v1/subscriptions/{subscription['id']}",
                         {"expand[]": "latest_invoice"}))["latest_invoice"]
    assert (renewal["collection_method"], renewal["status"]) == ("send_invoice", "open")
    assert Charge.objects.filter(payment_intent__invoice_id=renewal["id"]).count() == 0

    # when it is switched back, then days_until_due is cleared, and the next renewal charged
    back = ok(api.post(f"/v1/subscriptions/{subscription['id']}",
                       {"collection_method": "charge_automatically"}))
    assert (back["collection_method"], back["days_until_due"]) == ("charge_automatically", None)
    ok(pay(api, renewal["id"]))
    advance(api, test_clock["id"], back["current_period_end"] + 60)
    latest = ok(api.get(f"/v1/subscriptions/{subscription['id']}",
                        {"expand[]": "latest_invoice"}))["latest_invoice"]
    assert (latest["collection_method"], latest["status"]) == ("charge_automatically", "paid")


@pytest.mark.django_db
@pytest.mark.parametrize(("params", "param"), [
    ({"collection_method": "send_invoice"}, "days_until_due"),
    ({"days_until_due": 10}, "days_until_due"),
    ({"collection_method": "charge_automatically", "days_until_due": 10}, "days_until_due"),
    ({"collection_method": "send_invoice", "days_until_due": -3}, "days_until_due"),
])
def test_a_bad_collection_update_is_refused_naming_its_parameter_and_changes_nothing(
        api, params, param):
    owner, _ = customer_with_card(api)
    subscription = ok(api.post("/v1/subscriptions", {
        "customer": owner["id"], "items": [{"price": monthly(api)["id"]}]}))

    error = error_of(api.post(f"/v1/subscriptions/{subscription['id']}", params))

    assert error["param"] == param
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}")) == subscription


# -- PostgreSQL: the engine and a customer's payment at once ------------------------------------

@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_a_renewal_and_two_pays_of_a_sent_invoice_at_once_give_one_payment(account):
    # given a send_invoice subscription of a customer with a card, its period just ended and
    # its first invoice still open
    api = account.api()
    owner, _ = customer_with_card(api)
    subscription = ok(api.post("/v1/subscriptions", {
        "customer": owner["id"], "items": [{"price": monthly(api)["id"]}],
        "collection_method": "send_invoice", "days_until_due": 30}))
    first = subscription["latest_invoice"]
    period_just_ended(subscription["id"])
    apis = [Api(account.key()) for _ in range(2)]

    # when beat's engine and two payments of the invoice run at the same moment
    run_together(3, lambda i: [services.subscriptions_renew_due() if i == 2
                               else pay(apis[i], first)], timeout=60)

    # then the invoice was paid once, the renewal was made once and sent, not charged
    assert Charge.objects.filter(status="succeeded").count() == 1
    assert Invoice.objects.get(pk=first).status == "paid"
    [renewal] = Invoice.objects.filter(subscription_id=subscription["id"],
                                       billing_reason="subscription_cycle")
    assert (renewal.collection_method, renewal.status) == ("send_invoice", "open")
    assert Charge.objects.filter(payment_intent__invoice_id=renewal.id).count() == 0
    assert Subscription.objects.get(pk=subscription["id"]).status == "active"


@pytest.mark.django_db
def test_a_new_default_card_does_not_charge_a_past_due_sent_invoice(
        api, advance, django_capture_on_commit_callbacks):
    # given a send_invoice subscription past due, its customer with no card
    _, owner, subscription = _sent_subscription(api, django_capture_on_commit_callbacks)
    test_clock_id = subscription["test_clock"]
    advance(api, test_clock_id, START + 30 * DAY + 60)
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["status"] == "past_due"

    # when the customer gets a default card
    card = card_payment_method(api, "4242424242424242")
    attach(api, card["id"], owner["id"])
    ok(api.post(f"/v1/customers/{owner['id']}",
                {"invoice_settings": {"default_payment_method": card["id"]}}))

    # then the sent invoice is left for the customer to pay: nothing is charged
    assert Charge.objects.filter(payment_intent__customer_id=owner["id"]).count() == 0
    assert ok(api.get(f"/v1/subscriptions/{subscription['id']}"))["status"] == "past_due"
