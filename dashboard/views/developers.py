"""Developers: the mode's API keys (create a named secret or restricted key, shown once;
roll and revoke on Home's views) and the API request log, filtered and keyset-paged, with a
detail view per request."""

from datetime import UTC, datetime, time, timedelta

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from api.request_log import RequestLogFilter, request_log_get, request_log_list
from core.exceptions import InvalidParameter
from dashboard import access
from dashboard.access import Current, merchant_view
from dashboard.forms import CreateKeyForm, RequestLogFilterForm, RollKeyForm
from dashboard.views.common import page_of, render_filtered, render_page
from dashboard.views.home import NEW_KEY_SESSION_KEY, pop_new_key
from merchants.models import API_KEY_LEVELS, API_KEY_RESOURCES
from merchants.selectors import api_key_list_for_mode
from merchants.services import api_key_create


def _log_filters(form: RequestLogFilterForm) -> RequestLogFilter:
    if not form.is_valid():
        return RequestLogFilter()
    data = form.cleaned_data
    # Dates are whole UTC days, `to` included.
    start = datetime.combine(data["date_from"], time.min, UTC) if data["date_from"] else None
    end = (datetime.combine(data["date_to"], time.min, UTC) + timedelta(days=1)
           if data["date_to"] else None)
    return RequestLogFilter(status_class=int(data["status"]) if data["status"] else None,
                            method=data["method"] or None, path_prefix=data["path"] or None,
                            api_key_id=data["key"] or None, created_gte=start,
                            created_lt=end)


@never_cache  # the page may carry a new secret key
@require_GET
@merchant_view
def developers(request: HttpRequest, current: Current) -> HttpResponse:
    keys = list(api_key_list_for_mode(merchant=current.merchant, livemode=current.livemode))
    now = timezone.now()
    form = RequestLogFilterForm(request.GET, keys=keys)
    filters = _log_filters(form)
    page = page_of(request, request_log_list(merchant=current.merchant,
                                             livemode=current.livemode, filters=filters))
    new_key = pop_new_key(request)
    return render_filtered(request, current, full="dashboard/developers/page.html",
                           partial="dashboard/developers/_log_results.html", context={
        "nav": "developers",
        "active_keys": [key for key in keys if key.is_active(now)],
        "inactive_keys": [key for key in keys if not key.is_active(now)],
        "new_key": new_key,
        "roll_form": RollKeyForm(),
        "create_form": CreateKeyForm(),
        "resources": list(API_KEY_RESOURCES.items()),
        "levels": API_KEY_LEVELS,
        "now": now,
        "form": form,
        "filtered": filters != RequestLogFilter(),
        "page": page,
        "keys_by_id": {key.id: key for key in keys},
    })


@require_POST
@merchant_view(requires=access.KEY_CREATE)
def key_create(request: HttpRequest, current: Current) -> HttpResponse:
    form = CreateKeyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the key a name and a type.")
        return redirect("dashboard:developers")
    try:
        issued = api_key_create(merchant=current.merchant, livemode=current.livemode,
                                kind=form.cleaned_data["kind"],
                                name=form.cleaned_data["name"],
                                permissions=form.permissions(request.POST))
    except InvalidParameter as exc:
        messages.error(request, exc.message)
        return redirect("dashboard:developers")
    request.session[NEW_KEY_SESSION_KEY] = {
        "token": issued.token, "kind": issued.key.kind, "livemode": issued.key.livemode,
        "name": issued.key.name, "replaces": "", "old_expires_at": None,
    }
    return redirect("dashboard:developers")


@require_GET
@merchant_view
def request_log_detail(request: HttpRequest, current: Current, log_id: str) -> HttpResponse:
    entry = request_log_get(merchant=current.merchant, livemode=current.livemode, id=log_id)
    if entry is None:
        raise Http404("No such request")
    return render_page(request, current, "dashboard/developers/log_detail.html",
                       {"nav": "developers", "entry": entry})
