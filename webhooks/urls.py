from django.urls import path

from webhooks.api import EventDetailView, EventListView

urlpatterns = [
    path("events", EventListView.as_view()),
    path("events/<str:id>", EventDetailView.as_view()),
]
