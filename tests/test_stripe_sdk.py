"""The official `stripe` SDK as the client, against a live Till server.

What a merchant's integration would do, unchanged except for the base address: if these pass,
code written for Stripe runs against Till.
"""

from datetime import UTC, datetime, timedelta

import pytest
import stripe
from django.utils import timezone

from ledger.models import BalanceTransaction
from ledger.services.bookings import book
from payments.models import Customer
from tests.conftest import Account, make_account

ADDRESS = {"line1": "1 Rue de Rivoli", "city": "Paris", "postal_code": "75001",
           "country": "FR"}


@pytest.fixture
def sdk_account(transactional_db) -> Account:
    return make_account("SDK")


@pytest.fixture
def http_client(monkeypatch):
    """One HTTP client per test, closed after it.

    No telemetry header and no retries: one call is one request, so failures show at once.
    Closing ends the keep-alive connections, so no server thread outlives the test.
    """
    monkeypatch.setattr(stripe, "enable_telemetry", False)
    monkeypatch.setattr(stripe, "max_network_retries", 0)
    http = stripe.RequestsClient()
    yield http
    http.close()


def sdk_client(api_key: str, live_server, http_client) -> stripe.StripeClient:
    return stripe.StripeClient(api_key, base_addresses={"api": live_server.url},
                               max_network_retries=0, http_client=http_client)


@pytest.fixture
def client(live_server, sdk_account, http_client) -> stripe.StripeClient:
    return sdk_client(sdk_account.key(), live_server, http_client)


@pytest.fixture
def global_stripe(live_server, sdk_account, http_client, monkeypatch):
    """The module-level style (`stripe.api_key`, `stripe.api_base`) many integrations use."""
    monkeypatch.setattr(stripe, "api_key", sdk_account.key())
    monkeypatch.setattr(stripe, "api_base", live_server.url)
    monkeypatch.setattr(stripe, "default_http_client", http_client)
    return stripe


# -- customers ---------------------------------------------------------------------------

def test_create_and_retrieve_a_customer_with_nested_hashes(client):
    # when
    created = client.v1.customers.create(params={
        "email": "ada@example.test",
        "name": "Ada Lovelace",
        "phone": "+33100000000",
        "metadata": {"order_id": "42", "channel": "web"},
        "address": ADDRESS,
        "shipping": {"name": "Ada L.", "phone": "+33100000001",
                     "address": {"line1": "2 Quai d'Orsay", "city": "Paris", "country": "FR"}},
        "invoice_settings": {"footer": "Thank you for your business"},
        "preferred_locales": ["fr", "en"],
    })
    retrieved = client.v1.customers.retrieve(created.id)

    # then
    assert isinstance(created, stripe.Customer)
    assert created.id.startswith("cus_")
    assert created.object == "customer"
    assert created.livemode is False
    assert created.email == "ada@example.test"
    assert created.metadata.to_dict() == {"order_id": "42", "channel": "web"}
    assert created.address.to_dict() == {**ADDRESS, "line2": None, "state": None}
    assert created.shipping.name == "Ada L."
    assert created.shipping.phone == "+33100000001"
    assert created.shipping.address.line1 == "2 Quai d'Orsay"
    assert created.invoice_settings.footer == "Thank you for your business"
    assert created.preferred_locales == ["fr", "en"]
    assert retrieved.to_dict() == created.to_dict()


def test_a_customer_created_with_its_card_as_the_invoices_default_pays_off_session(client):
    # Stripe's pattern for saving a card at sign-up: attach and make it the default at once
    card = client.v1.payment_methods.create(params={"type": "card",
                                                    "card": {"token": "tok_visa"}})
    customer = client.v1.customers.create(params={
        "email": "jenny@example.com", "payment_method": card.id,
        "invoice_settings": {"default_payment_method": card.id}})

    assert customer.invoice_settings.default_payment_method == card.id
    assert [pm.id for pm in client.v1.customers.payment_methods.list(customer.id).data] == [
        card.id]
    paid = client.v1.payment_intents.create(params={
        "amount": 4200, "currency": "usd", "customer": customer.id, "payment_method": card.id,
        "off_session": True, "confirm": True})
    assert paid.status == "succeeded"
    # and a declining card makes no customer, raising the SDK's CardError
    with pytest.raises(stripe.CardError) as declined:
        client.v1.customers.create(params={"payment_method": "pm_card_chargeDeclined"})
    assert declined.value.code == "card_declined"
    assert Customer.objects.count() == 1


