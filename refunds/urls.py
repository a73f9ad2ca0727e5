from django.urls import path

from refunds.api import RefundCancelView, RefundDetailView, RefundListView

urlpatterns = [
    path("refunds", RefundListView.as_view()),
    path("refunds/<str:id>", RefundDetailView.as_view()),
    path("refunds/<str:id>/cancel", RefundCancelView.as_view()),
]
