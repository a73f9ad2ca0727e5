from django.urls import path

from payments import receipts

app_name = "receipts"

urlpatterns = [
    path("<str:charge_id>/<str:token>", receipts.receipt, name="receipt"),
]
