"""Small types every service shares."""

from enum import Enum
from typing import Literal, TypeVar

T = TypeVar("T")


class _NotGiven(Enum):
    NOT_GIVEN = "NOT_GIVEN"

    def __repr__(self) -> str:
        return "NOT_GIVEN"

    def __bool__(self) -> bool:
        return False


# An update's "leave as it is", distinct from None ("clear it").
NOT_GIVEN = _NotGiven.NOT_GIVEN
NotGiven = Literal[_NotGiven.NOT_GIVEN]
Maybe = T | NotGiven
