import os

from celery import Celery
from celery.signals import task_postrun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("till")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_postrun.connect
def _close_old_database_connections(task=None, **kwargs) -> None:
    """What Django does after each request: drop a connection that broke or grew too old.

    With CELERY_DB_REUSE_MAX, each worker thread keeps its connection between tasks. Not
    for eager tasks: they run inside the caller's transaction."""
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
