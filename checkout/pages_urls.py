from django.urls import path

from checkout import pages

app_name = "checkout"

urlpatterns = [
    path("c/<str:token>", pages.session_page, name="session"),
    path("c/<str:token>/return", pages.session_return, name="session-return"),
    path("c/<str:token>/done", pages.session_done, name="session-done"),
    path("l/<str:token>", pages.payment_link_visit, name="payment-link"),
]
