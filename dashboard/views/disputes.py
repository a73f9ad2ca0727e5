"""Disputes: the list, and a dispute's page, where it is answered with evidence or
accepted."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import DomainError, NotFound
from dashboard import access
from dashboard.access import Current, merchant_view
from dashboard.forms import DisputeEvidenceForm, DisputeFilterForm
from dashboard.views.common import (
    OBJECT_EVENTS_SHOWN,
    page_of,
    render_filtered,
    render_page,
    timeline,
)
from disputes.models import Dispute
from disputes.selectors import dispute_get, dispute_list
from disputes.services import dispute_close, dispute_update
from webhooks.selectors import event_list_for_object


@require_GET
@merchant_view
def disputes(request: HttpRequest, current: Current) -> HttpResponse:
    form = DisputeFilterForm(request.GET)
    status = (form.cleaned_data["status"] or None) if form.is_valid() else None
    queryset = dispute_list(merchant=current.merchant, livemode=current.livemode,
                            status=status)
    page = page_of(request, queryset)
    return render_filtered(request, current, full="dashboard/disputes/list.html",
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
    return render_page(request, current, "dashboard/disputes/detail.html", {
        "nav": "disputes", "dispute": dispute, "funds": dispute.funds,
        "evidence": [(name, dispute.evidence[name]) for name in sorted(dispute.evidence)
                     if dispute.evidence[name]],
        "timeline": timeline(current, dispute.id),
        "events": events, "events_truncated": len(events) == OBJECT_EVENTS_SHOWN,
        "can_answer": dispute.status in Dispute.AWAITING_RESPONSE,
        "evidence_form": DisputeEvidenceForm(dispute=dispute),
    })


@require_POST
@merchant_view(requires=access.DISPUTE_ANSWER)
def dispute_evidence(request: HttpRequest, current: Current, dispute_id: str) -> HttpResponse:
    """Saves the evidence, or submits it to the bank (the button pressed decides)."""
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
@merchant_view(requires=access.DISPUTE_ANSWER)
def dispute_accept(request: HttpRequest, current: Current, dispute_id: str) -> HttpResponse:
    """Accepts the dispute (the API's `close`): the loss is conceded; an inquiry closes."""
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