def test_update_unsets_one_metadata_key_then_clears_all_metadata(client):
    # given
    customer = client.v1.customers.create(params={"metadata": {"plan": "pro", "seats": "3"}})

    # when
    one_unset = client.v1.customers.update(customer.id, params={"metadata": {"plan": ""}})
    all_cleared = client.v1.customers.update(customer.id, params={"metadata": ""})

    # then
    assert one_unset.metadata.to_dict() == {"seats": "3"}
    assert "plan" not in one_unset.metadata
    assert all_cleared.metadata.to_dict() == {}
    assert client.v1.customers.retrieve(customer.id).metadata.to_dict() == {}


def test_update_changes_fields_and_keeps_the_others(client):
    # given
    customer = client.v1.customers.create(params={"email": "old@example.test", "name": "Old"})

    # when
    updated = client.v1.customers.update(customer.id, params={"name": "New", "balance": -500})

    # then
    assert updated.name == "New"
    assert updated.balance == -500
    assert updated.email == "old@example.test"


def test_deleted_customer_retrieves_as_deleted_and_cannot_be_updated(client):
    # given
    customer = client.v1.customers.create(params={"email": "gone@example.test"})

    # when
    deleted = client.v1.customers.delete(customer.id)

    # then
    assert deleted.id == customer.id
    assert deleted.deleted is True
    tombstone = client.v1.customers.retrieve(customer.id)
    assert tombstone.to_dict() == {"id": customer.id, "object": "customer", "deleted": True}
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.customers.update(customer.id, params={"name": "Back"})
    assert raised.value.http_status == 404
    assert raised.value.code == "resource_missing"


def test_list_with_limit_pages_newest_first(client):
    # given
    ids = [client.v1.customers.create(params={"name": f"c{i}"}).id for i in range(3)]

    # when
    page = client.v1.customers.list(params={"limit": 2})

    # then
    assert [c.id for c in page.data] == [ids[2], ids[1]]
    assert page.has_more is True
    assert page.url == "/v1/customers"


def test_auto_paging_iter_returns_every_customer_once_newest_first(client):
    # given
    ids = [client.v1.customers.create(params={"name": f"c{i}"}).id for i in range(25)]

    # when
    seen = [c.id for c in client.v1.customers.list(params={"limit": 10}).auto_paging_iter()]

    # then
    assert seen == list(reversed(ids))


def test_list_filtered_by_email(client):
    # given
    first = client.v1.customers.create(params={"email": "twin@example.test"}).id
    client.v1.customers.create(params={"email": "other@example.test"})
    second = client.v1.customers.create(params={"email": "twin@example.test"}).id

    # when
    page = client.v1.customers.list(params={"email": "twin@example.test"})

    # then
    assert [c.id for c in page.data] == [second, first]


def test_list_filtered_by_created(client):
    # given a customer from two days ago and one from now
    old = client.v1.customers.create(params={"name": "old"}).id
    new = client.v1.customers.create(params={"name": "new"}).id
    two_days_ago = timezone.now() - timedelta(days=2)
    Customer.objects.filter(pk=old).update(created=two_days_ago)
    one_day_ago = int((timezone.now() - timedelta(days=1)).timestamp())

    # when
    recent = client.v1.customers.list(params={"created": {"gte": one_day_ago}})
    older = client.v1.customers.list(params={"created": {"lt": one_day_ago}})
    exact = client.v1.customers.list(params={"created": int(two_days_ago.timestamp())})

    # then
    assert [c.id for c in recent.data] == [new]
    assert [c.id for c in older.data] == [old]
    assert [c.id for c in exact.data] == [old]


# -- events ------------------------------------------------------------------------------

