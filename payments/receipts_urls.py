from django.urls import path, re_path

from payments import receipts

app_name = "receipts"

urlpatterns = [
    re_path(r"^brand/(?P<color>[0-9a-f]{6})\.css$", receipts.brand_css, name="brand-css"),
    re_path(r"^brand/logo/(?P<digest>[0-9a-f]{64})\.png$", receipts.merchant_logo,
            name="logo"),
    path("<str:charge_id>/<str:token>", receipts.receipt, name="receipt"),
]
