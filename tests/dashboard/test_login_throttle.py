"""Guessing passwords costs time, not CPU: after TILL_LOGIN_FAILURE_LIMIT failures, logins to
that account, and from that address, pause for the cool-off (django-axes), even with the
right password, and a paused attempt never reaches the password hasher. The login page says
how many attempts are left; the lockout page, when to try again. A forgotten password is
reset by email."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.test import Client

from tests.dashboard.helpers import PASSWORD, owner_of

LIMIT = 5  # Till's default TILL_LOGIN_FAILURE_LIMIT


def log_in(email: str, password: str, *, address: str = "203.0.113.7", **headers: str):
    return Client(REMOTE_ADDR=address, **headers).post(
        "/login/", {"username": email, "password": password})


def logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == "/"


@pytest.fixture
def hashings(monkeypatch) -> list[str]:
    """Every password check the hasher makes (the suite's hasher is MD5, for speed)."""
    calls: list[str] = []
    real_verify, real_encode = MD5PasswordHasher.verify, MD5PasswordHasher.encode

    def verify(self, password, encoded):
        calls.append("verify")
        return real_verify(self, password, encoded)

    def encode(self, password, salt):
        calls.append("encode")
        return real_encode(self, password, salt)

    monkeypatch.setattr(MD5PasswordHasher, "verify", verify)
    monkeypatch.setattr(MD5PasswordHasher, "encode", encode)
    return calls


def test_the_account_locks_after_the_limit_even_with_the_right_password(account, hashings):
    # given the owner's account guessed at LIMIT times, from ever new addresses (the last
    # guess is answered with the lockout)
    email = owner_of(account).email
    answers = [log_in(email, f"guess {n}", address=f"198.51.100.{n}").status_code
               for n in range(LIMIT)]
    assert answers == [200] * (LIMIT - 1) + [429]

    # when the right password comes, from yet another address
    hashings.clear()
    response = log_in(email, PASSWORD, address="198.51.100.200")

    # then it is refused with the lockout page, without hashing any password
    assert not logged_in(response)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Logging in is paused" in html
    assert re.search(r"Try again in 15 minutes, at <time datetime=", html)
    assert hashings == []


def test_an_address_locks_after_the_limit_whatever_account_it_tries(account, hashings):
    # given one address trying LIMIT different accounts (a spray)
    for n in range(LIMIT):
        log_in(f"someone{n}@shop.test", "password1")

    # when a real owner logs in from that address with the right password
    hashings.clear()
    response = log_in(owner_of(account).email, PASSWORD)

    # then it is refused too, without hashing; from another address the owner gets in
    assert response.status_code == 429
    assert hashings == []
    assert logged_in(log_in(owner_of(account).email, PASSWORD, address="192.0.2.55"))


def test_the_login_page_says_how_many_attempts_are_left(account):
    email = owner_of(account).email

    first = log_in(email, "wrong").content.decode()
    fourth = [log_in(email, "wrong") for _ in range(3)][-1].content.decode()

    assert "Please enter a correct" in first
    assert "4 more failed attempts and logging in to this account, or from this address, " \
           "pauses for 15 minutes." in first
    assert "1 more failed attempt and logging in" in fourth
    assert "Forgot your password?" in first


def test_below_the_limit_the_right_password_works(account):
    email = owner_of(account).email
    for _ in range(LIMIT - 1):
        log_in(email, "wrong")

    assert logged_in(log_in(email, PASSWORD))


def test_the_lockout_ends_after_the_cool_off(account, settings):
    # given a locked account, and a cool-off that has since passed (a zero one)
    email = owner_of(account).email
    for _ in range(LIMIT):
        log_in(email, "wrong")
    assert log_in(email, PASSWORD).status_code == 429

    settings.AXES_COOLOFF_TIME = settings.AXES_COOLOFF_TIME * 0

    assert logged_in(log_in(email, PASSWORD))


def test_behind_a_proxy_the_forwarded_client_address_counts(account, settings):
    # given Till behind one proxy, which appends the client's address to X-Forwarded-For
    settings.TILL_LOGIN_PROXY_COUNT = 1
    for n in range(LIMIT):
        log_in(f"someone{n}@shop.test", "password1", address="10.0.0.2",
               HTTP_X_FORWARDED_FOR="203.0.113.9")

    # when another client comes through the same proxy, or the sprayer forges the header
    other = log_in(owner_of(account).email, PASSWORD, address="10.0.0.2",
                   HTTP_X_FORWARDED_FOR="192.0.2.77")
    forged = log_in(owner_of(account).email, PASSWORD, address="10.0.0.2",
                    HTTP_X_FORWARDED_FOR="192.0.2.1, 203.0.113.9")

    # then only the sprayer's address is paused
    assert logged_in(other)
    assert forged.status_code == 429


# -- password reset -------------------------------------------------------------------------

def test_a_password_reset_email_sets_a_new_password(account, settings):
    # given the owner, who forgot the password
    settings.TILL_PUBLIC_URL = "https://pay.example.test"
    owner = owner_of(account)
    client = Client()
    form = client.get("/password-reset/")
    assert form.status_code == 200 and 'name="email"' in form.content.decode()

    # when they ask for a reset
    sent = client.post("/password-reset/", {"email": owner.email.upper()})

    # then one email goes to them with a link on Till's public address
    assert sent.status_code == 302
    assert "Check your email" in client.get(sent["Location"]).content.decode()
    [email] = mail.outbox
    assert email.to == [owner.email]
    assert email.subject == "Reset your Till password"
    link = re.search(r"https://pay\.example\.test(/password-reset/\S+/\S+/)", email.body)
    assert link, email.body

    # and following it sets a new password, with which they log in (the old one is gone)
    shown = client.get(link.group(1), follow=True)
    assert "Choose a new password" in shown.content.decode()
    done = client.post(shown.redirect_chain[-1][0], {
        "new_password1": "a brand new passphrase", "new_password2": "a brand new passphrase"})
    assert done.status_code == 302
    assert "Password changed" in client.get(done["Location"]).content.decode()
    assert logged_in(log_in(owner.email, "a brand new passphrase"))
    assert not logged_in(log_in(owner.email, PASSWORD, address="192.0.2.8"))
    # and the link works once
    assert "This link no longer works" in client.get(link.group(1), follow=True).content.decode()


def test_a_reset_for_an_unknown_email_sends_nothing_and_says_the_same(db):
    response = Client().post("/password-reset/", {"email": "nobody@shop.test"}, follow=True)

    assert "Check your email" in response.content.decode()
    assert mail.outbox == []


def test_resetting_the_password_lifts_the_accounts_lockout(account):
    # given an account an attacker locked
    owner = owner_of(account)
    for n in range(LIMIT):
        log_in(owner.email, f"guess {n}", address=f"198.51.100.{n}")
    assert log_in(owner.email, PASSWORD, address="192.0.2.9").status_code == 429

    # when the owner resets the password by email
    client = Client()
    client.post("/password-reset/", {"email": owner.email})
    path = re.search(r"https?://[^/]+(/password-reset/\S+/\S+/)", mail.outbox[0].body).group(1)
    confirm = client.get(path, follow=True).redirect_chain[-1][0]
    client.post(confirm, {"new_password1": "a brand new passphrase",
                          "new_password2": "a brand new passphrase"})

    # then the new password works at once
    assert logged_in(log_in(owner.email, "a brand new passphrase", address="192.0.2.9"))
    assert get_user_model().objects.get(pk=owner.pk).check_password("a brand new passphrase")
