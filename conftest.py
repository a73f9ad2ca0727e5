"""Test-wide environment, set before Django's settings are read."""

import os

os.environ.setdefault("TILL_TASKS_EAGER", "true")
# Rate limits are tested on their own with small limits; elsewhere they must not interfere.
os.environ.setdefault("TILL_RATE_LIMIT_TEST", "100000")
os.environ.setdefault("TILL_RATE_LIMIT_LIVE", "100000")
