"""The OpenAPI document and its docs page: public, JSON, OpenAPI 3, covering the resources."""

import json

import pytest
from rest_framework.test import APIClient

OPERATIONS = {"get", "post", "delete", "put", "patch"}


@pytest.fixture
def schema(db) -> dict:
    response = APIClient().get("/v1/openapi.json")
    assert response.status_code == 200, response.content
    assert "json" in response["Content-Type"]
    return json.loads(response.content)


def _refs(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref":
                yield value
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def test_schema_is_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "Till API"
    assert schema["info"]["version"]


def test_schema_lists_the_resources(schema):
    assert {"/v1/customers", "/v1/customers/{id}", "/v1/events",
            "/v1/events/{id}"} <= set(schema["paths"])
    assert set(schema["paths"]["/v1/customers"]) >= {"get", "post"}
    assert set(schema["paths"]["/v1/customers/{id}"]) >= {"get", "post", "delete"}
    assert "get" in schema["paths"]["/v1/events"]


def test_schema_lists_neither_the_catch_all_nor_itself(schema):
    assert not any("^" in path or "*" in path for path in schema["paths"])
    assert not {"/v1/openapi.json", "/v1/docs"} & set(schema["paths"])


def test_every_operation_is_well_formed(schema):
    operation_ids = []
    for path, item in schema["paths"].items():
        assert path.startswith("/v1/")
        for method, operation in item.items():
            if method not in OPERATIONS:
                continue
            assert operation["responses"], (path, method)
            operation_ids.append(operation["operationId"])
            for parameter in operation.get("parameters", []):
                assert parameter["in"] in {"path", "query", "header", "cookie"}
                if parameter["in"] == "path":
                    assert parameter["required"] is True
                    assert "{" + parameter["name"] + "}" in path
    assert len(operation_ids) == len(set(operation_ids))
    assert {"ListCustomers", "CreateCustomer", "RetrieveCustomer", "UpdateCustomer",
            "DeleteCustomer", "ListEvents", "RetrieveEvent"} <= set(operation_ids)


def test_every_reference_resolves(schema):
    for ref in set(_refs(schema)):
        assert ref.startswith("#/"), ref
        node = schema
        for part in ref[2:].split("/"):
            assert part in node, f"dangling {ref}"
            node = node[part]


def test_schema_describes_bearer_auth(schema):
    schemes = schema["components"]["securitySchemes"]
    assert any(s == {**s, "type": "http", "scheme": "bearer"} for s in schemes.values())


def test_schema_needs_no_key(db):
    # no Authorization header at all, and a wrong one, both get the document
    assert APIClient().get("/v1/openapi.json").status_code == 200
    response = APIClient().get("/v1/openapi.json", HTTP_AUTHORIZATION="Bearer sk_test_nope")
    assert response.status_code == 200


def test_docs_page_is_public_html(db):
    response = APIClient().get("/v1/docs")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"<html" in response.content
    assert b"/v1/openapi.json" in response.content


def test_an_expandable_field_is_an_id_or_the_object(schema):
    latest_charge = schema["components"]["schemas"]["PaymentIntent"]["properties"][
        "latest_charge"]

    assert latest_charge["anyOf"][0]["type"] == "string"
    assert latest_charge["anyOf"][1] == {"$ref": "#/components/schemas/Charge"}
    assert latest_charge["nullable"] is True


def test_enabled_events_are_the_catalogue(schema):
    from webhooks.events import EVENT_TYPES

    components = schema["components"]["schemas"]
    items = components["WebhookEndpointCreateParamsRequest"]["properties"]["enabled_events"][
        "items"]
    enum = components[items["$ref"].rsplit("/", 1)[1]]["enum"]
    assert set(enum) == {"*", *EVENT_TYPES}


def test_the_schema_generates_without_warnings(db, tmp_path):
    # a warning means the generator guessed (a name, a type): the document would be unstable
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
