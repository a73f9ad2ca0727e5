from django.urls import path

from payments import pages

app_name = "pages"

urlpatterns = [
    path("authenticate/<str:intent_id>", pages.authenticate, name="authenticate"),
    path("authenticate/setup/<str:setup_intent_id>", pages.authenticate_setup,
         name="authenticate_setup"),
    path("<str:intent_id>", pages.pay, name="pay"),
    path("<str:intent_id>/result", pages.result, name="result"),
]
