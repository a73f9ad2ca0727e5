"""The official `stripe` SDK against a live Till server, on a test clock: a card that starts
failing, dunning to the end (retries 3, 5 and 7 days after the first failure, each with its
`invoice.payment_failed` and `next_payment_attempt`), the merchant's final action, then a new
card pays the open invoice."""

import pytest
import stripe
from django.utils import timezone

from merchants.services import merchant_dunning_set
from tests.conftest import make_account

DAY = 86400
# Midnight yesterday: the clock's events stay in the events' window.
CLOCK_START = int(timezone.now().timestamp()) // DAY * DAY - DAY


@pytest.fixture
def sdk(live_server, transactional_db, monkeypatch):
    monkeypatch.setattr(stripe, "enable_telemetry", False)
    monkeypatch.setattr(stripe, "max_network_retries", 0)
    account = make_account("SDK")
    http = stripe.RequestsClient()
    yield stripe.StripeClient(account.key(), base_addresses={"api": live_server.url},
                              max_network_retries=0, http_client=http), account
    http.close()


def _advance(client, test_clock, frozen_time: int) -> None:
    client.v1.test_helpers.test_clocks.advance(test_clock.id,
                                               params={"frozen_time": frozen_time})
    ready = client.v1.test_helpers.test_clocks.retrieve(test_clock.id)
    assert (ready.status, ready.frozen_time) == ("ready", frozen_time)


def _card(client, customer_id: str, token: str):
    card = client.v1.payment_methods.create(params={"type": "card", "card": {"token": token}})
    client.v1.payment_methods.attach(card.id, params={"customer": customer_id})
    return card


@pytest.mark.parametrize(("action", "ends_as"), [
    ("cancel", "canceled"), ("mark_unpaid", "unpaid"), ("leave_past_due", "past_due")])
def test_a_card_that_starts_failing_dunning_to_the_end_then_a_new_card(sdk, action, ends_as):
    client, account = sdk
    merchant_dunning_set(merchant=account.merchant, retry_days=[3, 5, 7],
                         subscription_action=action, invoice_action="leave_open")

    # given a customer on a clock subscribed monthly, paid by a good card
    test_clock = client.v1.test_helpers.test_clocks.create(params={"frozen_time": CLOCK_START})
    customer = client.v1.customers.create(params={"test_clock": test_clock.id})
    good = _card(client, customer.id, "tok_visa")
    client.v1.customers.update(customer.id, params={
        "invoice_settings": {"default_payment_method": good.id}})
    price = client.v1.prices.create(params={
        "currency": "usd", "unit_amount": 1500, "recurring": {"interval": "month"},
        "product_data": {"name": "Pro"}})
    subscription = client.v1.subscriptions.create(params={
        "customer": customer.id, "items": [{"price": price.id}]})
    assert subscription.status == "active"

    # and then a card that attaches fine but declines every charge becomes the customer's
    # default for invoices (the subscription has none of its own)
    failing = _card(client, customer.id, "tok_chargeCustomerFail")
    client.v1.customers.update(customer.id, params={
        "invoice_settings": {"default_payment_method": failing.id}})
    end = subscription.current_period_end

    # when the period ends: the renewal fails, past_due, the first retry three days on
    _advance(client, test_clock, end + 60)
    past_due = client.v1.subscriptions.retrieve(subscription.id)
    assert past_due.status == "past_due"
    invoice = client.v1.invoices.retrieve(past_due.latest_invoice)
    assert (invoice.status, invoice.attempt_count, invoice.next_payment_attempt) == (
        "open", 1, end + 3 * DAY)

    # when the clock passes each retry (3, 5 and 7 days after the first failure)
    for day, count, following in ((3, 2, end + 5 * DAY), (5, 3, end + 7 * DAY), (7, 4, None)):
        _advance(client, test_clock, end + day * DAY + 60)
        retried = client.v1.invoices.retrieve(invoice.id)
        assert (retried.status, retried.attempt_count, retried.next_payment_attempt) == (
            "open", count, following)

    # then each attempt told when the next comes, and the last that none does
    failures = [event.data.object for event in client.v1.events.list(params={
        "type": "invoice.payment_failed", "limit": 100}).auto_paging_iter()
        if getattr(event.data.object, "id", None) == invoice.id]
    assert sorted((failure.attempt_count, failure.next_payment_attempt or 0)
                  for failure in failures) == [
        (1, end + 3 * DAY), (2, end + 5 * DAY), (3, end + 7 * DAY), (4, 0)]

    # and the merchant's final action applied
    ended = client.v1.subscriptions.retrieve(subscription.id)
    assert ended.status == ends_as

    # when the customer saves a new default card
    new = _card(client, customer.id, "tok_visa")
    client.v1.customers.update(customer.id, params={
        "invoice_settings": {"default_payment_method": new.id}})

    # then a subscription still running has its open invoice paid at once and is active;
    # a canceled one stays canceled, its invoice open until paid by hand
    if ends_as == "canceled":
        assert client.v1.invoices.retrieve(invoice.id).status == "open"
        paid = client.v1.invoices.pay(invoice.id, params={"payment_method": new.id})
        assert (paid.status, paid.amount_paid) == ("paid", 1500)
        assert client.v1.subscriptions.retrieve(subscription.id).status == "canceled"
    else:
        paid = client.v1.invoices.retrieve(invoice.id)
        assert (paid.status, paid.amount_paid, paid.next_payment_attempt) == (
            "paid", 1500, None)
        assert client.v1.subscriptions.retrieve(subscription.id).status == "active"
