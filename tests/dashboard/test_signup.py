"""Signing up: a merchant and its owner, who logs in only after following the emailed link."""

import re
import uuid

from django.core import mail
from django.test import Client

from merchants.models import ApiKey, Membership, Merchant

PASSWORD = "a long and unusual passphrase"


def sign_up(client: Client, email: str = "founder@newshop.test"):
    return client.post("/signup/", {"business_name": "New Shop", "email": email,
                                    "password": PASSWORD})


def confirm_path(body: str) -> str:
    return re.search(r"https?://[^/\s]+(/signup/confirm/\S+/)", body).group(1)


def test_sign_up_confirm_then_log_in(db):
    # given a visitor
    client = Client()
    assert b"Create your Till account" in client.get("/signup/").content

    # when they sign up
    response = sign_up(client)

    # then a merchant with its keys and an owner exist, and a confirmation email is sent
    assert response.status_code == 200
    assert b"Check your email" in response.content
    merchant = Merchant.objects.get(name="New Shop")
    assert ApiKey.objects.filter(merchant=merchant).count() == 4
    owner = Membership.objects.get(merchant=merchant)
    assert owner.role == "owner" and not owner.user.is_active
    [email] = mail.outbox
    assert email.to == ["founder@newshop.test"]

    # and until it is confirmed, logging in fails
    refused = client.post("/login/", {"username": "founder@newshop.test",
                                      "password": PASSWORD})
    assert refused.status_code == 200 and b"Home" not in refused.content

    # when the link is followed, then the login works
    confirmed = client.get(confirm_path(email.body), follow=True)
    assert b"Email confirmed" in confirmed.content
    logged_in = client.post("/login/", {"username": "founder@newshop.test",
                                        "password": PASSWORD})
    assert logged_in.status_code == 302
    assert b"New Shop" in client.get("/").content


def test_a_forged_confirmation_link_is_refused(db):
    sign_up(Client())
    path = confirm_path(mail.outbox[0].body)

    response = Client().get(path[:-3] + "xx/")

    assert response.status_code == 400
    assert not Membership.objects.get().user.is_active


def test_an_email_already_signed_up_is_refused_beside_its_field(account):
    email = account.merchant.email

    response = sign_up(Client(), email=email)

    assert response.status_code == 200
    assert b"A login with this email already exists" in response.content
    assert Merchant.objects.count() == 1 and mail.outbox == []


def test_a_weak_password_is_refused(db):
    response = Client().post("/signup/", {"business_name": "Shop", "email": "a@b.test",
                                          "password": "123"})

    assert b"too short" in response.content
    assert Merchant.objects.count() == 0


def fresh_visitor() -> tuple[Client, str]:
    """A client from its own address and an address of its own: the resend limits count
    per both, in a cache that outlives a test (Redis, in CI)."""
    token = uuid.uuid4().hex[:12]
    return (Client(REMOTE_ADDR=f"10.{int(token[:2], 16)}.{int(token[2:4], 16)}."
                               f"{int(token[4:6], 16)}"),
            f"founder-{token}@newshop.test")


def test_a_lost_confirmation_email_is_sent_again_and_its_link_works(db):
    client, email_address = fresh_visitor()
    sign_up(client, email_address)
    mail.outbox.clear()

    response = client.post("/signup/resend/", {"email": email_address.upper()})

    assert response.status_code == 200 and b"sent it a new link" in response.content
    [email] = mail.outbox
    assert email.to == [email_address] and "New Shop" in email.body
    assert b"Email confirmed" in client.get(confirm_path(email.body), follow=True).content
    # once confirmed, nothing more is sent, and the answer is the same
    mail.outbox.clear()
    again = client.post("/signup/resend/", {"email": email_address})
    assert again.status_code == 200 and b"sent it a new link" in again.content
    assert mail.outbox == []


def test_resending_tells_nobody_who_signed_up(db, account):
    client, unknown_address = fresh_visitor()
    unknown = client.post("/signup/resend/", {"email": unknown_address})
    active = client.post("/signup/resend/", {"email": account.merchant.email})

    assert unknown.content.replace(unknown_address.encode(), b"") == active.content.replace(
        account.merchant.email.encode(), b"")
    assert mail.outbox == []


def test_resending_is_limited_per_address(db):
    client, email_address = fresh_visitor()
    sign_up(client, email_address)
    mail.outbox.clear()

    answers = [client.post("/signup/resend/", {"email": email_address}).status_code
               for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    assert len(mail.outbox) == 3
    # another address from the same client is still answered
    _, other_address = fresh_visitor()
    assert client.post("/signup/resend/", {"email": other_address}).status_code == 200
