"""The merchant dashboard: thin views over the apps' selectors and services.

Every view runs as the logged-in user's merchant (their Membership) and in one mode, test or
live, kept in the session; every query is scoped to both.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_fsm import can_proceed

from api.middleware import new_request_id
from core.actor import Actor
from core.exceptions import DomainError, NotFound
from core.money import Money, format_money
from core.wire import render as render_api_object
from dashboard.forms import (
    CaptureForm,
    CustomerSearchForm,
    DeliveryFilterForm,
    DisputeEvidenceForm,
    DisputeFilterForm,
    EventFilterForm,
    PaymentFilterForm,
    RefundApprovalThresholdForm,
    RefundForm,
    RollKeyForm,
    WebhookEndpointForm,
    major_units,
)
from dashboard.pagination import keyset_page
from dashboard.refund_once import RefundAlreadySubmitted, refund_create_once
from disputes.models import Dispute
from disputes.selectors import dispute_get, dispute_list
from disputes.services import dispute_close, dispute_update
from merchants.models import ApiKey, Membership, Merchant
from merchants.selectors import (
    actor_labels,
    api_key_get,
    api_key_list_for_mode,
    membership_for_user,
    status_change_list_for_object,
    status_change_list_for_objects,
)
from merchants.services import api_key_revoke, api_key_roll
from payments.models import PaymentIntent
from payments.selectors import (
    charge_list_for_payment_intent,
    customer_get,
    customer_list,
    payment_intent_get_for_display,
    payment_intent_list_for_display,
)
from payments.services import payment_intent_cancel, payment_intent_capture
from refunds.models import Refund
from refunds.selectors import (
    charge_refundable_amount,
    refund_get,
    refund_list_awaiting_approval,
    refund_list_recent,
)
from refunds.services import (
    refund_approval_threshold_clear,
    refund_approval_threshold_set,
    refund_approve,
    refund_reject,
)
from webhooks.models import WebhookEndpoint
from webhooks.selectors import (
    event_get,
    event_list,
    event_list_for_object,
    event_list_for_payment,
    webhook_deliveries_stalled,
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

PAGE_SIZE = 25
OBJECT_EVENTS_SHOWN = 50
CUSTOMER_PAYMENTS_SHOWN = 10
LIVEMODE_SESSION_KEY = "dashboard_livemode"
# A newly issued secret key travels to the next page render through the session and is
# popped there: it is shown once and stored nowhere else.
NEW_KEY_SESSION_KEY = "dashboard_new_key"
# A webhook endpoint's new signing secret, the same way, shown on the endpoint's page.
NEW_WEBHOOK_SECRET_SESSION_KEY = "dashboard_new_webhook_secret"  # noqa: S105 - a name
KEY_MANAGERS = frozenset({Membership.Role.OWNER, Membership.Role.ADMIN})
# Who may move money from the dashboard (capture, cancel).
PAYMENT_MANAGERS = frozenset({Membership.Role.OWNER, Membership.Role.ADMIN})


@dataclass(frozen=True)
class Current:
    """Who is looking, at which merchant, in which mode."""

    membership: Membership
    livemode: bool

    @property
    def merchant(self) -> Merchant:
        return self.membership.merchant

    @property
    def actor(self) -> Actor:
        """The logged-in user, as the services record who acted."""
        return Actor.user(self.membership.user_id)

    @property
    def can_manage_keys(self) -> bool:
        return self.membership.role in KEY_MANAGERS

    @property
    def can_manage_payments(self) -> bool:
        return self.membership.role in PAYMENT_MANAGERS


DashboardView = Callable[..., HttpResponse]


def merchant_view(view: DashboardView) -> DashboardView:
    """Login required; the view receives the Current merchant and mode after the request.

    Every change the view makes goes through a service with `current.actor`: recorded as
    this user's (`user:<id>`), as the API records the key that made it.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        membership = membership_for_user(user=request.user)
        if membership is None:
            return render(request, "dashboard/no_merchant.html", status=403)
        current = Current(membership=membership,
                          livemode=bool(request.session.get(LIVEMODE_SESSION_KEY, False)))
        return view(request, current, *args, **kwargs)

    return login_required(wrapper)


