"""Request ids (every request gets one, every response and log line carries it), the access
log, the rate limit of API requests that no valid key answered for, and the size limit of
API bodies."""

import io
import logging
import re
import secrets
import time
from collections.abc import Callable
from urllib.parse import unquote_plus

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.utils.encoding import escape_uri_path

from core.context import request_id_var
from core.memo import request_scope

_CLIENT_ID = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")


def new_request_id() -> str:
    return "req_" + secrets.token_urlsafe(12).replace("-", "a").replace("_", "b")


class RequestIdMiddleware:
    """Accepts a client's `X-Request-Id` (Till's extension) or makes `req_…`; echoes it.
    The request is one scope of core.memo's reads."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        client_id = request.META.get("HTTP_X_REQUEST_ID", "")
        request_id = client_id if _CLIENT_ID.match(client_id) else new_request_id()
        request.request_id = request_id
        token = request_id_var.set(request_id)
        try:
            with request_scope():
                response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["Request-Id"] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        # django.request logs 4xx/5xx after the middleware has returned, with the request.
        request = getattr(record, "request", None)
        record.request_id = (request_id_var.get() or getattr(request, "request_id", None)
                             or "-")
        return True


access_logger = logging.getLogger("till.access")

# Query parameters whose values the access log never shows, whatever they hold.
_SECRET_PARAMETER = re.compile(r"secret|password|token|key|cvc|number", re.IGNORECASE)


def loggable_path(request: HttpRequest) -> str:
    """The request's path and query string as sent, with the values of secret-bearing
    parameters (`client_secret`, …) replaced by [REDACTED]. (The log filter redacts secrets
    anywhere else in a line, config/redaction.py.)"""
    path = escape_uri_path(request.path)
    query = request.META.get("QUERY_STRING", "")
    if not query:
        return path
    pairs = []
    for pair in query.split("&"):
        name, separator, value = pair.partition("=")
        if value and _SECRET_PARAMETER.search(unquote_plus(name)):
            value = "[REDACTED]"
        pairs.append(f"{name}{separator}{value}")
    return f"{path}?{'&'.join(pairs)}"


class AccessLogMiddleware:
    """One `till.access` line per request (and, for a merchant's key, a row of its request
    log, api.request_log), in place of gunicorn's access log (which records
    the HTTP Basic user, the whole key): method, path (secrets redacted), status, duration in
    milliseconds and the API key's id (`key_…`, never the key), under the request id as every
    line is."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = (time.perf_counter() - started) * 1000
        # DRF sets the authenticated ApiKey on the request it wraps, this one.
        key_id = getattr(getattr(request, "auth", None), "id", None)
        path = loggable_path(request)
        access_logger.info("%s %s %s %.1fms %s", request.method, path, response.status_code,
                           duration_ms, key_id or "-")
        if key_id is not None:
            # The merchant's request log, written once the response has been sent.
            from api.request_log import request_log_record

            request_log_record(request=request, response=response, path=path,
                               duration_ms=duration_ms)
        return response


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response but static files: API responses and the
    pages that show payment data (dashboard, hosted pages, admin) stay out of browser and
    proxy caches."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.conf import settings

        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path_info.startswith(self.static_prefix):
            patch_cache_control(response, no_store=True)
        return response


