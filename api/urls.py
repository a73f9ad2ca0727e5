from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularJSONAPIView, SpectacularSwaggerView

from api.account import AccountView
from api.operators import ProcessorHealthView
from api.views import unknown_route

urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(authentication_classes=[],
                                                    permission_classes=[]), name="openapi"),
    path("docs", SpectacularSwaggerView.as_view(url_name="openapi", authentication_classes=[],
                                                permission_classes=[]), name="api-docs"),
    # Operators only (an operator token or a staff session): api/operators.py.
    path("admin/processors/health", ProcessorHealthView.as_view(), name="processor-health"),
    path("account", AccountView.as_view()),
    path("", include("ledger.api.balance")),
    path("", include("ledger.api.payouts")),
    path("", include("payments.urls")),
    path("", include("refunds.urls")),
    path("", include("disputes.urls")),
    path("", include("webhooks.urls")),
    # Billing: each resource's module holds its routes.
    path("", include("billing.api.products")),
    path("", include("billing.api.prices")),
    path("", include("billing.api.plans")),
    path("", include("billing.api.invoices")),
    path("", include("billing.api.invoice_items")),
    path("", include("billing.api.subscriptions")),
    path("", include("billing.api.subscription_items")),
    path("", include("billing.api.coupons")),
    path("", include("billing.api.promotion_codes")),
    path("", include("checkout.api.sessions")),
    path("", include("checkout.api.payment_links")),
    path("", include("checkout.api.portal")),
    re_path(r"^.*$", unknown_route),
]
