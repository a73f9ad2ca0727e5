from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from dashboard import login, views
from dashboard.forms import EmailLoginForm

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
    path("", views.home, name="home"),
    path("mode/", views.mode_switch, name="mode"),
    path("keys/<str:key_id>/roll/", views.key_roll, name="key-roll"),
    path("keys/<str:key_id>/revoke/", views.key_revoke, name="key-revoke"),
    path("payments/", views.payments, name="payments"),
    path("payments/<str:payment_intent_id>/", views.payment_detail, name="payment"),
    path("payments/<str:payment_intent_id>/capture/", views.payment_capture,
         name="payment-capture"),
    path("payments/<str:payment_intent_id>/cancel/", views.payment_cancel,
         name="payment-cancel"),
    path("payments/<str:payment_intent_id>/refund/", views.payment_refund,
         name="payment-refund"),
    path("refunds/", views.refunds, name="refunds"),
    path("refunds/settings/", views.refund_settings, name="refund-settings"),
    path("refunds/<str:refund_id>/approve/", views.refund_approve_view, name="refund-approve"),
    path("refunds/<str:refund_id>/reject/", views.refund_reject_view, name="refund-reject"),
    path("disputes/", views.disputes, name="disputes"),
    path("disputes/<str:dispute_id>/", views.dispute_detail, name="dispute"),
    path("disputes/<str:dispute_id>/evidence/", views.dispute_evidence,
         name="dispute-evidence"),
    path("disputes/<str:dispute_id>/accept/", views.dispute_accept, name="dispute-accept"),
    path("customers/", views.customers, name="customers"),
    path("customers/<str:customer_id>/", views.customer_detail, name="customer"),
    path("events/", views.events, name="events"),
    path("events/<str:event_id>/", views.event_detail, name="event"),
    path("webhooks/", views.webhooks, name="webhooks"),
    path("webhooks/new/", views.webhook_new, name="webhook-new"),
    path("webhooks/<str:endpoint_id>/", views.webhook_detail, name="webhook"),
    path("webhooks/<str:endpoint_id>/roll/", views.webhook_roll_secret, name="webhook-roll"),
    path("webhooks/<str:endpoint_id>/disable/", views.webhook_disable, name="webhook-disable"),
    path("webhooks/<str:endpoint_id>/enable/", views.webhook_enable, name="webhook-enable"),
    path("webhooks/<str:endpoint_id>/delete/", views.webhook_delete, name="webhook-delete"),
    path("webhooks/<str:endpoint_id>/deliveries/<str:delivery_id>/", views.delivery_detail,
         name="webhook-delivery"),
    path("webhooks/<str:endpoint_id>/deliveries/<str:delivery_id>/resend/",
         views.delivery_resend, name="webhook-delivery-resend"),
]
