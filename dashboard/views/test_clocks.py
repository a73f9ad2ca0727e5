"""Test clocks (test mode only): the list, creating one, and a clock's page with its
customers, their subscriptions and what happened to them, where an owner or admin advances
it (the work runs in Celery, as the API's advance does) or deletes it with its customers —
through payments' services."""

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from billing.selectors import invoice_list, subscription_list
from core.exceptions import DomainError, InvalidParameter, NotFound
from dashboard import access
from dashboard.access import Current, merchant_view
from dashboard.forms import TestClockAdvanceForm, TestClockForm
from dashboard.views.common import (
    OBJECT_EVENTS_SHOWN,
    page_of,
    render_page,
    timeline,
)
from payments.models import TestClock
from payments.selectors import customer_list, test_clock_get, test_clock_list
from payments.services import test_clock_advance, test_clock_create, test_clock_delete
from webhooks.selectors import event_list_for_objects

CLOCK_CUSTOMERS_SHOWN = 50


def _live_mode_page(request: HttpRequest, current: Current) -> HttpResponse:
    return render_page(request, current, "dashboard/test_clocks/live_mode.html",
                       {"nav": "test_clocks"})


def _list(request: HttpRequest, current: Current, form: TestClockForm) -> HttpResponse:
    page = page_of(request, test_clock_list(merchant=current.merchant, livemode=False))
    return render_page(request, current, "dashboard/test_clocks/list.html",
                       {"nav": "test_clocks", "page": page, "form": form})


@require_GET
@merchant_view
def test_clocks(request: HttpRequest, current: Current) -> HttpResponse:
    if current.livemode:
        return _live_mode_page(request, current)
    return _list(request, current, TestClockForm())


@require_POST
@merchant_view(requires=access.TEST_CLOCK_MANAGE)
def test_clock_new(request: HttpRequest, current: Current) -> HttpResponse:
    if current.livemode:
        return _live_mode_page(request, current)
    form = TestClockForm(request.POST)
    if not form.is_valid():
        return _list(request, current, form)
    test_clock = test_clock_create(merchant=current.merchant, livemode=False,
                                   actor=current.actor, name=form.cleaned_data["name"] or None,
                                   frozen_time=form.cleaned_data["frozen_time"])
    messages.success(request, f"Created test clock {test_clock.name or test_clock.id}. Create "
                              f"customers on it with test_clock={test_clock.id}.")
    return redirect("dashboard:test-clock", test_clock.id)


def _test_clock(current: Current, clock_id: str) -> TestClock:
    try:
        return test_clock_get(id=clock_id, merchant=current.merchant,
                              livemode=current.livemode)
    except NotFound as exc:
        raise Http404("No such test clock") from exc


def _detail(request: HttpRequest, current: Current, test_clock: TestClock,
            form: TestClockAdvanceForm) -> HttpResponse:
    scope: dict[str, Any] = {"merchant": current.merchant, "livemode": False}
    customers = list(customer_list(**scope, test_clock=test_clock.id)
                     .order_by("-created", "-id")[:CLOCK_CUSTOMERS_SHOWN + 1])
    subscriptions = list(subscription_list(**scope, status="all", test_clock=test_clock.id)
                         .order_by("-created", "-id")[:CLOCK_CUSTOMERS_SHOWN])
    invoice_ids = list(invoice_list(**scope, test_clock=test_clock.id)
                       .values_list("pk", flat=True)[:OBJECT_EVENTS_SHOWN])
    object_ids = [test_clock.id, *(c.id for c in customers),
                  *(s.id for s in subscriptions), *invoice_ids]
    events = list(event_list_for_objects(**scope, object_ids=object_ids)
                  [:OBJECT_EVENTS_SHOWN])
    return render_page(request, current, "dashboard/test_clocks/detail.html", {
        "nav": "test_clocks", "test_clock": test_clock, "form": form,
        "customers": customers[:CLOCK_CUSTOMERS_SHOWN],
        "customers_truncated": len(customers) > CLOCK_CUSTOMERS_SHOWN,
        "subscriptions": subscriptions, "timeline": timeline(current, test_clock.id),
        "events": events, "events_truncated": len(events) == OBJECT_EVENTS_SHOWN,
        "can_advance": test_clock.status == TestClock.Status.READY,
    })


@require_GET
@merchant_view
def test_clock_detail(request: HttpRequest, current: Current, clock_id: str) -> HttpResponse:
    if current.livemode:
        return _live_mode_page(request, current)
    test_clock = _test_clock(current, clock_id)
    return _detail(request, current, test_clock, TestClockAdvanceForm(
        initial={"frozen_time": test_clock.frozen_time}))


@require_POST
@merchant_view(requires=access.TEST_CLOCK_MANAGE)
def test_clock_advance_view(request: HttpRequest, current: Current,
                            clock_id: str) -> HttpResponse:
    """Starts the advance (the clock `advancing`; its customers' work runs in Celery, then
    it is `ready` at the new time); a refused one shows the form again with the reason."""
    test_clock = _test_clock(current, clock_id)
    form = TestClockAdvanceForm(request.POST)
    if form.is_valid():
        try:
            test_clock = test_clock_advance(id=test_clock.id, merchant=current.merchant,
                                            livemode=current.livemode, actor=current.actor,
                                            frozen_time=form.cleaned_data["frozen_time"])
        except InvalidParameter as exc:
            form.add_error("frozen_time", exc.message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _advanced(test_clock))
            return redirect("dashboard:test-clock", test_clock.id)
    return _detail(request, current, test_clock, form)


def _advanced(test_clock: TestClock) -> str:
    target = test_clock.target_frozen_time or test_clock.frozen_time
    return (f"Advancing test clock {test_clock.name or test_clock.id} to "
            f"{target:%b %-d, %Y, %H:%M} UTC: its customers' renewals, retries and trials "
            "due by then run now.")


@require_POST
@merchant_view(requires=access.TEST_CLOCK_MANAGE)
def test_clock_delete_view(request: HttpRequest, current: Current,
                           clock_id: str) -> HttpResponse:
    """Deletes the clock and its customers, as the API's delete does."""
    test_clock = _test_clock(current, clock_id)
    try:
        test_clock = test_clock_delete(id=test_clock.id, merchant=current.merchant,
                                       livemode=current.livemode)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("dashboard:test-clock", test_clock.id)
    messages.success(request, f"Deleted test clock {test_clock.name or test_clock.id} and its "
                              "customers.")
    return redirect("dashboard:test-clocks")
