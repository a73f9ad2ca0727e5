"""Running requests in threads released at the same moment, for the race tests on PostgreSQL.

A plain module rather than conftest: it is a helper the race tests import, not a fixture or
a hook, so pytest has no business loading it for every test.
"""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def run_together(count: int, request: Callable[[int], Any], *,
                 prepare: Callable[[int], None] | None = None,
                 timeout: float = 90) -> list[Any]:
    """Runs `request(i)` in `count` threads released at the same moment; their answers.

    Each thread has its own database connection, closed when it is done. `prepare(i)`, if
    given, runs in thread i before the barrier (say, logging a client in), so the requests
    still start together. `timeout` is how long the main thread waits for each thread.
    """
    barrier = threading.Barrier(count)
    answers: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            if prepare is not None:
                prepare(index)
            barrier.wait(timeout=30)
            answers[index] = request(index)
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not errors, errors
    assert all(answer is not None for answer in answers), "a thread did not finish"
    return answers
