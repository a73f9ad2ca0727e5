from django.urls import path

from billing.api.invoice_items import InvoiceItemDetailView, InvoiceItemListView
from billing.api.invoices import (
    InvoiceDetailView,
    InvoiceFinalizeView,
    InvoiceLineListView,
    InvoiceListView,
    InvoiceMarkUncollectibleView,
    InvoicePayView,
    InvoiceSendView,
    InvoiceVoidView,
)

urlpatterns = [
    path("invoices", InvoiceListView.as_view()),
    path("invoices/<str:id>", InvoiceDetailView.as_view()),
    path("invoices/<str:id>/lines", InvoiceLineListView.as_view()),
    path("invoices/<str:id>/finalize", InvoiceFinalizeView.as_view()),
    path("invoices/<str:id>/pay", InvoicePayView.as_view()),
    path("invoices/<str:id>/void", InvoiceVoidView.as_view()),
    path("invoices/<str:id>/mark_uncollectible", InvoiceMarkUncollectibleView.as_view()),
    path("invoices/<str:id>/send", InvoiceSendView.as_view()),
    path("invoiceitems", InvoiceItemListView.as_view()),
    path("invoiceitems/<str:id>", InvoiceItemDetailView.as_view()),
]
