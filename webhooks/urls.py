from django.urls import path

from webhooks.api import (
    EventDetailView,
    EventListView,
    EventRetryView,
    WebhookDeliveryListView,
    WebhookEndpointDetailView,
    WebhookEndpointListView,
    WebhookEndpointRollSecretView,
)

urlpatterns = [
    path("events", EventListView.as_view()),
    path("events/<str:id>", EventDetailView.as_view()),
    path("events/<str:id>/retry", EventRetryView.as_view()),
    path("webhook_endpoints", WebhookEndpointListView.as_view()),
    path("webhook_endpoints/<str:id>", WebhookEndpointDetailView.as_view()),
    path("webhook_endpoints/<str:id>/roll_secret", WebhookEndpointRollSecretView.as_view()),
    path("webhook_endpoints/<str:id>/deliveries", WebhookDeliveryListView.as_view()),
]
