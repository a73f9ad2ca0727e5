"""GET /v1/account: the merchant as Stripe's Account, how clients check a key."""

from tests.payments.factories import ok


def test_the_account_is_the_keys_merchant(api, account, other_account):
    # when each merchant's key asks for its account
    mine = ok(api.get("/v1/account"))
    theirs = ok(other_account.api().get("/v1/account"))

    # then each sees its own, under the merchant's id (the one errors name)
    assert (mine["object"], mine["id"]) == ("account", account.merchant.id)
    assert theirs["id"] == other_account.merchant.id
    assert ok(api.get("/v1/account"))["id"] == mine["id"]
    assert mine["business_profile"]["name"] != theirs["business_profile"]["name"]
    assert mine["settings"]["dashboard"]["display_name"] == mine["business_profile"]["name"]
    # and a test key can take payments (the simulated processor)
    assert (mine["charges_enabled"], mine["type"]) == (True, "standard")
    assert mine["capabilities"]["card_payments"] == "active"


def test_a_bad_key_cannot_read_an_account(api):
    response = api.client.get("/v1/account", HTTP_AUTHORIZATION="Bearer sk_test_nope")

    assert response.status_code == 401
    assert response.json()["error"]["type"] == "invalid_request_error"
