"""The API answers browsers on other origins (till.js with a publishable key), as Stripe's."""

ORIGIN = "https://shop.example"


def test_a_preflight_is_answered_before_authentication(client):
    # when a browser asks whether it may POST a payment method with a key header
    response = client.options("/v1/payment_methods", HTTP_ORIGIN=ORIGIN,
                              HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
                              HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization,content-type")

    # then it may, from any origin, without cookies
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response["Access-Control-Allow-Methods"]
    assert "authorization" in response["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in response


def test_api_responses_let_the_page_read_them(account):
    # when a page on another origin creates a payment method with the publishable key
    response = account.api("test_publishable_key").client.post(
        "/v1/payment_methods", "type=card&card[token]=tok_visa",
        content_type="application/x-www-form-urlencoded", HTTP_ORIGIN=ORIGIN,
        HTTP_AUTHORIZATION=f"Bearer {account.key('test_publishable_key')}")

    # then it succeeds and the browser lets the page read it and its request id
    assert response.status_code == 200, response.content
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "request-id" in response["Access-Control-Expose-Headers"]


def test_the_dashboard_is_not_opened_to_other_origins(client):
    response = client.get("/login/", HTTP_ORIGIN=ORIGIN)

    assert "Access-Control-Allow-Origin" not in response
