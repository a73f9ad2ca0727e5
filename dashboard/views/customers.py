"""Customers: the list searched by email, and a customer with their payments, subscriptions,
invoices and events."""

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from billing.selectors import invoice_list, subscription_list
from core.exceptions import NotFound
from dashboard.access import Current, merchant_view
from dashboard.forms import CustomerSearchForm
from dashboard.views.common import OBJECT_EVENTS_SHOWN, page_of, render_filtered, render_page
from payments.selectors import customer_get, customer_list, payment_intent_list_for_display
from webhooks.selectors import event_list_for_object

CUSTOMER_PAYMENTS_SHOWN = 10
CUSTOMER_BILLING_SHOWN = 10  # subscriptions, and invoices


@require_GET
@merchant_view
def customers(request: HttpRequest, current: Current) -> HttpResponse:
    form = CustomerSearchForm(request.GET)
    email = (form.cleaned_data["email"] or None) if form.is_valid() else None
    queryset = customer_list(merchant=current.merchant, livemode=current.livemode, email=email)
    page = page_of(request, queryset)
    return render_filtered(request, current, full="dashboard/customers/list.html",
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
    customer_subscriptions = list(subscription_list(
        merchant=current.merchant, livemode=current.livemode, customer=customer.id,
        status="all").order_by("-created", "-id")[:CUSTOMER_BILLING_SHOWN + 1])
    customer_invoices = list(invoice_list(
        merchant=current.merchant, livemode=current.livemode, customer=customer.id)
        .order_by("-created", "-id")[:CUSTOMER_BILLING_SHOWN + 1])
    return render_page(request, current, "dashboard/customers/detail.html", {
        "nav": "customers", "customer": customer, "events": events,
        "events_truncated": len(events) == OBJECT_EVENTS_SHOWN,
        "payments": customer_payments[:CUSTOMER_PAYMENTS_SHOWN],
        "payments_truncated": len(customer_payments) > CUSTOMER_PAYMENTS_SHOWN,
        "subscriptions": customer_subscriptions[:CUSTOMER_BILLING_SHOWN],
        "subscriptions_truncated": len(customer_subscriptions) > CUSTOMER_BILLING_SHOWN,
        "invoices": customer_invoices[:CUSTOMER_BILLING_SHOWN],
        "invoices_truncated": len(customer_invoices) > CUSTOMER_BILLING_SHOWN,
    })
