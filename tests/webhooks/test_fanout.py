"""Fan-out: an event becomes one delivery per enabled endpoint that wants it, in the same
transaction, cheaply."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.memo import request_scope
from payments.services import customer_create, customer_update
from tests.conftest import make_account
from tests.webhooks.conftest import create_endpoint, record_event
from webhooks.models import Event, WebhookDelivery
from webhooks.services import webhook_endpoint_create

URL = "https://93.184.215.14/hook"


def test_one_delivery_per_matching_endpoint(account, api):
    # given endpoints that want it (by type, by wildcard) and ones that do not
    wanted = {create_endpoint(api, URL, ["customer.created"])["id"],
              create_endpoint(api, URL, ["*"])["id"],
              create_endpoint(api, URL, ["customer.updated", "customer.created"])["id"]}
    create_endpoint(api, URL, ["customer.deleted"])
    disabled = create_endpoint(api, URL, ["*"])["id"]
    api.post(f"/v1/webhook_endpoints/{disabled}", {"disabled": "true"})
    deleted = create_endpoint(api, URL, ["*"])["id"]
    api.delete(f"/v1/webhook_endpoints/{deleted}")
    create_endpoint(account.api("live_secret_key"), URL, ["*"])
    create_endpoint(make_account("Other").api(), URL, ["*"])

    # when
    event = record_event(account.merchant)

    # then
    deliveries = WebhookDelivery.objects.filter(event=event)
    assert {d.endpoint_id for d in deliveries} == wanted
    assert {d.status for d in deliveries} == {"pending"}
    assert {d.attempt_count for d in deliveries} == {0}
    assert event.pending_webhooks == 3
    assert WebhookDelivery.objects.count() == 3
    shown = api.get(f"/v1/events/{event.id}").json()
    assert shown["pending_webhooks"] == 3


def test_no_endpoints_no_deliveries(account):
    event = record_event(account.merchant)

    assert event.pending_webhooks == 0
    assert not WebhookDelivery.objects.exists()


def test_deliveries_roll_back_with_the_change(account, api):
    create_endpoint(api, URL)

    with pytest.raises(RuntimeError), transaction.atomic():
        customer_create(merchant=account.merchant, livemode=False)
        raise RuntimeError("the caller's transaction fails after the event")

    assert not Event.objects.exists()
    assert not WebhookDelivery.objects.exists()


def test_the_send_is_enqueued_on_commit_once_per_event(account, api,
                                                      django_capture_on_commit_callbacks,
                                                      monkeypatch):
    create_endpoint(api, URL)
    create_endpoint(api, URL)
    sent: list = []
    monkeypatch.setattr("webhooks.services.outbox._enqueue",
                        lambda items, countdown=None: sent.append(items))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        event = record_event(account.merchant)
        assert sent == []  # nothing leaves before the commit

    assert len(callbacks) == 1
    [items] = sent
    assert sorted(items) == sorted((d.id, 0) for d in WebhookDelivery.objects.filter(
        event=event))


def test_fan_out_costs_one_query_for_endpoints_and_one_insert(account, api,
                                                             django_assert_num_queries):
    for _ in range(16):
        create_endpoint(api, URL)
    customer = customer_create(merchant=account.merchant, livemode=False)

    # the transaction (a savepoint pair in tests), lock, update, and for the event: the
    # endpoints, the event insert, one insert for all 16 deliveries
    with django_assert_num_queries(7):
        customer_update(id=customer.id, merchant=account.merchant, livemode=False,
                        name="New")

    assert WebhookDelivery.objects.filter(event__type="customer.updated").count() == 16


def test_one_request_reads_the_endpoints_once_and_sees_its_own_changes(account, api):
    # given an endpoint, and a request's scope of kept reads (core.memo)
    first = create_endpoint(api, URL)["id"]
    with request_scope():
        one = record_event(account.merchant, email="one@example.test")
        with CaptureQueriesContext(connection) as second_change:
            two = record_event(account.merchant, email="two@example.test")
        # an endpoint made within the same request is seen by the events after it
        added = webhook_endpoint_create(merchant=account.merchant, livemode=False, url=URL,
                                        enabled_events=["*"])
        three = record_event(account.merchant, email="three@example.test")

    # then the second change did not read the endpoints again, and each event went to the
    # endpoints there were when it was recorded
    assert not any("webhooks_webhookendpoint" in q["sql"]
                   for q in second_change.captured_queries)
    assert [d.endpoint_id for d in WebhookDelivery.objects.filter(event__in=[one, two])] == [
        first, first]
    assert {d.endpoint_id for d in WebhookDelivery.objects.filter(event=three)} == {
        first, added.id}
