"""Connecting a merchant's Stripe account to a mode: verified, stored encrypted, rotatable,
and disconnected back to the mode's default. Against localstripe; what it cannot show (a key
Stripe refuses) against Stripe's recorded answer."""

import json
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from core.actor import TILL
from core.exceptions import InvalidParameter, InvalidRequest
from core.vault import secret_decrypt
from merchants.models import Merchant
from payments import services
from payments.models import ProcessorCall, ProcessorConnection
from payments.processors import processor_for
from payments.processors.simulated import SimulatedProcessor
from payments.processors.stripe import StripeProcessor
from tests.payments.factories import ok
from tests.stripe_support import calls, stripe_connect, stripe_keys

pytestmark = pytest.mark.django_db

# Stripe's answer to a key it does not know (recorded from api.stripe.com; the key masked
# as Stripe masks it). localstripe takes any sk_ key, so it cannot give this answer.
INVALID_KEY = {"error": {
    "message": "Invalid API Key provided: sk_test_********************************abcd",
    "type": "invalid_request_error"}}


def test_connecting_verifies_the_key_and_stores_it_encrypted(account, stripe_api):
    secret, publishable = stripe_keys()

    # when the merchant connects test mode
    connection = services.processor_connect(merchant=account.merchant, livemode=False,
                                            actor=TILL,
                                            secret_key=secret, publishable_key=publishable)

    # then the key is stored encrypted, never in plain text, and shown only as its hint
    row = ProcessorConnection.objects.get(merchant=account.merchant, livemode=False)
    assert secret not in row.secret_key_encrypted
    assert secret[8:] not in row.secret_key_encrypted
    assert secret_decrypt(row.secret_key_encrypted) == secret
    assert row.secret_key_hint == f"sk_test_…{secret[-4:]}"
    assert (row.kind, row.publishable_key) == ("stripe", publishable)
    assert connection.pk == row.pk
    # and it was verified with a harmless read, logged without the key
    verified = calls("balance.retrieve")
    assert [call.outcome for call in verified] == ["succeeded"]
    assert not any(secret in json.dumps(call.response) for call in calls())
    # and the mode's money now moves through Stripe
    merchant = Merchant.objects.get(pk=account.merchant.pk)
    assert merchant.test_processor_connected and not merchant.live_processor_connected
    assert isinstance(processor_for(merchant=merchant, livemode=False), StripeProcessor)


def test_a_key_stripe_refuses_is_not_stored(account, recorded_stripe):
    # given Stripe's recorded answer to an unknown key
    recorded_stripe.answer("GET", "/v1/balance", 401, INVALID_KEY)
    secret, publishable = stripe_keys()

    # when the merchant connects with it
    with pytest.raises(InvalidRequest) as refused:
        services.processor_connect(merchant=account.merchant, livemode=False, actor=TILL,
                                   secret_key=secret, publishable_key=publishable)

    # then it is refused with Stripe's words, and nothing is stored
    assert refused.value.param == "secret_key"
    assert "Invalid API Key provided" in refused.value.message
    assert not ProcessorConnection.objects.exists()
    assert not Merchant.objects.get(pk=account.merchant.pk).test_processor_connected
    assert [call.outcome for call in calls()] == ["refused"]


@pytest.mark.parametrize(("secret", "publishable", "param"), [
    ("sk_live_abcdefgh", "pk_test_abcdefgh", "secret_key"),  # the other mode's key
    ("pk_test_abcdefgh", "pk_test_abcdefgh", "secret_key"),  # a publishable key as secret
    ("sk_test_abcdefgh", "pk_live_abcdefgh", "publishable_key"),
])
def test_a_key_of_the_wrong_kind_is_refused_before_asking_stripe(account, stripe_api, secret,
                                                                 publishable, param):
    with pytest.raises(InvalidParameter) as refused:
        services.processor_connect(merchant=account.merchant, livemode=False, actor=TILL,
                                   secret_key=secret, publishable_key=publishable)

    assert refused.value.param == param
    assert not ProcessorConnection.objects.exists()
    assert not ProcessorCall.objects.exists()


