from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from dashboard.middleware import session_touch_on_login

        user_logged_in.connect(session_touch_on_login, dispatch_uid="dashboard-session-idle")
