"""Database helpers every app shares."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import transaction


@contextmanager
def unique_insert() -> Iterator[None]:
    """Around one INSERT whose IntegrityError is an answer (the row exists), not a failure.

    Inside a transaction, a savepoint keeps that transaction usable after the error. Outside
    one (autocommit), the INSERT is its own transaction already: wrapping it in atomic() would
    only add a BEGIN and a COMMIT round trip on the hot path.
    """
    if transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            yield
    else:
        yield
