"""Settings of the ceiling project: one app, one table, no middleware."""

import environ

env = environ.Env()

SECRET_KEY = "ceiling-benchmark-only"  # noqa: S105 - serves loopback for a benchmark
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["ceiling"]
MIDDLEWARE: list[str] = []
ROOT_URLCONF = "ceiling.urls"
WSGI_APPLICATION = "ceiling.wsgi.application"
# As Till's: persistent connections with health checks.
DATABASES = {"default": env.db("CEILING_DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = 60
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = False
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "root": {"handlers": [], "level": "WARNING"}}
