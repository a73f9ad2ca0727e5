"""The team page: invitations by email, roles, removal, and who may do each."""

import re

import pytest
from django.core import mail
from django.test import Client

from core.models import StatusChange
from merchants.models import Invitation, Membership
from tests.dashboard.helpers import owner_of

PASSWORD = "a long and unusual passphrase"


def invitation_path(body: str) -> str:
    return re.search(r"https?://[^/\s]+(/invitations/\S+/)", body).group(1)


def member_of(account, email: str) -> Membership:
    return Membership.objects.get(merchant=account.merchant, user__username=email)


def test_an_invited_colleague_joins_with_the_role_and_then_cannot_refund(owner, account):
    # given the owner invites a support member
    response = owner.post("/team/invite/", {"email": "Help@Shop.test", "role": "support"})
    assert response.status_code == 302
    [email] = mail.outbox
    assert email.to == ["help@shop.test"]

    # when the colleague follows the link and chooses a password
    colleague = Client()
    path = invitation_path(email.body)
    assert b"Join" in colleague.get(path).content
    joined = colleague.post(path, {"password": PASSWORD})

    # then they are on the team as support, logged in, and may not refund
    assert joined.status_code == 302
    assert member_of(account, "help@shop.test").role == "support"
    assert colleague.post("/payments/pi_x/refund/").status_code == 403
    assert b"help@shop.test" in owner.get("/team/").content
    # and the link works only once
    assert Client().get(path).status_code == 400
    assert Invitation.objects.get().accepted_at is not None


def test_an_existing_login_must_be_logged_in_to_accept(owner, account, other_account):
    # given a login that belongs to another merchant's team
    other_owner = owner_of(other_account)
    owner.post("/team/invite/", {"email": other_owner.email, "role": "developer"})
    path = invitation_path(mail.outbox[0].body)

    # when someone not logged in as it posts the link, then nothing happens
    assert Client().post(path).status_code == 200
    assert not Membership.objects.filter(merchant=account.merchant, user=other_owner).exists()

    # when that login accepts, logged in, then it joins
    client = Client()
    client.force_login(other_owner)
    assert client.post(path).status_code == 302
    assert member_of(account, other_owner.email).role == "developer"


def test_someone_already_on_the_team_is_not_invited(owner, account, support):
    response = owner.post("/team/invite/", {"email": "support@shop.test", "role": "admin"})

    assert response.status_code == 200
    assert b"already on the team" in response.content
    assert mail.outbox == []


def test_an_admin_cannot_invite_or_touch_owners(admin_member, account):
    owner_row = Membership.objects.get(merchant=account.merchant, role="owner")

    invited = admin_member.post("/team/invite/", {"email": "boss@shop.test", "role": "owner"})
    demote = admin_member.post(f"/team/{owner_row.pk}/role/", {"role": "support"},
                               follow=True)
    remove = admin_member.post(f"/team/{owner_row.pk}/remove/", follow=True)

    assert b"Only an owner can make someone an owner" in invited.content
    assert mail.outbox == []
    assert b"Only an owner can change an owner" in demote.content
    assert b"Only an owner can remove an owner" in remove.content
    owner_row.refresh_from_db()
    assert owner_row.role == "owner"


def test_the_last_owner_stays(owner, account):
    owner_row = Membership.objects.get(merchant=account.merchant, role="owner")

    demote = owner.post(f"/team/{owner_row.pk}/role/", {"role": "admin"}, follow=True)
    remove = owner.post(f"/team/{owner_row.pk}/remove/", follow=True)

    assert b"last owner stays an owner" in demote.content
    assert b"last owner cannot be removed" in remove.content
    assert Membership.objects.filter(merchant=account.merchant, role="owner").count() == 1


def test_an_owner_changes_a_role_and_removes_a_member_in_the_audit_trail(owner, account,
                                                                         support):
    # given a support member
    row = member_of(account, "support@shop.test")

    # when the owner makes them a developer, then removes them
    assert owner.post(f"/team/{row.pk}/role/", {"role": "developer"}).status_code == 302
    row.refresh_from_db()
    assert row.role == "developer"
    assert owner.post(f"/team/{row.pk}/remove/").status_code == 302

    # then they are off the team, can no longer see it, and both changes name the owner
    assert not Membership.objects.filter(pk=row.pk).exists()
    assert support.get("/").status_code == 403
    changes = StatusChange.objects.filter(object_id=f"user:{row.user_id}").order_by("pk")
    assert [(c.source, c.target) for c in changes] == [("support", "developer"),
                                                       ("developer", "removed")]
    assert {c.actor for c in changes} == {f"user:{owner_of(account).pk}"}
    # and the team page shows them, with who made them and in which role
    page = owner.get("/team/").content.decode()
    by = f"by dashboard user {owner_of(account).email} (owner)"
    assert f"dashboard user support@shop.test support → developer, {by}" in page
    assert f"dashboard user support@shop.test developer → removed, {by}" in page


def test_another_merchants_member_cannot_be_changed(owner, other_account):
    theirs = Membership.objects.get(merchant=other_account.merchant)

    response = owner.post(f"/team/{theirs.pk}/remove/", follow=True)

    assert b"No such member" in response.content
    assert Membership.objects.filter(pk=theirs.pk).exists()


@pytest.mark.parametrize("role", ["support", "developer"])
def test_support_and_developers_see_the_team_but_change_nothing(request, role, account):
    client = request.getfixturevalue(role)
    owner_row = Membership.objects.get(merchant=account.merchant, role="owner")

    page = client.get("/team/")
    assert page.status_code == 200
    assert b"Send invitation" not in page.content and b"Change role" not in page.content
    for path, data in (("/team/invite/", {"email": "x@shop.test", "role": "support"}),
                       (f"/team/{owner_row.pk}/role/", {"role": "support"}),
                       (f"/team/{owner_row.pk}/remove/", {})):
        assert client.post(path, data).status_code == 403, path
    assert Invitation.objects.count() == 0 and mail.outbox == []
