"""What every area's pages render with: the page itself, a filtered list and its page,
an htmx swap, the `next` to go back to, an object's timeline."""

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

from dashboard.access import Current
from dashboard.pagination import Page, keyset_page
from merchants.selectors import (
    actor_labels,
    status_change_list_for_object,
    status_change_list_for_objects,
)

PAGE_SIZE = 25
OBJECT_EVENTS_SHOWN = 50


def render_page(request: HttpRequest, current: Current, template: str,
                context: dict[str, Any] | None = None, *, status: int = 200) -> HttpResponse:
    return render(request, template, {**current.context(), **(context or {})}, status=status)


def next_url(request: HttpRequest, default: str) -> str:
    """The POSTed `next` when it is a path on this site, else `default`."""
    url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return url
    return default


def htmx_swap(request: HttpRequest) -> bool:
    """An htmx request that swaps in only the results (not a history restore)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx and not htmx.history_restore_request)


def page_of(request: HttpRequest, queryset: QuerySet) -> Page:
    """The page of `queryset` the request's `after` / `before` cursor names."""
    return keyset_page(queryset, after=request.GET.get("after"),
                       before=request.GET.get("before"), size=PAGE_SIZE)


def render_filtered(request: HttpRequest, current: Current, *, full: str, partial: str,
                    context: dict[str, Any]) -> HttpResponse:
    """A filtered list: only its results for htmx's swaps, the whole page otherwise (and
    caches told that the two differ)."""
    template = partial if htmx_swap(request) else full
    response = render_page(request, current, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def timeline(current: Current, object_id: str, *,
             also: list[str] | None = None) -> list[tuple[Any, str]]:
    """An object's status changes (with those of the objects `also` names: a payment's
    refunds), oldest first, each with who made it."""
    if also:
        changes = list(status_change_list_for_objects(
            merchant=current.merchant, livemode=current.livemode,
            object_ids=[object_id, *also]))
    else:
        changes = list(status_change_list_for_object(merchant=current.merchant,
                                                     livemode=current.livemode,
                                                     object_id=object_id))
    labels = actor_labels(merchant=current.merchant, actors={c.actor for c in changes})
    return [(change, labels[change.actor]) for change in changes]