def test_events_list_newest_first_filter_by_type_and_types_and_retrieve(client):
    # given a customer created, updated and deleted
    customer = client.v1.customers.create(params={"name": "Grace"})
    client.v1.customers.update(customer.id, params={"name": "Grace H."})
    client.v1.customers.delete(customer.id)

    # when
    listed = client.v1.events.list()
    updated_only = client.v1.events.list(params={"type": "customer.updated"})
    created_or_deleted = client.v1.events.list(
        params={"types": ["customer.created", "customer.deleted"]})
    retrieved = client.v1.events.retrieve(listed.data[0].id)

    # then
    assert [e.type for e in listed.data] == ["customer.deleted", "customer.updated",
                                             "customer.created"]
    assert {e.data.object.id for e in listed.data} == {customer.id}
    assert all(isinstance(e, stripe.Event) for e in listed.data)
    assert [e.type for e in updated_only.data] == ["customer.updated"]
    assert [e.type for e in created_or_deleted.data] == ["customer.deleted", "customer.created"]
    assert retrieved.id == listed.data[0].id
    assert retrieved.type == "customer.deleted"
    assert retrieved.data.object.id == customer.id


def test_customer_updated_event_carries_previous_attributes(client):
    # given
    customer = client.v1.customers.create(params={
        "email": "same@example.test", "name": "Before", "metadata": {"plan": "basic"}})

    # when
    client.v1.customers.update(customer.id, params={"name": "After",
                                                   "metadata": {"plan": "pro"}})
    event = client.v1.events.list(params={"type": "customer.updated"}).data[0]

    # then
    previous = event.data.previous_attributes
    assert previous.name == "Before"
    assert previous.metadata.plan == "basic"
    assert "email" not in previous
    assert event.data.object.name == "After"
    assert event.data.object.metadata.plan == "pro"


# -- errors and idempotency --------------------------------------------------------------

def test_bad_key_raises_authentication_error(live_server, sdk_account, http_client):
    # given
    intruder = sdk_client("sk_test_" + "x" * 48, live_server, http_client)

    # when
    with pytest.raises(stripe.AuthenticationError) as raised:
        intruder.v1.customers.list()

    # then
    assert raised.value.http_status == 401
    assert "Invalid API Key provided" in raised.value.user_message


def test_unknown_parameter_raises_invalid_request_error_naming_it(client):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.customers.create(params={"favourite_colour": "blue"})

    assert raised.value.http_status == 400
    assert raised.value.param == "favourite_colour"
    assert raised.value.code == "parameter_unknown"
    assert Customer.objects.count() == 0


def test_missing_customer_raises_invalid_request_error_404(client):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.customers.retrieve("cus_doesnotexist")

    assert raised.value.http_status == 404
    assert raised.value.code == "resource_missing"
    assert raised.value.param == "id"
    assert "cus_doesnotexist" in raised.value.user_message


def test_idempotency_key_reused_with_other_params_raises_idempotency_error(client):
    # given
    client.v1.customers.create(params={"email": "first@example.test"},
                               options={"idempotency_key": "signup-7"})

    # when
    with pytest.raises(stripe.IdempotencyError) as raised:
        client.v1.customers.create(params={"email": "second@example.test"},
                                   options={"idempotency_key": "signup-7"})

    # then
    assert raised.value.http_status == 400
    assert "signup-7" in raised.value.user_message
    assert list(Customer.objects.values_list("email", flat=True)) == ["first@example.test"]


def test_idempotency_key_replays_the_same_customer(client):
    # when
    first = client.v1.customers.create(params={"email": "once@example.test"},
                                       options={"idempotency_key": "order-1001"})
    second = client.v1.customers.create(params={"email": "once@example.test"},
                                        options={"idempotency_key": "order-1001"})

    # then
    assert second.id == first.id
    assert second.to_dict() == first.to_dict()
    assert second.last_response.headers.get("Idempotent-Replayed") == "true"
    assert Customer.objects.count() == 1


# -- the module-level style --------------------------------------------------------------

