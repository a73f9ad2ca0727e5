from django.urls import path

from billing import pages

app_name = "invoice-pages"

urlpatterns = [
    path("<str:invoice_id>/<str:link>", pages.invoice_page, name="invoice"),
    path("<str:invoice_id>/<str:link>/pdf", pages.invoice_pdf_page, name="pdf"),
]
