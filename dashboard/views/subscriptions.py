"""Subscriptions: the list (Stripe's status filter, a customer), and a subscription's page with
its items, period, trial, upcoming invoice, invoices and timeline, where an owner or admin
cancels it now or at its period's end (or undoes that), or resumes a paused one — through
billing's services, as the API's `DELETE`, `cancel_at_period_end` and `resume` do."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from billing.models import Subscription
from billing.pricing import price_line_amount
from billing.selectors import (
    invoice_lines,
    invoice_list,
    subscription_get,
    subscription_items,
    subscription_list,
)
from billing.services import (
    PauseCollectionSpec,
    invoice_preview,
    subscription_cancel,
    subscription_resume,
    subscription_update,
)
from core.exceptions import DomainError, NotFound
from dashboard import access
from dashboard.access import Current, merchant_view
from dashboard.forms import SubscriptionFilterForm
from dashboard.views.common import (
    OBJECT_EVENTS_SHOWN,
    page_of,
    render_filtered,
    render_page,
    timeline,
)
from webhooks.selectors import event_list_for_object

SUBSCRIPTION_INVOICES_SHOWN = 10


@require_GET
@merchant_view
def subscriptions(request: HttpRequest, current: Current) -> HttpResponse:
    form = SubscriptionFilterForm(request.GET)
    status = customer = None
    if form.is_valid():
        status = form.cleaned_data["status"] or None
        customer = form.cleaned_data["customer"] or None
    queryset = subscription_list(merchant=current.merchant, livemode=current.livemode,
                                 status=status, customer=customer)
    page = page_of(request, queryset)
    return render_filtered(request, current, full="dashboard/subscriptions/list.html",
                           partial="dashboard/subscriptions/_results.html",
                           context={"nav": "subscriptions", "form": form,
                                    "filtered": bool(status or customer), "page": page})


def _subscription(current: Current, subscription_id: str) -> Subscription:
    try:
        return subscription_get(id=subscription_id, merchant=current.merchant,
                                livemode=current.livemode)
    except NotFound as exc:
        raise Http404("No such subscription") from exc


@require_GET
@merchant_view
def subscription_detail(request: HttpRequest, current: Current,
                        subscription_id: str) -> HttpResponse:
    subscription = _subscription(current, subscription_id)
    items = subscription_items(subscription=subscription)
    events = list(event_list_for_object(merchant=current.merchant, livemode=current.livemode,
                                        object_id=subscription.id)[:OBJECT_EVENTS_SHOWN])
    invoices = list(invoice_list(merchant=current.merchant, livemode=current.livemode,
                                 subscription=subscription.id)
                    .order_by("-created", "-id")[:SUBSCRIPTION_INVOICES_SHOWN + 1])
    status = subscription.status
    live = status in Subscription.CANCELABLE
    return render_page(request, current, "dashboard/subscriptions/detail.html", {
        "nav": "subscriptions", "subscription": subscription,
        "items": [(item, price_line_amount(item.price, item.quantity)) for item in items],
        "upcoming": _upcoming(current, subscription),
        "invoices": invoices[:SUBSCRIPTION_INVOICES_SHOWN],
        "invoices_truncated": len(invoices) > SUBSCRIPTION_INVOICES_SHOWN,
        "timeline": timeline(current, subscription.id),
        "events": events, "events_truncated": len(events) == OBJECT_EVENTS_SHOWN,
        "can_cancel": live,
        "can_cancel_at_period_end": live and not subscription.cancel_at_period_end
        and status != Subscription.Status.PAUSED,
        "can_undo_cancel": live and subscription.cancel_at_period_end,
        "can_resume": status == Subscription.Status.PAUSED,
        "can_pause_collection": live and subscription.pause_collection_behavior is None,
        "can_resume_collection": live and subscription.pause_collection_behavior is not None,
        "pause_behaviors": Subscription.PauseCollection.choices,
    })


@dataclass(frozen=True)
class UpcomingLine:
    description: str
    quantity: int
    amount: int
    period_start: datetime
    period_end: datetime
    proration: bool = False


@dataclass(frozen=True)
class UpcomingInvoice:
    """The next renewal's invoice as the page shows it."""

    currency: str
    date: datetime
    period_start: datetime
    period_end: datetime
    total: int
    amount_due: int
    lines: list[UpcomingLine]


