from django.urls import path

from payments.inbound_views import stripe_events

app_name = "inbound"

urlpatterns = [
    path("stripe/<str:inbound_id>/", stripe_events, name="stripe"),
]
