"""Settings → Processor: an owner or admin pastes the mode's Stripe keys; Till verifies them
through the service the command calls, stores the key encrypted and shows only its hint, the
inbound URL and the last event; errors show inline; disconnecting returns the mode to its
default. Against localstripe, and Stripe's recorded refusal where localstripe takes any key."""

import pytest

from merchants.models import Membership, Merchant
from payments.models import InboundEvent, ProcessorConnection
from payments.processors import processor_for
from payments.processors.simulated import SimulatedProcessor
from payments.processors.stripe import StripeProcessor
from tests.dashboard.helpers import owner_of, switch_mode
from tests.payments.test_stripe_connect import INVALID_KEY
from tests.stripe_support import stripe_connect, stripe_keys

pytestmark = pytest.mark.django_db

PAGE = "/settings/processor/"


def connect(client, secret: str, publishable: str, **extra: str):
    return client.post(PAGE, {"secret_key": secret, "publishable_key": publishable, **extra},
                       follow=True)


def test_an_owner_connects_test_mode_and_sees_only_the_keys_hint(owner, account, stripe_api):
    secret, publishable = stripe_keys()

    # when the owner pastes the test keys
    response = connect(owner, secret, publishable)

    # then the mode is connected, verified at Stripe, and the page shows the connection
    html = response.content.decode()
    assert response.status_code == 200
    connection = ProcessorConnection.objects.get(merchant=account.merchant, livemode=False)
    assert f"sk_test_…{secret[-4:]}" in html
    assert secret not in html and secret[8:] not in html
    assert publishable in html
    assert f"/hooks/stripe/{connection.inbound_id}/" in html
    # by whom: the owner's login
    assert f"by dashboard user {owner_of(account).email}" in html
    # localstripe has no webhook endpoints: the page says so and how to receive events
    assert "could not register its webhook endpoint" in html
    assert "events are not received yet" in html
    assert "none yet" in html  # no inbound event so far
    assert connection.connected_by == f"user:{owner_of(account).pk}"
    merchant = Merchant.objects.get(pk=account.merchant.pk)
    assert isinstance(processor_for(merchant=merchant, livemode=False), StripeProcessor)


def test_a_key_stripe_refuses_is_shown_on_its_field_and_nothing_is_stored(owner, account,
                                                                          recorded_stripe):
    recorded_stripe.answer("GET", "/v1/balance", 401, INVALID_KEY)
    secret, publishable = stripe_keys()

    response = connect(owner, secret, publishable)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<p class="field-error">Stripe refused this key: Invalid API Key provided' in html
    assert secret not in html  # the field is not rendered back
    assert not ProcessorConnection.objects.exists()


def test_a_key_of_the_other_mode_is_refused_inline_without_asking_stripe(owner, account,
                                                                         recorded_stripe):
    # when, in live mode, the owner pastes test keys
    switch_mode(owner, "live")
    secret, publishable = stripe_keys(livemode=False)
    response = connect(owner, secret, publishable)

    html = response.content.decode()
    assert response.status_code == 200
    assert "The secret key for live mode must be a Stripe live secret" in html
    assert recorded_stripe.requests == []
    assert not ProcessorConnection.objects.exists()


def test_a_missing_key_is_a_field_error(owner, account):
    response = owner.post(PAGE, {"secret_key": "", "publishable_key": "pk_test_x"})

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()


def test_a_webhook_secret_pasted_is_kept_and_shown_as_given(owner, account, stripe_api):
    secret, publishable = stripe_keys()

    response = connect(owner, secret, publishable, webhook_secret="whsec_pasted123")

    html = response.content.decode()
    connection = ProcessorConnection.objects.get()
    assert connection.webhook_secret == "whsec_pasted123"
    assert "whsec_pasted123" not in html
    assert "signing secret given" in html and "could not register" not in html


def test_the_last_inbound_event_is_shown(owner, account, stripe_api):
    connection = stripe_connect(account)
    InboundEvent.objects.create(connection=connection, event_id="evt_older",
                                type="charge.refunded", payload={}, result="ignored")
    InboundEvent.objects.create(connection=connection, event_id="evt_latest",
                                type="payment_intent.succeeded", payload={}, result="applied")

    html = owner.get(PAGE).content.decode()

    assert "evt_latest" in html and "payment_intent.succeeded" in html
    assert "evt_older" not in html


def test_disconnecting_returns_test_mode_to_the_simulator(owner, account, stripe_api):
    stripe_connect(account)

    response = owner.post(f"{PAGE}disconnect/", follow=True)

    html = response.content.decode()
    assert "back to Till&#x27;s simulated processor" in html
    assert not ProcessorConnection.objects.exists()
    merchant = Merchant.objects.get(pk=account.merchant.pk)
    assert isinstance(processor_for(merchant=merchant, livemode=False), SimulatedProcessor)


def test_the_live_page_says_live_payments_are_refused_until_connected(owner, account):
    switch_mode(owner, "live")

    html = owner.get(PAGE).content.decode()

    assert "live payments are refused until you connect" in html


@pytest.mark.parametrize("role", [Membership.Role.DEVELOPER, Membership.Role.SUPPORT])
def test_other_roles_may_not_see_or_change_it(account, stripe_api, role, request):
    client = request.getfixturevalue("developer" if role == Membership.Role.DEVELOPER
                                     else "support")
    secret, publishable = stripe_keys()

    assert client.get(PAGE).status_code == 403
    assert connect(client, secret, publishable).status_code == 403
    assert client.post(f"{PAGE}disconnect/").status_code == 403
    assert not ProcessorConnection.objects.exists()
    assert "/settings/processor/" not in client.get("/").content.decode()


def test_an_admin_may(admin_member, account, stripe_api):
    assert admin_member.get(PAGE).status_code == 200
    assert "/settings/processor/" in admin_member.get("/settings/").content.decode()
