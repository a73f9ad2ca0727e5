"""Postal addresses as Stripe hashes them, shown as lines (pages, PDFs, the dashboard)."""

from typing import Any


def address_lines(address: dict[str, Any] | None) -> list[str]:
    """A Stripe address hash as postal lines: street lines, `City, ST 94103`, country."""
    if not isinstance(address, dict):
        return []

    def join(separator: str, *parts: Any) -> str:
        return separator.join(str(part) for part in parts if part)

    locality = join(", ", address.get("city"),
                    join(" ", address.get("state"), address.get("postal_code")))
    lines = [address.get("line1"), address.get("line2"), locality, address.get("country")]
    return [str(line) for line in lines if line]
