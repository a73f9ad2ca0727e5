from django.urls import path

from refunds.api import (
    RefundBatchCreateView,
    RefundBatchDetailView,
    RefundCancelView,
    RefundDetailView,
    RefundListView,
)

# `refunds/batch` before `refunds/<id>`, which would take "batch" for a refund id.
urlpatterns = [
    path("refunds", RefundListView.as_view()),
    path("refunds/batch", RefundBatchCreateView.as_view()),
    path("refunds/batch/<str:id>", RefundBatchDetailView.as_view()),
    path("refunds/<str:id>", RefundDetailView.as_view()),
    path("refunds/<str:id>/cancel", RefundCancelView.as_view()),
]
