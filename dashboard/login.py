"""Logging in to the dashboard: the throttle's client address, the login page that says
how many attempts are left, and the password reset that also lifts an account's lockout.

django-axes does the throttling (config/settings.py): it counts failed logins per account
and per client address, and refuses a locked-out attempt before any password is hashed.
"""

from typing import Any

from axes.helpers import get_failure_limit
from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login

from core import clock
from core.exceptions import InvalidParameter, InvalidState
from merchants.selectors import totp_device_confirmed
from merchants.services_two_factor import totp_verify

# A login whose password was right and whose two-factor code is awaited: who, through which
# backend, where to go next, and since when (the code must follow within 5 minutes).
TWO_FACTOR_PENDING = "dashboard_two_factor_pending"
TWO_FACTOR_WAIT_SECONDS = 300


def client_address(request: HttpRequest) -> str | None:
    """The address a login attempt counts against (django-axes' AXES_CLIENT_IP_CALLABLE):
    REMOTE_ADDR, or behind TILL_LOGIN_PROXY_COUNT proxies that each append to
    X-Forwarded-For, the address the outermost one saw (what a client writes to the left of
    it is not trusted)."""
    count = settings.TILL_LOGIN_PROXY_COUNT
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "")
                 .split(",") if part.strip()]
    if count and len(forwarded) >= count:
        return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


class LoginView(auth_views.LoginView):
    """Django's login, telling after a failure how many attempts are left before logins
    pause, and for how long."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        failures = getattr(self.request, "axes_failures_since_start", None)
        if failures:
            limit = get_failure_limit(self.request, None)
            context["attempts_left"] = max(limit - failures, 0)
            context["cooloff_minutes"] = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        return context

    def form_valid(self, form):
        """With two-factor on, the right password only leads to the code's page; the login
        happens there."""
        user = form.get_user()
        if totp_device_confirmed(user=user) is None:
            return super().form_valid(form)
        self.request.session[TWO_FACTOR_PENDING] = {
            "user": user.pk, "backend": user.backend, "next": self.get_success_url(),
            "at": clock.now().timestamp()}
        return redirect("dashboard:login-two-factor")


class TwoFactorCodeForm(forms.Form):
    code = forms.CharField(label="Code from your authenticator app", max_length=10,
                           widget=forms.TextInput(attrs={
                               "autocomplete": "one-time-code", "inputmode": "numeric",
                               "autofocus": True}))


class SecondFactorForm(forms.Form):
    """Logging in: the app's code, or one of the login's recovery codes (`abcd-efgh`)."""

    code = forms.CharField(label="Code from your authenticator app, or a recovery code",
                           max_length=20,
                           widget=forms.TextInput(attrs={
                               "autocomplete": "one-time-code", "autocapitalize": "off",
                               "spellcheck": "false", "autofocus": True}))


@require_http_methods(["GET", "POST"])
def two_factor(request: HttpRequest) -> HttpResponse:
    """The second step of a two-factor login: the authenticator app's current code."""
    pending = request.session.get(TWO_FACTOR_PENDING)
    if not pending or clock.now().timestamp() - pending["at"] > TWO_FACTOR_WAIT_SECONDS:
        request.session.pop(TWO_FACTOR_PENDING, None)
        return redirect("dashboard:login")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = get_user_model().objects.filter(pk=pending["user"], is_active=True).first()
        try:
            if user is None:
                raise InvalidState("This login is no longer active.")
            device = totp_verify(user=user, code=form.cleaned_data["code"])
        except (InvalidParameter, InvalidState) as exc:
            form.add_error("code", exc.message)
        else:
            del request.session[TWO_FACTOR_PENDING]
            auth_login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(pending["next"])
    return render(request, "registration/two_factor.html", {"form": form})


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset request; the emailed link is built on TILL_PUBLIC_URL, never on the
    request's Host header (which whoever asks for the email chooses)."""

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        self.extra_email_context = {"public_url": settings.TILL_PUBLIC_URL}
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password from the emailed link also lifts the account's lockout: the
    link proves the mailbox, so the owner need not wait out an attacker's failures."""

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=form.user.get_username())
        return response
