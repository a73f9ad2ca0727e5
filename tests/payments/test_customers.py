"""The Customers resource: validation, unsetting, events and deletion, over the wire."""

import pytest

from payments.models import Customer
from payments.services import customers
from webhooks.models import Event

ADDRESS = {"line1": "10 Downing St", "city": "London", "postal_code": "SW1A 2AA",
           "country": "GB"}


def create(api, params=None) -> dict:
    response = api.post("/v1/customers", params or {})
    assert response.status_code == 200, response.content
    return response.json()


def error_of(response, status: int = 400) -> dict:
    assert response.status_code == status, response.content
    return response.json()["error"]


# -- validation --------------------------------------------------------------------------

INVALID = [
    pytest.param({"email": "not-an-email"}, "email", "email_invalid", id="email"),
    pytest.param({"balance": "ten"}, "balance", "parameter_invalid_integer", id="balance-word"),
    pytest.param({"balance": "1.5"}, "balance", "parameter_invalid_integer",
                 id="balance-decimal"),
    pytest.param({"tax_exempt": "sometimes"}, "tax_exempt", None, id="tax_exempt-enum"),
    pytest.param({"metadata": {f"k{i}": "v" for i in range(51)}}, "metadata", None,
                 id="metadata-51-keys"),
    pytest.param({"metadata": {"k" * 41: "v"}}, "metadata", None, id="metadata-key-41"),
    pytest.param({"metadata": {"a]b": "v"}}, "metadata", None, id="metadata-key-bracket"),
    pytest.param({"metadata": {"note": "v" * 501}}, "metadata", None, id="metadata-value-501"),
    pytest.param({"address": {"line1": "x", "foo": "bar"}}, "address[foo]", "parameter_unknown",
                 id="address-unknown-key"),
    pytest.param({"shipping": {"address": ADDRESS}}, "shipping[name]", "parameter_missing",
                 id="shipping-without-name"),
]


@pytest.mark.parametrize(("params", "param", "code"), INVALID)
def test_create_rejects_invalid_params_and_creates_nothing(api, params, param, code):
    # when
    response = api.post("/v1/customers", params)

    # then
    error = error_of(response)
    assert error["type"] == "invalid_request_error"
    assert error["param"] == param
    assert error.get("code") == code
    assert Customer.objects.count() == 0
    assert Event.objects.count() == 0


@pytest.mark.parametrize(("params", "param", "code"), INVALID)
def test_update_rejects_invalid_params_and_changes_nothing(api, params, param, code,
                                                           event_types):
    # given
    customer = create(api, {"email": "kept@example.test", "metadata": {"plan": "pro"}})

    # when
    response = api.post(f"/v1/customers/{customer['id']}", params)

    # then
    assert error_of(response)["param"] == param
    assert api.get(f"/v1/customers/{customer['id']}").json() == customer
    assert event_types(customer["id"]) == ["customer.created"]


def test_an_invalid_email_gets_stripes_message_once(api):
    error = error_of(api.post("/v1/customers", {"email": "jenny@"}))

    assert (error["code"], error["message"]) == ("email_invalid", "Invalid email address: jenny@")


def test_metadata_key_with_an_opening_bracket_is_refused(api):
    # JSON keeps the key whole; a form body cannot carry it unambiguously.
    response = api.post_json("/v1/customers", {"metadata": {"a[b": "v"}})

    assert error_of(response)["param"] == "metadata"
    assert Customer.objects.count() == 0


def test_metadata_at_its_limits_is_accepted(api):
    # given the largest metadata Stripe allows
    metadata = {f"key{i:02d}".ljust(40, "x"): "v" * 500 for i in range(50)}

    # when
    customer = create(api, {"metadata": metadata})

    # then
    assert customer["metadata"] == metadata


def test_metadata_merge_beyond_50_keys_is_refused(api):
    # given 30 keys stored
    customer = create(api, {"metadata": {f"old{i}": "v" for i in range(30)}})

    # when 21 more arrive, each request under the limit on its own
    response = api.post(f"/v1/customers/{customer['id']}",
                        {"metadata": {f"new{i}": "v" for i in range(21)}})

    # then
    assert error_of(response)["param"] == "metadata"
    assert len(api.get(f"/v1/customers/{customer['id']}").json()["metadata"]) == 30


