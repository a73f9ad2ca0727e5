"""A customer's card sources (Stripe's legacy Cards) and its `default_source`."""

from tests.api.helpers import error_of
from tests.payments.factories import customer, ok


def add_card(api, customer_id: str, source: str = "tok_visa") -> dict:
    return ok(api.post(f"/v1/customers/{customer_id}/sources", {"source": source}))


def test_a_customer_without_cards_has_an_empty_sources_list(api):
    buyer = customer(api)

    listed = ok(api.get(f"/v1/customers/{buyer['id']}/sources"))
    expanded = ok(api.get(f"/v1/customers/{buyer['id']}", {"expand": ["sources"]}))

    assert (listed["object"], listed["data"], listed["has_more"]) == ("list", [], False)
    assert expanded["sources"]["data"] == []
    assert expanded["default_source"] is None
    assert "sources" not in ok(api.get(f"/v1/customers/{buyer['id']}"))


def test_the_first_card_becomes_the_default_source(api, event_types):
    # given a customer
    buyer = customer(api)

    # when two cards are added, from a test token and from a card token
    first = add_card(api, buyer["id"])
    token = ok(api.post("/v1/tokens", {"card": {"number": "5555555555554444",
                                                "exp_month": 1, "exp_year": 2040}}))
    second = add_card(api, buyer["id"], token["id"])

    # then both are the customer's Cards, and the first is its default source
    assert first["object"] == "card" and first["id"].startswith("card_")
    assert (first["customer"], first["brand"]) == (buyer["id"], "Visa")
    assert (second["id"], second["brand"]) == (token["card"]["id"], "MasterCard")
    shown = ok(api.get(f"/v1/customers/{buyer['id']}"))
    assert shown["default_source"] == first["id"]
    expanded = ok(api.get(f"/v1/customers/{buyer['id']}", {"expand": ["default_source"]}))
    assert expanded["default_source"]["last4"] == "4242"
    listed = ok(api.get(f"/v1/customers/{buyer['id']}/sources"))
    assert {card["id"] for card in listed["data"]} == {first["id"], second["id"]}
    assert event_types(first["id"]) == ["customer.source.created"]
    # and the token is used up
    reused = api.post(f"/v1/customers/{buyer['id']}/sources", {"source": token["id"]})
    assert "more than once" in error_of(reused, 400)["message"]


def test_a_declining_card_is_not_added(api):
    buyer = customer(api)

    response = api.post(f"/v1/customers/{buyer['id']}/sources",
                        {"source": "tok_chargeDeclined"})

    assert error_of(response, 402)["code"] == "card_declined"
    assert ok(api.get(f"/v1/customers/{buyer['id']}/sources"))["data"] == []


def test_a_card_source_is_retrieved_updated_and_set_as_default(api):
    # given a customer with two cards
    buyer = customer(api)
    first, second = add_card(api, buyer["id"]), add_card(api, buyer["id"], "tok_mastercard")

    # when the second is updated and made the default
    updated = ok(api.post(f"/v1/customers/{buyer['id']}/sources/{second['id']}", {
        "name": "Jenny Rosen", "address_zip": "94107", "exp_month": 3,
        "metadata": {"label": "work"}}))
    shown = ok(api.post(f"/v1/customers/{buyer['id']}", {"default_source": second["id"]}))

    # then
    assert (updated["name"], updated["address_zip"], updated["exp_month"]) == (
        "Jenny Rosen", "94107", 3)
    assert updated["metadata"] == {"label": "work"}
    assert ok(api.get(f"/v1/customers/{buyer['id']}/sources/{second['id']}")) == updated
    assert shown["default_source"] == second["id"]
    # and a card that is not the customer's cannot be the default
    other = customer(api)
    refused = api.post(f"/v1/customers/{other['id']}", {"default_source": first["id"]})
    assert error_of(refused, 404)["param"] == "default_source"


def test_deleting_the_default_card_falls_back_to_another(api):
    # given a customer with two cards, the first the default
    buyer = customer(api)
    first, second = add_card(api, buyer["id"]), add_card(api, buyer["id"], "tok_mastercard")

    # when the default is deleted
    deleted = ok(api.delete(f"/v1/customers/{buyer['id']}/sources/{first['id']}"))

    # then it is gone and the other card is the default
    assert (deleted["id"], deleted["deleted"]) == (first["id"], True)
    assert ok(api.get(f"/v1/customers/{buyer['id']}"))["default_source"] == second["id"]
    missing = api.get(f"/v1/customers/{buyer['id']}/sources/{first['id']}")
    assert error_of(missing, 404)["param"] == "card"


def test_a_customer_is_charged_on_its_default_source_or_a_named_card(api):
    # given a customer with two cards
    buyer = customer(api)
    first, second = add_card(api, buyer["id"]), add_card(api, buyer["id"], "tok_mastercard")

    # when it is charged without a source, then with its second card
    default = ok(api.post("/v1/charges", {"amount": 1000, "currency": "usd",
                                          "customer": buyer["id"]}))
    named = ok(api.post("/v1/charges", {"amount": 1000, "currency": "usd",
                                        "customer": buyer["id"], "source": second["id"]}))

    # then each charge used its card, and the cards stay usable
    assert (default["source"]["id"], default["customer"]) == (first["id"], buyer["id"])
    assert named["source"]["id"] == second["id"]
    assert named["payment_method"] == second["id"]
    again = ok(api.post("/v1/charges", {"amount": 1000, "currency": "usd",
                                        "customer": buyer["id"]}))
    assert again["status"] == "succeeded"


def test_a_customer_without_a_card_cannot_be_charged(api):
    buyer = customer(api)

    response = api.post("/v1/charges", {"amount": 1000, "currency": "usd",
                                        "customer": buyer["id"]})

    error = error_of(response, 400)
    assert error["message"] == "Cannot charge a customer that has no active card"


def test_detaching_the_default_card_as_a_payment_method_clears_the_default_source(api):
    # given a customer whose default source is its only card
    buyer = customer(api)
    card = add_card(api, buyer["id"])

    # when the card is detached through the PaymentMethods API, by its card_ id's pm_ twin
    method_id = "pm_" + card["id"].removeprefix("card_")
    ok(api.post(f"/v1/payment_methods/{method_id}/detach"))

    # then the customer has no default source and no card
    assert ok(api.get(f"/v1/customers/{buyer['id']}"))["default_source"] is None
    assert ok(api.get(f"/v1/customers/{buyer['id']}/sources"))["data"] == []
