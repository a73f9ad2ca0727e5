"""Who acts: an API key, a dashboard user or Till itself.

Every service that changes state takes the actor as an argument and writes it into the
status-change record; the wire (API key) and the dashboard (logged-in user) build it, tasks
pass `TILL`.
"""

from dataclasses import dataclass

USER_PREFIX = "user:"


@dataclass(frozen=True, slots=True)
class Actor:
    # `key_…` (an API key's id), `user:<pk>` (a dashboard user) or `till`.
    id: str

    @classmethod
    def api_key(cls, key_id: str) -> "Actor":
        return cls(key_id)

    @classmethod
    def user(cls, pk: int) -> "Actor":
        return cls(f"{USER_PREFIX}{pk}")

    @property
    def user_pk(self) -> int | None:
        rest = self.id.removeprefix(USER_PREFIX)
        return int(rest) if rest != self.id and rest.isdigit() else None

    @property
    def is_api_key(self) -> bool:
        return self.id.startswith("key_")

    def __str__(self) -> str:
        return self.id


TILL = Actor("till")
