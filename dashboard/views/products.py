"""Products: the list (active or archived), a product's page with its prices, and for owners
and admins creating a product, a price on it, and archiving or reactivating either (Stripe's
`active=false`) — through billing's catalogue services, as the API's do."""

from decimal import Decimal

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from billing.models import Price, Product
from billing.pricing import PriceTerms, Recurring
from billing.selectors import price_get, price_list, product_get, product_list
from billing.services import price_create, price_update, product_create, product_update
from core.exceptions import DomainError, InvalidParameter, NotFound
from core.money import format_money
from dashboard import access
from dashboard.access import Current, merchant_view
from dashboard.forms import PriceForm, ProductFilterForm, ProductForm
from dashboard.views.common import (
    OBJECT_EVENTS_SHOWN,
    page_of,
    render_filtered,
    render_page,
)
from webhooks.selectors import event_list_for_object


@require_GET
@merchant_view
def products(request: HttpRequest, current: Current) -> HttpResponse:
    form = ProductFilterForm(request.GET)
    active = form.active_value() if form.is_valid() else None
    queryset = product_list(merchant=current.merchant, livemode=current.livemode,
                            active=active).select_related("default_price")
    page = page_of(request, queryset)
    return render_filtered(request, current, full="dashboard/products/list.html",
                           partial="dashboard/products/_results.html",
                           context={"nav": "products", "form": form,
                                    "filtered": active is not None, "page": page,
                                    "new_form": ProductForm()})


@require_POST
@merchant_view(requires=access.CATALOGUE_MANAGE)
def product_new(request: HttpRequest, current: Current) -> HttpResponse:
    form = ProductForm(request.POST)
    if form.is_valid():
        try:
            product = product_create(merchant=current.merchant, livemode=current.livemode,
                                     name=form.cleaned_data["name"],
                                     description=form.cleaned_data["description"] or None)
        except InvalidParameter as exc:
            form.add_error(exc.param if exc.param in form.fields else None, exc.message)
        else:
            messages.success(request, f"Created product {product.name}. Add its prices here.")
            return redirect("dashboard:product", product.id)
    page = page_of(request, product_list(merchant=current.merchant,
                                         livemode=current.livemode))
    return render_page(request, current, "dashboard/products/list.html", {
        "nav": "products", "form": ProductFilterForm(), "filtered": False, "page": page,
        "new_form": form})


def _product(current: Current, product_id: str) -> Product:
    try:
        return product_get(id=product_id, merchant=current.merchant, livemode=current.livemode)
    except NotFound as exc:
        raise Http404("No such product") from exc


def _detail(request: HttpRequest, current: Current, product: Product,
            price_form: PriceForm) -> HttpResponse:
    events = list(event_list_for_object(merchant=current.merchant, livemode=current.livemode,
                                        object_id=product.id)[:OBJECT_EVENTS_SHOWN])
    prices = list(price_list(merchant=current.merchant, livemode=current.livemode,
                             product=product.id).order_by("-active", "-created", "-id"))
    return render_page(request, current, "dashboard/products/detail.html", {
        "nav": "products", "product": product, "prices": prices, "price_form": price_form,
        "events": events, "events_truncated": len(events) == OBJECT_EVENTS_SHOWN,
    })


@require_GET
@merchant_view
def product_detail(request: HttpRequest, current: Current, product_id: str) -> HttpResponse:
    return _detail(request, current, _product(current, product_id), PriceForm())


@require_POST
@merchant_view(requires=access.CATALOGUE_MANAGE)
def product_active(request: HttpRequest, current: Current, product_id: str) -> HttpResponse:
    """Archives (`active=false`: no new purchases; what already uses it goes on) or
    reactivates a product."""
    product = _product(current, product_id)
    active = request.POST.get("active") == "true"
    try:
        product = product_update(id=product.id, merchant=current.merchant,
                                 livemode=current.livemode, active=active)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{'Reactivated' if active else 'Archived'} product "
                                  f"{product.name}.")
    return redirect("dashboard:product", product.id)


@require_POST
@merchant_view(requires=access.CATALOGUE_MANAGE)
def price_new(request: HttpRequest, current: Current, product_id: str) -> HttpResponse:
    """A per-unit price of the product; a refused one shows the form again with the reason,
    nothing created."""
    product = _product(current, product_id)
    form = PriceForm(request.POST)
    if not form.is_valid():
        return _detail(request, current, product, form)
    data = form.cleaned_data
    recurring = (Recurring(interval=data["interval"], interval_count=data["interval_count"] or 1)
                 if data["type"] == Price.Type.RECURRING else None)
    terms = PriceTerms(currency=data["currency"], unit_amount=Decimal(data["minor"]),
                       recurring=recurring)
    try:
        price = price_create(merchant=current.merchant, livemode=current.livemode, terms=terms,
                             product=product.id, nickname=data["nickname"] or None)
    except InvalidParameter as exc:
        field = {"unit_amount": "amount", "currency": "currency"}.get(exc.param or "")
        if field is None and exc.param and exc.param.startswith("recurring"):
            field = "interval_count" if "count" in exc.param else "interval"
        form.add_error(field, exc.message)
        return _detail(request, current, product, form)
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _detail(request, current, product, form)
    every = ("one time" if recurring is None else f"every {recurring.interval}"
             if recurring.interval_count == 1
             else f"every {recurring.interval_count} {recurring.interval}s")
    messages.success(request, f"Created price {price.id}: "
                              f"{format_money(price.unit_amount or 0, price.currency)}, {every}.")
    return redirect("dashboard:product", product.id)


@require_POST
@merchant_view(requires=access.CATALOGUE_MANAGE)
def price_active(request: HttpRequest, current: Current, product_id: str,
                 price_id: str) -> HttpResponse:
    """Archives or reactivates one of the product's prices; its default price cannot be
    archived (the service says so)."""
    product = _product(current, product_id)
    try:
        price = price_get(id=price_id, merchant=current.merchant, livemode=current.livemode)
    except NotFound as exc:
        raise Http404("No such price") from exc
    if price.product_id != product.id:
        raise Http404("No such price")
    active = request.POST.get("active") == "true"
    try:
        price_update(id=price.id, merchant=current.merchant, livemode=current.livemode,
                     active=active)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"{'Reactivated' if active else 'Archived'} price {price.id}.")
    return redirect("dashboard:product", product.id)
