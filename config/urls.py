from django.contrib import admin
from django.urls import include, path

from api.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("v1/", include("api.urls")),
    path("admin/", admin.site.urls),
    path("pay/", include("payments.pages_urls")),
    path("", include("dashboard.urls")),
]
