"""What an API request writes about itself, joined to the transactions of the change it makes.

A money-moving POST with an `Idempotency-Key` writes two rows of its own besides the change:
the key's claim, before anything else, and the stored response, once the result is final.
Sent on their own they cost two transactions of their own around the change's. A service on
the hot path offers its transactions instead (DESIGN.md's phases): it calls `claim_here()`
first thing in its first transaction (core.phases.phase_one does), and `result_here(obj)`
in the transaction that makes `obj` the request's final result. Outside such a request both
are no-ops; what a request's writer does with them is the API's (api.idempotency).
"""

import contextvars
from typing import Protocol


class RequestWrites(Protocol):
    def claim(self) -> None:
        """Claims the request's key in the current transaction (raises if another has it:
        the change's transaction must then roll back)."""

    def result(self, obj: object) -> None:
        """`obj` is final in the current transaction: its response may be stored with it."""


_writer: contextvars.ContextVar[RequestWrites | None] = contextvars.ContextVar(
    "till_request_writes", default=None)


def claim_here() -> None:
    writer = _writer.get()
    if writer is not None:
        writer.claim()


def result_here(obj: object) -> None:
    writer = _writer.get()
    if writer is not None:
        writer.result(obj)


def bind(writer: RequestWrites | None) -> contextvars.Token:
    """Makes `writer` the current request's (the API view's), until `unbind`."""
    return _writer.set(writer)


def unbind(token: contextvars.Token) -> None:
    _writer.reset(token)
