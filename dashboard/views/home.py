"""The mode switch, Home (the business's figures, recent activity and the API keys), and
its keys: rolled (a new secret shown once) and revoked."""

from datetime import datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dashboard import access
from dashboard.access import LIVEMODE_SESSION_KEY, Current, merchant_view
from dashboard.figures import RANGE_LABELS, home_figures
from dashboard.forms import RollKeyForm
from dashboard.views.common import htmx_swap, next_url, render_page
from merchants.models import ApiKey
from merchants.selectors import api_key_get, api_key_list_for_mode
from merchants.services import api_key_revoke, api_key_roll
from webhooks.selectors import (
    event_list_recent,
    webhook_deliveries_stalled,
    webhook_endpoints_disabled_failing,
)

# The events Home lists as recent activity.
RECENT_EVENTS_SHOWN = 8

# A newly issued secret key travels to the next page render through the session and is
# popped there: it is shown once and stored nowhere else.
NEW_KEY_SESSION_KEY = "dashboard_new_key"


def pop_new_key(request: HttpRequest) -> dict | None:
    """The key issued by the last create or roll, once: taken from the session."""
    new_key = request.session.pop(NEW_KEY_SESSION_KEY, None)
    if new_key and new_key.get("old_expires_at"):
        new_key["old_expires_at"] = datetime.fromisoformat(new_key["old_expires_at"])
    return new_key


@require_POST
@merchant_view
def mode_switch(request: HttpRequest, current: Current) -> HttpResponse:
    request.session[LIVEMODE_SESSION_KEY] = request.POST.get("mode") == "live"
    return redirect(next_url(request, reverse("dashboard:home")))


@never_cache  # the page may carry a new secret key
@require_GET
@merchant_view
def home(request: HttpRequest, current: Current) -> HttpResponse:
    now = timezone.now()
    figures = home_figures(merchant=current.merchant, livemode=current.livemode, now=now,
                           tz=timezone.get_current_timezone(),
                           range_key=request.GET.get("range", ""),
                           currency=request.GET.get("currency", "").lower() or None)
    figures_context = {"figures": figures, "range_labels": RANGE_LABELS,
                       "chart_data": figures.chart_data()}
    if htmx_swap(request) and request.htmx.target == "home-figures":
        # A period or currency swapped in place: the figures alone.
        response = render_page(request, current, "dashboard/home/_figures.html",
                               figures_context)
    else:
        response = _home_page(request, current, now=now, figures_context=figures_context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _home_page(request: HttpRequest, current: Current, *, now: datetime,
               figures_context: dict) -> HttpResponse:
    keys = list(api_key_list_for_mode(merchant=current.merchant, livemode=current.livemode))
    return render_page(request, current, "dashboard/home.html", {
        "nav": "home",
        **figures_context,
        "recent_events": event_list_recent(merchant=current.merchant,
                                           livemode=current.livemode,
                                           limit=RECENT_EVENTS_SHOWN),
        "active_keys": [key for key in keys if key.is_active(now)],
        "inactive_keys": [key for key in keys if not key.is_active(now)],
        "new_key": pop_new_key(request),
        "roll_form": RollKeyForm(),
        "now": now,
        "failing_endpoints": webhook_endpoints_disabled_failing(merchant=current.merchant,
                                                                livemode=current.livemode),
        "webhooks_stalled": webhook_deliveries_stalled(now=now),
    })


@require_POST
@merchant_view(requires=access.KEY_ROLL)
def key_roll(request: HttpRequest, current: Current, key_id: str) -> HttpResponse:
    form = RollKeyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose when the old key should expire.")
        return redirect(next_url(request, reverse("dashboard:home")))
    try:
        issued = api_key_roll(key_id=key_id, merchant=current.merchant,
                              expires_at=timezone.now() + form.grace())
    except ApiKey.DoesNotExist as exc:
        raise Http404("No such API key") from exc
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect(next_url(request, reverse("dashboard:home")))
    old = api_key_get(key_id=key_id, merchant=current.merchant)
    request.session[NEW_KEY_SESSION_KEY] = {
        "token": issued.token,
        "kind": issued.key.kind,
        "livemode": issued.key.livemode,
        "replaces": old.redacted if old else "",
        "old_expires_at": old.expires_at.isoformat() if old and old.expires_at else None,
    }
    return redirect(next_url(request, reverse("dashboard:home")))


@require_http_methods(["GET", "POST"])
@merchant_view(requires=access.KEY_REVOKE)
def key_revoke(request: HttpRequest, current: Current, key_id: str) -> HttpResponse:
    """GET asks for confirmation; POST revokes."""
    key = api_key_get(key_id=key_id, merchant=current.merchant)
    if key is None:
        raise Http404("No such API key")
    if request.method == "POST":
        key = api_key_revoke(key_id=key.id, merchant=current.merchant)
        messages.success(request, f"Revoked {key.redacted}. It no longer authenticates.")
        return redirect(next_url(request, reverse("dashboard:home")))
    back = request.GET.get("next", "")
    return render_page(request, current, "dashboard/keys/revoke_confirm.html",
                       {"nav": "home", "key": key,
                        "next": back if back == reverse("dashboard:developers") else ""})
