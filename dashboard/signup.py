"""Signing up (a merchant and its owner, confirmed by email) and accepting an invitation to
a team: the pages anyone may open. Emailed links are built on TILL_PUBLIC_URL, never on the
request's Host header.

A signed-up owner cannot log in until they follow the confirmation link (their login is
inactive until then), so an address is never used by someone who does not hold it.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from core.exceptions import InvalidParameter, InvalidState
from dashboard.forms import InvitationAcceptForm, ResendConfirmationForm, SignUpForm
from merchants.selectors import (
    membership_for_user,
    user_awaiting_confirmation,
    user_get_by_email,
)
from merchants.services import (
    email_confirm,
    email_confirmation_token,
    invitation_accept,
    invitation_from_token,
    merchant_create,
)


def send_link_email(*, to: str, subject: str, template: str, path: str, **context) -> None:
    """One email with a link into the dashboard (`path` on TILL_PUBLIC_URL)."""
    body = render_to_string(template, {**context, "link": settings.TILL_PUBLIC_URL + path})
    send_mail(subject, body, None, [to])


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = merchant_create(name=form.cleaned_data["business_name"],
                                      email=form.cleaned_data["email"],
                                      password=form.cleaned_data["password"], confirmed=False)
        except InvalidParameter as exc:
            form.add_error(exc.param if exc.param in form.fields else None, exc.message)
        else:
            owner = user_get_by_email(email=created.merchant.email)
            _send_confirmation(owner, business_name=created.merchant.name)
            return render(request, "registration/signup_sent.html",
                          {"email": owner.email})
    return render(request, "registration/signup.html", {"form": form})


def _send_confirmation(owner, *, business_name: str) -> None:
    token = email_confirmation_token(user=owner)
    send_link_email(to=owner.email, subject="Confirm your email for Till",
                    template="registration/signup_confirm_email.txt",
                    path=reverse("dashboard:signup-confirm", args=[token]),
                    business_name=business_name)


# A new confirmation link may be asked for this often, per address asked about and per
# client address: enough for a lost email, too few to mail-bomb anyone.
RESEND_RATE_PER_EMAIL = "3/h"
RESEND_RATE_PER_CLIENT = "10/h"


@require_http_methods(["GET", "POST"])
def signup_resend(request: HttpRequest) -> HttpResponse:
    """Sends a new confirmation link to a sign-up still waiting for one. The answer is the
    same whether or not one uses the address, so the page tells nobody who signed up."""
    form = ResendConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        limited = any([
            is_ratelimited(request, group="signup-resend-email", rate=RESEND_RATE_PER_EMAIL,
                           key=lambda group, request: email, increment=True),
            is_ratelimited(request, group="signup-resend-client", key="ip",
                           rate=RESEND_RATE_PER_CLIENT, increment=True)])
        if limited:
            return render(request, "registration/signup_resend.html", {
                "form": form, "limited": True}, status=429)
        owner = user_awaiting_confirmation(email=email)
        if owner is not None:
            membership = membership_for_user(user=owner)
            _send_confirmation(owner, business_name=membership.merchant.name if membership
                               else "Till")
        return render(request, "registration/signup_sent.html", {"email": email,
                                                                  "resent": True})
    return render(request, "registration/signup_resend.html", {"form": form})


def signup_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: the login becomes active; the owner logs in next."""
    try:
        user = email_confirm(token=token)
    except InvalidState as exc:
        return render(request, "registration/link_refused.html", {"message": exc.message},
                      status=400)
    messages.success(request, f"Email confirmed: log in as {user.email}.")
    return redirect("dashboard:login")


@require_http_methods(["GET", "POST"])
def invitation(request: HttpRequest, token: str) -> HttpResponse:
    """An invitation's link: join the team, choosing a password if the email has no login,
    or (logged in as it) with one button."""
    try:
        invited = invitation_from_token(token=token)
    except InvalidState as exc:
        return render(request, "registration/link_refused.html", {"message": exc.message},
                      status=400)
    has_login = user_get_by_email(email=invited.email) is not None
    form = InvitationAcceptForm(request.POST or None) if not has_login else None
    error = None
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            joined = invitation_accept(
                token=token, password=form.cleaned_data["password"] if form else None,
                user=request.user if request.user.is_authenticated else None)
        except (InvalidState, InvalidParameter) as exc:
            error = exc.message
        else:
            login(request, joined.user,
                  backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, f"You joined {invited.merchant.name} as "
                                      f"{joined.get_role_display().lower()}.")
            return redirect("dashboard:home")
    return render(request, "registration/invitation.html", {
        "invitation": invited, "form": form, "has_login": has_login, "error": error,
        "signed_in_as": request.user if request.user.is_authenticated else None})
