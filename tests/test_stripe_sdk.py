"""The official `stripe` SDK as the client, against a live Till server.

What a merchant's integration would do, unchanged except for the base address: if these pass,
code written for Stripe runs against Till.
"""

from datetime import timedelta

import pytest
import stripe
from django.utils import timezone

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
