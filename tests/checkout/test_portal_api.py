"""The customer portal's API (/v1/billing_portal/configurations and /sessions) through the
official `stripe` SDK: every endpoint, its events, and its errors with their `param`."""

from datetime import timedelta

import pytest
import stripe

from checkout.models import PortalSession
from webhooks.models import Event


def events(kind: str) -> list[dict]:
    return [event.data["object"] for event in Event.objects.filter(type=kind).order_by(
        "created", "id")]


def plan(sdk, product_id: str | None = None, amount: int = 1000):
    if product_id is None:
        product_id = sdk.v1.products.create(params={"name": "Gold"}).id
    return sdk.v1.prices.create(params={"product": product_id, "unit_amount": amount,
                                        "currency": "usd", "recurring": {"interval": "month"}})


def test_a_configuration_is_created_retrieved_updated_and_listed(sdk):
    basic = plan(sdk)
    pro = plan(sdk, basic.product, 2500)

    created = sdk.v1.billing_portal.configurations.create(params={
        "business_profile": {"headline": "Gold club", "privacy_policy_url":
                             "https://shop.example/privacy"},
        "default_return_url": "https://shop.example/account",
        "features": {
            "invoice_history": {"enabled": True},
            "payment_method_update": {"enabled": True},
            "subscription_cancel": {"enabled": True, "mode": "immediately",
                                    "proration_behavior": "create_prorations"},
            "subscription_update": {"enabled": True, "default_allowed_updates": ["price"],
                                    "proration_behavior": "always_invoice",
                                    "products": [{"product": basic.product,
                                                  "prices": [basic.id, pro.id]}]}},
        "metadata": {"team": "billing"}})

    assert created.object == "billing_portal.configuration"
    assert created.id.startswith("bpc_")
    assert (created.active, created.is_default, created.livemode) == (True, False, False)
    assert created.business_profile.headline == "Gold club"
    assert created.business_profile.terms_of_service_url is None
    assert created.default_return_url == "https://shop.example/account"
    features = created.features
    assert features.subscription_cancel.mode == "immediately"
    assert features.subscription_update.products[0].prices == [basic.id, pro.id]
    assert features.customer_update.enabled is False
    assert created.login_page.enabled is False
    assert [obj["id"] for obj in events("billing_portal.configuration.created")] == [
        created.id]

    retrieved = sdk.v1.billing_portal.configurations.retrieve(created.id)
    assert retrieved.features.to_dict() == created.features.to_dict()

    updated = sdk.v1.billing_portal.configurations.update(created.id, params={
        "features": {"subscription_cancel": {"mode": "at_period_end",
                                             "proration_behavior": "none"}},
        "business_profile": {"headline": "Gold members"}, "active": False})
    assert (updated.features.subscription_cancel.mode, updated.active) == (
        "at_period_end", False)
    assert updated.features.subscription_cancel.enabled is True  # kept: not given
    assert updated.business_profile.privacy_policy_url == "https://shop.example/privacy"
    [event] = Event.objects.filter(type="billing_portal.configuration.updated")
    assert event.data["previous_attributes"]["active"] is True
    assert event.data["previous_attributes"]["business_profile"]["headline"] == "Gold club"

    other = sdk.v1.billing_portal.configurations.create(params={
        "features": {"invoice_history": {"enabled": True}}})
    assert [c.id for c in sdk.v1.billing_portal.configurations.list().data] == [
        other.id, created.id]
    assert [c.id for c in sdk.v1.billing_portal.configurations.list(
        params={"active": False}).data] == [created.id]


def test_an_update_that_changes_nothing_records_no_event(sdk):
    created = sdk.v1.billing_portal.configurations.create(params={
        "features": {"invoice_history": {"enabled": True}}})

    sdk.v1.billing_portal.configurations.update(created.id, params={
        "features": {"invoice_history": {"enabled": True}}})

    assert not Event.objects.filter(type="billing_portal.configuration.updated").exists()


def test_a_session_opens_a_short_lived_url_with_the_default_configuration(sdk):
    customer = sdk.v1.customers.create(params={"email": "jenny@example.com"})

    session = sdk.v1.billing_portal.sessions.create(params={
        "customer": customer.id, "return_url": "https://shop.example/account",
        "locale": "en"})

    assert session.object == "billing_portal.session"
    assert session.id.startswith("bps_")
    assert (session.customer, session.livemode, session.locale, session.return_url) == (
        customer.id, False, "en", "https://shop.example/account")
    assert "/portal/p/" in session.url and session.id not in session.url
    stored = PortalSession.objects.get(pk=session.id)
    assert stored.url_token in session.url and len(stored.url_token) >= 40
    assert stored.expires_at - stored.created == timedelta(minutes=5)
    # the merchant had no configuration: its default was made, as Stripe makes one
    default = sdk.v1.billing_portal.configurations.retrieve(session.configuration)
    assert default.is_default is True
    assert default.features.payment_method_update.enabled is True
    assert default.features.subscription_cancel.mode == "at_period_end"
    assert [obj["id"] for obj in events("billing_portal.session.created")] == [session.id]

    # and a second session uses the same default
    again = sdk.v1.billing_portal.sessions.create(params={"customer": customer.id})
    assert again.configuration == default.id and again.url != session.url
    assert again.return_url is None
    assert len(events("billing_portal.configuration.created")) == 1