class RequestLimitsMiddleware:
    """Refuses, before anything reads its query string, body or headers, a request whose
    request line or headers pass Till's limits: 414 for the request line
    (TILL_MAX_REQUEST_LINE bytes), 431 for a header field (TILL_MAX_HEADER_BYTES, name and
    value) or too many of them (TILL_MAX_HEADERS), in Stripe's envelope. gunicorn's own
    limits sit above these (gunicorn.conf.py), so its HTML answers only what is far over."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.conf import settings

        self.get_response = get_response
        self.max_request_line = settings.TILL_MAX_REQUEST_LINE
        self.max_header_bytes = settings.TILL_MAX_HEADER_BYTES
        self.max_headers = settings.TILL_MAX_HEADERS

    def __call__(self, request: HttpRequest) -> HttpResponse:
        error = self._refusal(request.META)
        if error is None:
            return self.get_response(request)
        from api.renderers import json_response

        return json_response(error.body(), status=error.status)

    def _refusal(self, environ: dict):
        from api.errors import InvalidRequestError

        # As sent (gunicorn keeps it), else rebuilt from the parts WSGI gives.
        uri = environ.get("RAW_URI") or environ.get("REQUEST_URI") or (
            escape_uri_path(environ.get("PATH_INFO", "/"))
            + (f"?{environ['QUERY_STRING']}" if environ.get("QUERY_STRING") else ""))
        line = (len(environ.get("REQUEST_METHOD", "")) + len(uri)
                + len(environ.get("SERVER_PROTOCOL", "")) + 2)
        if line > self.max_request_line:
            return InvalidRequestError(
                f"The request line (method, URL and protocol) is {line} bytes long; Till "
                f"accepts at most {self.max_request_line}. Send long parameters in a POST "
                "body.", status=414)
        count = 0
        for name, value in environ.items():
            if name.startswith("HTTP_"):
                name = name[5:]
            elif name not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                continue
            count += 1
            # WSGI gives header values as latin-1 text: one character per byte sent.
            size = len(name) + 2 + len(value)
            if size > self.max_header_bytes:
                header = name.replace("_", "-").title()
                return InvalidRequestError(
                    f"The request header {header} is {size} bytes long; Till accepts at "
                    f"most {self.max_header_bytes} per header.", status=431)
        if count > self.max_headers:
            return InvalidRequestError(
                f"The request has {count} headers; Till accepts at most {self.max_headers}.",
                status=431)
        return None


class AnonymousRateLimitMiddleware:
    """Gives every /v1 response its X-RateLimit-* headers: a response that carries none was
    not counted against a key (a missing or wrong key, an unknown URL, the public schema), so
    it counts against the client's address; over that budget it becomes a 429."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (not request.path.startswith("/v1/") or request.method == "OPTIONS"
                or "X-RateLimit-Limit" in response):
            return response
        from api.errors import RATE_LIMITED, RateLimitError
        from api.ratelimit import rate_limit_hit_anonymous
        from api.renderers import json_response

        usage = rate_limit_hit_anonymous(request=request)
        if usage.exceeded:
            error = RateLimitError(RATE_LIMITED, headers={"Stripe-Should-Retry": "true"})
            response = json_response(error.body(), status=error.status, headers=error.headers)
        for name, value in usage.headers().items():
            response[name] = value
        return response


class RequestSizeLimitMiddleware:
    """API request bodies of at most TILL_MAX_REQUEST_BYTES, answered 413 in Stripe's envelope.

    A declared Content-Length is judged before a byte is read. A chunked body (no length:
    gunicorn decodes the chunks and ends the stream) is read up to one byte past the limit
    and, when within it, handed on with its length, so it is parsed as any other body
    (Django alone would read such a body as empty).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/v1/") and not self._within_limit(request):
            from api.errors import RequestTooLargeError
            from api.renderers import json_response

            error = RequestTooLargeError(
                "Request body too large: a request can carry at most "
                f"{settings.TILL_MAX_REQUEST_BYTES} bytes.")
            return json_response(error.body(), status=error.status)
        return self.get_response(request)

    @staticmethod
    def _within_limit(request: HttpRequest) -> bool:
        limit = settings.TILL_MAX_REQUEST_BYTES
        declared = request.META.get("CONTENT_LENGTH")
        if declared:
            try:
                return int(declared) <= limit
            except ValueError:
                return True  # Django reads a malformed length as no body at all
        if ("chunked" not in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
                or not request.META.get("wsgi.input_terminated")):
            return True
        stream = request.META["wsgi.input"]
        chunks: list[bytes] = []
        size = 0
        while size <= limit and (chunk := stream.read(min(65536, limit + 1 - size))):
            chunks.append(chunk)
            size += len(chunk)
        if size > limit:
            return False
        body = b"".join(chunks)
        request.META["CONTENT_LENGTH"] = str(size)
        request._stream = LimitedStream(io.BytesIO(body), size)  # what WSGIRequest builds
        return True
