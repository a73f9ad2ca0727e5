"""Payments: the searchable list, and a payment's page, where it is captured, canceled or
refunded."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_fsm import can_proceed

from api.middleware import new_request_id
from core.exceptions import DomainError, NotFound
from core.money import format_money
from dashboard import access
from dashboard.access import Current, merchant_view
from dashboard.exports import payment_csv_lines
from dashboard.forms import CaptureForm, PaymentFilterForm, RefundForm
from dashboard.refund_once import RefundAlreadySubmitted, refund_create_once
from dashboard.views.balance import labelled
from dashboard.views.common import (
    OBJECT_EVENTS_SHOWN,
    page_of,
    render_filtered,
    render_page,
    timeline,
)
from disputes.models import Dispute
from disputes.selectors import dispute_list
from ledger.models import BalanceTransaction
from ledger.selectors import balance_transactions_of_sources
from payments.models import PaymentIntent
from payments.selectors import (
    charge_list_for_payment_intent,
    payment_intent_export_rows,
    payment_intent_get_for_display,
    payment_intent_list_for_display,
)
from payments.services import payment_intent_cancel, payment_intent_capture
from refunds.models import Refund
from refunds.selectors import charge_refundable_amount, refund_list_recent
from webhooks.selectors import event_list_for_payment

# Rows an export reads per query: enough to make the queries few, few enough to hold.
EXPORT_CHUNK_SIZE = 2000
# What the list's links to later pages add to its filters; never part of an export's.
_PAGE_CURSORS = ("after", "before")


def _filters_query(request: HttpRequest) -> str:
    """The filters the request sets, as a query string, without its page cursor."""
    return urlencode([(name, value) for name, values in request.GET.lists()
                      if name not in _PAGE_CURSORS for value in values if value])


@require_GET
@merchant_view
def payments(request: HttpRequest, current: Current) -> HttpResponse:
    form = PaymentFilterForm(request.GET)
    page = None
    if form.is_valid():
        queryset = payment_intent_list_for_display(
            merchant=current.merchant, livemode=current.livemode, filters=form.filters())
        page = page_of(request, queryset)
    return render_filtered(request, current, full="dashboard/payments/list.html",
                           partial="dashboard/payments/_results_swap.html", context={
                               "nav": "payments", "form": form, "page": page,
                               "filtered": form.filtered,
                               "filters_query": _filters_query(request)})


@never_cache  # customers' emails and cards: not for a shared cache or the back button
@require_GET
@merchant_view
def payments_export(request: HttpRequest, current: Current) -> HttpResponse:
    """The list's payments under the same filters, every page of them, as Stripe's payments
    export: streamed as it is read, a chunk of rows at a time. Filters the list would refuse
    send the merchant back to the list, which says what is wrong with them."""
    form = PaymentFilterForm(request.GET)
    if not form.is_valid():
        return redirect(f"{reverse('dashboard:payments')}?{_filters_query(request)}")
    rows = payment_intent_export_rows(merchant=current.merchant, livemode=current.livemode,
                                      filters=form.filters(), chunk_size=EXPORT_CHUNK_SIZE)
    mode = "live" if current.livemode else "test"
    response = StreamingHttpResponse(payment_csv_lines(rows),
                                     content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="payments-{mode}-{timezone.localdate():%Y-%m-%d}.csv"')
    return response


def _payment_intent(current: Current, payment_intent_id: str) -> PaymentIntent:
    try:
        return payment_intent_get_for_display(id=payment_intent_id, merchant=current.merchant,
                                              livemode=current.livemode)
    except NotFound as exc:
        raise Http404("No such payment") from exc


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


def _money_moved(charges: list, refunds: list[Refund], disputes: list[Dispute]
                 ) -> list[BalanceTransaction]:
    """The balance transactions of the payment's charges and refunds (read with them) and of
    its disputes (a query, only for a disputed payment), oldest first."""
    txns = [txn for obj in (*charges, *refunds)
            for txn in (obj.balance_transaction,
                        getattr(obj, "failure_balance_transaction", None)) if txn is not None]
    if disputes:
        found = balance_transactions_of_sources(sources=[dispute.id for dispute in disputes])
        txns += [txn for dispute in disputes for txn in found[dispute.id]]
    txns.sort(key=lambda txn: (txn.created, txn.id))
    # The charges and refunds are on this page; a dispute has its own.
    return labelled(txns, {dispute.id: reverse("dashboard:dispute", args=[dispute.id])
                           for dispute in disputes})


def _payment_page(request: HttpRequest, current: Current, intent: PaymentIntent, *,
                  refund_form: RefundForm | None = None, status: int = 200) -> HttpResponse:
    events = list(event_list_for_payment(merchant=current.merchant, livemode=current.livemode,
                                         payment_intent_id=intent.id)[:OBJECT_EVENTS_SHOWN])
    charges = list(charge_list_for_payment_intent(intent=intent))
    # Only a payment that moved money (captured, or an authorization released as a refund)
    # spends a query on its refunds.
    refunds = (list(refund_list_recent(merchant=current.merchant, livemode=current.livemode,
                                       payment_intent=intent.id,
                                       with_balance_transactions=True))
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
    money = _money_moved(charges, refunds, disputes)
    return render_page(request, current, "dashboard/payments/detail.html", {
        "nav": "payments", "intent": intent, "charges": charges, "disputes": disputes,
        "money": money, "money_net": sum(txn.net for txn in money),
        "charge_txn": next((charge.balance_transaction for charge in charges
                            if charge.id == intent.latest_charge_id), None),
        "refunds": refunds, "refundable": refundable, "refund_form": refund_form,
        "charged_back": charged_back,
        "approval_threshold": current.merchant.refund_approval_threshold(intent.currency),
        # Who requested and who approved each refund shows beside the payment's own changes.
        "timeline": timeline(current, intent.id, also=[refund.id for refund in refunds]),
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
@merchant_view(requires=access.PAYMENT_CAPTURE_OR_CANCEL)
def payment_capture(request: HttpRequest, current: Current,
                    payment_intent_id: str) -> HttpResponse:
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
@merchant_view(requires=access.PAYMENT_CAPTURE_OR_CANCEL)
def payment_cancel(request: HttpRequest, current: Current,
                   payment_intent_id: str) -> HttpResponse:
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
@merchant_view(requires=access.PAYMENT_REFUND)
def payment_refund(request: HttpRequest, current: Current,
                   payment_intent_id: str) -> HttpResponse:
    """Refunds the payment's latest charge as `POST /v1/refunds` would; the service's
    refusals (over-refund, a disputed charge, ...) are shown on the form, nothing made."""
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

