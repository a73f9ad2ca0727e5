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
