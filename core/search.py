"""What a search may name: each field of Stripe's search language an object offers, the
column it reads and how it compares.

The apps declare their objects' fields (payments/search.py); the wire's parser (api/search.py)
turns a query over them into a filter. A field's lookup comes from here, never from a query.
"""

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class SearchField:
    lookup: str  # ORM path, e.g. "status", "customer_id", "amount", "created"
    kind: Literal["string", "number", "timestamp", "token"]  # token: exact match only
    substring: bool = False  # allows `~`
