"""Parameter validation: Stripe's codes, messages and bracketed `param` names."""

import pytest

from payments.models import Customer, PaymentIntent
from refunds.models import Refund
from tests.api.helpers import error_of, get_raw, invalid_request
from tests.payments.factories import ok, paid_intent
from tests.webhooks.conftest import create_endpoint


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


# -- integers, timestamps, currencies and shapes, as hostile input sends them ---------------

@pytest.mark.parametrize("value", [" 100", "100 ", "+100", "1_000", "100.0", "\u0661\u0660\u0660",
                                   "\uff11\uff10\uff10", "0x64", "1e3", "--100", "-", ""])
def test_an_integer_is_ascii_digits_only(api, value):
    # when an amount is not written in ASCII digits
    response = api.post("/v1/payment_intents", {"amount": value, "currency": "usd"})
    # then Stripe's parameter_invalid_integer, quoting the value
    error = invalid_request(response)
    assert error == {"type": "invalid_request_error", "code": "parameter_invalid_integer",
                     "param": "amount", "message": f"Invalid integer: {value}"}
    assert not PaymentIntent.objects.exists()


def test_integers_in_query_strings_and_refunds_are_strict_too(api):
    error = invalid_request(api.get("/v1/customers", {"limit": "+5"}))
    assert (error["code"], error["param"]) == ("parameter_invalid_integer", "limit")
    paid = paid_intent(api)
    error = invalid_request(api.post("/v1/refunds", {"payment_intent": paid["id"],
                                                     "amount": "1_000"}))
    assert (error["code"], error["param"]) == ("parameter_invalid_integer", "amount")
    assert not Refund.objects.exists()


def test_a_negative_integer_is_taken_where_negatives_are_allowed(api):
    customer = ok(api.post("/v1/customers", {"balance": "-100"}))
    assert customer["balance"] == -100
    assert ok(api.post_json("/v1/customers", {"balance": -5}))["balance"] == -5


@pytest.mark.parametrize("value", [100.0, 100.5, True, False])
def test_a_json_float_or_bool_is_not_an_integer(api, value):
    response = api.post_json("/v1/payment_intents", {"amount": value, "currency": "usd"})
    error = invalid_request(response)
    assert (error["code"], error["param"]) == ("parameter_invalid_integer", "amount")
    assert not PaymentIntent.objects.exists()


def test_a_json_integer_or_digit_string_is_an_integer(api):
    assert ok(api.post_json("/v1/payment_intents", {"amount": 100, "currency": "usd"}))[
        "amount"] == 100
    assert ok(api.post_json("/v1/payment_intents", {"amount": "200", "currency": "usd"}))[
        "amount"] == 200


@pytest.mark.parametrize("currency", ["usd ", " usd", "u sd", "usd\t", "usd\n", "\u00a0usd"])
def test_a_currency_with_whitespace_is_a_400(api, currency):
    response = api.post("/v1/payment_intents", {"amount": "2000", "currency": currency})
    error = invalid_request(response)
    assert error["param"] == "currency"
    assert not PaymentIntent.objects.exists()


def test_an_uppercase_currency_is_answered_lowercase(api):
    assert ok(api.post("/v1/payment_intents", {"amount": "2000", "currency": "USD"}))[
        "currency"] == "usd"


@pytest.mark.parametrize(("body", "param"), [
    ({"metadata": ["a"]}, "metadata"),
    ({"address": ["1 Main St"]}, "address"),
    ({"email": {"a": "b"}}, "email"),
    ({"balance": {"a": 1}}, "balance"),
    ({"name": ["Ada"]}, "name"),
    ({"tax_exempt": {"a": "none"}}, "tax_exempt"),
    ({"metadata": {"k": {"a": "b"}}}, "metadata"),
])
def test_a_json_value_of_the_wrong_shape_is_a_400(api, body, param):
    error = invalid_request(api.post_json("/v1/customers", body))
    assert error["param"] == param
    assert not Customer.objects.exists()


def test_a_hash_where_a_boolean_is_expected_is_a_400(api):
    error = invalid_request(api.post_json("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "confirm": {"a": 1}}))
    assert error["param"] == "confirm"


def test_form_metadata_with_numeric_keys_is_still_a_hash(api):
    customer = ok(api.post("/v1/customers", {"metadata": {"0": "a", "1": "b"}}))
    assert customer["metadata"] == {"0": "a", "1": "b"}


@pytest.mark.parametrize(("query", "param"), [
    ("created=-1", "created"),
    ("created[gte]=-1", "created[gte]"),
    ("created[lt]=%2B5", "created[lt]"),
    ("created=1.5", "created"),
])
def test_a_timestamp_is_a_non_negative_integer(api, query, param):
    error = invalid_request(get_raw(api, f"/v1/customers?{query}"))
    assert error["param"] == param


@pytest.mark.parametrize("expires_at", [True, 4102444800.0, -1])
def test_a_json_timestamp_is_a_non_negative_integer(api, settings, expires_at):
    settings.TILL_WEBHOOK_ALLOW_LOCAL = True
    endpoint = create_endpoint(api, "http://127.0.0.1:9/hook")
    error = invalid_request(api.post_json(f"/v1/webhook_endpoints/{endpoint['id']}/roll_secret",
                                          {"expires_at": expires_at}))
    assert error["param"] == "expires_at"


def test_the_last_second_of_9999_is_a_timestamp_and_the_next_is_not(api):
    ok(api.post("/v1/customers", {}))
    for query in ("created=253402300799", "created[gt]=253402300799",
                  "created[lte]=253402300799"):
        assert get_raw(api, f"/v1/customers?{query}").status_code == 200, query
    assert len(ok(get_raw(api, "/v1/customers?created[lte]=253402300799"))["data"]) == 1
    error = invalid_request(get_raw(api, "/v1/customers?created[gt]=253402300800"))
    assert error["param"] == "created[gt]"


def test_timestamp_zero_is_a_timestamp(api):
    customer = ok(api.post("/v1/customers", {}))
    listed = ok(api.get("/v1/customers", {"created": {"gte": "0"}}))
    assert [c["id"] for c in listed["data"]] == [customer["id"]]