def test_global_api_base_style_round_trip(global_stripe):
    # when
    first = global_stripe.Customer.create(email="g@example.test", metadata={"k": "v"},
                                          idempotency_key="global-1")
    replayed = global_stripe.Customer.create(email="g@example.test", metadata={"k": "v"},
                                             idempotency_key="global-1")
    modified = global_stripe.Customer.modify(first.id, name="Global")
    listed = global_stripe.Customer.list(limit=5)
    deleted = global_stripe.Customer.delete(first.id)
    events = global_stripe.Event.list(type="customer.*")

    # then
    assert replayed.id == first.id
    assert modified.name == "Global"
    assert modified.metadata.to_dict() == {"k": "v"}
    assert [c.id for c in listed.data] == [first.id]
    assert deleted.deleted is True
    assert global_stripe.Customer.retrieve(first.id).deleted is True
    assert [e.type for e in events.data] == ["customer.deleted", "customer.updated",
                                             "customer.created"]
    with pytest.raises(stripe.InvalidRequestError) as raised:
        global_stripe.Customer.modify(first.id, name="Again")
    assert raised.value.http_status == 404


# -- payments ----------------------------------------------------------------------------

def test_create_and_confirm_a_payment_with_a_test_card(client):
    # when
    paid = client.v1.payment_intents.create(params={
        "amount": 2000, "currency": "usd", "payment_method": "pm_card_visa", "confirm": True,
        "metadata": {"order_id": "42"}})
    charge = client.v1.charges.retrieve(paid.latest_charge)

    # then
    assert isinstance(paid, stripe.PaymentIntent)
    assert paid.id.startswith("pi_")
    assert (paid.status, paid.amount_received) == ("succeeded", 2000)
    assert paid.client_secret.startswith(paid.id + "_secret_")
    assert isinstance(charge, stripe.Charge)
    assert (charge.paid, charge.captured, charge.payment_intent) == (True, True, paid.id)
    assert charge.payment_method_details.card.last4 == "4242"
    assert client.v1.payment_intents.retrieve(paid.id).to_dict() == paid.to_dict()


def test_a_decline_raises_card_error_carrying_the_intent(client):
    # when
    with pytest.raises(stripe.CardError) as raised:
        client.v1.payment_intents.create(params={
            "amount": 2000, "currency": "usd", "confirm": True,
            "payment_method": "pm_card_visa_chargeDeclinedInsufficientFunds"})

    # then
    error = raised.value
    assert error.http_status == 402
    assert error.code == "card_declined"
    assert error.error.decline_code == "insufficient_funds"
    assert error.user_message == "Your card has insufficient funds."
    failed = error.error.payment_intent
    assert isinstance(failed, stripe.PaymentIntent)
    assert failed.status == "requires_payment_method"
    assert failed.last_payment_error.decline_code == "insufficient_funds"
    assert client.v1.charges.retrieve(error.error.charge).status == "failed"


def test_manual_capture_of_part_of_a_hold(client):
    # given
    held = client.v1.payment_intents.create(params={
        "amount": 5000, "currency": "usd", "payment_method": "pm_card_visa", "confirm": True,
        "capture_method": "manual"})
    assert (held.status, held.amount_capturable) == ("requires_capture", 5000)

    # when
    captured = client.v1.payment_intents.capture(held.id, params={"amount_to_capture": 3500})

    # then
    assert (captured.status, captured.amount_received) == ("succeeded", 3500)
    assert client.v1.charges.retrieve(captured.latest_charge).amount_captured == 3500
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.payment_intents.capture(held.id)
    assert raised.value.code == "payment_intent_unexpected_state"


def test_cancel_with_a_reason(client):
    open_intent = client.v1.payment_intents.create(params={"amount": 1000, "currency": "eur"})

    canceled = client.v1.payment_intents.cancel(
        open_intent.id, params={"cancellation_reason": "requested_by_customer"})

    assert (canceled.status, canceled.cancellation_reason) == ("canceled",
                                                              "requested_by_customer")
    assert canceled.canceled_at is not None


def test_confirm_later_with_a_created_payment_method(client):
    # given a card tokenized as Stripe.js would, and an intent
    method = client.v1.payment_methods.create(params={"type": "card", "card": {
        "number": "5555555555554444", "exp_month": 8,
        "exp_year": timezone.now().year + 3, "cvc": "314"}})
    created = client.v1.payment_intents.create(params={"amount": 1500, "currency": "usd"})

    # when
    confirmed = client.v1.payment_intents.confirm(created.id,
                                                  params={"payment_method": method.id})

    # then
    assert isinstance(method, stripe.PaymentMethod)
    assert (method.card.brand, method.card.last4) == ("mastercard", "4444")
    assert (confirmed.status, confirmed.payment_method) == ("succeeded", method.id)


