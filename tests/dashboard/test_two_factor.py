"""Optional two-factor logins (TOTP): turned on by confirming a code, then asked for at
every login; recovery codes for a lost phone, each once; off only with a current code or a
recovery code."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
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


RECOVERY_CODE = re.compile(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>")


def turn_on(client: Client, user, codes: list[str] | None = None) -> TOTPDevice:
    """Turns two-factor on; the recovery codes shown go into `codes`."""
    assert client.post("/account/two-factor/start/").status_code == 302
    page = client.get("/account/two-factor/").content.decode()
    assert "<svg" in page and "Turn on two-factor" in page
    device = TOTPDevice.objects.get(user=user)
    response = client.post("/account/two-factor/confirm/", {"code": code_of(device)},
                           follow=True)
    assert b"Two-factor authentication is on" in response.content
    if codes is not None:
        codes.extend(RECOVERY_CODE.findall(response.content.decode()))
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


def test_turning_it_on_shows_ten_recovery_codes_once(owner, user):
    codes: list[str] = []
    turn_on(owner, user, codes)

    assert len(codes) == len(set(codes)) == 10
    again = owner.get("/account/two-factor/").content.decode()
    assert RECOVERY_CODE.findall(again) == []
    assert "10 unused recovery codes left" in again


def test_a_recovery_code_logs_in_once_in_place_of_the_apps_code(owner, user):
    codes: list[str] = []
    turn_on(owner, user, codes)

    # when the phone is lost, a recovery code (as printed, or without its dash, any case)
    client = Client()
    log_in(client, user)
    response = client.post("/login/two-factor/", {"code": codes[0].upper()})

    # then it logs in, and is spent
    assert response.status_code == 302 and client.get("/").status_code == 200
    assert "9 unused recovery codes left" in client.get("/account/two-factor/").content.decode()
    again = Client()
    log_in(again, user)
    refused = again.post("/login/two-factor/", {"code": codes[0]})
    assert b"That code is not right" in refused.content
    StaticDevice.objects.get(user=user).throttle_reset()
    assert again.post("/login/two-factor/",
                      {"code": codes[1].replace("-", "")}).status_code == 302


def test_new_recovery_codes_need_a_current_code_and_replace_the_old(owner, user):
    old: list[str] = []
    device = turn_on(owner, user, old)

    refused = owner.post("/account/two-factor/recovery-codes/", {"code": "000000"})
    assert b"That code is not right" in refused.content
    unthrottle(device)
    page = owner.post("/account/two-factor/recovery-codes/",
                      {"code": code_of(device, drift=1)}, follow=True).content.decode()
    new = RECOVERY_CODE.findall(page)

    assert len(new) == 10 and not set(new) & set(old)
    client = Client()
    log_in(client, user)
    assert b"That code is not right" in client.post("/login/two-factor/",
                                                    {"code": old[0]}).content
    StaticDevice.objects.get(user=user).throttle_reset()
    assert client.post("/login/two-factor/", {"code": new[0]}).status_code == 302


def test_a_recovery_code_turns_it_off_with_the_codes(owner, user):
    codes: list[str] = []
    turn_on(owner, user, codes)

    owner.post("/account/two-factor/disable/", {"code": codes[3]})

    assert not TOTPDevice.objects.exists() and not StaticDevice.objects.exists()
    assert log_in(Client(), user).url == "/"
