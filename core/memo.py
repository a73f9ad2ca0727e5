"""Reads made once per request: what every change in one API request reads alike (the
merchant's webhook endpoints, read by each of its transactions' events) is read the first
time and kept until the request ends. A write that changes such a read forgets it. A task's
unit of work (one subscription's renewal) is a scope of its own.

Outside a scope (the shell, other tasks) nothing is kept: each read goes to the database.
"""

import contextvars
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")

_kept: contextvars.ContextVar[dict[Hashable, Any] | None] = contextvars.ContextVar(
    "till_memo", default=None)


@contextmanager
def request_scope() -> Iterator[None]:
    """Around one request (or a task's unit of work): reads kept within it, dropped at its
    end."""
    token = _kept.set({})
    try:
        yield
    finally:
        _kept.reset(token)


def remembered(key: tuple[Hashable, ...], read: Callable[[], T]) -> T:
    """`read()`, or what it returned earlier in this request for the same key."""
    kept = _kept.get()
    if kept is None:
        return read()
    if key not in kept:
        kept[key] = read()
    return kept[key]


def forget(name: str) -> None:
    """Drops this request's kept reads whose key starts with `name` (after a write that
    changes them)."""
    kept = _kept.get()
    if kept:
        for key in [key for key in kept if key[0] == name]:
            del kept[key]
