"""Optional two-factor logins (TOTP): turned on by confirming a code, then asked for at
every login; off only with a current code."""

from datetime import timedelta

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import clock
from tests.dashboard.helpers import PASSWORD, logged_in, owner_of


@pytest.fixture
def user(account):
    """The owner's login, with a password known to the test."""
    user = owner_of(account)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def owner(user) -> Client:
    return logged_in(user)


def code_of(device: TOTPDevice, *, drift: int = 0) -> str:
    device.refresh_from_db()
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits,
                 drift=drift)
    return f"{value:06d}"


def unthrottle(device: TOTPDevice) -> None:
    """Lifts django-otp's delay after a wrong code, so the test need not wait it out."""
    device.refresh_from_db()
    device.throttle_reset()


def turn_on(client: Client, user) -> TOTPDevice:
    assert client.post("/account/two-factor/start/").status_code == 302
    page = client.get("/account/two-factor/").content.decode()
    assert "<svg" in page and "Turn on two-factor" in page
    device = TOTPDevice.objects.get(user=user)
    response = client.post("/account/two-factor/confirm/", {"code": code_of(device)},
                           follow=True)
    assert b"Two-factor authentication is on" in response.content
    return device


def log_in(client: Client, user):
    return client.post("/login/", {"username": user.email, "password": PASSWORD})


def test_turning_it_on_then_logging_in_asks_for_the_code(owner, user):
    # given the owner turns two-factor on
    device = turn_on(owner, user)
    assert TOTPDevice.objects.get().confirmed

    # when they log in again with the right password
    client = Client()
    response = log_in(client, user)

    # then they are asked for the code, and not yet logged in
    assert response.status_code == 302 and response.url == "/login/two-factor/"
    assert client.get("/").status_code == 302
    # a wrong code is refused
    wrong = client.post("/login/two-factor/", {"code": "000000"})
    assert b"That code is not right" in wrong.content
    assert client.get("/").status_code == 302
    # and the right one (the next step's: the last one was used to confirm) logs them in
    unthrottle(device)
    right = client.post("/login/two-factor/", {"code": code_of(device, drift=1)})
    assert right.status_code == 302
    assert client.get("/").status_code == 200


def test_a_wrong_code_does_not_turn_it_on(owner, user):
    owner.post("/account/two-factor/start/")

    response = owner.post("/account/two-factor/confirm/", {"code": "000000"})

    assert b"That code is not right" in response.content
    assert not TOTPDevice.objects.get().confirmed
    # and logging in still asks only for the password
    assert log_in(Client(), user).url == "/"


def test_turning_it_off_needs_a_current_code(owner, user):
    device = turn_on(owner, user)

    refused = owner.post("/account/two-factor/disable/", {"code": "000000"})
    assert b"That code is not right" in refused.content
    assert TOTPDevice.objects.filter(confirmed=True).exists()

    unthrottle(device)
    owner.post("/account/two-factor/disable/", {"code": code_of(device, drift=1)})
    assert not TOTPDevice.objects.exists()


def test_the_code_page_without_a_password_first_goes_back_to_login(db):
    response = Client().post("/login/two-factor/", {"code": "123456"})

    assert response.status_code == 302 and response.url == "/login/"


def test_the_code_must_follow_the_password_soon(owner, user):
    device = turn_on(owner, user)
    client = Client()
    log_in(client, user)

    unthrottle(device)
    with clock.bound(clock.now() + timedelta(seconds=301)):
        response = client.post("/login/two-factor/", {"code": code_of(device, drift=1)})

    assert response.status_code == 302 and response.url == "/login/"
