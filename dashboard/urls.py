from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from dashboard import login
from dashboard.forms import EmailLoginForm
from dashboard.views import (
    customers,
    disputes,
    events,
    home,
    invoices,
    payments,
    processor,
    reconciliation,
    refunds,
    webhooks,
)

app_name = "dashboard"

urlpatterns = [
    path("login/", login.LoginView.as_view(authentication_form=EmailLoginForm,
                                           redirect_authenticated_user=True),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Password reset by email (Django's views, dashboard/login.py).
    path("password-reset/", login.PasswordResetView.as_view(
        success_url=reverse_lazy("dashboard:password-reset-done")),
        name="password-reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(
        extra_context={"timeout_hours": settings.PASSWORD_RESET_TIMEOUT // 3600}),
        name="password-reset-done"),
    path("password-reset/<uidb64>/<token>/", login.PasswordResetConfirmView.as_view(
        success_url=reverse_lazy("dashboard:password-reset-complete")),
        name="password-reset-confirm"),
    path("password-reset/complete/", auth_views.PasswordResetCompleteView.as_view(),
         name="password-reset-complete"),
    path("", home.home, name="home"),
    path("mode/", home.mode_switch, name="mode"),
    path("keys/<str:key_id>/roll/", home.key_roll, name="key-roll"),
    path("keys/<str:key_id>/revoke/", home.key_revoke, name="key-revoke"),
    path("payments/", payments.payments, name="payments"),
    path("payments/<str:payment_intent_id>/", payments.payment_detail, name="payment"),
    path("payments/<str:payment_intent_id>/capture/", payments.payment_capture,
         name="payment-capture"),
    path("payments/<str:payment_intent_id>/cancel/", payments.payment_cancel,
         name="payment-cancel"),
    path("payments/<str:payment_intent_id>/refund/", payments.payment_refund,
         name="payment-refund"),
    path("refunds/", refunds.refunds, name="refunds"),
    path("refunds/settings/", refunds.refund_settings, name="refund-settings"),
    path("refunds/<str:refund_id>/approve/", refunds.refund_approve_view, name="refund-approve"),
    path("refunds/<str:refund_id>/reject/", refunds.refund_reject_view, name="refund-reject"),
    path("disputes/", disputes.disputes, name="disputes"),
    path("disputes/<str:dispute_id>/", disputes.dispute_detail, name="dispute"),
    path("disputes/<str:dispute_id>/evidence/", disputes.dispute_evidence,
         name="dispute-evidence"),
    path("disputes/<str:dispute_id>/accept/", disputes.dispute_accept, name="dispute-accept"),
    path("invoices/", invoices.invoices, name="invoices"),
    path("invoices/<str:invoice_id>/", invoices.invoice_detail, name="invoice"),
    path("invoices/<str:invoice_id>/finalize/", invoices.invoice_finalize_view,
         name="invoice-finalize"),
    path("invoices/<str:invoice_id>/pay/", invoices.invoice_pay_view, name="invoice-pay"),
    path("invoices/<str:invoice_id>/void/", invoices.invoice_void_view, name="invoice-void"),
    path("invoices/<str:invoice_id>/mark-uncollectible/",
         invoices.invoice_mark_uncollectible_view, name="invoice-mark-uncollectible"),
    path("customers/", customers.customers, name="customers"),
    path("customers/<str:customer_id>/", customers.customer_detail, name="customer"),
    path("events/", events.events, name="events"),
    path("events/<str:event_id>/", events.event_detail, name="event"),
    path("settings/processor/", processor.processor_settings, name="processor-settings"),
    path("settings/processor/disconnect/", processor.processor_settings_disconnect,
         name="processor-settings-disconnect"),
    path("reconciliation/", reconciliation.reconciliations, name="reconciliations"),
    path("reconciliation/<str:run_id>/", reconciliation.reconciliation_detail,
         name="reconciliation"),
    path("webhooks/", webhooks.webhooks, name="webhooks"),
    path("webhooks/new/", webhooks.webhook_new, name="webhook-new"),
    path("webhooks/<str:endpoint_id>/", webhooks.webhook_detail, name="webhook"),
    path("webhooks/<str:endpoint_id>/roll/", webhooks.webhook_roll_secret, name="webhook-roll"),
    path("webhooks/<str:endpoint_id>/disable/", webhooks.webhook_disable, name="webhook-disable"),
    path("webhooks/<str:endpoint_id>/enable/", webhooks.webhook_enable, name="webhook-enable"),
    path("webhooks/<str:endpoint_id>/delete/", webhooks.webhook_delete, name="webhook-delete"),
    path("webhooks/<str:endpoint_id>/deliveries/<str:delivery_id>/", webhooks.delivery_detail,
         name="webhook-delivery"),
    path("webhooks/<str:endpoint_id>/deliveries/<str:delivery_id>/resend/",
         webhooks.delivery_resend, name="webhook-delivery-resend"),
]
