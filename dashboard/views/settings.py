"""Settings: the merchant's billing settings (how failed renewals are retried and what ends
their dunning). Everyone may look; owners and admins change them."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from core.exceptions import InvalidParameter
from dashboard import access
from dashboard.access import Current, merchant_view
from dashboard.forms import DunningSettingsForm
from dashboard.views.common import render_page
from merchants.models import Merchant
from merchants.services import merchant_dunning_set


def _page(request: HttpRequest, current: Current, form: DunningSettingsForm) -> HttpResponse:
    merchant = current.merchant
    return render_page(request, current, "dashboard/settings/settings.html", {
        "nav": "settings",
        "form": form,
        "retry_days": merchant.dunning_retry_days,
        "subscription_action": Merchant.DunningSubscriptionAction(
            merchant.dunning_subscription_action).label,
        "invoice_action": Merchant.DunningInvoiceAction(merchant.dunning_invoice_action).label,
    })


@require_GET
@merchant_view
def settings_page(request: HttpRequest, current: Current) -> HttpResponse:
    merchant = current.merchant
    return _page(request, current, DunningSettingsForm(initial={
        "retry_days": ", ".join(str(day) for day in merchant.dunning_retry_days),
        "subscription_action": merchant.dunning_subscription_action,
        "invoice_action": merchant.dunning_invoice_action}))


@require_POST
@merchant_view(requires=access.BILLING_SETTINGS_CHANGE)
def dunning_settings(request: HttpRequest, current: Current) -> HttpResponse:
    """Saves the retry schedule and final actions; a refused one shows the form again with
    the reason beside its field, nothing changed."""
    form = DunningSettingsForm(request.POST)
    if not form.is_valid():
        return _page(request, current, form)
    try:
        merchant_dunning_set(merchant=current.merchant,
                             retry_days=form.cleaned_data["retry_days"],
                             subscription_action=form.cleaned_data["subscription_action"],
                             invoice_action=form.cleaned_data["invoice_action"])
    except InvalidParameter as exc:
        form.add_error(exc.param if exc.param in form.fields else None, exc.message)
        return _page(request, current, form)
    messages.success(request, "Saved how failed subscription payments are retried.")
    return redirect("dashboard:settings")
