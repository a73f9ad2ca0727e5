"""Correlation ids of the request being served, for log lines and `Event.request`.

These are tracing, not authority: nothing decides anything from them. Who acts is an
argument of every service (core.actor), never read from here.
"""

import contextvars

# The current request's id and idempotency key, set by the API's middleware; None outside a
# request (Celery tasks, the shell).
request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "request_id", default=None)
idempotency_key_var: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "idempotency_key", default=None)
