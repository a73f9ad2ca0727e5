"""Till's settings. The environment is read here and nowhere else (12-factor).

Every variable is listed in the README's configuration table.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from kombu import Exchange, Queue

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in var/."""
    if value := env.str("SECRET_KEY", default=""):
        return value
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# TLS usually ends at a proxy in front of gunicorn: one switch turns on everything HTTPS-only.
HTTPS = env.bool("TILL_HTTPS", default=False)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("TILL_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_htmx",
    "corsheaders",
    "core",
    "axes",
    "csp",
    # Optional two-factor logins: a TOTP device per user (dashboard/two_factor.py).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # two-factor recovery codes
    "merchants",
    "ledger",
    "api",
    "payments",
    "disputes",
    "refunds",
    "billing",
    "checkout",
    "webhooks",
    "dashboard",
]

MIDDLEWARE = [
    "api.middleware.RequestIdMiddleware",
    "api.middleware.AccessLogMiddleware",
    "api.middleware.NoStoreMiddleware",
    "api.middleware.RequestLimitsMiddleware",
    "api.middleware.AnonymousRateLimitMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "api.middleware.RequestSizeLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dashboard.middleware.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dashboard.middleware.SessionIdleTimeoutMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# The dashboard's and the hosted pages' policy: every script, style, image and font from
# Till itself (static files, htmx included), nothing inline, no framing, no plugin. The API
# (JSON, and its browsable docs) and Django admin are left out.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/v1/", "/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    },
}

# A dashboard session idle this long is signed out (dashboard/middleware.py).
TILL_SESSION_IDLE_HOURS = env.float("TILL_SESSION_IDLE_HOURS", default=12)
SESSION_COOKIE_AGE = int(TILL_SESSION_IDLE_HOURS * 3600)

# The API answers browsers on any origin, as Stripe's does: keys travel in the Authorization
# header (never cookies), and a page may hold only a publishable key (till.js). Preflights
# are answered before authentication. The dashboard and hosted pages are same-origin only.
CORS_URLS_REGEX = r"^/v1/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_HEADERS = ["authorization", "content-type", "idempotency-key", "stripe-version",
                      "stripe-account", "x-request-id", "x-stripe-client-user-agent",
                      "user-agent"]
CORS_EXPOSE_HEADERS = ["request-id", "stripe-version", "idempotency-key",
                       "idempotent-replayed", "original-request", "stripe-should-retry",
                       "x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset"]
CORS_PREFLIGHT_MAX_AGE = 600

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: SQLite under var/ by default (nothing to install); PostgreSQL with DATABASE_URL.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'till.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # web, worker and beat share the file: WAL, and writers queue instead of failing.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # The balance index and Home's figure indexes and totals carry columns for PostgreSQL's
    # index-only sums and counts (INCLUDE); SQLite indexes the key columns alone, which is
    # all it needs.
    SILENCED_SYSTEM_CHECKS = ["models.W039", "models.W040"]
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Parameters travel apart from the SQL (no quoting them into it in Python), and psycopg
    # prepares a statement the fifth time a connection runs it, so PostgreSQL stops parsing
    # and planning the payment path's statements. Off behind a pooler in transaction mode
    # (pgbouncer before 1.21 cannot keep prepared statements): DATABASE_SERVER_SIDE_BINDING.
    if env.bool("DATABASE_SERVER_SIDE_BINDING", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            server_side_binding=True, prepare_threshold=5)
DATABASES["default"]["ATOMIC_REQUESTS"] = False  # services own their transactions
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis, when given, is the broker, the cache and the rate limiter's shared counter.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "api.cache.RedisCache",
                          "LOCATION": REDIS_URL}}
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 3600}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # A broker that needs no server: kombu's filesystem transport, in var/broker/ (the URL
    # names a host only because kombu warns at every start without one).
    _broker = VAR_DIR / "broker"
    for _folder in ("queue", "processed", "control"):
        (_broker / _folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://localhost/")
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker / "queue"),
        "data_folder_out": str(_broker / "queue"),
        "processed_folder": str(_broker / "processed"),
        "store_processed": False,
        "control_folder": str(_broker / "control"),
    }

