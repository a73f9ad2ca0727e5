"""Settings: the merchant's billing settings (how failed renewals are retried and what ends
their dunning), and its pricing and payouts. Everyone may look; owners and admins change
them."""

import copy

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core.exceptions import InvalidParameter
from dashboard import access
from dashboard.access import Current, merchant_view
from dashboard.forms import (
    BrandSettingsForm,
    BusinessSettingsForm,
    DunningSettingsForm,
    LogoForm,
    UpcomingInvoiceSettingsForm,
)
from dashboard.money_forms import PricingSettingsForm
from dashboard.views.common import render_page, timeline
from merchants.models import Merchant
from merchants.services import (
    merchant_brand_color_set,
    merchant_dunning_set,
    merchant_profile_set,
    merchant_upcoming_invoice_days_set,
)
from merchants.services_brand import LOGO_MAX_BYTES, merchant_logo_remove, merchant_logo_set
from merchants.services_pricing import PRICING_FIELDS, merchant_pricing_set


def _page(request: HttpRequest, current: Current, form: DunningSettingsForm | None = None,
          upcoming_form: UpcomingInvoiceSettingsForm | None = None,
          brand_form: BrandSettingsForm | None = None,
          business_form: BusinessSettingsForm | None = None,
          logo_form: LogoForm | None = None) -> HttpResponse:
    merchant = current.merchant
    return render_page(request, current, "dashboard/settings/settings.html", {
        "nav": "settings",
        "logo_form": logo_form or LogoForm(),
        "business_form": business_form or BusinessSettingsForm(initial={
            "name": merchant.name, "support_email": merchant.support_email,
            "time_zone": merchant.time_zone}),
        "fee_percent": _percent(merchant.card_fee_percent),
        "form": form or _dunning_form(merchant),
        "upcoming_form": upcoming_form or UpcomingInvoiceSettingsForm(
            initial={"upcoming_invoice_days": merchant.upcoming_invoice_days}),
        "upcoming_days": merchant.upcoming_invoice_days,
        "brand_form": brand_form or BrandSettingsForm(
            initial={"brand_color": merchant.brand_color}),
        "retry_days": merchant.dunning_retry_days,
        "subscription_action": Merchant.DunningSubscriptionAction(
            merchant.dunning_subscription_action).label,
        "invoice_action": Merchant.DunningInvoiceAction(merchant.dunning_invoice_action).label,
    })


def _percent(value) -> str:
    """A percentage as typed: 2.900 as 2.9, 3.000 as 3."""
    return f"{value:f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:f}"


def _dunning_form(merchant: Merchant) -> DunningSettingsForm:
    return DunningSettingsForm(initial={
        "retry_days": ", ".join(str(day) for day in merchant.dunning_retry_days),
        "subscription_action": merchant.dunning_subscription_action,
        "invoice_action": merchant.dunning_invoice_action})


@require_GET
@merchant_view
def settings_page(request: HttpRequest, current: Current) -> HttpResponse:
    return _page(request, current)


@require_POST
@merchant_view(requires=access.BILLING_SETTINGS_CHANGE)
def dunning_settings(request: HttpRequest, current: Current) -> HttpResponse:
    """Saves the retry schedule and final actions; a refused one shows the form again with
    the reason beside its field, nothing changed."""
    form = DunningSettingsForm(request.POST)
    if not form.is_valid():
        return _page(request, current, form=form)
    try:
        merchant_dunning_set(merchant=current.merchant,
                             retry_days=form.cleaned_data["retry_days"],
                             subscription_action=form.cleaned_data["subscription_action"],
                             invoice_action=form.cleaned_data["invoice_action"])
    except InvalidParameter as exc:
        form.add_error(exc.param if exc.param in form.fields else None, exc.message)
        return _page(request, current, form=form)
    messages.success(request, "Saved how failed subscription payments are retried.")
    return redirect("dashboard:settings")


@require_POST
@merchant_view(requires=access.BILLING_SETTINGS_CHANGE)
def upcoming_invoice_settings(request: HttpRequest, current: Current) -> HttpResponse:
    """Saves how many days before a renewal `invoice.upcoming` is sent; a refused value
    shows the form again with the reason, nothing changed."""
    form = UpcomingInvoiceSettingsForm(request.POST)
    if form.is_valid():
        try:
            merchant_upcoming_invoice_days_set(
                merchant=current.merchant, days=form.cleaned_data["upcoming_invoice_days"])
        except InvalidParameter as exc:
            form.add_error("upcoming_invoice_days", exc.message)
    if not form.is_valid():
        return _page(request, current, upcoming_form=form)
    messages.success(request, "Saved when upcoming renewals are announced.")
    return redirect("dashboard:settings")