def _render(request: HttpRequest, current: Current, template: str,
            context: dict[str, Any] | None = None, *, status: int = 200) -> HttpResponse:
    return render(request, template, {
        "current": current, "merchant": current.merchant, "livemode": current.livemode,
        **(context or {})}, status=status)


def _forbidden(request: HttpRequest, current: Current, message: str) -> HttpResponse:
    return _render(request, current, "dashboard/forbidden.html", {"message": message},
                   status=403)


def _next_url(request: HttpRequest, default: str) -> str:
    """The POSTed `next` when it is a path on this site, else `default`."""
    next_url = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                       require_https=request.is_secure()):
        return next_url
    return default


# -- mode ----------------------------------------------------------------------------------

@require_POST
@merchant_view
def mode_switch(request: HttpRequest, current: Current) -> HttpResponse:
    request.session[LIVEMODE_SESSION_KEY] = request.POST.get("mode") == "live"
    return redirect(_next_url(request, reverse("dashboard:home")))


# -- home and API keys ---------------------------------------------------------------------

@never_cache  # the page may carry a new secret key
@require_GET
@merchant_view
def home(request: HttpRequest, current: Current) -> HttpResponse:
    keys = list(api_key_list_for_mode(merchant=current.merchant, livemode=current.livemode))
    now = timezone.now()
    new_key = request.session.pop(NEW_KEY_SESSION_KEY, None)
    if new_key and new_key.get("old_expires_at"):
        new_key["old_expires_at"] = datetime.fromisoformat(new_key["old_expires_at"])
    return _render(request, current, "dashboard/home.html", {
        "nav": "home",
        "active_keys": [key for key in keys if key.is_active(now)],
        "inactive_keys": [key for key in keys if not key.is_active(now)],
        "new_key": new_key,
        "roll_form": RollKeyForm(),
        "now": now,
        "failing_endpoints": webhook_endpoints_disabled_failing(merchant=current.merchant,
                                                                livemode=current.livemode),
        "webhooks_stalled": webhook_deliveries_stalled(now=now),
    })


@require_POST
@merchant_view
def key_roll(request: HttpRequest, current: Current, key_id: str) -> HttpResponse:
    if not current.can_manage_keys:
        return _forbidden(request, current, "Only owners and admins can roll API keys.")
    form = RollKeyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose when the old key should expire.")
        return redirect("dashboard:home")
    try:
        issued = api_key_roll(key_id=key_id, merchant=current.merchant,
                              expires_at=timezone.now() + form.grace())
    except ApiKey.DoesNotExist as exc:
        raise Http404("No such API key") from exc
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("dashboard:home")
    old = api_key_get(key_id=key_id, merchant=current.merchant)
    request.session[NEW_KEY_SESSION_KEY] = {
        "token": issued.token,
        "kind": issued.key.kind,
        "livemode": issued.key.livemode,
        "replaces": old.redacted if old else "",
        "old_expires_at": old.expires_at.isoformat() if old and old.expires_at else None,
    }
    return redirect("dashboard:home")


@require_http_methods(["GET", "POST"])
@merchant_view
def key_revoke(request: HttpRequest, current: Current, key_id: str) -> HttpResponse:
    """GET asks for confirmation; POST revokes."""
    if not current.can_manage_keys:
        return _forbidden(request, current, "Only owners and admins can revoke API keys.")
    key = api_key_get(key_id=key_id, merchant=current.merchant)
    if key is None:
        raise Http404("No such API key")
    if request.method == "POST":
        key = api_key_revoke(key_id=key.id, merchant=current.merchant)
        messages.success(request, f"Revoked {key.redacted}. It no longer authenticates.")
        return redirect("dashboard:home")
    return _render(request, current, "dashboard/keys/revoke_confirm.html",
                   {"nav": "home", "key": key})


# -- customers -----------------------------------------------------------------------------

def _htmx_swap(request: HttpRequest) -> bool:
    """An htmx request that swaps in only the results (not a history restore)."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx and not htmx.history_restore_request)


def _page(request: HttpRequest, queryset: QuerySet) -> Any:
    """The page of `queryset` the request's `after` / `before` cursor names."""
    return keyset_page(queryset, after=request.GET.get("after"),
                       before=request.GET.get("before"), size=PAGE_SIZE)


