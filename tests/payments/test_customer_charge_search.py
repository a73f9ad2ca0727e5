"""GET /v1/customers/search and /v1/charges/search, in Stripe's search language."""

from tests.api.helpers import error_of
from tests.payments.factories import customer, ok


def test_customers_are_found_by_email_name_and_metadata(api):
    # given three customers
    jenny = customer(api, email="jenny@example.test", name="Jenny Rosen",
                     metadata={"plan": "gold"})
    customer(api, email="sam@example.test", name="Sam Lee", metadata={"plan": "free"})
    customer(api, email="jo@shop.test", name="Jo Rosenberg")

    # when they are searched
    def found(query: str) -> list[str]:
        result = ok(api.get("/v1/customers/search", {"query": query}))
        assert result["object"] == "search_result"
        return sorted(c["email"] for c in result["data"])

    # then each query finds what it names
    assert found("email:'jenny@example.test'") == ["jenny@example.test"]
    assert found("name~'Rosen'") == ["jenny@example.test", "jo@shop.test"]
    assert found("metadata['plan']:'gold'") == [jenny["email"]]
    assert found("email~'example' AND -metadata['plan']:'free'") == ["jenny@example.test"]


def test_an_unknown_customer_search_field_is_a_400_on_query(api):
    error = error_of(api.get("/v1/customers/search", {"query": "colour:'red'"}), 400)

    assert error["param"] == "query"


def test_charges_are_found_by_amount_status_and_card(api):
    # given a paid charge, a failed one and one on a Mastercard
    paid = ok(api.post("/v1/charges", {"amount": 2000, "currency": "usd",
                                       "source": "tok_visa", "metadata": {"order": "7"}}))
    failed = api.post("/v1/charges", {"amount": 1500, "currency": "usd",
                                      "source": "tok_chargeDeclined"})
    failed_id = error_of(failed, 402)["charge"]
    master = ok(api.post("/v1/charges", {"amount": 3000, "currency": "eur",
                                         "source": "tok_mastercard"}))

    def found(query: str) -> set[str]:
        return {c["id"] for c in ok(api.get("/v1/charges/search", {"query": query}))["data"]}

    # then
    assert found("status:'failed'") == {failed_id}
    assert found("amount>=2000 AND currency:'usd'") == {paid["id"]}
    assert found("payment_method_details.card.last4:'4444'") == {master["id"]}
    assert found("metadata['order']:'7'") == {paid["id"]}
