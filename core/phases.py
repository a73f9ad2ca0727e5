"""Atomic phases around a call to a processor (DESIGN.md), written once.

Phase 1, the caller's: a short transaction locks the object, checks the transition, marks the
call in flight (an operation name, an attempt) and commits. `phased` runs the rest: phase 2
calls the processor outside any transaction, with an idempotency key made of the object's id
and attempt, so asking again gets the first answer; phase 3 locks the object anew and records
the answer, unless another process (a concurrent request, the recovery sweep) recorded this
attempt first. A crash between the phases leaves the marker, which the recovery sweep finds
and finishes through the same function.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from django.db import transaction

from core.db import batched
from core.request_writes import claim_here

Model = TypeVar("Model")
Answer = TypeVar("Answer")
Result = TypeVar("Result")


@contextmanager
def phase_one() -> Iterator[None]:
    """Phase 1's transaction: durable (never nested in another), its writes sent together
    when it ends (core.db.batched), the request's Idempotency-Key claimed with them
    (core.request_writes)."""
    with transaction.atomic(durable=True), batched():
        claim_here()
        yield


def phased(*, call: Callable[[], Answer], lock: Callable[[], Model],
           in_flight: Callable[[Model], bool], record: Callable[[Model, Answer], Result],
           recorded: Callable[[Model], Result]) -> Result:
    """Phases 2 and 3 of an operation whose marker phase 1 committed.

    `call` asks the processor; `lock` takes the object's row lock in a new transaction;
    `in_flight` tells whether the locked object still carries this attempt's marker;
    `record` writes the answer (and clears the marker) in that transaction, its writes sent
    together (core.db.batched); `recorded` is what to return when someone else already did."""
    answer = call()
    with transaction.atomic(durable=True):
        current = lock()
        if not in_flight(current):
            return recorded(current)
        with batched():
            return record(current, answer)
