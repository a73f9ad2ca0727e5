"""The dispute tasks moved to disputes/tasks.py under the names they were queued with before
(`refunds.tasks.…`): a message already in the broker, or beat's schedule, still finds them."""

from django.conf import settings

from config.celery import app
from disputes import tasks

QUEUED_NAMES = ["refunds.tasks.dispute_open", "refunds.tasks.disputes_open_due",
                "refunds.tasks.dispute_decide", "refunds.tasks.disputes_decide_due",
                "refunds.tasks.disputes_expire_due"]


def test_a_worker_finds_the_dispute_tasks_under_their_old_names():
    # when a worker loads the apps' tasks (autodiscovery)
    app.loader.import_default_modules()

    # then every name a queued message may carry runs the task of disputes/
    assert {name: app.tasks[name].run.__module__ for name in QUEUED_NAMES} == dict.fromkeys(
        QUEUED_NAMES, tasks.__name__)
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"refunds.tasks.disputes_open_due", "refunds.tasks.disputes_decide_due",
            "refunds.tasks.disputes_expire_due"} <= scheduled <= set(app.tasks)
