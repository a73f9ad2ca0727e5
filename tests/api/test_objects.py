"""Rendering API objects: common fields, timestamps, deletion, `expand` and Stripe-Version."""

import time

import pytest

from payments.models import Customer
from tests.api.helpers import error_of
from webhooks.models import Event


def test_created_object_has_stripes_common_fields(api):
    before = int(time.time())
    body = api.post("/v1/customers", {"email": "a@b.test", "metadata": {"order_id": "42"}}
                    ).json()
    after = int(time.time())
    assert body["id"].startswith("cus_")
    assert body["object"] == "customer"
    assert body["livemode"] is False
    assert isinstance(body["created"], int)
    assert before <= body["created"] <= after
    assert body["metadata"] == {"order_id": "42"}
    assert list(body)[:2] == ["id", "object"]


def test_unset_fields_render_as_null_not_absent(api):
    body = api.post("/v1/customers", {}).json()
    for field in ("email", "name", "description", "phone", "address", "shipping"):
        assert field in body
        assert body[field] is None
    assert body["metadata"] == {}
    assert body["preferred_locales"] == []


def test_retrieve_renders_what_create_rendered(api):
    created = api.post("/v1/customers", {"email": "a@b.test", "metadata": {"k": "v"}}).json()
    assert api.get(f"/v1/customers/{created['id']}").json() == created


def test_listed_object_renders_as_retrieved(api):
    created = api.post("/v1/customers", {"email": "a@b.test"}).json()
    assert api.get("/v1/customers").json()["data"] == [created]


def test_delete_returns_the_deleted_stub_and_retrieve_still_answers(api):
    created = api.post("/v1/customers", {"email": "a@b.test"}).json()
    deleted = api.delete(f"/v1/customers/{created['id']}")
    stub = {"id": created["id"], "object": "customer", "deleted": True}
    assert deleted.status_code == 200
    assert deleted.json() == stub
    assert api.get(f"/v1/customers/{created['id']}").json() == stub
    assert api.get("/v1/customers").json()["data"] == []
    error_of(api.post(f"/v1/customers/{created['id']}", {"name": "x"}), 404)
    error_of(api.delete(f"/v1/customers/{created['id']}"), 404)


def test_event_carries_the_object_as_rendered(api):
    created = api.post("/v1/customers", {"email": "a@b.test"}).json()
    event = api.get("/v1/events").json()["data"][0]
    assert event["object"] == "event"
    assert event["id"].startswith("evt_")
    assert event["type"] == "customer.created"
    assert event["data"]["object"] == created
    assert api.get(f"/v1/events/{event['id']}").json() == event


@pytest.mark.parametrize("expand", ["unknown", "invoice_settings", "metadata",
                                    "a.b.c.d.e", "data.email"])
def test_unexpandable_path_on_create_is_a_400_and_writes_nothing(api, expand):
    response = api.post("/v1/customers", {"email": "a@b.test", "expand": [expand]})
    error = error_of(response, 400)
    assert error["param"] == "expand"
    assert not Customer.objects.exists()
    assert not Event.objects.exists()


def test_unexpandable_path_on_retrieve_is_a_400(api):
    created = api.post("/v1/customers", {}).json()
    response = api.get(f"/v1/customers/{created['id']}", {"expand": ["unknown"]})
    assert error_of(response, 400)["param"] == "expand"


def test_expand_is_not_an_unknown_parameter(api):
    created = api.post("/v1/customers", {}).json()
    response = api.get(f"/v1/customers/{created['id']}", {"expand": []})
    assert response.status_code == 200


def test_responses_name_the_emulated_stripe_version(api, settings):
    assert api.get("/v1/customers")["Stripe-Version"] == settings.TILL_API_VERSION
    assert api.get("/v1/customers/cus_x")["Stripe-Version"] == settings.TILL_API_VERSION
