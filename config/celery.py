import logging
import os
from logging.config import dictConfig

from celery import Celery
from celery.signals import setup_logging, task_postrun
from kombu.transport import TRANSPORT_ALIASES

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# `filesystem://` (the embedded broker) is kombu's transport with each message written whole
# before it is renamed into the queue (config/broker.py), in web, worker and beat alike.
TRANSPORT_ALIASES["filesystem"] = "config.broker:Transport"

app = Celery("till")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def _log_as_django_does(loglevel: int | None = None, **kwargs) -> None:
    """Worker and beat log through settings.LOGGING, as the web does: the same format, and
    secrets redacted from every line (Celery's own handlers would not). The root level is
    LOG_LEVEL, or --loglevel when that is more verbose (Celery's default, WARNING, never
    is)."""
    from django.conf import settings

    dictConfig(settings.LOGGING)
    root = logging.getLogger()
    if loglevel and loglevel < root.level:
        root.setLevel(loglevel)


@task_postrun.connect
def _close_old_database_connections(task=None, **kwargs) -> None:
    """What Django does after each request: drop a connection that broke or grew too old.

    With CELERY_DB_REUSE_MAX, each worker thread keeps its connection between tasks. Not
    for eager tasks: they run inside the caller's transaction."""
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
