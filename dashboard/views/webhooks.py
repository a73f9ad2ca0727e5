"""Webhook endpoints: added (their signing secret shown once), rolled, disabled, enabled,
deleted; their deliveries, each with its attempts, and resent."""

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import DomainError, NotFound
from dashboard import access
from dashboard.access import Current, merchant_view
from dashboard.forms import DeliveryFilterForm, RollKeyForm, WebhookEndpointForm
from dashboard.views.common import htmx_swap, next_url, page_of, render_page
from webhooks.models import WebhookEndpoint
from webhooks.selectors import (
    webhook_delivery_get_for_endpoint,
    webhook_delivery_list_with_events,
    webhook_endpoint_get,
    webhook_endpoint_list,
    webhook_endpoints_disabled_failing,
)
from webhooks.services import (
    webhook_delivery_resend,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_roll_secret,
    webhook_endpoint_update,
)

# A webhook endpoint's new signing secret travels to its page through the session and is
# popped there, as a new API key does to Home.
NEW_WEBHOOK_SECRET_SESSION_KEY = "dashboard_new_webhook_secret"  # noqa: S105 - a name


def _endpoint(current: Current, endpoint_id: str) -> WebhookEndpoint:
    try:
        return webhook_endpoint_get(id=endpoint_id, merchant=current.merchant,
                                    livemode=current.livemode)
    except NotFound as exc:
        raise Http404("No such webhook endpoint") from exc


def _show_secret_once(request: HttpRequest, endpoint: WebhookEndpoint, *, rolled: bool) -> None:
    request.session[NEW_WEBHOOK_SECRET_SESSION_KEY] = {
        "endpoint_id": endpoint.id,
        "secret": endpoint.secret,
        "rolled": rolled,
        "previous_expires_at": (endpoint.previous_secret_expires_at.isoformat()
                                if rolled and endpoint.previous_secret_expires_at else None),
    }


def _pop_secret(request: HttpRequest, endpoint: WebhookEndpoint) -> dict[str, Any] | None:
    """The secret waiting to be shown on this endpoint's page, taken out of the session."""
    waiting = request.session.get(NEW_WEBHOOK_SECRET_SESSION_KEY)
    if not waiting or waiting.get("endpoint_id") != endpoint.id:
        return None
    del request.session[NEW_WEBHOOK_SECRET_SESSION_KEY]
    if waiting.get("previous_expires_at"):
        waiting["previous_expires_at"] = datetime.fromisoformat(waiting["previous_expires_at"])
    return waiting


@require_GET
@merchant_view
def webhooks(request: HttpRequest, current: Current) -> HttpResponse:
    queryset = webhook_endpoint_list(merchant=current.merchant, livemode=current.livemode)
    page = page_of(request, queryset)
    return render_page(request, current, "dashboard/webhooks/list.html", {
        "nav": "webhooks", "page": page,
        "failing_endpoints": webhook_endpoints_disabled_failing(merchant=current.merchant,
                                                                livemode=current.livemode),
    })


@require_http_methods(["GET", "POST"])
@merchant_view(requires=access.WEBHOOK_ENDPOINT_CHANGE)
def webhook_new(request: HttpRequest, current: Current) -> HttpResponse:
    form = WebhookEndpointForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            endpoint = webhook_endpoint_create(merchant=current.merchant,
                                               livemode=current.livemode, **form.params())
        except DomainError as exc:
            # The service's checks (an unsafe URL, the endpoint limit) as form errors.
            form.add_error("url" if exc.param == "url" else None, exc.message)
        else:
            _show_secret_once(request, endpoint, rolled=False)
            messages.success(request, f"Added the endpoint {endpoint.url}.")
            return redirect("dashboard:webhook", endpoint.id)
    return render_page(request, current, "dashboard/webhooks/new.html",
                       {"nav": "webhooks", "form": form})


