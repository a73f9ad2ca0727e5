"""Team: who has access to the merchant and with which role; owners and admins invite by
email, change roles and remove members (only an owner touches the owners; the last owner
stays). Every change goes through merchants.services and lands in the audit trail."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from core import clock
from core.exceptions import InvalidParameter
from dashboard import access
from dashboard.access import Current, merchant_view
from dashboard.forms import InviteForm, MemberRoleForm
from dashboard.signup import send_link_email
from dashboard.views.common import render_page
from merchants.selectors import (
    actor_labels,
    invitation_list_open,
    team_change_list,
    team_member_list,
)
from merchants.services import invitation_create, team_member_remove, team_member_role_set


def _page(request: HttpRequest, current: Current,
          form: InviteForm | None = None) -> HttpResponse:
    changes = team_change_list(merchant=current.merchant)
    labels = actor_labels(merchant=current.merchant,
                          actors={c.actor for c in changes} | {c.object_id for c in changes
                                                               if c.object_id.startswith("user:")})
    return render_page(request, current, "dashboard/team/team.html", {
        "changes": [{"change": c, "by": labels[c.actor], "who": labels.get(c.object_id)}
                    for c in changes],
        "nav": "team",
        "members": team_member_list(merchant=current.merchant),
        "invitations": invitation_list_open(merchant=current.merchant, now=clock.now()),
        "form": form or InviteForm(),
        "role_form": MemberRoleForm(),
    })


@require_GET
@merchant_view
def team(request: HttpRequest, current: Current) -> HttpResponse:
    return _page(request, current)


@require_POST
@merchant_view(requires=access.TEAM_MANAGE)
def team_invite(request: HttpRequest, current: Current) -> HttpResponse:
    """Invites an email with a role and sends it the link; a refusal shows the form again
    with the reason beside its field."""
    form = InviteForm(request.POST)
    if not form.is_valid():
        return _page(request, current, form)
    try:
        invited, token = invitation_create(
            merchant=current.merchant, email=form.cleaned_data["email"],
            role=form.cleaned_data["role"], by_owner=current.is_owner, actor=current.actor)
    except InvalidParameter as exc:
        form.add_error(exc.param if exc.param in form.fields else None, exc.message)
        return _page(request, current, form)
    send_link_email(to=invited.email, subject=f"Join {current.merchant.name} on Till",
                    template="registration/invitation_email.txt",
                    path=reverse("dashboard:invitation", args=[token]),
                    business_name=current.merchant.name, role=invited.get_role_display(),
                    inviter=request.user.email, expires_at=invited.expires_at)
    messages.success(request, f"Invited {invited.email} as "
                              f"{invited.get_role_display().lower()}.")
    return redirect("dashboard:team")


@require_POST
@merchant_view(requires=access.TEAM_MANAGE)
def team_member_role(request: HttpRequest, current: Current, member_id: int) -> HttpResponse:
    form = MemberRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role.")
        return redirect("dashboard:team")
    try:
        changed = team_member_role_set(merchant=current.merchant, member_id=member_id,
                                       role=form.cleaned_data["role"],
                                       by_owner=current.is_owner, actor=current.actor)
    except InvalidParameter as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{changed.user.email} is now "
                                  f"{changed.get_role_display().lower()}.")
    return redirect("dashboard:team")


@require_POST
@merchant_view(requires=access.TEAM_MANAGE)
def team_member_delete(request: HttpRequest, current: Current, member_id: int) -> HttpResponse:
    try:
        team_member_remove(merchant=current.merchant, member_id=member_id,
                           by_owner=current.is_owner, actor=current.actor)
    except InvalidParameter as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Removed the member from the team.")
    return redirect("dashboard:team")