def test_list_payment_intents_with_auto_paging_iter(client):
    ids = [client.v1.payment_intents.create(params={"amount": 1000 + i, "currency": "usd"}).id
           for i in range(12)]

    seen = [i.id for i in client.v1.payment_intents.list(params={"limit": 5})
            .auto_paging_iter()]

    assert seen == list(reversed(ids))


def test_search_payment_intents_and_page_through_results(client):
    # given five orders of one customer's and one other payment
    ids = [client.v1.payment_intents.create(params={
        "amount": 1000, "currency": "usd", "metadata": {"customer_ref": "c-9"}}).id
        for _ in range(5)]
    client.v1.payment_intents.create(params={"amount": 1000, "currency": "usd"})

    # when
    first = client.v1.payment_intents.search(
        params={"query": "metadata['customer_ref']:'c-9'", "limit": 2})
    every = [i.id for i in client.v1.payment_intents.search(
        params={"query": "metadata['customer_ref']:'c-9' AND amount>=1000", "limit": 2})
        .auto_paging_iter()]

    # then
    assert isinstance(first, stripe.SearchResultObject)
    assert first.has_more is True and first.next_page
    assert [i.id for i in first.data] == [ids[4], ids[3]]
    assert every == list(reversed(ids))


def test_attach_and_detach_a_payment_method(client):
    # given
    customer = client.v1.customers.create(params={"email": "card@example.test"})
    method = client.v1.payment_methods.create(params={"type": "card",
                                                      "card": {"token": "tok_visa"}})

    # when
    attached = client.v1.payment_methods.attach(method.id, params={"customer": customer.id})
    listed = client.v1.customers.payment_methods.list(customer.id)
    detached = client.v1.payment_methods.detach(method.id)

    # then
    assert attached.customer == customer.id
    assert [m.id for m in listed.data] == [method.id]
    assert detached.customer is None
    with pytest.raises(stripe.CardError) as raised:
        declining = client.v1.payment_methods.create(params={
            "type": "card", "card": {"token": "tok_chargeDeclined"}})
        client.v1.payment_methods.attach(declining.id, params={"customer": customer.id})
    assert raised.value.code == "card_declined"


def test_global_style_payment_round_trip(global_stripe):
    customer = global_stripe.Customer.create(email="g@example.test")
    method = global_stripe.PaymentMethod.create(type="card", card={"token": "tok_visa"})
    global_stripe.PaymentMethod.attach(method.id, customer=customer.id)

    paid = global_stripe.PaymentIntent.create(amount=900, currency="usd", customer=customer.id,
                                              payment_method=method.id, confirm=True,
                                              off_session=True)

    assert paid.status == "succeeded"
    assert global_stripe.PaymentMethod.retrieve(method.id).customer == customer.id


# -- test clocks -------------------------------------------------------------------------

# Midnight yesterday: the events of the clock's customers stay in the events' window.
CLOCK_START = int(timezone.now().timestamp()) // 86400 * 86400 - 86400


@pytest.fixture
def advance_calls():
    """An advance handler registered for the test (as billing's engine registers one): each
    call's arguments, with the clock's "now" inside it."""
    from core import clock, hooks

    calls = []

    def handler(**kwargs):
        calls.append({**kwargs, "now": int(clock.now().timestamp())})

    hooks.on_test_clock_advance(handler)
    yield calls
    hooks._advance_handlers.remove(handler)


