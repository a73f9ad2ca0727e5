"""Payment links: the list, a link's page with the sessions it opened, and for owners and
admins creating a link from a price (one-time: a payment; recurring: a subscription) and
deactivating or reactivating it — through checkout's services, as the API's are."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from billing.models import Price
from billing.pricing import price_line_amount
from billing.selectors import price_list
from checkout.hosted import payment_link_url
from checkout.models import PaymentLink
from checkout.selectors import (
    checkout_session_list,
    payment_link_get,
    payment_link_line_items,
    payment_link_list,
)
from checkout.services import (
    AdjustableQuantity,
    AfterCompletion,
    LineItemSpec,
    payment_link_create,
    payment_link_update,
)
from core.exceptions import DomainError, NotFound
from core.money import format_money
from dashboard import access
from dashboard.access import Current, merchant_view
from dashboard.forms import PaymentLinkForm
from dashboard.views.common import page_of, render_page

SESSIONS_SHOWN = 50


def _price_choices(current: Current) -> list[tuple[str, str]]:
    """The active prices a link may sell: one-time ones (a payment) and recurring ones (a
    subscription each visit starts)."""
    prices = (price_list(merchant=current.merchant, livemode=current.livemode, active=True)
              .select_related("product").order_by("-created", "-id")[:200])
    return [(price.id, f"{price.product.name} — "
                       f"{format_money(price_line_amount(price, 1), price.currency)}"
                       f"{_every(price)}{f' ({price.nickname})' if price.nickname else ''}")
            for price in prices]


def _every(price: Price) -> str:
    if price.type != Price.Type.RECURRING:
        return ""
    count = price.recurring_interval_count
    return (f" / {price.recurring_interval}" if count == 1
            else f" / {count} {price.recurring_interval}s")


def _list(request: HttpRequest, current: Current, form: PaymentLinkForm) -> HttpResponse:
    page = page_of(request, payment_link_list(merchant=current.merchant,
                                              livemode=current.livemode))
    rows = [(link, payment_link_url(link)) for link in page.rows]
    return render_page(request, current, "dashboard/payment_links/list.html", {
        "nav": "payment_links", "page": page, "rows": rows, "new_form": form})


@require_GET
@merchant_view
def payment_links(request: HttpRequest, current: Current) -> HttpResponse:
    return _list(request, current, PaymentLinkForm(prices=_price_choices(current)))


@require_POST
@merchant_view(requires=access.PAYMENT_LINK_MANAGE)
def payment_link_new(request: HttpRequest, current: Current) -> HttpResponse:
    """A link for one price; a refusal shows the form again with the reason, nothing made."""
    form = PaymentLinkForm(request.POST, prices=_price_choices(current))
    if not form.is_valid():
        return _list(request, current, form)
    data = form.cleaned_data
    adjustable = (AdjustableQuantity(enabled=True, minimum=1,
                                     maximum=max(99, data["quantity"]))
                  if data["adjustable"] else None)
    try:
        link = payment_link_create(
            merchant=current.merchant, livemode=current.livemode, actor=current.actor,
            line_items=[LineItemSpec(price=data["price"], quantity=data["quantity"],
                                     adjustable_quantity=adjustable)],
            after_completion=AfterCompletion(confirmation_message=data["message"] or None),
            completed_sessions_limit=data["limit"],
            save_card_and_make_default=data["save_card_and_make_default"])
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _list(request, current, form)
    messages.success(request, f"Created payment link {link.id}: share its URL.")
    return redirect("dashboard:payment-link", link.id)


def _link(current: Current, link_id: str) -> PaymentLink:
    try:
        return payment_link_get(id=link_id, merchant=current.merchant,
                                livemode=current.livemode)
    except NotFound as exc:
        raise Http404("No such payment link") from exc


@require_GET
@merchant_view
def payment_link_detail(request: HttpRequest, current: Current, link_id: str) -> HttpResponse:
    link = _link(current, link_id)
    sessions = list(checkout_session_list(merchant=current.merchant, livemode=current.livemode,
                                          payment_link=link.id)
                    .order_by("-created", "-id")[:SESSIONS_SHOWN])
    return render_page(request, current, "dashboard/payment_links/detail.html", {
        "nav": "payment_links", "link": link, "url": payment_link_url(link),
        "items": list(payment_link_line_items(link=link)), "sessions": sessions,
        "sessions_truncated": len(sessions) == SESSIONS_SHOWN})


@require_POST
@merchant_view(requires=access.PAYMENT_LINK_MANAGE)
def payment_link_active(request: HttpRequest, current: Current, link_id: str) -> HttpResponse:
    """Deactivates (no new sessions; open ones may still be paid) or reactivates a link."""
    link = _link(current, link_id)
    active = request.POST.get("active") == "true"
    try:
        payment_link_update(id=link.id, merchant=current.merchant, livemode=current.livemode,
                            actor=current.actor, active=active)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{'Reactivated' if active else 'Deactivated'} payment link "
                                  f"{link.id}.")
    return redirect("dashboard:payment-link", link.id)
