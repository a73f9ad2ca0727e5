"""Logging in and out; every dashboard page needs a login and a merchant."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.dashboard.helpers import PASSWORD, logged_in, owner_of

PAGES = ["/", "/customers/", "/customers/cus_x/", "/events/", "/events/evt_x/",
         "/keys/key_x/revoke/"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_redirect_anonymous_visitors_to_the_login(db, path):
    response = Client().get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={path}"


@pytest.mark.parametrize("path", ["/mode/", "/keys/key_x/roll/", "/keys/key_x/revoke/"])
def test_posts_from_anonymous_visitors_change_nothing(db, path):
    response = Client().post(path, {"mode": "live"})

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_login_page_renders(db):
    response = Client().get("/login/")

    assert response.status_code == 200
    assert b'name="username"' in response.content
    assert b'type="email"' in response.content
    assert b"csrfmiddlewaretoken" in response.content
    assert b'rel="icon" href="/static/dashboard/favicon.svg"' in response.content


def test_the_icon_browsers_ask_for_is_there(db):
    # a page without an icon link (the admin, the API docs) makes the browser ask for this
    response = Client().get("/favicon.ico")

    assert response.status_code == 302
    assert response["Location"] == "/static/dashboard/favicon.svg"


def test_login_with_the_email_leads_to_the_home_page(account):
    # given an email typed with another case
    email = owner_of(account).email.upper()
    client = Client()

    # when
    response = client.post("/login/", {"username": email, "password": PASSWORD})

    # then
    assert response.status_code == 302
    assert response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert account.merchant.name in home.content.decode()


def test_login_returns_to_the_page_asked_for(account):
    client = Client()

    response = client.post("/login/?next=/events/", {"username": owner_of(account).email,
                                                     "password": PASSWORD,
                                                     "next": "/events/"})

    assert response["Location"] == "/events/"


def test_a_wrong_password_is_refused(account):
    response = Client().post("/login/", {"username": owner_of(account).email,
                                         "password": "wrong"})

    assert response.status_code == 200
    assert b"Please enter a correct" in response.content


def test_logout_ends_the_session(owner):
    response = owner.post("/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/login/"
    assert owner.get("/").status_code == 302


def test_a_login_without_a_merchant_gets_a_403_page(db):
    user = get_user_model().objects.create_user(username="nobody@x.test",
                                                email="nobody@x.test", password=PASSWORD)

    response = logged_in(user).get("/")

    assert response.status_code == 403
    assert b"not a member of any merchant" in response.content
