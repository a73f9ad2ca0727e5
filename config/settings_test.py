"""The test suite's settings: the environment's, with test defaults set before they are read.

(A conftest.py is imported after pytest-django has read the settings: too late for these.)
"""

import os
from urllib.parse import urlsplit, urlunsplit

os.environ.setdefault("TILL_TASKS_EAGER", "true")
# Rate limits are tested on their own with small limits; elsewhere they must not interfere.
os.environ.setdefault("TILL_RATE_LIMIT_TEST", "100000")
os.environ.setdefault("TILL_RATE_LIMIT_LIVE", "100000")
os.environ.setdefault("TILL_RATE_LIMIT_ANONYMOUS", "100000")

# Under pytest-xdist each worker gets a Redis database of its own (the next numbers after
# REDIS_URL's), as it gets a test database of its own: tests clear the cache and empty the
# broker's queues, which must not reach into another worker's test.
if (worker := os.environ.get("PYTEST_XDIST_WORKER")) and os.environ.get("REDIS_URL"):
    _redis = urlsplit(os.environ["REDIS_URL"])
    _db = (int(_redis.path.strip("/") or 0) + int(worker.removeprefix("gw"))) % 16
    os.environ["REDIS_URL"] = urlunsplit(_redis._replace(path=f"/{_db}"))
    os.environ.pop("CELERY_BROKER_URL", None)

from config.settings import *  # noqa: E402, F403