CELERY_TASK_ALWAYS_EAGER = env.bool("TILL_TASKS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Worker and beat log through LOGGING, with its filters (config/celery.py), not through
# handlers of Celery's own on the root logger.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# Celery's Django fixup closes a thread's database connection around every task unless told
# to reuse it: a new PostgreSQL connection per task. Reuse it (CONN_MAX_AGE still applies,
# through close_old_connections after each task, config/celery.py).
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "idempotency-keys-prune": {"task": "api.tasks.idempotency_keys_prune", "schedule": 3600.0},
    # The API request log's entries older than TILL_REQUEST_LOG_DAYS.
    "request-logs-prune": {"task": "api.tasks.request_logs_prune", "schedule": 3600.0},
    # Lost messages, dead workers and due retries: the outbox sweep re-enqueues them.
    "webhook-deliveries-sweep": {"task": "webhooks.tasks.deliveries_sweep",
                                 "schedule": env.float("TILL_WEBHOOK_SWEEP_SECONDS",
                                                       default=2.0)},
    "events-prune": {"task": "webhooks.tasks.events_prune", "schedule": 3600.0},
    # Payments: settlements whose message was lost, authorizations past their capture
    # window, and processor calls interrupted between phases.
    "payment-intents-settle-due": {"task": "payments.tasks.payment_intents_settle_due",
                                   "schedule": 10.0},
    "payment-intents-expire-authorizations": {
        "task": "payments.tasks.payment_intents_expire_authorizations", "schedule": 300.0},
    "payment-intents-recover": {"task": "payments.tasks.payment_intents_recover",
                                "schedule": 30.0},
    # A processor's events (Stripe's webhooks) not applied a minute after they came.
    "inbound-events-retry": {"task": "payments.tasks.inbound_events_retry", "schedule": 60.0},
    # Test clocks: advances whose message was lost, and clocks past their `deletes_after`.
    "test-clocks-resume": {"task": "payments.tasks.test_clocks_resume", "schedule": 60.0},
    "test-clocks-delete-expired": {"task": "payments.tasks.test_clocks_delete_expired",
                                   "schedule": 3600.0},
    # Refunds: settlements whose message was lost, and refund calls interrupted between phases.
    "refunds-settle-due": {"task": "refunds.tasks.refunds_settle_due", "schedule": 10.0},
    # Refund batches whose chunk message was lost with a broker or a worker.
    "refund-batches-resume": {"task": "refunds.tasks.refund_batches_resume", "schedule": 60.0},
    # Disputes: openings and decisions on submitted evidence whose message was lost.
    "disputes-open-due": {"task": "refunds.tasks.disputes_open_due", "schedule": 60.0},
    "disputes-decide-due": {"task": "refunds.tasks.disputes_decide_due", "schedule": 10.0},
    # Disputes nobody answered by their due date close as lost, as Stripe's do.
    "disputes-expire-due": {"task": "refunds.tasks.disputes_expire_due", "schedule": 300.0},
    # Checkout Sessions past their expires_at: completed if their intent did its work, else
    # expired (their intent canceled first).
    "checkout-sessions-expire-due": {"task": "checkout.tasks.checkout_sessions_expire_due",
                                     "schedule": 60.0},
    # Reconciliation with the processor: yesterday (UTC), once a day, at 01:00 UTC.
    "reconciliations-run-daily": {"task": "refunds.tasks.reconciliations_run_daily",
                                  "schedule": crontab(minute=0, hour=1)},
    # Payouts (test mode): each daily merchant's available balance, once a day per currency
    # (run hourly, so a beat that was down catches up), and payouts moved on at arrival.
    "automatic-payouts-create": {"task": "ledger.tasks.automatic_payouts_create",
                                 "schedule": 3600.0},
    "payouts-advance-due": {"task": "ledger.tasks.payouts_advance_due", "schedule": 60.0},
    # Home's figures summed ahead by the hour (core.rollups): the hours closed since the last
    # run, a few weeks at a time while catching up; Home sums the rest from the rows.
    "volume-totals-roll": {"task": "ledger.tasks.volume_totals_roll", "schedule": 300.0},
    "charge-outcome-totals-roll": {"task": "payments.tasks.charge_outcome_totals_roll",
                                   "schedule": 300.0},
    # Billing: drafts with auto_advance finalized when due, then charged automatically.
    "invoices-advance-due": {"task": "billing.tasks.invoices_advance_due",
                             "schedule": env.float("TILL_INVOICE_SWEEP_SECONDS",
                                                   default=60.0)},
    # Billing's engine: subscriptions whose period ended renewed, incomplete ones expired.
    "subscriptions-renew-due": {"task": "billing.tasks.subscriptions_renew_due",
                                "schedule": env.float("TILL_SUBSCRIPTION_SWEEP_SECONDS",
                                                      default=60.0)},
    # Dunning: failed renewals retried on each merchant's schedule.
    "invoices-retry-due": {"task": "billing.tasks.invoices_retry_due",
                           "schedule": env.float("TILL_SUBSCRIPTION_SWEEP_SECONDS",
                                                 default=60.0)},
}
# Webhook sends are I/O bound and must not queue behind other work: a queue of their own.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "webhooks.tasks.deliveries_send": {"queue": "webhooks"},
    "webhooks.tasks.delivery_resend": {"queue": "webhooks"},
}
# Every queue a task is routed to, declared: a worker started without -Q consumes them all
# (`celery -A config worker`); `-Q` can still dedicate workers to some.
# Each with the exchange and routing key of its name, as Celery names a queue it creates.
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name), routing_key=name)
    for name in sorted({CELERY_TASK_DEFAULT_QUEUE,
                        *(route["queue"] for route in CELERY_TASK_ROUTES.values())})]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Logins (the dashboard's and the admin's) are throttled by django-axes, per account and per
