from django.urls import path

from payments.api.charges import (
    ChargeCaptureView,
    ChargeDetailView,
    ChargeListView,
    ChargeSearchView,
)
from payments.api.customers import (
    CustomerDetailView,
    CustomerDiscountView,
    CustomerListView,
    CustomerSearchView,
)
from payments.api.payment_intents import (
    PaymentIntentCancelView,
    PaymentIntentCaptureView,
    PaymentIntentConfirmView,
    PaymentIntentDetailView,
    PaymentIntentListView,
    PaymentIntentSearchView,
)
from payments.api.payment_methods import (
    CustomerPaymentMethodListView,
    PaymentMethodAttachView,
    PaymentMethodDetachView,
    PaymentMethodDetailView,
    PaymentMethodListView,
)
from payments.api.setup_intents import (
    SetupIntentCancelView,
    SetupIntentConfirmView,
    SetupIntentDetailView,
    SetupIntentListView,
)
from payments.api.test_clocks import TestClockAdvanceView, TestClockDetailView, TestClockListView
from payments.api.tokens import (
    CustomerSourceDetailView,
    CustomerSourceListView,
    TokenDetailView,
    TokenListView,
)

urlpatterns = [
    path("customers", CustomerListView.as_view()),
    path("customers/search", CustomerSearchView.as_view()),
    path("customers/<str:id>", CustomerDetailView.as_view()),
    path("customers/<str:id>/discount", CustomerDiscountView.as_view()),
    path("customers/<str:id>/payment_methods", CustomerPaymentMethodListView.as_view()),
    path("customers/<str:id>/sources", CustomerSourceListView.as_view()),
    path("customers/<str:id>/sources/<str:card>", CustomerSourceDetailView.as_view()),
    path("payment_methods", PaymentMethodListView.as_view()),
    path("payment_methods/<str:id>", PaymentMethodDetailView.as_view()),
    path("payment_methods/<str:id>/attach", PaymentMethodAttachView.as_view()),
    path("payment_methods/<str:id>/detach", PaymentMethodDetachView.as_view()),
    path("payment_intents", PaymentIntentListView.as_view()),
    path("payment_intents/search", PaymentIntentSearchView.as_view()),
    path("payment_intents/<str:id>", PaymentIntentDetailView.as_view()),
    path("payment_intents/<str:id>/confirm", PaymentIntentConfirmView.as_view()),
    path("payment_intents/<str:id>/capture", PaymentIntentCaptureView.as_view()),
    path("payment_intents/<str:id>/cancel", PaymentIntentCancelView.as_view()),
    path("setup_intents", SetupIntentListView.as_view()),
    path("setup_intents/<str:id>", SetupIntentDetailView.as_view()),
    path("setup_intents/<str:id>/confirm", SetupIntentConfirmView.as_view()),
    path("setup_intents/<str:id>/cancel", SetupIntentCancelView.as_view()),
    path("charges", ChargeListView.as_view()),
    path("charges/search", ChargeSearchView.as_view()),
    path("charges/<str:id>", ChargeDetailView.as_view()),
    path("charges/<str:id>/capture", ChargeCaptureView.as_view()),
    path("tokens", TokenListView.as_view()),
    path("tokens/<str:id>", TokenDetailView.as_view()),
    path("test_helpers/test_clocks", TestClockListView.as_view()),
    path("test_helpers/test_clocks/<str:id>", TestClockDetailView.as_view()),
    path("test_helpers/test_clocks/<str:id>/advance", TestClockAdvanceView.as_view()),
]
