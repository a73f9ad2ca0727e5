"""`Cache-Control: no-store` on every API response, whatever its status, and on the hosted
pages (the dashboard's: tests/dashboard/test_security_headers.py); static files keep their own
caching."""

from django.test import Client


def test_api_responses_are_not_stored(account, api):
    key = account.key()
    responses = [
        api.post("/v1/customers", {"email": "jenny@example.test"}),
        api.get("/v1/customers"),
        api.get("/v1/customers/cus_missing"),  # 404
        api.post("/v1/customers", {"nope": "1"}),  # 400
        Client().get("/v1/customers"),  # 401
        Client().get("/v1/customers?email=" + "a" * 5000,  # 414, before any parsing
                     HTTP_AUTHORIZATION=f"Bearer {key}"),
        Client().get("/v1/openapi.json"),
    ]
    for response in responses:
        assert response["Cache-Control"] == "no-store", (response.status_code,
                                                          response["Cache-Control"])


def test_hosted_pages_are_not_stored(api):
    intent = api.post("/v1/payment_intents", {"amount": 2000, "currency": "usd"}).json()
    page = Client().get(f"/pay/{intent['id']}", {"client_secret": intent["client_secret"]})
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    missing = Client().get(f"/pay/{intent['id']}", {"client_secret": "wrong"})
    assert "no-store" in missing["Cache-Control"]


def test_static_files_keep_their_caching(settings):
    # Served from the apps' static folders, as `make run` serves them after collectstatic
    # (a clean checkout has no collected files).
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get("/static/payments/till.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
