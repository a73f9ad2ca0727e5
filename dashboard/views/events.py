"""Events: the list filtered by type, and an event with its payload as the API sends it."""

import json

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from core.exceptions import NotFound
from core.wire import render as render_api_object
from dashboard.access import Current, merchant_view
from dashboard.forms import EventFilterForm
from dashboard.views.common import page_of, render_filtered, render_page
from webhooks.selectors import event_get, event_list


@require_GET
@merchant_view
def events(request: HttpRequest, current: Current) -> HttpResponse:
    form = EventFilterForm(request.GET)
    event_type = (form.cleaned_data["type"] or None) if form.is_valid() else None
    queryset = event_list(merchant=current.merchant, livemode=current.livemode, type=event_type)
    page = page_of(request, queryset)
    return render_filtered(request, current, full="dashboard/events/list.html",
                           partial="dashboard/events/_results.html",
                           context={"nav": "events", "form": form, "event_type": event_type,
                                    "page": page})


@require_GET
@merchant_view
def event_detail(request: HttpRequest, current: Current, event_id: str) -> HttpResponse:
    try:
        event = event_get(id=event_id, merchant=current.merchant, livemode=current.livemode)
    except NotFound as exc:
        raise Http404("No such event") from exc
    return render_page(request, current, "dashboard/events/detail.html", {
        "nav": "events", "event": event,
        "payload": json.dumps(render_api_object(event), indent=2, ensure_ascii=False),
    })