def _upcoming(current: Current, subscription: Subscription) -> UpcomingInvoice | None:
    """The next renewal's invoice, as billing's preview makes it (the engine's own
    computation, discounts and balance included, nothing kept); None when none is coming."""

    def shown(invoice) -> UpcomingInvoice:
        return UpcomingInvoice(
            currency=invoice.currency, date=invoice.period_start,
            period_start=invoice.period_start, period_end=invoice.period_end,
            total=invoice.total, amount_due=invoice.amount_due,
            lines=[UpcomingLine(description=line.description or "Invoice item",
                                quantity=line.quantity, amount=line.amount,
                                period_start=line.period_start, period_end=line.period_end,
                                proration=line.proration)
                   for line in invoice_lines(invoice=invoice)])

    try:
        return invoice_preview(merchant=current.merchant, livemode=current.livemode,
                               actor=current.actor, render=shown,
                               subscription=subscription.id)
    except DomainError:
        return None


def _act(request: HttpRequest, current: Current, subscription_id: str,
         service: Callable[..., Subscription], done: Callable[[Subscription], str],
         **params: object) -> HttpResponse:
    """Runs one of billing's subscription services as the logged-in user; its refusal (an
    ended subscription, a status changed meanwhile) is shown, and nothing else changed."""
    subscription = _subscription(current, subscription_id)
    try:
        subscription = service(id=subscription.id, merchant=current.merchant,
                               livemode=current.livemode, actor=current.actor, **params)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done(subscription))
    return redirect("dashboard:subscription", subscription.id)


@require_POST
@merchant_view(requires=access.SUBSCRIPTION_MANAGE)
def subscription_cancel_view(request: HttpRequest, current: Current,
                             subscription_id: str) -> HttpResponse:
    return _act(request, current, subscription_id, subscription_cancel,
                lambda subscription: f"Canceled subscription {subscription.id}: nothing more "
                "will be billed.")


@require_POST
@merchant_view(requires=access.SUBSCRIPTION_MANAGE)
def subscription_cancel_at_period_end_view(request: HttpRequest, current: Current,
                                           subscription_id: str) -> HttpResponse:
    return _act(request, current, subscription_id, subscription_update,
                lambda subscription: f"Subscription {subscription.id} cancels at the end of "
                f"its period, {subscription.current_period_end:%b %-d, %Y}.",
                cancel_at_period_end=True)


@require_POST
@merchant_view(requires=access.SUBSCRIPTION_MANAGE)
def subscription_keep_view(request: HttpRequest, current: Current,
                           subscription_id: str) -> HttpResponse:
    """Undoes a cancellation at the period's end: the subscription renews again."""
    return _act(request, current, subscription_id, subscription_update,
                lambda subscription: f"Subscription {subscription.id} no longer cancels: it "
                "renews at the end of its period.", cancel_at_period_end=False)


@require_POST
@merchant_view(requires=access.SUBSCRIPTION_MANAGE)
def subscription_resume_view(request: HttpRequest, current: Current,
                             subscription_id: str) -> HttpResponse:
    return _act(request, current, subscription_id, subscription_resume,
                lambda subscription: f"Resumed subscription {subscription.id}: it is "
                f"{subscription.status}.")


@require_POST
@merchant_view(requires=access.SUBSCRIPTION_MANAGE)
def subscription_pause_collection_view(request: HttpRequest, current: Current,
                                       subscription_id: str) -> HttpResponse:
    """Pauses collection: the subscription's invoices are kept as drafts, marked
    uncollectible or voided (the behaviour chosen) until collection resumes."""
    behavior = request.POST.get("behavior", "")
    return _act(request, current, subscription_id, subscription_update,
                lambda subscription: f"Collection of subscription {subscription.id} is paused: "
                f"its invoices are {subscription.get_pause_collection_behavior_display()}.",
                pause_collection=PauseCollectionSpec(behavior=behavior))


@require_POST
@merchant_view(requires=access.SUBSCRIPTION_MANAGE)
def subscription_resume_collection_view(request: HttpRequest, current: Current,
                                        subscription_id: str) -> HttpResponse:
    return _act(request, current, subscription_id, subscription_update,
                lambda subscription: f"Collection of subscription {subscription.id} resumed: "
                "its next invoices are collected.", pause_collection=None)
