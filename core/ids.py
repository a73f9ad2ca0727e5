import secrets
import string

_ALPHABET = string.ascii_letters + string.digits


def random_token(length: int) -> str:
    """`length` characters drawn uniformly from base62: random bytes below 248 (4 × 62, so
    no value is likelier than another) taken modulo 62. One system call instead of one
    `secrets.choice` per character."""
    out: list[str] = []
    while len(out) < length:
        out.extend(_ALPHABET[byte % 62] for byte in secrets.token_bytes(length + 8)
                   if byte < 248)
    return "".join(out[:length])


def new_id(prefix: str) -> str:
    """A prefixed random id (`cus_…`): 24 base62 characters, about 143 bits."""
    return f"{prefix}_{random_token(24)}"


class IdFactory:
    """A picklable default for a model's id field, so migrations can reference it."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def __call__(self) -> str:
        return new_id(self.prefix)

    def deconstruct(self) -> tuple[str, tuple[str], dict]:
        return ("core.ids.IdFactory", (self.prefix,), {})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, IdFactory) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash(self.prefix)
