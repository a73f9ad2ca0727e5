"""Catalogue objects made the way a merchant makes them: over the wire.

Each helper asserts the request worked, so a test reads as its scenario, not as plumbing.
"""

from typing import Any

from tests.conftest import Api


def ok(response) -> dict[str, Any]:
    assert response.status_code == 200, response.content
    return response.json()


def error_of(response, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.content
    return response.json()["error"]


def product(api: Api, **params: Any) -> dict[str, Any]:
    return ok(api.post("/v1/products", {"name": "Gold", **params}))


def price(api: Api, product_id: str | None = None, **params: Any) -> dict[str, Any]:
    """A price of `product_id` (a new product if None): $10.00 one-time unless told."""
    defaults: dict[str, Any] = {"currency": "usd", "unit_amount": 1000}
    if "billing_scheme" in params or "unit_amount_decimal" in params:
        defaults.pop("unit_amount")
    if product_id is None and "product_data" not in params:
        product_id = product(api)["id"]
    if product_id is not None:
        defaults["product"] = product_id
    return ok(api.post("/v1/prices", {**defaults, **params}))


def monthly(api: Api, product_id: str | None = None, **params: Any) -> dict[str, Any]:
    return price(api, product_id, recurring={"interval": "month"}, **params)


GRADUATED = [{"up_to": 10, "unit_amount": 500}, {"up_to": 50, "unit_amount": 400},
             {"up_to": "inf", "unit_amount": 300, "flat_amount": 1000}]
