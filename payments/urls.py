from django.urls import path

from payments.api import CustomerDetailView, CustomerListView

urlpatterns = [
    path("customers", CustomerListView.as_view()),
    path("customers/<str:id>", CustomerDetailView.as_view()),
]
