from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from api.admin import processor_health_page
from api.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Pages without an icon link (admin, API docs) still get the icon browsers ask for.
    path("favicon.ico", RedirectView.as_view(url=static("dashboard/favicon.svg"))),
    path("v1/", include("api.urls")),
    path("admin/processors/health/", processor_health_page, name="admin-processor-health"),
    path("admin/", admin.site.urls),
    path("pay/", include("payments.pages_urls")),
    path("checkout/", include("checkout.pages_urls")),
    path("i/", include("billing.pages_urls")),
    path("receipts/", include("payments.receipts_urls")),
    path("portal/", include("checkout.portal_urls")),
    # A processor's events in (Stripe's webhooks): per connection, signed, no API key.
    path("hooks/", include("payments.inbound_urls")),
    path("", include("dashboard.urls")),
]
