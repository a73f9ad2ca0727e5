"""Every error leaves as Stripe's envelope: JSON, `{"error": {...}}`, null fields omitted."""

import logging

import pytest
from rest_framework.test import APIClient

from payments import services
from payments.models import Customer
from tests.api.helpers import error_of


def test_missing_object_is_a_404_naming_the_id(api):
    # when a customer that does not exist is retrieved
    response = api.get("/v1/customers/cus_missing")
    # then resource_missing, with the id as param, and no null fields
    assert error_of(response, 404) == {
        "type": "invalid_request_error", "code": "resource_missing", "param": "id",
        "message": "No such customer: 'cus_missing'"}


def test_another_merchants_object_is_a_404(api, other_account):
    theirs = other_account.api().post("/v1/customers", {"email": "x@y.test"}).json()
    error = error_of(api.get(f"/v1/customers/{theirs['id']}"), 404)
    assert error["code"] == "resource_missing"


@pytest.mark.parametrize("path", ["/v1/nothing", "/v1/customers/cus_1/nothing",
                                  "/v1/customers/"])
def test_unknown_route_is_a_404_envelope_not_html(api, path):
    # when a URL under /v1 matches no resource
    response = api.get(path)
    # then Stripe's envelope, without a code (null fields are omitted)
    error = error_of(response, 404)
    assert error == {"type": "invalid_request_error",
                     "message": f"Unrecognized request URL (GET: {path}). Please see the API "
                                "reference or the OpenAPI schema at /v1/openapi.json."}


def test_unknown_route_needs_no_key(db):
    error = error_of(APIClient().get("/v1/nothing"), 404)
    assert error["message"].startswith("Unrecognized request URL (GET: /v1/nothing)")


def test_post_to_unknown_route_is_a_404_envelope_even_with_csrf_checks(db, account):
    # given a client like an SDK: no cookies, no CSRF token
    client = APIClient(enforce_csrf_checks=True)
    # when it POSTs to a URL no resource claims
    response = client.post("/v1/nothing", "a=b", content_type="application/x-www-form-urlencoded",
                           HTTP_AUTHORIZATION=f"Bearer {account.key()}")
    # then the 404 envelope, not Django's CSRF page
    error = error_of(response, 404)
    assert error["message"].startswith("Unrecognized request URL (POST: /v1/nothing)")


def test_resource_posts_need_no_csrf_token(db, account):
    client = APIClient(enforce_csrf_checks=True)
    response = client.post("/v1/customers", "email=a%40b.test",
                           content_type="application/x-www-form-urlencoded",
                           HTTP_AUTHORIZATION=f"Bearer {account.key()}")
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(("method", "path"), [
    ("PUT", "/v1/customers"),
    ("PATCH", "/v1/customers/cus_1"),
    ("DELETE", "/v1/customers"),
    ("POST", "/v1/events"),
])
def test_wrong_method_is_an_unrecognized_url(api, method, path):
    # when a known path is called with a method it does not serve
    response = api.client.generic(method, path, "", HTTP_AUTHORIZATION=f"Bearer {api.key}")
    # then Stripe's 404 for an unrecognized request, naming method and path
    error = error_of(response, 404)
    assert error["type"] == "invalid_request_error"
    assert error["message"].startswith(f"Unrecognized request URL ({method}: {path})")


def test_unexpected_exception_is_a_logged_500_api_error(api, monkeypatch, caplog):
    # given a service that fails in a way nobody planned for
    def broken(**kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "customer_create", broken)
    # when the endpoint runs it
    with caplog.at_level(logging.ERROR, logger="till.api"):
        response = api.post("/v1/customers", {"email": "a@b.test"})
    # then a JSON 500 api_error that names the request id, and nothing of the exception
    error = error_of(response, 500)
    request_id = response["Request-Id"]
    assert error["type"] == "api_error"
    assert request_id in error["message"]
    assert "disk on fire" not in error["message"]
    # and the traceback is logged with the request id
    records = [r for r in caplog.records if r.name == "till.api"]
    assert len(records) == 1
    assert request_id in records[0].getMessage()
    assert records[0].exc_info[0] is RuntimeError


def test_malformed_json_body_is_a_400(api):
    response = api.client.generic("POST", "/v1/customers", '{"email": ',
                                  content_type="application/json",
                                  HTTP_AUTHORIZATION=f"Bearer {api.key}")
    error = error_of(response, 400)
    assert error["type"] == "invalid_request_error"
    assert "JSON" in error["message"]
    assert not Customer.objects.exists()


def test_json_body_that_is_not_an_object_is_a_400(api):
    error = error_of(api.post_json("/v1/customers", ["email", "a@b.test"]), 400)
    assert "object" in error["message"]


def test_body_that_is_not_utf8_is_a_400(api):
    response = api.client.generic("POST", "/v1/customers", b"name=\xff\xfe",
                                  content_type="application/x-www-form-urlencoded",
                                  HTTP_AUTHORIZATION=f"Bearer {api.key}")
    error_of(response, 400)


def test_unsupported_content_type_is_a_400(api):
    response = api.client.generic("POST", "/v1/customers", "<customer/>",
                                  content_type="application/xml",
                                  HTTP_AUTHORIZATION=f"Bearer {api.key}")
    error = error_of(response, 400)
    assert "Content-Type" in error["message"]
