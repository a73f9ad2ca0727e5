"""Reconciliation: the daily runs comparing the mode's charges and refunds with its Stripe
account's, and each run's differences. Anyone at the merchant may look."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from core.exceptions import NotFound
from dashboard.access import Current, merchant_view
from dashboard.views.common import page_of, render_page
from refunds.selectors import (
    reconciliation_differences,
    reconciliation_run_get,
    reconciliation_run_list,
)


@require_GET
@merchant_view
def reconciliations(request: HttpRequest, current: Current) -> HttpResponse:
    page = page_of(request, reconciliation_run_list(merchant=current.merchant,
                                                    livemode=current.livemode))
    return render_page(request, current, "dashboard/reconciliation/list.html",
                       {"nav": "reconciliation", "page": page})


@require_GET
@merchant_view
def reconciliation_detail(request: HttpRequest, current: Current, run_id: str) -> HttpResponse:
    try:
        run = reconciliation_run_get(id=run_id, merchant=current.merchant,
                                     livemode=current.livemode)
    except NotFound as exc:
        raise Http404("No such reconciliation run") from exc
    return render_page(request, current, "dashboard/reconciliation/detail.html", {
        "nav": "reconciliation", "run": run,
        "differences": reconciliation_differences(run=run)})