def test_the_command_connects_and_disconnects(account, stripe_api):
    secret, publishable = stripe_keys(livemode=True)
    out = StringIO()

    # when an operator connects live mode from a script
    call_command("processor_connect", "--merchant", account.merchant.id, "--mode", "live",
                 "--stripe-secret-key", secret, "--stripe-publishable-key", publishable,
                 "--json", stdout=out)

    # then it prints the connection, never the key
    printed = json.loads(out.getvalue())
    assert printed["mode"] == "live" and printed["processor"] == "stripe"
    assert printed["secret_key"] == f"sk_live_…{secret[-4:]}"
    assert secret not in out.getvalue()
    assert Merchant.objects.get(pk=account.merchant.pk).live_processor_connected

    # and live payments go through Stripe instead of being refused
    assert ok(account.api("live_secret_key").post(
        "/v1/payment_intents", {"amount": 2000, "currency": "usd"}))["livemode"] is True

    # when it disconnects the mode
    done = StringIO()
    call_command("processor_disconnect", "--merchant", account.merchant.id, "--mode",
                 "live", stdout=done)

    # then the mode returns to its default: live mode refuses payments again
    assert "Disconnected" in done.getvalue()
    assert not ProcessorConnection.objects.exists()
    refused = account.api("live_secret_key").post(
        "/v1/payment_intents", {"amount": 2000, "currency": "usd"})
    assert refused.json()["error"]["code"] == "livemode_processor_missing"


def test_the_command_refuses_a_bad_key_with_stripes_words(account, recorded_stripe):
    recorded_stripe.answer("GET", "/v1/balance", 401, INVALID_KEY)
    secret, publishable = stripe_keys()

    with pytest.raises(CommandError, match="Invalid API Key provided"):
        call_command("processor_connect", "--merchant", account.merchant.id, "--mode",
                     "test", "--stripe-secret-key", secret, "--stripe-publishable-key",
                     publishable)

    assert not ProcessorConnection.objects.exists()


def test_disconnecting_test_mode_returns_it_to_the_simulated_processor(account, stripe_api):
    stripe_connect(account)

    assert services.processor_disconnect(merchant=account.merchant, livemode=False) is True
    assert services.processor_disconnect(merchant=account.merchant, livemode=False) is False

    merchant = Merchant.objects.get(pk=account.merchant.pk)
    assert isinstance(processor_for(merchant=merchant, livemode=False), SimulatedProcessor)
    paid = ok(account.api().post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "payment_method": "pm_card_visa", "confirm": True}))
    assert paid["status"] == "succeeded"


def test_rotation_reencrypts_every_key_with_the_newest(account, other_account, stripe_api,
                                                       settings):
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.TILL_SECRET_KEYS = [old]
    first, second = stripe_connect(account), stripe_connect(other_account, livemode=True)
    secrets = {row.pk: row.secret_key for row in (first, second)}

    # when a new key is put first and the secrets are rotated
    settings.TILL_SECRET_KEYS = [new, old]
    out = StringIO()
    call_command("secrets_rotate", stdout=out)

    # then the old key can be dropped: the new one alone reads every secret
    assert "Re-encrypted 2" in out.getvalue()
    settings.TILL_SECRET_KEYS = [new]
    assert {row.pk: row.secret_key for row in ProcessorConnection.objects.all()} == secrets


def test_rotation_without_the_old_key_fails_clearly(account, stripe_api, settings):
    settings.TILL_SECRET_KEYS = [Fernet.generate_key().decode()]
    stripe_connect(account)
    settings.TILL_SECRET_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(CommandError, match="Keep the key it was encrypted with"):
        call_command("secrets_rotate", stdout=StringIO())


def test_moving_off_the_development_key(account, stripe_api, settings):
    # given a key stored under the development default (no TILL_SECRET_KEYS)
    settings.TILL_SECRET_KEYS = []
    connection = stripe_connect(account)
    secret = connection.secret_key

    # when real keys are configured and the rotation may read the development key
    settings.TILL_SECRET_KEYS = [Fernet.generate_key().decode()]
    call_command("secrets_rotate", "--include-development-key", stdout=StringIO())

    # then the configured key alone reads it
    assert ProcessorConnection.objects.get(pk=connection.pk).secret_key == secret
