from django.urls import path

from refunds.api import (
    RefundApproveView,
    RefundBatchCreateView,
    RefundBatchDetailView,
    RefundCancelView,
    RefundDetailView,
    RefundListView,
    RefundRejectView,
)

# `refunds/batch` before `refunds/<id>`, which would take "batch" for a refund id.
urlpatterns = [
    path("refunds", RefundListView.as_view()),
    path("refunds/batch", RefundBatchCreateView.as_view()),
    path("refunds/batch/<str:id>", RefundBatchDetailView.as_view()),
    path("refunds/<str:id>", RefundDetailView.as_view()),
    path("refunds/<str:id>/cancel", RefundCancelView.as_view()),
    path("refunds/<str:id>/approve", RefundApproveView.as_view()),
    path("refunds/<str:id>/reject", RefundRejectView.as_view()),
]
