"""Stripe's bracket form encoding, and JSON bodies, into one nested structure."""

import pytest

from api.errors import ParameterError
from api.parsers import parse_query
from tests.api.helpers import error_of


@pytest.mark.parametrize(("query", "parsed"), [
    ("metadata[order_id]=42", {"metadata": {"order_id": "42"}}),
    ("items[0][price]=price_a&items[0][quantity]=2&items[1][price]=price_b",
     {"items": [{"price": "price_a", "quantity": "2"}, {"price": "price_b"}]}),
    # indexes, not arrival order, decide the order of an array
    ("items[1][price]=price_b&items[0][price]=price_a",
     {"items": [{"price": "price_a"}, {"price": "price_b"}]}),
    ("expand[]=a&expand[]=b", {"expand": ["a", "b"]}),
    ("x[0]=", {"x": [""]}),
    ("x[]=", {"x": [""]}),
    ("address[line1]=1+Main+St&address[city]=Paris",
     {"address": {"line1": "1 Main St", "city": "Paris"}}),
    ("a[b][c][d]=deep", {"a": {"b": {"c": {"d": "deep"}}}}),
    ("metadata=", {"metadata": ""}),
    # only a full run of indexes from 0 is an array; other numbers stay keys
    ("metadata[123]=x", {"metadata": {"123": "x"}}),
    ("x[0]=a&x[2]=b", {"x": {"0": "a", "2": "b"}}),
    ("email=a%40b.test&name=", {"email": "a@b.test", "name": ""}),
])
def test_bracket_names_nest(query, parsed):
    # given a Stripe-encoded query or body / when parsed / then the nested structure
    assert parse_query(query) == parsed


@pytest.mark.parametrize(("query", "param"), [
    ("metadata[k=v", "metadata[k"),
    ("x[]=a&x[k]=b", "x"),
    ("x[a][]=1&x[a][b]=2", "x"),
])
def test_malformed_names_are_parameter_errors(query, param):
    # given a name whose brackets do not make a structure / when parsed / then a 400 naming it
    with pytest.raises(ParameterError) as raised:
        parse_query(query)
    assert raised.value.status == 400
    assert raised.value.param == param


def test_form_body_nests_on_the_wire(api):
    # when a customer is created with bracketed names
    response = api.post("/v1/customers", {
        "metadata": {"order_id": "42", "channel": "web"},
        "address": {"line1": "1 Main St", "city": "Paris"},
        "preferred_locales": ["fr", "en"],
        "invoice_settings": {"custom_fields": [{"name": "PO", "value": "7"},
                                               {"name": "VAT", "value": "FR1"}]},
    })
    # then every nested value lands where its brackets put it
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["metadata"] == {"order_id": "42", "channel": "web"}
    assert body["address"]["line1"] == "1 Main St"
    assert body["address"]["city"] == "Paris"
    assert body["preferred_locales"] == ["fr", "en"]
    assert body["invoice_settings"]["custom_fields"] == [{"name": "PO", "value": "7"},
                                                         {"name": "VAT", "value": "FR1"}]


def test_empty_bracket_arrays_work_on_the_wire(api):
    # when an array is sent in the `x[]=` form, as some clients do
    response = api.client.post("/v1/customers", "preferred_locales[]=fr&preferred_locales[]=de",
                               content_type="application/x-www-form-urlencoded",
                               HTTP_AUTHORIZATION=f"Bearer {api.key}")
    # then it is the same array as the indexed form
    assert response.status_code == 200, response.content
    assert response.json()["preferred_locales"] == ["fr", "de"]


def test_json_body_gives_the_same_object_as_the_form_body(api):
    params = {
        "email": "a@b.test",
        "balance": 500,
        "metadata": {"order_id": "42"},
        "address": {"line1": "1 Main St", "country": "FR"},
        "preferred_locales": ["fr", "en"],
        "invoice_settings": {"custom_fields": [{"name": "PO", "value": "7"}]},
    }
    # when the same parameters go once as a form and once as JSON
    form = api.post("/v1/customers", params)
    json = api.post_json("/v1/customers", params)
    # then both customers look the same apart from what makes them distinct
    assert form.status_code == json.status_code == 200, (form.content, json.content)
    distinct = {"id", "created", "invoice_prefix"}
    form_body = {k: v for k, v in form.json().items() if k not in distinct}
    json_body = {k: v for k, v in json.json().items() if k not in distinct}
    assert form_body == json_body
    assert json_body["balance"] == 500


def test_numeric_metadata_keys_stay_keys(api):
    # given metadata keyed by numbers, as stripe-python encodes {"metadata": {"123": "x"}}
    form = api.post("/v1/customers", {"metadata": {"123": "x"}})
    first = api.post("/v1/customers", {"metadata": {"0": "a", "1": "b"}})
    json = api.post_json("/v1/customers", {"metadata": {"123": "x"}})
    # then they are metadata keys in both encodings, not array indexes
    assert form.status_code == 200, form.content
    assert form.json()["metadata"] == {"123": "x"}
    assert first.status_code == 200, first.content
    assert first.json()["metadata"] == {"0": "a", "1": "b"}
    assert json.json()["metadata"] == {"123": "x"}


@pytest.mark.parametrize(("body", "param"), [
    ("metadata[k=v", "metadata[k"),
    ("preferred_locales[]=fr&preferred_locales[x]=de", "preferred_locales"),
])
def test_malformed_names_answer_a_400_envelope(api, body, param):
    # when a body's names cannot be parsed
    response = api.client.post("/v1/customers", body,
                               content_type="application/x-www-form-urlencoded",
                               HTTP_AUTHORIZATION=f"Bearer {api.key}")
    # then Stripe's envelope names the parameter
    error = error_of(response, 400)
    assert error["type"] == "invalid_request_error"
    assert error["param"] == param


def test_malformed_query_string_answers_a_400_envelope(api):
    # when a GET's query string has a broken name
    response = api.client.get("/v1/customers?created[gte=1",
                              HTTP_AUTHORIZATION=f"Bearer {api.key}")
    # then the same envelope, naming it
    error = error_of(response, 400)
    assert error["param"] == "created[gte"
