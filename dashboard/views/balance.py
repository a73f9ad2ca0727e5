"""Balance: what is available and pending per currency, the balance transactions (gross,
fee and net of every movement of the merchant's money) and one transaction's ledger
entries; Payouts: the payouts to the bank and what each paid out. Pages only read."""

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET

from core import clock
from core.exceptions import NotFound
from dashboard.access import Current, merchant_view
from dashboard.money_forms import (
    BALANCE_TYPE_LABELS,
    PAYOUT_STATUS_LABELS,
    BalanceTransactionFilterForm,
    PayoutFilterForm,
)
from dashboard.views.common import page_of, render_filtered, render_page
from ledger.models import BalanceTransaction
from ledger.selectors import (
    balance_of,
    balance_transaction_get,
    balance_transaction_list,
    ledger_entries_of,
    payout_get,
    payout_list,
)
from payments.selectors import payment_intent_ids_of_charges
from refunds.selectors import payment_intent_ids_of_refunds

PAYOUT_TXNS_SHOWN = 100


def with_links(current: Current, txns: list[BalanceTransaction]) -> list[BalanceTransaction]:
    """The transactions, each given `source_url` (the page that shows its source: a
    charge's or refund's payment, a dispute, a payout; None if none) and `type_label`."""
    return labelled(txns, _source_links(current, txns))


def labelled(txns: list[BalanceTransaction], links: dict[str, str]
             ) -> list[BalanceTransaction]:
    """The transactions, each given what the tables show: `source_url` (from `links`),
    `type_label` and `is_pending` (its net not available yet)."""
    now = clock.now()
    for txn in txns:
        txn.source_url = links.get(txn.source)
        txn.type_label = BALANCE_TYPE_LABELS.get(txn.type, txn.type)
        txn.is_pending = txn.available_on > now
    return txns


def _source_links(current: Current, txns: list[BalanceTransaction]) -> dict[str, str]:
    """Each source to its page (a query each for the charges and refunds among them)."""
    sources = {txn.source for txn in txns}
    charges = [s for s in sources if s.startswith("ch_")]
    refunds = [s for s in sources if s.startswith("re_")]
    payments = {}
    if charges:
        payments |= payment_intent_ids_of_charges(merchant=current.merchant,
                                                  livemode=current.livemode, charge_ids=charges)
    if refunds:
        payments |= payment_intent_ids_of_refunds(merchant=current.merchant,
                                                  livemode=current.livemode, refund_ids=refunds)
    links = {source: reverse("dashboard:payment", args=[intent])
             for source, intent in payments.items()}
    for source in sources:
        if source.startswith("dp_"):
            links[source] = reverse("dashboard:dispute", args=[source])
        elif source.startswith("po_"):
            links[source] = reverse("dashboard:payout", args=[source])
    return links


@require_GET
@merchant_view
def balance(request: HttpRequest, current: Current) -> HttpResponse:
    form = BalanceTransactionFilterForm(request.GET)
    filters = ({name: form.cleaned_data[name] or None for name in ("type", "currency")}
               if form.is_valid() else {"type": None, "currency": None})
    page = page_of(request, balance_transaction_list(
        merchant=current.merchant, livemode=current.livemode, **filters))
    context = {"nav": "balance", "form": form, "page": page,
               "filtered": any(filters.values())}
    with_links(current, page.rows)
    if not request.GET.get("after") and not request.GET.get("before"):
        context["balances"] = balance_of(merchant_id=current.merchant.pk,
                                         livemode=current.livemode, at=clock.now())
    return render_filtered(request, current, full="dashboard/balance/list.html",
                           partial="dashboard/balance/_results.html", context=context)


@require_GET
@merchant_view
def balance_transaction_detail(request: HttpRequest, current: Current,
                               txn_id: str) -> HttpResponse:
    try:
        txn = balance_transaction_get(id=txn_id, merchant=current.merchant,
                                      livemode=current.livemode)
    except NotFound as exc:
        raise Http404("No such balance transaction") from exc
    return render_page(request, current, "dashboard/balance/detail.html", {
        "nav": "balance", "txn": with_links(current, [txn])[0],
        "entries": ledger_entries_of(txn=txn), "status": txn.status(clock.now())})


@require_GET
@merchant_view
def payouts(request: HttpRequest, current: Current) -> HttpResponse:
    form = PayoutFilterForm(request.GET)
    status = (form.cleaned_data["status"] or None) if form.is_valid() else None
    page = page_of(request, payout_list(merchant=current.merchant, livemode=current.livemode,
                                        status=status))
    return render_filtered(request, current, full="dashboard/payouts/list.html",
                           partial="dashboard/payouts/_results.html", context={
                               "nav": "payouts", "form": form, "status": status, "page": page,
                               "status_labels": PAYOUT_STATUS_LABELS})


@require_GET
@merchant_view
def payout_detail(request: HttpRequest, current: Current, payout_id: str) -> HttpResponse:
    try:
        payout = payout_get(id=payout_id, merchant=current.merchant, livemode=current.livemode)
    except NotFound as exc:
        raise Http404("No such payout") from exc
    txns = with_links(current, list(
        balance_transaction_list(merchant=current.merchant, livemode=current.livemode,
                                 payout=payout.id).order_by("-created", "-id")[:PAYOUT_TXNS_SHOWN]))
    return render_page(request, current, "dashboard/payouts/detail.html", {
        "nav": "payouts", "payout": payout, "txns": txns,
        "txns_truncated": len(txns) == PAYOUT_TXNS_SHOWN,
        "status_label": PAYOUT_STATUS_LABELS.get(payout.status, payout.status)})
