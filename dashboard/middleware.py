"""What the dashboard's pages (and the hosted ones) add to each response: their
Content-Security-Policy, and the sign-out of an idle dashboard session."""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone

HOSTED_PAGES_PREFIX = "/pay/"


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy (CONTENT_SECURITY_POLICY). The hosted pages' forms are the
    exception to `form-action 'self'`: the 3-D Secure challenge's answer sends the customer on
    to the merchant's `return_url`, wherever the merchant put it (browsers hold a form's
    redirects to form-action too)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        super().__init__(get_response)
        self.excluded_prefixes = _excluded_prefixes()

    def process_response(self, request: HttpRequest,
                         response: HttpResponseBase) -> HttpResponseBase:
        # django-csp builds the policies before it looks at EXCLUDE_URL_PREFIXES: for every
        # API response (JSON, excluded) that was a third of the request's middleware work.
        if request.path_info.startswith(self.excluded_prefixes):
            return response
        return super().process_response(request, response)

    def get_policy_parts(self, request: HttpRequest, response: HttpResponseBase,
                         report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if request.path_info.startswith(HOSTED_PAGES_PREFIX) and parts.replace is None:
            parts.replace = {"form-action": None}
        return parts


def _excluded_prefixes() -> tuple[str, ...]:
    """The URL prefixes that get neither the policy nor the report-only one."""
    enforced = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
    report_only = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
    prefixes = tuple(enforced.get("EXCLUDE_URL_PREFIXES") or ())
    if report_only is None:
        return prefixes
    also = report_only.get("EXCLUDE_URL_PREFIXES") or ()
    return tuple(prefix for prefix in prefixes if prefix in also)


# A session's expiry moves forward at most this often: one session write a minute while its
# user is active, not one per page.
SESSION_REFRESH = timedelta(minutes=1)
LAST_SEEN_KEY = "till_last_seen"


def session_touch(session: SessionBase, *, now: datetime) -> None:
    """Marks the session active now: it expires TILL_SESSION_IDLE_HOURS from now."""
    session[LAST_SEEN_KEY] = int(now.timestamp())
    session.set_expiry(int(settings.TILL_SESSION_IDLE_HOURS * 3600))


def session_touch_on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """`user_logged_in`: the idle clock starts at the login (dashboard/apps.py connects it)."""
    if request is not None and hasattr(request, "session"):
        session_touch(request.session, now=timezone.now())


class SessionIdleTimeoutMiddleware:
    """Signs a dashboard user out after TILL_SESSION_IDLE_HOURS without a request: a signed-in
    session expires that long after its last activity (Django then refuses it, and its
    cookie), moved forward at most once a SESSION_REFRESH. API requests carry no session and
    are not looked at."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if (session is None or request.path_info.startswith("/v1/")
                or settings.SESSION_COOKIE_NAME not in request.COOKIES
                or SESSION_KEY not in session):
            return response
        now = timezone.now()
        last_seen = session.get(LAST_SEEN_KEY)
        if (session.modified or last_seen is None
                or now.timestamp() - last_seen >= SESSION_REFRESH.total_seconds()):
            session_touch(session, now=now)
        return response