def test_a_test_clock_advances_with_its_customer_and_is_deleted_with_it(client, sdk_account,
                                                                        advance_calls):
    # given a clock, and a customer on it
    test_clock = client.v1.test_helpers.test_clocks.create(
        params={"frozen_time": CLOCK_START, "name": "Monthly plan"})
    customer = client.v1.customers.create(params={"email": "clocked@example.test",
                                                  "test_clock": test_clock.id})

    # when it advances a month
    advancing = client.v1.test_helpers.test_clocks.advance(
        test_clock.id, params={"frozen_time": CLOCK_START + 30 * 86400})
    ready = client.v1.test_helpers.test_clocks.retrieve(test_clock.id)

    # then the SDK reads Stripe's object all the way, and the handlers ran on the clock's
    # new time
    assert isinstance(test_clock, stripe.test_helpers.TestClock)
    assert (test_clock.status, test_clock.frozen_time, test_clock.name) == (
        "ready", CLOCK_START, "Monthly plan")
    assert test_clock.deletes_after == test_clock.created + 30 * 86400
    assert customer.test_clock == test_clock.id
    assert customer.created == CLOCK_START
    assert advancing.status == "advancing"
    assert advancing.status_details.advancing.target_frozen_time == CLOCK_START + 30 * 86400
    assert (ready.status, ready.frozen_time) == ("ready", CLOCK_START + 30 * 86400)
    assert advance_calls == [{"clock_id": test_clock.id, "merchant_id": sdk_account.merchant.id,
                              "livemode": False,
                              "until": datetime.fromtimestamp(CLOCK_START + 30 * 86400, UTC),
                              "now": CLOCK_START + 30 * 86400}]
    events = client.v1.events.list(params={"type": "test_helpers.test_clock.*"})
    assert [e.type for e in events.data] == [
        "test_helpers.test_clock.ready", "test_helpers.test_clock.advancing",
        "test_helpers.test_clock.created"]
    listed = client.v1.customers.list(params={"test_clock": test_clock.id})
    assert [c.id for c in listed.data] == [customer.id]

    # when the clock is deleted
    deleted = client.v1.test_helpers.test_clocks.delete(test_clock.id)

    # then so is its customer, and the clock is gone
    assert (deleted.id, deleted.deleted) == (test_clock.id, True)
    assert client.v1.customers.retrieve(customer.id).deleted is True
    assert [c.id for c in client.v1.test_helpers.test_clocks.list().data] == []
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.test_helpers.test_clocks.retrieve(test_clock.id)
    assert (raised.value.http_status, raised.value.code) == (404, "resource_missing")


def test_a_failing_advance_handler_leaves_the_clock_internal_failure(client):
    from core import hooks

    def broken(**kwargs):
        raise RuntimeError("the engine broke")

    test_clock = client.v1.test_helpers.test_clocks.create(params={"frozen_time": CLOCK_START})
    hooks.on_test_clock_advance(broken)
    try:
        client.v1.test_helpers.test_clocks.advance(test_clock.id,
                                                   params={"frozen_time": CLOCK_START + 60})
    finally:
        hooks._advance_handlers.remove(broken)

    failed = client.v1.test_helpers.test_clocks.retrieve(test_clock.id)
    assert (failed.status, failed.frozen_time) == ("internal_failure", CLOCK_START)
    [event] = client.v1.events.list(params={"type": "test_helpers.test_clock.internal_failure"})
    assert event.data.object.id == test_clock.id


def test_test_clock_errors_name_their_param_and_live_mode_has_none(global_stripe, sdk_account,
                                                                   live_server, http_client):
    test_clock = global_stripe.test_helpers.TestClock.create(frozen_time=CLOCK_START)

    with pytest.raises(stripe.InvalidRequestError) as backwards:
        global_stripe.test_helpers.TestClock.advance(test_clock.id, frozen_time=CLOCK_START - 1)
    with pytest.raises(stripe.InvalidRequestError) as missing:
        global_stripe.test_helpers.TestClock.create()
    for _ in range(3):
        global_stripe.Customer.create(test_clock=test_clock.id)
    with pytest.raises(stripe.InvalidRequestError) as full:
        global_stripe.Customer.create(test_clock=test_clock.id)
    live = sdk_client(sdk_account.key("live_secret_key"), live_server, http_client)
    with pytest.raises(stripe.InvalidRequestError) as live_mode:
        live.v1.test_helpers.test_clocks.create(params={"frozen_time": CLOCK_START})

    assert (backwards.value.http_status, backwards.value.param) == (400, "frozen_time")
    assert (missing.value.code, missing.value.param) == ("parameter_missing", "frozen_time")
    assert (full.value.http_status, full.value.param) == (400, "test_clock")
    assert (live_mode.value.http_status, live_mode.value.code) == (404, "resource_missing")
    assert global_stripe.test_helpers.TestClock.retrieve(test_clock.id).status == "ready"