def test_a_session_takes_a_configuration_and_its_default_return_url(sdk):
    customer = sdk.v1.customers.create(params={})
    configuration = sdk.v1.billing_portal.configurations.create(params={
        "features": {"invoice_history": {"enabled": True}},
        "default_return_url": "https://shop.example/home"})

    session = sdk.v1.billing_portal.sessions.create(params={
        "customer": customer.id, "configuration": configuration.id,
        "expand": ["configuration"]})

    assert session.configuration.id == configuration.id
    assert session.return_url == "https://shop.example/home"


def _refused(call) -> stripe.InvalidRequestError:
    with pytest.raises(stripe.InvalidRequestError) as refused:
        call()
    return refused.value


@pytest.mark.parametrize(("features", "param"), [
    ({"subscription_cancel": {"mode": "later"}}, "features[subscription_cancel][mode]"),
    ({"subscription_cancel": {"mode": "at_period_end",
                              "proration_behavior": "create_prorations"}},
     "features[subscription_cancel][proration_behavior]"),
    ({"subscription_update": {"enabled": True, "default_allowed_updates": ["price"]}},
     "features[subscription_update][products]"),
    ({"subscription_update": {"default_allowed_updates": ["colour"]}},
     "features[subscription_update][default_allowed_updates][0]"),
    ({"subscription_update": {"proration_behavior": "sometimes"}},
     "features[subscription_update][proration_behavior]"),
    ({"invoice_history": {"enabled": "maybe"}}, "features[invoice_history][enabled]"),
    ({"subscription_cancel": {"cancellation_reason": {"enabled": True}}},
     "features[subscription_cancel][cancellation_reason][enabled]"),
    ({"customer_update": {"allowed_updates": ["password"]}},
     "features[customer_update][allowed_updates][0]"),
])
def test_bad_features_are_refused_with_their_param(sdk, features, param):
    error = _refused(lambda: sdk.v1.billing_portal.configurations.create(
        params={"features": features}))

    assert (error.http_status, error.param) == (400, param)
    assert not Event.objects.filter(type__startswith="billing_portal").exists()


def test_the_prices_offered_must_be_recurring_prices_of_their_product(sdk):
    basic = plan(sdk)
    elsewhere = plan(sdk)
    one_time = sdk.v1.prices.create(params={"product": basic.product, "unit_amount": 500,
                                            "currency": "usd"})

    def create(prices):
        return lambda: sdk.v1.billing_portal.configurations.create(params={"features": {
            "subscription_update": {"enabled": True, "default_allowed_updates": ["price"],
                                    "products": [{"product": basic.product,
                                                  "prices": prices}]}}})

    for prices, position in (([basic.id, elsewhere.id], 1), ([one_time.id], 0),
                             ([basic.id, "price_nobody"], 1)):
        error = _refused(create(prices))
        assert error.param == f"features[subscription_update][products][0][prices][{position}]"


def test_missing_and_unknown_parameters_are_refused(sdk):
    assert _refused(lambda: sdk.v1.billing_portal.configurations.create(
        params={})).param == "features"
    assert _refused(lambda: sdk.v1.billing_portal.configurations.create(params={
        "features": {"invoice_history": {"enabled": True}},
        "login_page": {"enabled": True}})).param == "login_page[enabled]"
    assert _refused(lambda: sdk.v1.billing_portal.configurations.create(params={
        "features": {"invoice_history": {"enabled": True}},
        "default_return_url": "not a url"})).param == "default_return_url"
    assert _refused(lambda: sdk.v1.billing_portal.sessions.create(
        params={})).param == "customer"
    missing = _refused(lambda: sdk.v1.billing_portal.configurations.retrieve("bpc_nobody"))
    assert (missing.http_status, missing.code) == (404, "resource_missing")


def test_a_session_is_refused_for_a_missing_customer_or_bad_configuration(sdk):
    customer = sdk.v1.customers.create(params={})
    inactive = sdk.v1.billing_portal.configurations.create(params={
        "features": {"invoice_history": {"enabled": True}}})
    sdk.v1.billing_portal.configurations.update(inactive.id, params={"active": False})

    missing = _refused(lambda: sdk.v1.billing_portal.sessions.create(
        params={"customer": "cus_nobody"}))
    assert (missing.http_status, missing.param) == (404, "customer")
    unknown = _refused(lambda: sdk.v1.billing_portal.sessions.create(
        params={"customer": customer.id, "configuration": "bpc_nobody"}))
    assert (unknown.http_status, unknown.param) == (404, "configuration")
    off = _refused(lambda: sdk.v1.billing_portal.sessions.create(
        params={"customer": customer.id, "configuration": inactive.id}))
    assert (off.http_status, off.param) == (400, "configuration")
    bad_locale = _refused(lambda: sdk.v1.billing_portal.sessions.create(
        params={"customer": customer.id, "locale": "xx"}))
    assert bad_locale.param == "locale"
    assert not PortalSession.objects.exists()


def test_the_default_configuration_cannot_be_deactivated(sdk):
    customer = sdk.v1.customers.create(params={})
    session = sdk.v1.billing_portal.sessions.create(params={"customer": customer.id})

    error = _refused(lambda: sdk.v1.billing_portal.configurations.update(
        session.configuration, params={"active": False}))

    assert error.param == "active"
    assert sdk.v1.billing_portal.configurations.retrieve(session.configuration).active


def test_a_bad_business_profile_url_is_refused_with_its_param(api):
    response = api.post("/v1/billing_portal/configurations", {
        "features": {"invoice_history": {"enabled": True}},
        "business_profile": {"terms_of_service_url": "javascript:alert(1)"}})

    assert response.status_code == 400
    assert response.json()["error"]["param"] == "business_profile[terms_of_service_url]"
