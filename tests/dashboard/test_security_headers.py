"""The dashboard's and the hosted pages' Content-Security-Policy (django-csp), and
`Cache-Control: no-store` on the dashboard's pages. In a browser: test_pages_browser.py here
and in tests/payments/."""

import pytest
from django.test import Client

from tests.dashboard.helpers import new_customer

DASHBOARD_PAGES = ["/", "/payments/", "/customers/", "/events/", "/webhooks/", "/refunds/",
                   "/disputes/", "/webhooks/new/", "/balance/", "/payouts/", "/settings/pricing/"]


def directives(response) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return dict(part.strip().partition(" ")[::2] for part in policy.split(";") if part.strip())


@pytest.mark.parametrize("path", DASHBOARD_PAGES)
def test_dashboard_pages_have_a_strict_policy_and_are_not_stored(owner, path):
    response = owner.get(path)
    assert response.status_code == 200
    assert directives(response) == {
        "default-src": "'self'", "script-src": "'self'", "style-src": "'self'",
        "img-src": "'self'", "font-src": "'self'", "connect-src": "'self'",
        "form-action": "'self'", "frame-ancestors": "'none'", "base-uri": "'none'",
        "object-src": "'none'"}
    assert "no-store" in response["Cache-Control"]


def test_the_login_page_has_the_policy_too(db):
    response = Client().get("/login/")
    assert directives(response)["script-src"] == "'self'"
    assert "no-store" in response["Cache-Control"]


def test_a_customers_page_showing_payment_data_is_not_stored(owner, account):
    customer = new_customer(account, email="jenny@example.test")
    response = owner.get(f"/customers/{customer.id}/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_no_dashboard_template_has_inline_script_style_or_handler(owner, account):
    for path in DASHBOARD_PAGES:
        html = owner.get(path).content.decode()
        assert "<script>" not in html and "<style" not in html, path
        assert " style=" not in html and " onfocus=" not in html and " onclick=" not in html


def test_hosted_pages_have_the_policy_with_forms_free_to_reach_the_merchant(api):
    intent = api.post("/v1/payment_intents", {"amount": 2000, "currency": "usd"}).json()
    response = Client().get(f"/pay/{intent['id']}", {"client_secret": intent["client_secret"]})
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == policy["style-src"] == "'self'"
    # the 3-D Secure challenge's form sends the customer on to the merchant's return_url
    assert "form-action" not in policy


@pytest.mark.parametrize("path", ["/v1/customers", "/v1/openapi.json", "/admin/login/"])
def test_the_api_and_admin_are_left_out(db, path):
    assert "Content-Security-Policy" not in Client().get(path)