# -- payouts -------------------------------------------------------------------------------

def test_payouts_create_list_update_and_cancel_through_the_sdk(client, sdk_account):
    # given 2000 usd available (booked as a charge's net is after the payout delay)
    book(merchant_id=sdk_account.merchant.id, livemode=False, type=BalanceTransaction.Type.CHARGE,
         category=BalanceTransaction.ReportingCategory.CHARGE, source="ch_sdk", amount=2000,
         currency="usd", available_on=timezone.now() - timedelta(days=1))

    # when the SDK makes a payout, updates it, lists it and cancels it
    payout = client.v1.payouts.create(params={"amount": 1200, "currency": "usd",
                                              "metadata": {"run": "1"}})
    updated = client.v1.payouts.update(payout.id, params={"metadata": {"run": "2"}})
    listed = client.v1.payouts.list(params={"status": "pending", "limit": 3})
    own = client.v1.balance_transactions.list(params={"payout": payout.id})
    with pytest.raises(stripe.InvalidRequestError) as refused:
        client.v1.payouts.create(params={"amount": 900, "currency": "usd"})
    canceled = client.v1.payouts.cancel(payout.id)
    balance = client.v1.balance.retrieve()

    # then it behaves as Stripe's: debited at once, refused past the balance, given back
    assert (payout.object, payout.status, payout.amount) == ("payout", "pending", 1200)
    assert updated.metadata.to_dict() == {"run": "2"}
    assert [p.id for p in listed.data] == [payout.id]
    assert [t.type for t in own.data] == ["payout"]
    assert refused.value.code == "balance_insufficient"
    assert refused.value.param == "amount"
    assert canceled.status == "canceled"
    assert balance.available[0].amount == 2000


# -- the legacy surface: tokens, charges with a source, card sources, the account ---------

def test_the_legacy_card_surface_through_the_sdk(global_stripe):
    # given the account the key belongs to
    account = stripe.Account.retrieve()
    assert account.id.startswith("acct_") and account.charges_enabled is True

    # when a card is tokenized and charged, authorized only, then captured in part
    token = stripe.Token.create(card={"number": "4242424242424242", "exp_month": 12,
                                      "exp_year": datetime.now(UTC).year + 1, "cvc": "123"})
    charge = stripe.Charge.create(amount=2000, currency="usd", source=token.id,
                                  capture=False, description="Order 12")
    captured = stripe.Charge.capture(charge.id, amount=1500)

    # then the charge is the token's card's, captured for what was asked
    assert (charge.captured, charge.source.id) == (False, token.card.id)
    assert (captured.captured, captured.amount_captured) == (True, 1500)
    assert stripe.Token.retrieve(token.id).used is True
    # and a second use of the token is refused
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe.Charge.create(amount=500, currency="usd", source=token.id)
    assert refused.value.param == "source"

    # when a customer gets two card sources and one is removed
    customer = stripe.Customer.create(email="legacy@example.test")
    first = stripe.Customer.create_source(customer.id, source="tok_visa")
    second = stripe.Customer.create_source(customer.id, source="tok_mastercard")
    stripe.Customer.modify_source(customer.id, second.id, name="Jenny Rosen")
    listed = stripe.Customer.list_sources(customer.id)
    shown = stripe.Customer.retrieve(customer.id, expand=["default_source"])
    deleted = stripe.Customer.delete_source(customer.id, first.id)

    # then the sources, the default and the charge without a source all agree
    assert {card.id for card in listed.data} == {first.id, second.id}
    assert shown.default_source.id == first.id
    assert deleted.deleted is True
    assert stripe.Customer.retrieve_source(customer.id, second.id).name == "Jenny Rosen"
    paid = stripe.Charge.create(amount=1000, currency="usd", customer=customer.id)
    assert (paid.status, paid.source.id) == ("succeeded", second.id)
    # and searches find them
    found = stripe.Customer.search(query="email:'legacy@example.test'")
    assert [c.id for c in found.data] == [customer.id]
    assert paid.id in {c.id for c in stripe.Charge.search(query="amount:1000").data}
