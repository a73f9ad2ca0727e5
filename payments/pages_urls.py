from django.urls import path

from payments import pages

app_name = "pages"

urlpatterns = [
    path("authenticate/<str:intent_id>", pages.authenticate, name="authenticate"),
]
