"""Signatures are Stripe's: the official SDK verifies them, rolled secrets included."""

import time

import pytest
import stripe

from webhooks.signing import compute_signature, new_signing_secret, signature_header

PAYLOAD = b'{"id": "evt_1", "object": "event", "type": "customer.created"}'


def test_a_secret_is_whsec_and_random():
    first, second = new_signing_secret(), new_signing_secret()

    assert first.startswith("whsec_") and len(first) == 6 + 32
    assert first != second


def test_the_stripe_sdk_verifies_the_header():
    # given
    secret = new_signing_secret()
    header = signature_header(payload=PAYLOAD, secrets=[secret], timestamp=int(time.time()))

    # when
    event = stripe.Webhook.construct_event(PAYLOAD, header, secret)

    # then
    assert event.id == "evt_1"
    assert event.type == "customer.created"


def test_the_signed_string_is_timestamp_dot_body_keyed_with_the_whole_secret():
    # Stripe's own documented example shape: HMAC-SHA256 of "t.body" with the whsec_ string.
    import hashlib
    import hmac

    secret, t = "whsec_test", 1700000000
    expected = hmac.new(b"whsec_test", b"1700000000." + PAYLOAD, hashlib.sha256).hexdigest()

    assert compute_signature(payload=PAYLOAD, secret=secret, timestamp=t) == expected
    assert signature_header(payload=PAYLOAD, secrets=[secret], timestamp=t) == (
        f"t=1700000000,v1={expected}")


def test_a_rolled_secret_adds_a_second_v1_and_each_secret_verifies():
    # given the new secret and the one it replaced, still in its grace period
    new, old = new_signing_secret(), new_signing_secret()
    header = signature_header(payload=PAYLOAD, secrets=[new, old], timestamp=int(time.time()))

    # then both v1 are there, and a handler holding either secret accepts the event
    assert header.count("v1=") == 2
    assert stripe.Webhook.construct_event(PAYLOAD, header, new).id == "evt_1"
    assert stripe.Webhook.construct_event(PAYLOAD, header, old).id == "evt_1"
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(PAYLOAD, header, new_signing_secret())


def test_a_tampered_body_or_an_old_timestamp_is_refused():
    secret = new_signing_secret()
    header = signature_header(payload=PAYLOAD, secrets=[secret], timestamp=int(time.time()))
    stale = signature_header(payload=PAYLOAD, secrets=[secret],
                             timestamp=int(time.time()) - 301)

    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(PAYLOAD.replace(b"evt_1", b"evt_2"), header, secret)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(PAYLOAD, stale, secret)