# -- unsetting ---------------------------------------------------------------------------

def test_empty_email_unsets_it(api):
    # given
    customer = create(api, {"email": "bye@example.test", "name": "Kept"})

    # when
    updated = api.post(f"/v1/customers/{customer['id']}", {"email": ""}).json()

    # then
    assert updated["email"] is None
    assert updated["name"] == "Kept"
    assert api.get(f"/v1/customers/{customer['id']}").json()["email"] is None
    listed = api.get("/v1/customers", {"email": "bye@example.test"}).json()["data"]
    assert listed == []


def test_empty_address_unsets_it(api):
    # given
    customer = create(api, {"address": ADDRESS})
    assert customer["address"]["city"] == "London"

    # when
    updated = api.post(f"/v1/customers/{customer['id']}", {"address": ""}).json()

    # then
    assert updated["address"] is None
    assert api.get(f"/v1/customers/{customer['id']}").json()["address"] is None


def test_empty_tax_exempt_resets_it_to_none(api):
    # Stripe's API takes `tax_exempt=` (the SDKs type it Literal['']) to unset the exemption.
    customer = create(api, {"tax_exempt": "reverse"})

    response = api.post(f"/v1/customers/{customer['id']}", {"tax_exempt": ""})

    assert response.status_code == 200, response.content
    assert response.json()["tax_exempt"] == "none"


def test_empty_custom_fields_removes_them_and_keeps_the_footer(api):
    # "When updating, pass an empty string to remove previously-defined fields."
    customer = create(api, {"invoice_settings": {
        "custom_fields": [{"name": "VAT", "value": "GB123"}], "footer": "Thanks"}})
    assert customer["invoice_settings"]["custom_fields"] == [{"name": "VAT", "value": "GB123"}]

    response = api.post(f"/v1/customers/{customer['id']}",
                        {"invoice_settings": {"custom_fields": ""}})

    assert response.status_code == 200, response.content
    settings = response.json()["invoice_settings"]
    assert settings["custom_fields"] is None
    assert settings["footer"] == "Thanks"


def test_an_empty_custom_field_item_is_refused(api):
    # Only the whole array can be unset; `custom_fields[0]=` is not a field.
    response = api.post("/v1/customers", {"invoice_settings": {"custom_fields": [""]}})

    assert error_of(response)["param"] == "invoice_settings[custom_fields][0]"
    assert Customer.objects.count() == 0


def test_more_than_four_custom_fields_are_refused(api):
    fields = [{"name": f"F{i}", "value": "v"} for i in range(5)]

    response = api.post("/v1/customers", {"invoice_settings": {"custom_fields": fields}})

    assert error_of(response)["param"] == "invoice_settings[custom_fields]"


def test_empty_metadata_value_drops_only_that_key(api):
    customer = create(api, {"metadata": {"a": "1", "b": "2"}})

    updated = api.post(f"/v1/customers/{customer['id']}", {"metadata": {"a": ""}}).json()

    assert updated["metadata"] == {"b": "2"}


# -- events ------------------------------------------------------------------------------

def test_each_change_writes_exactly_one_event(api, event_types):
    # when
    customer = create(api, {"name": "One"})
    api.post(f"/v1/customers/{customer['id']}", {"name": "Two"})
    api.delete(f"/v1/customers/{customer['id']}")

    # then
    assert event_types(customer["id"]) == ["customer.deleted", "customer.updated",
                                           "customer.created"]
    assert Event.objects.count() == 3


def test_an_update_that_changes_nothing_writes_no_event(api, event_types):
    # given
    customer = create(api, {"name": "Same", "metadata": {"k": "v"}})

    # when
    same = api.post(f"/v1/customers/{customer['id']}", {"name": "Same", "metadata": {"k": "v"}})
    empty = api.post(f"/v1/customers/{customer['id']}")

    # then
    assert same.status_code == empty.status_code == 200
    assert same.json() == customer
    assert event_types(customer["id"]) == ["customer.created"]


