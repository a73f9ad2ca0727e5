from django.urls import path

from checkout import portal_pages

app_name = "portal"

urlpatterns = [
    path("p/<str:token>", portal_pages.home, name="home"),
    path("p/<str:token>/card", portal_pages.card, name="card"),
    path("p/<str:token>/card/return", portal_pages.card_return, name="card-return"),
    path("p/<str:token>/invoices/<str:invoice_id>/pay", portal_pages.invoice_pay,
         name="invoice-pay"),
    path("p/<str:token>/invoices/<str:invoice_id>/return", portal_pages.invoice_return,
         name="invoice-return"),
    path("p/<str:token>/subscriptions/<str:subscription_id>/cancel",
         portal_pages.subscription_cancel, name="subscription-cancel"),
    path("p/<str:token>/subscriptions/<str:subscription_id>/renew",
         portal_pages.subscription_renew, name="subscription-renew"),
    path("p/<str:token>/subscriptions/<str:subscription_id>/update",
         portal_pages.subscription_update, name="subscription-update"),
]
