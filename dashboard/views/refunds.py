"""Refunds: the approval queue and its decisions, the approval thresholds (one per
currency), the latest refunds."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import DomainError, NotFound
from core.money import Money, format_money
from dashboard import access
from dashboard.access import Current, merchant_view
from dashboard.forms import RefundApprovalThresholdForm, major_units
from dashboard.views.common import render_page
from merchants.models import Merchant
from refunds.models import Refund
from refunds.selectors import refund_get, refund_list_awaiting_approval, refund_list_recent
from refunds.services import (
    refund_approval_threshold_clear,
    refund_approval_threshold_set,
    refund_approve,
    refund_reject,
)

RECENT_REFUNDS_SHOWN = 25


def _threshold_currency(merchant: Merchant, refunds: list[Refund]) -> str:
    """The currency the threshold form starts in: the merchant's latest refund's, else the
    first currency with a threshold, else USD."""
    if refunds:
        return refunds[0].currency
    return min(merchant.refund_approval_thresholds, default="usd")


@require_GET
@merchant_view
def refunds(request: HttpRequest, current: Current) -> HttpResponse:
    """The approval queue (oldest first), the thresholds, then the latest refunds."""
    merchant = current.merchant
    recent = list(refund_list_recent(merchant=merchant,
                                     livemode=current.livemode)[:RECENT_REFUNDS_SHOWN])
    currency = _threshold_currency(merchant, recent)
    threshold = merchant.refund_approval_threshold(currency)
    waiting = list(refund_list_awaiting_approval(merchant=merchant, livemode=current.livemode))
    return render_page(request, current, "dashboard/refunds/list.html", {
        "nav": "refunds",
        "waiting": waiting,
        "actor": current.actor.id,
        "recent": recent,
        "thresholds": [merchant.refund_approval_threshold(code)
                       for code in sorted(merchant.refund_approval_thresholds)],
        "threshold_form": RefundApprovalThresholdForm(initial={
            "threshold": None if threshold is None else major_units(threshold.amount, currency),
            "currency": currency}),
    })


def _refund_decide(request: HttpRequest, current: Current, refund_id: str, *,
                   approve: bool) -> HttpResponse:
    try:
        refund = refund_get(id=refund_id, merchant=current.merchant, livemode=current.livemode)
    except NotFound as exc:
        raise Http404("No such refund") from exc
    decide = refund_approve if approve else refund_reject
    try:
        refund = decide(id=refund.id, merchant=current.merchant, livemode=current.livemode,
                        actor=current.actor)
    except DomainError as exc:
        # Decided meanwhile by someone else, no processor in this mode, or the user's own
        # request (an approval needs someone else): nothing changed.
        messages.error(request, exc.message)
    else:
        amount = format_money(refund.amount, refund.currency)
        messages.success(request, f"Approved the refund of {amount}." if approve else
                         f"Rejected the refund of {amount}; the charge has it back.")
    return redirect("dashboard:refunds")


@require_POST
@merchant_view(requires=access.REFUND_DECIDE)
def refund_approve_view(request: HttpRequest, current: Current, refund_id: str) -> HttpResponse:
    return _refund_decide(request, current, refund_id, approve=True)


@require_POST
@merchant_view(requires=access.REFUND_DECIDE)
def refund_reject_view(request: HttpRequest, current: Current, refund_id: str) -> HttpResponse:
    return _refund_decide(request, current, refund_id, approve=False)


@require_POST
@merchant_view(requires=access.REFUND_DECIDE)
def refund_settings(request: HttpRequest, current: Current) -> HttpResponse:
    form = RefundApprovalThresholdForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("dashboard:refunds")
    currency, minor = form.cleaned_data["currency"] or "usd", form.cleaned_data["minor"]
    if minor is None:
        refund_approval_threshold_clear(merchant=current.merchant, currency=currency)
        messages.success(request, f"Refunds in {currency.upper()} no longer wait for approval.")
    else:
        threshold = Money(minor, currency)
        refund_approval_threshold_set(merchant=current.merchant, threshold=threshold)
        messages.success(request, f"Refunds above {threshold} now wait for approval.")
    return redirect("dashboard:refunds")