def _fail_after_recording(monkeypatch) -> None:
    """Makes the customer services' event step write its row, then fail."""
    real = customers.event_record

    def record_then_fail(**kwargs):
        real(**kwargs)
        raise RuntimeError("the outbox is on fire")

    # The services call the name they imported; patch it there.
    monkeypatch.setattr(customers, "event_record", record_then_fail)


def test_create_is_atomic_with_its_event(api, monkeypatch):
    # given
    _fail_after_recording(monkeypatch)

    # when
    response = api.post("/v1/customers", {"email": "ghost@example.test"})

    # then
    assert error_of(response, 500)["type"] == "api_error"
    assert Customer.objects.count() == 0
    assert Event.objects.count() == 0


def test_update_is_atomic_with_its_event(api, monkeypatch, event_types):
    # given
    customer = create(api, {"name": "Before"})
    _fail_after_recording(monkeypatch)

    # when
    response = api.post(f"/v1/customers/{customer['id']}", {"name": "After"})

    # then
    assert error_of(response, 500)["type"] == "api_error"
    monkeypatch.undo()
    assert api.get(f"/v1/customers/{customer['id']}").json()["name"] == "Before"
    assert event_types(customer["id"]) == ["customer.created"]


def test_delete_is_atomic_with_its_event(api, monkeypatch, event_types):
    # given
    customer = create(api, {"name": "Stays"})
    _fail_after_recording(monkeypatch)

    # when
    response = api.delete(f"/v1/customers/{customer['id']}")

    # then
    assert error_of(response, 500)["type"] == "api_error"
    monkeypatch.undo()
    assert api.get(f"/v1/customers/{customer['id']}").json() == customer
    assert event_types(customer["id"]) == ["customer.created"]


# -- deletion ----------------------------------------------------------------------------

def test_deleted_customers_leave_lists(api):
    # given
    kept = create(api, {"email": "same@example.test"})
    gone = create(api, {"email": "same@example.test"})

    # when
    api.delete(f"/v1/customers/{gone['id']}")

    # then
    assert [c["id"] for c in api.get("/v1/customers").json()["data"]] == [kept["id"]]
    by_email = api.get("/v1/customers", {"email": "same@example.test"}).json()["data"]
    assert [c["id"] for c in by_email] == [kept["id"]]


def test_delete_twice_is_a_404(api):
    # given
    customer = create(api)
    assert api.delete(f"/v1/customers/{customer['id']}").json()["deleted"] is True

    # when
    again = api.delete(f"/v1/customers/{customer['id']}")

    # then
    error = error_of(again, 404)
    assert error["code"] == "resource_missing"
    assert error["param"] == "id"
    assert Event.objects.filter(type="customer.deleted").count() == 1


# -- encodings ---------------------------------------------------------------------------

def test_json_body_behaves_like_a_form_body(api):
    # given the same customer, once per encoding
    params = {"email": "enc@example.test", "balance": 250, "tax_exempt": "exempt",
              "metadata": {"a": "1", "b": "2"}, "address": ADDRESS,
              "shipping": {"name": "Enc", "address": ADDRESS},
              "invoice_settings": {"footer": "Footer"}, "preferred_locales": ["en", "de"]}
    form = create(api, params)
    as_json = api.post_json("/v1/customers", params)
    assert as_json.status_code == 200, as_json.content
    as_json = as_json.json()

    # when both are updated alike
    change = {"metadata": {"a": ""}, "email": "", "balance": -75}
    form_updated = api.post(f"/v1/customers/{form['id']}", change).json()
    json_updated = api.post_json(f"/v1/customers/{as_json['id']}", change).json()

    # then they differ only in what makes each customer itself
    own = ("id", "created", "invoice_prefix")
    for created in (form, as_json, form_updated, json_updated):
        for key in own:
            created.pop(key)
    assert as_json == form
    assert json_updated == form_updated
    assert form_updated["metadata"] == {"b": "2"}
    assert form_updated["email"] is None
    assert form_updated["balance"] == -75


def test_json_errors_name_the_same_param_as_form_errors(api):
    form = api.post("/v1/customers", {"address": {"foo": "x"}})
    as_json = api.post_json("/v1/customers", {"address": {"foo": "x"}})

    assert error_of(as_json) == error_of(form)
