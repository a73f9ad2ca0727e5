from django.urls import path

from disputes.api import DisputeCloseView, DisputeDetailView, DisputeListView

urlpatterns = [
    path("disputes", DisputeListView.as_view()),
    path("disputes/<str:id>", DisputeDetailView.as_view()),
    path("disputes/<str:id>/close", DisputeCloseView.as_view()),
]