@never_cache  # the page may carry a new signing secret
@require_GET
@merchant_view
def webhook_detail(request: HttpRequest, current: Current, endpoint_id: str) -> HttpResponse:
    endpoint = _endpoint(current, endpoint_id)
    form = DeliveryFilterForm(request.GET)
    status = (form.cleaned_data["status"] or None) if form.is_valid() else None
    queryset = webhook_delivery_list_with_events(endpoint=endpoint, status=status)
    page = page_of(request, queryset)
    context = {"nav": "webhooks", "endpoint": endpoint, "form": form, "status": status,
               "page": page, "now": timezone.now()}
    if htmx_swap(request):
        response = render_page(request, current, "dashboard/webhooks/_deliveries.html", context)
    else:
        response = render_page(request, current, "dashboard/webhooks/detail.html", {
            **context, "new_secret": _pop_secret(request, endpoint),
            "roll_form": RollKeyForm()})
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_POST
@merchant_view(requires=access.WEBHOOK_ENDPOINT_CHANGE)
def webhook_roll_secret(request: HttpRequest, current: Current,
                        endpoint_id: str) -> HttpResponse:
    form = RollKeyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose when the old signing secret should expire.")
        return redirect("dashboard:webhook", endpoint_id)
    try:
        endpoint = webhook_endpoint_roll_secret(id=endpoint_id, merchant=current.merchant,
                                                livemode=current.livemode,
                                                expires_at=timezone.now() + form.grace())
    except NotFound as exc:
        raise Http404("No such webhook endpoint") from exc
    _show_secret_once(request, endpoint, rolled=True)
    return redirect("dashboard:webhook", endpoint.id)


def _endpoint_set_disabled(request: HttpRequest, current: Current, endpoint_id: str, *,
                           disabled: bool) -> HttpResponse:
    try:
        endpoint = webhook_endpoint_update(id=endpoint_id, merchant=current.merchant,
                                           livemode=current.livemode,
                                           disabled=disabled)
    except NotFound as exc:
        raise Http404("No such webhook endpoint") from exc
    if disabled:
        messages.success(request, f"Disabled {endpoint.url}. Till sends it nothing until you "
                                  "enable it; its pending deliveries were canceled.")
    else:
        messages.success(request, f"Enabled {endpoint.url}. New events are sent to it again.")
    return redirect(next_url(request, reverse("dashboard:webhook", args=[endpoint.id])))


@require_POST
@merchant_view(requires=access.WEBHOOK_ENDPOINT_CHANGE)
def webhook_disable(request: HttpRequest, current: Current, endpoint_id: str) -> HttpResponse:
    return _endpoint_set_disabled(request, current, endpoint_id, disabled=True)


@require_POST
@merchant_view(requires=access.WEBHOOK_ENDPOINT_CHANGE)
def webhook_enable(request: HttpRequest, current: Current, endpoint_id: str) -> HttpResponse:
    return _endpoint_set_disabled(request, current, endpoint_id, disabled=False)


@require_http_methods(["GET", "POST"])
@merchant_view(requires=access.WEBHOOK_ENDPOINT_CHANGE)
def webhook_delete(request: HttpRequest, current: Current, endpoint_id: str) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    if request.method == "POST":
        try:
            endpoint = webhook_endpoint_delete(id=endpoint_id, merchant=current.merchant,
                                               livemode=current.livemode)
        except NotFound as exc:
            raise Http404("No such webhook endpoint") from exc
        messages.success(request, f"Deleted the endpoint {endpoint.url}. Till sends it nothing "
                                  "more.")
        return redirect("dashboard:webhooks")
    return render_page(request, current, "dashboard/webhooks/delete_confirm.html",
                       {"nav": "webhooks", "endpoint": _endpoint(current, endpoint_id)})


@require_GET
@merchant_view
def delivery_detail(request: HttpRequest, current: Current, endpoint_id: str,
                    delivery_id: str) -> HttpResponse:
    endpoint = _endpoint(current, endpoint_id)
    delivery = webhook_delivery_get_for_endpoint(id=delivery_id, endpoint=endpoint)
    if delivery is None:
        raise Http404("No such webhook delivery")
    return render_page(request, current, "dashboard/webhooks/delivery.html", {
        "nav": "webhooks", "endpoint": endpoint, "delivery": delivery})


@require_POST
@merchant_view(requires=access.WEBHOOK_ENDPOINT_CHANGE)
def delivery_resend(request: HttpRequest, current: Current, endpoint_id: str,
                    delivery_id: str) -> HttpResponse:
    endpoint = _endpoint(current, endpoint_id)
    delivery = webhook_delivery_get_for_endpoint(id=delivery_id, endpoint=endpoint)
    if delivery is None:
        raise Http404("No such webhook delivery")
    try:
        webhook_delivery_resend(delivery=delivery)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Resending {delivery.event.type} ({delivery.event_id}) to "
                                  f"{endpoint.url}. The attempt appears here once it is made.")
    return redirect(next_url(request, reverse("dashboard:webhook-delivery",
                                               args=[endpoint.id, delivery.id])))
