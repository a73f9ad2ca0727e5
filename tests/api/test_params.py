"""Parameter validation: Stripe's codes, messages and bracketed `param` names."""

import pytest

from payments.models import Customer
from tests.api.helpers import error_of


def test_unknown_parameter_is_named(api):
    # when a create carries a parameter the endpoint does not know
    response = api.post("/v1/customers", {"email": "a@b.test", "colour": "blue"})
    # then 400 parameter_unknown names it, and nothing is created
    error = error_of(response, 400)
    assert error == {"type": "invalid_request_error", "code": "parameter_unknown",
                     "param": "colour", "message": "Received unknown parameter: colour"}
    assert not Customer.objects.exists()


def test_unknown_nested_parameter_is_named_in_brackets(api):
    response = api.post("/v1/customers", {"address": {"line1": "1 Main St", "foo": "x"}})
    error = error_of(response, 400)
    assert error["code"] == "parameter_unknown"
    assert error["param"] == "address[foo]"
    assert error["message"] == "Received unknown parameter: address[foo]"


def test_unknown_parameter_in_an_array_of_hashes_names_its_index(api):
    response = api.post("/v1/customers", {"invoice_settings": {"custom_fields": [
        {"name": "PO", "value": "7"}, {"name": "VAT", "value": "x", "colour": "blue"}]}})
    error = error_of(response, 400)
    assert error["code"] == "parameter_unknown"
    assert error["param"] == "invoice_settings[custom_fields][1][colour]"


def test_unknown_query_parameter_on_a_list(api):
    response = api.get("/v1/customers", {"colour": "blue"})
    error = error_of(response, 400)
    assert (error["code"], error["param"]) == ("parameter_unknown", "colour")


def test_invalid_integer(api):
    # when an integer parameter is not an integer
    response = api.post("/v1/customers", {"balance": "abc"})
    # then Stripe's parameter_invalid_integer, naming the parameter and quoting the value
    error = error_of(response, 400)
    assert error == {"type": "invalid_request_error", "code": "parameter_invalid_integer",
                     "param": "balance", "message": "Invalid integer: abc"}


def test_invalid_integer_in_the_query(api):
    error = error_of(api.get("/v1/customers", {"limit": "ten"}), 400)
    assert (error["code"], error["param"]) == ("parameter_invalid_integer", "limit")


def test_missing_required_parameter(api):
    # when a hash in an array lacks a required field
    response = api.post("/v1/customers", {"invoice_settings": {"custom_fields": [
        {"name": "PO"}]}})
    # then parameter_missing with Stripe's message
    error = error_of(response, 400)
    assert error["code"] == "parameter_missing"
    assert error["param"] == "invoice_settings[custom_fields][0][value]"
    assert error["message"] == "Missing required param: invoice_settings[custom_fields][0][value]."


def test_invalid_choice_names_the_parameter(api):
    error = error_of(api.post("/v1/customers", {"tax_exempt": "sometimes"}), 400)
    assert error["param"] == "tax_exempt"
    assert "sometimes" in error["message"]


def test_invalid_email_names_the_parameter(api):
    error = error_of(api.post("/v1/customers", {"email": "not-an-email"}), 400)
    assert error["param"] == "email"


def test_empty_value_unsets_a_field(api):
    # given a customer with a name and an address
    customer = api.post("/v1/customers", {"name": "Ada", "address": {"city": "Paris"}}).json()
    # when both are sent empty
    response = api.post(f"/v1/customers/{customer['id']}", {"name": "", "address": ""})
    # then both are unset
    assert response.status_code == 200, response.content
    assert response.json()["name"] is None
    assert response.json()["address"] is None


def test_metadata_merges_and_an_empty_value_drops_one_key(api):
    customer = api.post("/v1/customers", {"metadata": {"a": "1", "b": "2"}}).json()
    response = api.post(f"/v1/customers/{customer['id']}", {"metadata": {"b": "", "c": "3"}})
    assert response.json()["metadata"] == {"a": "1", "c": "3"}


def test_empty_metadata_drops_every_key(api):
    customer = api.post("/v1/customers", {"metadata": {"a": "1", "b": "2"}}).json()
    response = api.post(f"/v1/customers/{customer['id']}", {"metadata": ""})
    assert response.json()["metadata"] == {}


def test_metadata_values_are_stored_as_strings(api):
    response = api.post_json("/v1/customers", {"metadata": {"n": 5, "flag": True}})
    assert response.json()["metadata"] == {"n": "5", "flag": "true"}


@pytest.mark.parametrize("metadata", [
    {f"k{i}": "v" for i in range(51)},
    {"k" * 41: "v"},
    {"a[b": "v"},
    {"k": "v" * 501},
], ids=["51 keys", "41-char key", "bracket in key", "501-char value"])
def test_metadata_limits(api, metadata):
    # when metadata breaks one of Stripe's limits / then 400 on param metadata
    response = api.post_json("/v1/customers", {"metadata": metadata})
    error = error_of(response, 400)
    assert error["param"] == "metadata"
    assert error["message"].startswith("Invalid metadata: ")
    assert not error["message"].startswith("Invalid metadata: Invalid")


def test_metadata_at_its_limits_is_accepted(api):
    metadata = {f"{i:02d}" + "k" * 38: "v" * 500 for i in range(50)}
    response = api.post_json("/v1/customers", {"metadata": metadata})
    assert response.status_code == 200, response.content
    assert response.json()["metadata"] == metadata


def test_metadata_update_may_not_grow_past_fifty_keys(api):
    customer = api.post_json("/v1/customers",
                             {"metadata": {f"k{i}": "v" for i in range(50)}}).json()
    response = api.post(f"/v1/customers/{customer['id']}", {"metadata": {"one_more": "v"}})
    error = error_of(response, 400)
    assert error["param"] == "metadata"
    assert len(api.get(f"/v1/customers/{customer['id']}").json()["metadata"]) == 50


def test_metadata_must_be_a_hash(api):
    response = api.post_json("/v1/customers", {"metadata": "nope"})
    error = error_of(response, 400)
    assert error["message"] == "Invalid metadata: must be a hash of strings."
