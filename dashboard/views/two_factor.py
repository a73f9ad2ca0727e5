"""Your login's optional two-factor authentication (TOTP, django-otp): turn it on by
scanning a QR code and confirming a code, which also gives ten recovery codes (shown once)
for a lost phone; renew those with a current code; turn it off with a current code or a
recovery code. Every role may, for their own login only."""

from base64 import b32encode

import segno
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import add_never_cache_headers
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import InvalidParameter, InvalidState
from dashboard.access import Current, merchant_view
from dashboard.login import SecondFactorForm, TwoFactorCodeForm
from dashboard.views.common import render_page
from merchants.selectors import recovery_codes_left, totp_device_confirmed, totp_device_pending
from merchants.services_two_factor import (
    recovery_codes_renew,
    totp_disable,
    totp_setup_confirm,
    totp_setup_start,
)

# Recovery codes just issued travel to the next render of the page through the session and
# are popped there: shown once, and kept nowhere else in the clear but django-otp's table.
RECOVERY_CODES_SESSION_KEY = "dashboard_recovery_codes"


def _page(request: HttpRequest, current: Current, form: TwoFactorCodeForm | None = None,
          disable_form: SecondFactorForm | None = None) -> HttpResponse:
    pending = totp_device_pending(user=request.user)
    setup = None
    if pending is not None:
        # The QR code as inline SVG markup (no image request, nothing for the CSP to refuse).
        setup = {"qr": mark_safe(segno.make(pending.config_url).svg_inline(  # noqa: S308
                     scale=5, title="Two-factor QR code")),
                 "secret": b32encode(pending.bin_key).decode()}
    codes = request.session.pop(RECOVERY_CODES_SESSION_KEY, None)
    response = render_page(request, current, "dashboard/two_factor.html", {
        "nav": "two_factor", "enabled": totp_device_confirmed(user=request.user) is not None,
        "setup": setup, "form": form or TwoFactorCodeForm(),
        "disable_form": disable_form or SecondFactorForm(auto_id="disable_%s"),
        "recovery_codes": [f"{code[:4]}-{code[4:]}" for code in codes or []],
        "recovery_codes_left": recovery_codes_left(user=request.user)})
    if codes:
        add_never_cache_headers(response)  # the codes are on it
    return response


@require_GET
@merchant_view
def two_factor_page(request: HttpRequest, current: Current) -> HttpResponse:
    return _page(request, current)


@require_POST
@merchant_view
def two_factor_start(request: HttpRequest, current: Current) -> HttpResponse:
    try:
        totp_setup_start(user=request.user)
    except InvalidState as exc:
        messages.error(request, exc.message)
    return redirect("dashboard:two-factor")


@require_POST
@merchant_view
def two_factor_confirm(request: HttpRequest, current: Current) -> HttpResponse:
    form = TwoFactorCodeForm(request.POST)
    if form.is_valid():
        try:
            codes = totp_setup_confirm(user=request.user, code=form.cleaned_data["code"])
        except (InvalidParameter, InvalidState) as exc:
            form.add_error("code", exc.message)
        else:
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            messages.success(request, "Two-factor authentication is on: logging in now also "
                                      "asks for a code.")
            return redirect("dashboard:two-factor")
    return _page(request, current, form)


@require_POST
@merchant_view
def two_factor_recovery_codes(request: HttpRequest, current: Current) -> HttpResponse:
    """New recovery codes, given the app's current code; the old ones stop working."""
    form = TwoFactorCodeForm(request.POST)
    if form.is_valid():
        try:
            codes = recovery_codes_renew(user=request.user, code=form.cleaned_data["code"])
        except (InvalidParameter, InvalidState) as exc:
            form.add_error("code", exc.message)
        else:
            request.session[RECOVERY_CODES_SESSION_KEY] = codes
            messages.success(request, "New recovery codes: the old ones no longer work.")
            return redirect("dashboard:two-factor")
    return _page(request, current, form)


@require_POST
@merchant_view
def two_factor_disable(request: HttpRequest, current: Current) -> HttpResponse:
    form = SecondFactorForm(request.POST, auto_id="disable_%s")
    if form.is_valid():
        try:
            totp_disable(user=request.user, code=form.cleaned_data["code"])
        except InvalidParameter as exc:
            form.add_error("code", exc.message)
        else:
            messages.success(request, "Two-factor authentication is off.")
            return redirect("dashboard:two-factor")
    return _page(request, current, disable_form=form)
