"""Assertions shared by the wire-protocol tests."""

from typing import Any

ERROR_FIELDS = {"type", "code", "message", "param", "decline_code", "doc_url", "charge",
                "payment_intent", "setup_intent", "payment_method", "advice_code",
                "network_decline_code", "request_log_url"}


def error_of(response, status: int) -> dict[str, Any]:
    """The `error` hash of a Stripe error envelope, after checking its outer shape."""
    assert response.status_code == status, (response.status_code, response.content)
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert list(body) == ["error"], body
    error = body["error"]
    assert set(error) <= ERROR_FIELDS, error
    assert None not in error.values(), "null fields are omitted"
    assert isinstance(error["message"], str) and error["message"]
    return error


def post_raw(api, path: str, body: bytes | str,
             content_type: str = "application/x-www-form-urlencoded", **extra):
    """A POST of exactly these bytes (form-encoded unless told), with the client's key."""
    return api.client.generic("POST", path, body, content_type=content_type,
                              HTTP_AUTHORIZATION=f"Bearer {api.key}", **extra)


def get_raw(api, path_and_query: str):
    """A GET of exactly this path and query string, with the client's key."""
    return api.client.get(path_and_query, HTTP_AUTHORIZATION=f"Bearer {api.key}")


def invalid_request(response, status: int = 400) -> dict[str, Any]:
    """The error of an `invalid_request_error` envelope with this status."""
    error = error_of(response, status)
    assert error["type"] == "invalid_request_error", error
    return error