@require_POST
@merchant_view(requires=access.BUSINESS_SETTINGS_CHANGE)
def business_settings(request: HttpRequest, current: Current) -> HttpResponse:
    """Saves the business's name, support email and time zone; a refused value shows the
    form again with the reason beside it, nothing changed."""
    form = BusinessSettingsForm(request.POST)
    if form.is_valid():
        try:
            merchant_profile_set(merchant=current.merchant, **form.cleaned_data)
        except InvalidParameter as exc:
            form.add_error(exc.param if exc.param in form.fields else None, exc.message)
    if not form.is_valid():
        return _page(request, current, business_form=form)
    messages.success(request, "Saved the business's details.")
    return redirect("dashboard:settings")


@require_POST
@merchant_view(requires=access.BILLING_SETTINGS_CHANGE)
def logo_settings(request: HttpRequest, current: Current) -> HttpResponse:
    """Sets the logo from an uploaded image, or removes it (`remove`); a file that is not an
    image Till takes shows the form again with the reason, nothing changed."""
    if request.POST.get("remove"):
        merchant_logo_remove(merchant=current.merchant)
        messages.success(request, "Removed the logo: hosted pages show your name alone.")
        return redirect("dashboard:settings")
    form = LogoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            # One byte past the limit is enough for the service to refuse a larger file,
            # without reading all of it.
            merchant_logo_set(merchant=current.merchant,
                              data=form.cleaned_data["logo"].read(LOGO_MAX_BYTES + 1))
        except InvalidParameter as exc:
            form.add_error("logo", exc.message)
    if not form.is_valid():
        return _page(request, current, logo_form=form)
    messages.success(request, "Saved the logo of hosted pages, receipts and invoices.")
    return redirect("dashboard:settings")


@require_POST
@merchant_view(requires=access.BILLING_SETTINGS_CHANGE)
def brand_settings(request: HttpRequest, current: Current) -> HttpResponse:
    """Saves the brand colour of hosted invoices, receipts and invoice PDFs; a refused one
    shows the form again with the reason, nothing changed."""
    form = BrandSettingsForm(request.POST)
    if form.is_valid():
        try:
            merchant_brand_color_set(merchant=current.merchant,
                                     color=form.cleaned_data["brand_color"])
        except InvalidParameter as exc:
            form.add_error("brand_color", exc.message)
    if not form.is_valid():
        return _page(request, current, brand_form=form)
    messages.success(request, "Saved the colour of invoices and receipts.")
    return redirect("dashboard:settings")


def _pricing_page(request: HttpRequest, current: Current,
                  form: PricingSettingsForm) -> HttpResponse:
    return render_page(request, current, "dashboard/settings/pricing.html", {
        "nav": "settings", "form": form,
        "fee_percent": _percent(current.merchant.card_fee_percent),
        "schedule": Merchant.PayoutSchedule(current.merchant.payout_schedule).label,
        # Each change of these settings, as the audit trail recorded it in this mode.
        "timeline": timeline(current, current.merchant.pk)})


@require_http_methods(["GET", "POST"])
@merchant_view
def pricing_settings(request: HttpRequest, current: Current) -> HttpResponse:
    """Settings → Pricing and payouts: every member sees them; an owner or admin saves the
    form (checked by the merchant model's validators, changed through the service, which
    records each change in the audit trail). A refused value shows the form again with
    the reason beside its field, nothing changed."""
    merchant = current.merchant
    if request.method == "GET":
        return _pricing_page(request, current, PricingSettingsForm(instance=merchant))
    if not current.may(access.PRICING_CHANGE):
        return access.forbidden(request, current, access.PRICING_CHANGE.refusal)
    # Validated on a copy: a refused value never touches the merchant the page shows.
    form = PricingSettingsForm(request.POST, instance=copy.copy(merchant))
    if form.is_valid():
        try:
            merchant_pricing_set(merchant=merchant, livemode=current.livemode,
                                 actor=current.actor,
                                 **{name: form.cleaned_data[name] for name in PRICING_FIELDS})
        except InvalidParameter as exc:
            form.add_error(exc.param if exc.param in form.fields else None, exc.message)
    if not form.is_valid():
        return _pricing_page(request, current, form)
    messages.success(request, "Saved your pricing and payouts.")
    return redirect("dashboard:settings-pricing")