def _render_filtered(request: HttpRequest, current: Current, *, full: str, partial: str,
                     context: dict[str, Any]) -> HttpResponse:
    """A filtered list: only its results for htmx's swaps, the whole page otherwise (and
    caches told that the two differ)."""
    template = partial if _htmx_swap(request) else full
    response = _render(request, current, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_GET
@merchant_view
def customers(request: HttpRequest, current: Current) -> HttpResponse:
    form = CustomerSearchForm(request.GET)
    email = (form.cleaned_data["email"] or None) if form.is_valid() else None
    queryset = customer_list(merchant=current.merchant, livemode=current.livemode, email=email)
    page = _page(request, queryset)
    return _render_filtered(request, current, full="dashboard/customers/list.html",
                            partial="dashboard/customers/_results.html",
                            context={"nav": "customers", "form": form, "email": email,
                                     "page": page})


@require_GET
@merchant_view
def customer_detail(request: HttpRequest, current: Current, customer_id: str) -> HttpResponse:
    try:
        customer = customer_get(id=customer_id, merchant=current.merchant,
                                livemode=current.livemode, include_deleted=True)
    except NotFound as exc:
        raise Http404("No such customer") from exc
    events = list(event_list_for_object(merchant=current.merchant, livemode=current.livemode,
                                        object_id=customer.id)[:OBJECT_EVENTS_SHOWN])
    customer_payments = list(payment_intent_list_for_display(
        merchant=current.merchant, livemode=current.livemode,
        customer=customer.id)[:CUSTOMER_PAYMENTS_SHOWN + 1])
    return _render(request, current, "dashboard/customers/detail.html", {
        "nav": "customers", "customer": customer, "events": events,
        "events_truncated": len(events) == OBJECT_EVENTS_SHOWN,
        "payments": customer_payments[:CUSTOMER_PAYMENTS_SHOWN],
        "payments_truncated": len(customer_payments) > CUSTOMER_PAYMENTS_SHOWN,
    })


# -- payments ------------------------------------------------------------------------------

PAYMENT_MANAGERS_ONLY = "Only owners and admins can capture or cancel payments."
REFUND_ACTION_MANAGERS_ONLY = "Only owners and admins can refund payments."


@require_GET
@merchant_view
def payments(request: HttpRequest, current: Current) -> HttpResponse:
    form = PaymentFilterForm(request.GET)
    page = None
    if form.is_valid():
        queryset = payment_intent_list_for_display(
            merchant=current.merchant, livemode=current.livemode,
            status=form.cleaned_data["status"] or None, condition=form.condition)
        page = _page(request, queryset)
    return _render_filtered(request, current, full="dashboard/payments/list.html",
                            partial="dashboard/payments/_results.html", context={
                                "nav": "payments", "form": form, "page": page,
                                "filtered": bool(request.GET.get("q")
                                                 or request.GET.get("status"))})


def _payment_intent(current: Current, payment_intent_id: str) -> PaymentIntent:
    try:
        return payment_intent_get_for_display(id=payment_intent_id, merchant=current.merchant,
                                              livemode=current.livemode)
    except NotFound as exc:
        raise Http404("No such payment") from exc


def _timeline(current: Current, object_id: str, *,
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


def _charged_back(intent: PaymentIntent, disputes: list[Dispute]) -> bool:
    """Whether the payment's latest charge is disputed by anything but an inquiry (an
    inquiry's charge can still be refunded; `disputes` are the payment's)."""
    charge = intent.latest_charge
    return charge is not None and charge.disputed and not any(
        dispute.charge_id == charge.id and dispute.is_inquiry for dispute in disputes)


def _refundable(intent: PaymentIntent, *, charged_back: bool) -> int:
    """What of the payment's latest charge is left to refund, by refunds' own rule; 0 when it
    can't be refunded at all (charged back, say; under an inquiry it can)."""
    charge = intent.latest_charge
    if (intent.status != PaymentIntent.Status.SUCCEEDED or charge is None
            or charged_back or intent.operation is not None):
        return 0
    return charge_refundable_amount(charge=charge)


def _payment_page(request: HttpRequest, current: Current, intent: PaymentIntent, *,
                  refund_form: RefundForm | None = None, status: int = 200) -> HttpResponse:
    events = list(event_list_for_payment(merchant=current.merchant, livemode=current.livemode,
                                         payment_intent_id=intent.id)[:OBJECT_EVENTS_SHOWN])
    charges = list(charge_list_for_payment_intent(intent=intent))
    # Only a payment that moved money (captured, or an authorization released as a refund)
    # spends a query on its refunds.
    refunds = (list(refund_list_recent(merchant=current.merchant, livemode=current.livemode,
                                       payment_intent=intent.id))
               if any(charge.amount_captured or charge.amount_refunded for charge in charges)
               else [])
    # Only a payment with a disputed charge spends a query on its disputes.
    disputes = (list(dispute_list(merchant=current.merchant, livemode=current.livemode,
                                  payment_intent=intent.id))
                if any(charge.disputed for charge in charges) else [])
    # A call in flight (`operation`) refuses both: the buttons wait until it is recorded.
    idle = intent.operation is None
    charged_back = _charged_back(intent, disputes)
    refundable = _refundable(intent, charged_back=charged_back)
    if refund_form is None and refundable:
        refund_form = RefundForm(intent=intent, refundable=refundable)
    return _render(request, current, "dashboard/payments/detail.html", {
        "nav": "payments", "intent": intent, "charges": charges, "disputes": disputes,
        "refunds": refunds, "refundable": refundable, "refund_form": refund_form,
        "charged_back": charged_back,
        "approval_threshold": current.merchant.refund_approval_threshold(intent.currency),
        # Who requested and who approved each refund shows beside the payment's own changes.
        "timeline": _timeline(current, intent.id, also=[refund.id for refund in refunds]),
        "timeline_object": intent.id,
        "events": events, "events_truncated": len(events) == OBJECT_EVENTS_SHOWN,
        "can_capture": idle and can_proceed(intent.begin_capture),
        "can_cancel": idle and can_proceed(intent.begin_cancel),
        "capture_form": CaptureForm(intent=intent),
    }, status=status)


@require_GET
@merchant_view
def payment_detail(request: HttpRequest, current: Current,
                   payment_intent_id: str) -> HttpResponse:
    return _payment_page(request, current, _payment_intent(current, payment_intent_id))


@require_POST
@merchant_view
def payment_capture(request: HttpRequest, current: Current,
                    payment_intent_id: str) -> HttpResponse:
    if not current.can_manage_payments:
        return _forbidden(request, current, PAYMENT_MANAGERS_ONLY)
    intent = _payment_intent(current, payment_intent_id)
    form = CaptureForm(request.POST, intent=intent)
    if not form.is_valid():
        for error in form.errors.get("amount", ["Enter the amount to capture."]):
            messages.error(request, error)
        return redirect("dashboard:payment", intent.id)
    held = intent.amount_capturable
    try:
        intent = payment_intent_capture(id=intent.id, merchant=current.merchant,
                                        livemode=current.livemode, actor=current.actor,
                                        amount_to_capture=form.cleaned_data["amount"])
    except DomainError as exc:
        # A state changed meanwhile, an amount over the authorization, a call in flight.
        messages.error(request, exc.message)
    else:
        captured, currency = intent.amount_received, intent.currency
        released = (f" The remaining {format_money(held - captured, currency)} was released."
                    if held > captured else "")
        messages.success(request, f"Captured {format_money(captured, currency)}.{released}")
    return redirect("dashboard:payment", intent.id)


@require_POST
@merchant_view
def payment_cancel(request: HttpRequest, current: Current,
                   payment_intent_id: str) -> HttpResponse:
    if not current.can_manage_payments:
        return _forbidden(request, current, PAYMENT_MANAGERS_ONLY)
    intent = _payment_intent(current, payment_intent_id)
    held = intent.amount_capturable
    try:
        intent = payment_intent_cancel(
            id=intent.id, merchant=current.merchant, livemode=current.livemode,
            actor=current.actor,
            cancellation_reason=PaymentIntent.CancellationReason.REQUESTED_BY_CUSTOMER)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        released = (f" The hold of {format_money(held, intent.currency)} was released."
                    if held else "")
        messages.success(request, f"Canceled the payment.{released}")
    return redirect("dashboard:payment", intent.id)


@require_POST
@merchant_view
def payment_refund(request: HttpRequest, current: Current,
                   payment_intent_id: str) -> HttpResponse:
    """Refunds the payment's latest charge as `POST /v1/refunds` would; the service's
    refusals (over-refund, a disputed charge, ...) are shown on the form, nothing made."""
    if not current.can_manage_payments:
        return _forbidden(request, current, REFUND_ACTION_MANAGERS_ONLY)
    intent = _payment_intent(current, payment_intent_id)
    # The form is bound: what remains only sets its initial amount, so the disputes are not
    # read here (the service decides under the charge's lock).
    form = RefundForm(request.POST, intent=intent, refundable=0)
    if form.is_valid():
        try:
            refund = refund_create_once(
                merchant=current.merchant, livemode=current.livemode,
                token=form.cleaned_data["token"], params=form.params(),
                request_path=request.path,
                request_id=getattr(request, "request_id", None) or new_request_id(),
                actor=current.actor)
        except RefundAlreadySubmitted as exc:
            messages.info(request, exc.message)
            return redirect("dashboard:payment", intent.id)
        except DomainError as exc:
            form.add_error("amount" if exc.param == "amount" else None, exc.message)
        else:
            amount = format_money(refund.amount, refund.currency)
            if refund.status == Refund.Status.PENDING_APPROVAL:
                messages.success(request, f"The refund of {amount} is above the approval "
                                          "threshold: it waits on the Refunds page for an "
                                          "owner or admin to approve it.")
            elif refund.status == Refund.Status.FAILED:
                messages.error(request, f"The refund of {amount} failed "
                                        f"({refund.failure_reason}).")
            elif refund.status == Refund.Status.SUCCEEDED:
                messages.success(request, f"Refunded {amount}.")
            else:
                messages.success(request, f"Refund of {amount} sent to the processor; its "
                                          "outcome shows under Refunds below.")
            return redirect("dashboard:payment", intent.id)
    return _payment_page(request, current, intent, refund_form=form, status=400)


# -- refunds -------------------------------------------------------------------------------

RECENT_REFUNDS_SHOWN = 25
REFUND_MANAGERS_ONLY = ("Only owners and admins can approve or reject refunds and change the "
                        "approval threshold.")


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
    return _render(request, current, "dashboard/refunds/list.html", {
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
    if not current.can_manage_payments:
        return _forbidden(request, current, REFUND_MANAGERS_ONLY)
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
@merchant_view
def refund_approve_view(request: HttpRequest, current: Current, refund_id: str) -> HttpResponse:
    return _refund_decide(request, current, refund_id, approve=True)


@require_POST
@merchant_view
def refund_reject_view(request: HttpRequest, current: Current, refund_id: str) -> HttpResponse:
    return _refund_decide(request, current, refund_id, approve=False)


@require_POST
@merchant_view
def refund_settings(request: HttpRequest, current: Current) -> HttpResponse:
    if not current.can_manage_payments:
        return _forbidden(request, current, REFUND_MANAGERS_ONLY)
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


# -- disputes ------------------------------------------------------------------------------

DISPUTE_MANAGERS_ONLY = "Only owners and admins can answer disputes."


@require_GET
@merchant_view
def disputes(request: HttpRequest, current: Current) -> HttpResponse:
    form = DisputeFilterForm(request.GET)
    status = (form.cleaned_data["status"] or None) if form.is_valid() else None
    queryset = dispute_list(merchant=current.merchant, livemode=current.livemode,
                            status=status)
    page = _page(request, queryset)
    return _render_filtered(request, current, full="dashboard/disputes/list.html",
                            partial="dashboard/disputes/_results.html",
                            context={"nav": "disputes", "form": form, "status": status,
                                     "page": page})


def _dispute(current: Current, dispute_id: str) -> Dispute:
    try:
        return dispute_get(id=dispute_id, merchant=current.merchant, livemode=current.livemode)
    except NotFound as exc:
        raise Http404("No such dispute") from exc


@require_GET
@merchant_view
def dispute_detail(request: HttpRequest, current: Current, dispute_id: str) -> HttpResponse:
    dispute = _dispute(current, dispute_id)
    events = list(event_list_for_object(merchant=current.merchant, livemode=current.livemode,
                                        object_id=dispute.id)[:OBJECT_EVENTS_SHOWN])
    return _render(request, current, "dashboard/disputes/detail.html", {
        "nav": "disputes", "dispute": dispute, "funds": dispute.funds,
        "evidence": [(name, dispute.evidence[name]) for name in sorted(dispute.evidence)
                     if dispute.evidence[name]],
        "timeline": _timeline(current, dispute.id),
        "events": events, "events_truncated": len(events) == OBJECT_EVENTS_SHOWN,
        "can_answer": dispute.status in Dispute.AWAITING_RESPONSE,
        "evidence_form": DisputeEvidenceForm(dispute=dispute),
    })


@require_POST
@merchant_view
def dispute_evidence(request: HttpRequest, current: Current, dispute_id: str) -> HttpResponse:
    """Saves the evidence, or submits it to the bank (the button pressed decides)."""
    if not current.can_manage_payments:
        return _forbidden(request, current, DISPUTE_MANAGERS_ONLY)
    dispute = _dispute(current, dispute_id)
    form = DisputeEvidenceForm(request.POST, dispute=dispute)
    submit = request.POST.get("action") == DisputeEvidenceForm.SUBMIT
    if not form.is_valid():
        messages.error(request, "The evidence could not be saved: "
                       + " ".join(error for errors in form.errors.values() for error in errors))
    elif submit and not form.has_evidence():
        messages.error(request, "Add some evidence before submitting it to the bank.")
    else:
        try:
            dispute = dispute_update(id=dispute.id, merchant=current.merchant,
                                     livemode=current.livemode, actor=current.actor,
                                     evidence=form.evidence(), submit=submit)
        except DomainError as exc:
            # Answered or closed meanwhile by someone else.
            messages.error(request, exc.message)
        else:
            messages.success(request, "Submitted the evidence: the bank decides next."
                             if submit else "Saved the evidence. Submit it before the due date.")
    return redirect("dashboard:dispute", dispute.id)


@require_POST
@merchant_view
def dispute_accept(request: HttpRequest, current: Current, dispute_id: str) -> HttpResponse:
    """Accepts the dispute (the API's `close`): the loss is conceded; an inquiry closes."""
    if not current.can_manage_payments:
        return _forbidden(request, current, DISPUTE_MANAGERS_ONLY)
    dispute = _dispute(current, dispute_id)
    try:
        dispute = dispute_close(id=dispute.id, merchant=current.merchant,
                                livemode=current.livemode, actor=current.actor)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Closed the inquiry: nothing was withdrawn."
                         if dispute.status == Dispute.Status.WARNING_CLOSED
                         else "Accepted the dispute: the disputed amount stays withdrawn.")
    return redirect("dashboard:dispute", dispute.id)


# -- events --------------------------------------------------------------------------------

@require_GET
@merchant_view
def events(request: HttpRequest, current: Current) -> HttpResponse:
    form = EventFilterForm(request.GET)
    event_type = (form.cleaned_data["type"] or None) if form.is_valid() else None
    queryset = event_list(merchant=current.merchant, livemode=current.livemode, type=event_type)
    page = _page(request, queryset)
    return _render_filtered(request, current, full="dashboard/events/list.html",
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
    return _render(request, current, "dashboard/events/detail.html", {
        "nav": "events", "event": event,
        "payload": json.dumps(render_api_object(event), indent=2, ensure_ascii=False),
    })


# -- webhooks ------------------------------------------------------------------------------

WEBHOOK_MANAGERS_ONLY = "Only owners and admins can change webhook endpoints."


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
    page = _page(request, queryset)
    return _render(request, current, "dashboard/webhooks/list.html", {
        "nav": "webhooks", "page": page,
        "failing_endpoints": webhook_endpoints_disabled_failing(merchant=current.merchant,
                                                                livemode=current.livemode),
    })


@require_http_methods(["GET", "POST"])
@merchant_view
def webhook_new(request: HttpRequest, current: Current) -> HttpResponse:
    if not current.can_manage_keys:
        return _forbidden(request, current, WEBHOOK_MANAGERS_ONLY)
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
    return _render(request, current, "dashboard/webhooks/new.html",
                   {"nav": "webhooks", "form": form})


@never_cache  # the page may carry a new signing secret
@require_GET
@merchant_view
def webhook_detail(request: HttpRequest, current: Current, endpoint_id: str) -> HttpResponse:
    endpoint = _endpoint(current, endpoint_id)
    form = DeliveryFilterForm(request.GET)
    status = (form.cleaned_data["status"] or None) if form.is_valid() else None
    queryset = webhook_delivery_list_with_events(endpoint=endpoint, status=status)
    page = _page(request, queryset)
    context = {"nav": "webhooks", "endpoint": endpoint, "form": form, "status": status,
               "page": page, "now": timezone.now()}
    if _htmx_swap(request):
        response = _render(request, current, "dashboard/webhooks/_deliveries.html", context)
    else:
        response = _render(request, current, "dashboard/webhooks/detail.html", {
            **context, "new_secret": _pop_secret(request, endpoint),
            "roll_form": RollKeyForm()})
    patch_vary_headers(response, ("HX-Request",))
    return response


@require_POST
@merchant_view
def webhook_roll_secret(request: HttpRequest, current: Current,
                        endpoint_id: str) -> HttpResponse:
    if not current.can_manage_keys:
        return _forbidden(request, current, WEBHOOK_MANAGERS_ONLY)
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
    if not current.can_manage_keys:
        return _forbidden(request, current, WEBHOOK_MANAGERS_ONLY)
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
    return redirect(_next_url(request, reverse("dashboard:webhook", args=[endpoint.id])))


@require_POST
@merchant_view
def webhook_disable(request: HttpRequest, current: Current, endpoint_id: str) -> HttpResponse:
    return _endpoint_set_disabled(request, current, endpoint_id, disabled=True)


@require_POST
@merchant_view
def webhook_enable(request: HttpRequest, current: Current, endpoint_id: str) -> HttpResponse:
    return _endpoint_set_disabled(request, current, endpoint_id, disabled=False)


@require_http_methods(["GET", "POST"])
@merchant_view
def webhook_delete(request: HttpRequest, current: Current, endpoint_id: str) -> HttpResponse:
    """GET asks for confirmation; POST deletes."""
    if not current.can_manage_keys:
        return _forbidden(request, current, WEBHOOK_MANAGERS_ONLY)
    if request.method == "POST":
        try:
            endpoint = webhook_endpoint_delete(id=endpoint_id, merchant=current.merchant,
                                               livemode=current.livemode)
        except NotFound as exc:
            raise Http404("No such webhook endpoint") from exc
        messages.success(request, f"Deleted the endpoint {endpoint.url}. Till sends it nothing "
                                  "more.")
        return redirect("dashboard:webhooks")
    return _render(request, current, "dashboard/webhooks/delete_confirm.html",
                   {"nav": "webhooks", "endpoint": _endpoint(current, endpoint_id)})


@require_GET
@merchant_view
def delivery_detail(request: HttpRequest, current: Current, endpoint_id: str,
                     delivery_id: str) -> HttpResponse:
    endpoint = _endpoint(current, endpoint_id)
    delivery = webhook_delivery_get_for_endpoint(id=delivery_id, endpoint=endpoint)
    if delivery is None:
        raise Http404("No such webhook delivery")
    return _render(request, current, "dashboard/webhooks/delivery.html", {
        "nav": "webhooks", "endpoint": endpoint, "delivery": delivery})


@require_POST
@merchant_view
def delivery_resend(request: HttpRequest, current: Current, endpoint_id: str,
                    delivery_id: str) -> HttpResponse:
    if not current.can_manage_keys:
        return _forbidden(request, current, WEBHOOK_MANAGERS_ONLY)
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
    return redirect(_next_url(request, reverse("dashboard:webhook-delivery",
                                               args=[endpoint.id, delivery.id])))
