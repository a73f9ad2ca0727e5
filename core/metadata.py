"""Stripe's metadata semantics, for every object that has metadata.

An update is a hash of changes: a value sets a key, None removes it; `CLEAR_ALL` (the wire's
`metadata=`) removes every key. At most 50 keys remain.
"""

from typing import Any

from core.exceptions import InvalidParameter

METADATA_MAX_KEYS = 50


class CLEAR_ALL:  # noqa: N801 - a sentinel, read as a constant
    """`metadata=`: every key removed."""


MetadataUpdate = dict[str, str | None] | type[CLEAR_ALL]


def metadata_apply(current: dict[str, str], update: MetadataUpdate | None) -> dict[str, str]:
    """`current` with `update` applied (None: unchanged), checking the key limit."""
    if update is None:
        return dict(current)
    if update is CLEAR_ALL:
        return {}
    merged: dict[str, Any] = dict(current)
    for key, value in update.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    if len(merged) > METADATA_MAX_KEYS:
        raise InvalidParameter(f"Invalid metadata: can have at most {METADATA_MAX_KEYS} keys.",
                               param="metadata")
    return merged
