"""gunicorn's settings, read from the working directory by `gunicorn config.wsgi` (README,
Procfile). Command-line flags still override them."""

import os

from gunicorn import glogging

# TILL_BIND: one address or several, comma-separated (`0.0.0.0:8000` behind a proxy).
bind = [address.strip() for address in os.environ.get("TILL_BIND", "127.0.0.1:8000").split(",")
        if address.strip()]

# gunicorn's own access log records the HTTP Basic user, which is the whole API key, and full
# URLs with their client secrets: it stays off, and Till's middleware writes the access log
# (`till.access`: request id, method, path with secrets redacted, status, duration, key id).
accesslog = None


class Logger(glogging.Logger):
    """gunicorn's logger without its access log, even with `--access-logfile` or a logging
    configuration (either would turn it on)."""

    def access(self, resp, req, environ, request_time) -> None:
        return


logger_class = Logger

# gunicorn's error log through the same redaction as every other handler.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secrets": {"()": "config.redaction.RedactSecretsFilter"}},
    "formatters": {"generic": {"format": "%(asctime)s [%(process)d] [%(levelname)s] %(message)s",
                               "datefmt": "[%Y-%m-%d %H:%M:%S %z]"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "generic",
                    "filters": ["redact_secrets"], "stream": "ext://sys.stdout"},
        "error_console": {"class": "logging.StreamHandler", "formatter": "generic",
                          "filters": ["redact_secrets"], "stream": "ext://sys.stderr"},
    },
    "root": {"level": "INFO", "handlers": ["console"]},
    "loggers": {
        # its level is --log-level (`info` by default)
        "gunicorn.error": {"handlers": ["error_console"], "propagate": False},
        "gunicorn.access": {"handlers": [], "propagate": False},
    },
}

# gunicorn answers requests over its limits itself, in HTML: its limits stay above Till's
# (config/settings.py), which answers in Stripe's JSON envelope. 8190 bytes is the longest
# request line gunicorn accepts.
limit_request_line = 8190
limit_request_field_size = 2 * int(os.environ.get("TILL_MAX_HEADER_BYTES", 8192))
limit_request_fields = 2 * int(os.environ.get("TILL_MAX_HEADERS", 100))
