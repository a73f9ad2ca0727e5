"""Settings → Processor: the mode's own Stripe account, connected by pasting its keys
(verified by Stripe, stored encrypted, shown again only as their hint) and disconnected back
to the mode's default. Owners and admins only."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.exceptions import DomainError
from dashboard import access
from dashboard.access import Current, merchant_view
from dashboard.forms import ProcessorConnectForm
from dashboard.views.common import render_page
from merchants.selectors import actor_labels
from payments.selectors import inbound_event_latest, processor_connection_get
from payments.services import inbound_url, processor_connect, processor_disconnect


def _mode(current: Current) -> str:
    return "live" if current.livemode else "test"


@never_cache
@require_http_methods(["GET", "POST"])
@merchant_view(requires=access.PROCESSOR_MANAGE)
def processor_settings(request: HttpRequest, current: Current) -> HttpResponse:
    """GET shows the mode's connection and the form; POST connects (or reconnects) with the
    keys pasted, through the service `manage.py processor_connect` calls."""
    form = ProcessorConnectForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            connection = processor_connect(merchant=current.merchant, livemode=current.livemode,
                                           actor=current.actor, **form.params())
        except DomainError as exc:
            # The mode's check, Stripe's refusal of the key: on the field they are about.
            field = exc.param if exc.param in form.fields else None
            form.add_error(field, exc.message)
        else:
            account = connection.account_id or "your Stripe account"
            messages.success(request, f"Connected {account} to {_mode(current)} mode with "
                                      f"{connection.secret_key_hint}: its payments now go "
                                      "through Stripe.")
            if connection.webhook_problem:
                messages.warning(request, (
                    "Till could not register its webhook endpoint at Stripe "
                    f"({connection.webhook_problem}). Add the inbound URL below as an "
                    "endpoint in Stripe's dashboard, then connect again with its signing "
                    "secret."))
            return redirect("dashboard:processor-settings")
    connection = processor_connection_get(merchant=current.merchant, livemode=current.livemode)
    context = {"nav": "settings", "form": form, "connection": connection, "mode": _mode(current)}
    if connection is not None:
        labels = actor_labels(merchant=current.merchant,
                              actors=[connection.connected_by] if connection.connected_by
                              else [])
        context.update({
            "inbound_url": inbound_url(connection.inbound_id) if connection.inbound_id else "",
            "connected_by": labels.get(connection.connected_by, ""),
            "last_event": inbound_event_latest(connection=connection),
        })
    return render_page(request, current, "dashboard/settings/processor.html", context)


@require_POST
@merchant_view(requires=access.PROCESSOR_MANAGE)
def processor_settings_disconnect(request: HttpRequest, current: Current) -> HttpResponse:
    if processor_disconnect(merchant=current.merchant, livemode=current.livemode):
        default = ("Till's simulated processor" if not current.livemode
                   else "no processor: live payments are refused until you connect one")
        messages.success(request, f"Disconnected Stripe from {_mode(current)} mode; its key "
                                  f"was deleted. The mode is back to {default}.")
    else:
        messages.info(request, f"No processor was connected to {_mode(current)} mode.")
    return redirect("dashboard:processor-settings")