# client address, each on its own: after TILL_LOGIN_FAILURE_LIMIT failures within the
# cool-off, further attempts are refused for TILL_LOGIN_COOLOFF_MINUTES, and every attempt
# during the lockout starts the wait again. Axes' backend comes first and refuses a
# locked-out attempt before ModelBackend runs the password hasher.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("TILL_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.float("TILL_LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_VERBOSE = False
# The client address a login counts against: REMOTE_ADDR, or behind N proxies that append
# to X-Forwarded-For, the address the outermost of them saw (dashboard/login.py).
TILL_LOGIN_PROXY_COUNT = env.int("TILL_LOGIN_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "dashboard.login.client_address"

# Email (password resets): printed to the console unless EMAIL_URL names an SMTP server
# (`smtp+tls://user:password@host:587`, django-environ's email_url).
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Till <till@localhost>")
# The name authenticator apps show beside a Till login's two-factor codes.
OTP_TOTP_ISSUER = "Till"
PASSWORD_RESET_TIMEOUT = env.int("TILL_PASSWORD_RESET_TIMEOUT_HOURS", default=24) * 3600

LOGIN_URL = "dashboard:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "dashboard:login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.auth.ApiKeyAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.auth.SecretKeyRequired"],
    "DEFAULT_PARSER_CLASSES": ["api.parsers.FormBracketParser", "api.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["api.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Till API",
    "DESCRIPTION": "Till speaks Stripe's wire protocol: point an official Stripe SDK at it.",
    "VERSION": "2025-02-24.acacia",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set shared by several fields (else the generator warns and guesses).
    "ENUM_NAME_OVERRIDES": {
        "PaymentMethodTypeEnum": ["card"],
        # The customer portal cancels with or without prorating (no invoice of its own); every
        # other proration_behavior takes Stripe's three.
        "PortalCancelProrationBehaviorEnum": ["create_prorations", "none"],
        "ProrationBehaviorEnum": ["create_prorations", "always_invoice", "none"],
        # A subscription's update (and an item's) takes Stripe's update behaviours.
        "UpdatePaymentBehaviorEnum": ["allow_incomplete", "pending_if_incomplete",
                                      "error_if_incomplete"],
        "UsageEnum": ["off_session", "on_session"],
        "WebhookEndpointStatusEnum": "webhooks.models.WebhookEndpoint.Status",
    },
}

# Requests are refused before any parsing (414, 431 in Stripe's envelope) past these: the
# request line in bytes, one header (name and value) in bytes, and the number of headers.
# gunicorn's limits sit above them (gunicorn.conf.py); its request line stops at 8190 bytes.
TILL_MAX_REQUEST_LINE = env.int("TILL_MAX_REQUEST_LINE", default=4096)
TILL_MAX_HEADER_BYTES = env.int("TILL_MAX_HEADER_BYTES", default=8192)
TILL_MAX_HEADERS = env.int("TILL_MAX_HEADERS", default=100)

# The Stripe API version Till emulates (Stripe-Version header, Event.api_version).
TILL_API_VERSION = "2025-02-24.acacia"
# Requests per second per API key; the 429 carries code rate_limit.
TILL_RATE_LIMIT_LIVE = env.int("TILL_RATE_LIMIT_LIVE", default=100)
TILL_RATE_LIMIT_TEST = env.int("TILL_RATE_LIMIT_TEST", default=25)
# Per client address, for API requests without a valid key (slows key guessing too).
TILL_RATE_LIMIT_ANONYMOUS = env.int("TILL_RATE_LIMIT_ANONYMOUS", default=25)
TILL_IDEMPOTENCY_KEY_TTL_HOURS = env.int("TILL_IDEMPOTENCY_KEY_TTL_HOURS", default=24)
# The largest API request body (a 413 above it, judged before reading) and the most parameters
# one request may carry (a refund batch's 1,000 items with a few fields each fit). The rest
# of the site (dashboard, hosted pages) has the same byte limit through Django's own.
TILL_MAX_REQUEST_BYTES = env.int("TILL_MAX_REQUEST_BYTES", default=1024 * 1024)
TILL_MAX_PARAMETERS = env.int("TILL_MAX_PARAMETERS", default=10_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = TILL_MAX_REQUEST_BYTES
# A rolled key keeps working this long unless the roll names another expiry.
TILL_KEY_ROLL_GRACE_HOURS = env.int("TILL_KEY_ROLL_GRACE_HOURS", default=24)
# By default the first address gunicorn binds (TILL_BIND, gunicorn.conf.py), so `make run`
# on another port prints and links to that port.
_FIRST_BIND = env.str("TILL_BIND", default="127.0.0.1:8000").split(",")[0].strip()
TILL_PUBLIC_URL = env.str("TILL_PUBLIC_URL", default=(
    "http://127.0.0.1:8000" if _FIRST_BIND.startswith(("unix:", "fd:")) or ":" not in _FIRST_BIND
    else f"http://{_FIRST_BIND}"))

# Payments. How long the simulated processor takes to settle an `automatic_async` payment
# (processing → succeeded), and how long a card authorization may wait for its capture.
TILL_SIMULATED_SETTLEMENT_SECONDS = env.float("TILL_SIMULATED_SETTLEMENT_SECONDS", default=2.0)
TILL_AUTHORIZATION_VALID_DAYS = env.int("TILL_AUTHORIZATION_VALID_DAYS", default=7)
# A processor call in flight for this long is presumed lost with its worker: the recovery
# task repeats it with the same idempotency key and records the answer.
TILL_PAYMENT_RECOVERY_SECONDS = env.int("TILL_PAYMENT_RECOVERY_SECONDS", default=60)
# A charge older than this can no longer be refunded (charge_expired_for_refund).
TILL_REFUND_WINDOW_DAYS = env.int("TILL_REFUND_WINDOW_DAYS", default=180)

# Billing. A draft invoice with auto_advance is finalized this long after it is created
# (Stripe: an hour), by beat's sweep (every TILL_INVOICE_SWEEP_SECONDS).
TILL_INVOICE_AUTO_FINALIZE_SECONDS = env.float("TILL_INVOICE_AUTO_FINALIZE_SECONDS",
                                               default=3600.0)

# Secrets Till keeps for merchants (their Stripe keys), encrypted at rest (core/vault.py):
# Fernet keys, newest first; unset, a key derived from SECRET_KEY (development only).
TILL_SECRET_KEYS = env.list("TILL_SECRET_KEYS", default=[])
# The Stripe processor: where the SDK sends its requests (empty: Stripe itself; a
# Stripe-compatible server for tests and gateways) and how long one request may take.
TILL_STRIPE_API_BASE = env.str("TILL_STRIPE_API_BASE", default="")
TILL_STRIPE_TIMEOUT = env.float("TILL_STRIPE_TIMEOUT", default=30.0)

# Webhooks. Test-mode endpoints may target loopback and private networks when this is on
# (development); live-mode endpoints never may.
TILL_WEBHOOK_ALLOW_LOCAL = env.bool("TILL_WEBHOOK_ALLOW_LOCAL", default=DEBUG)
# Seconds one attempt may take (connect + response) before it counts as failed.
TILL_WEBHOOK_TIMEOUT = env.float("TILL_WEBHOOK_TIMEOUT", default=10.0)
# Seconds between attempts. Stripe retries live events for up to three days with exponential
# backoff, test events three times over a few hours. TILL_WEBHOOK_RETRY_SCHEDULE (seconds,
# comma-separated) replaces both.
TILL_WEBHOOK_RETRY_SCHEDULE_LIVE = [60, 300, 1800, 3600, 7200, 14400, 28800, 57600, 57600,
                                    86400]
TILL_WEBHOOK_RETRY_SCHEDULE_TEST = [300, 3600, 10800]
if _retry_schedule := env.list("TILL_WEBHOOK_RETRY_SCHEDULE", cast=int, default=[]):
    TILL_WEBHOOK_RETRY_SCHEDULE_LIVE = TILL_WEBHOOK_RETRY_SCHEDULE_TEST = _retry_schedule
# An endpoint whose deliveries have failed without a success for this long is disabled.
TILL_WEBHOOK_DISABLE_AFTER_DAYS = env.float("TILL_WEBHOOK_DISABLE_AFTER_DAYS", default=5)
# Attempts one endpoint may have in flight at once, so a slow endpoint cannot hold every
# sender; further deliveries wait for the next sweep.
TILL_WEBHOOK_MAX_IN_FLIGHT = env.int("TILL_WEBHOOK_MAX_IN_FLIGHT", default=8)
# Concurrent HTTP sends per worker process (one batch of deliveries goes out in parallel).
TILL_WEBHOOK_SEND_THREADS = env.int("TILL_WEBHOOK_SEND_THREADS", default=64)
# How long the API request log keeps an entry (the Developers page), in days.
TILL_REQUEST_LOG_DAYS = env.int("TILL_REQUEST_LOG_DAYS", default=30)
# How long a rolled signing secret keeps signing (a second v1), by default.
TILL_WEBHOOK_SECRET_ROLL_GRACE_HOURS = env.int("TILL_WEBHOOK_SECRET_ROLL_GRACE_HOURS",
                                               default=24)
# Events are listed, retrieved and kept (with their deliveries) this long.
TILL_EVENT_RETENTION_DAYS = env.int("TILL_EVENT_RETENTION_DAYS", default=30)

# One configuration for web, worker and beat (config/celery.py applies it to Celery too).
# Every handler redacts secrets and card numbers (config/redaction.py); `till.access` writes
# the access log (api.middleware.AccessLogMiddleware), in place of gunicorn's.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "api.middleware.RequestIdLogFilter"},
                "redact_secrets": {"()": "config.redaction.RedactSecretsFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain",
                    "filters": ["request_id", "redact_secrets"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.server": {"level": "WARNING"},
        # django-axes: a line per failed login and lockout (WARNING), not its INFO chatter.
        "axes": {"level": "WARNING"},
        # The Stripe SDK: a line per request and response at INFO; Till's own call log
        # (ProcessorCall) keeps each call, and failures are still logged at WARNING.
        "stripe": {"level": "WARNING"},
        # A line per task received, run and scheduled: beat's sweeps alone make one every
        # two seconds. Failures and retries are still logged at WARNING and above.
        **{name: {"level": env.str("TILL_TASK_LOG_LEVEL", default="WARNING")}
           for name in ("celery.app.trace", "celery.worker.strategy", "celery.beat")},
    },
}
