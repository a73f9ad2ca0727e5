"""Dunning's rules, pure: which declines are never retried, and when a failed renewal's next
retry falls on the merchant's schedule (days after the first failure)."""

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

# Stripe's hard declines (its list of non-retryable decline codes, with `expired_card`, which
# no retry can make good either): no automatic retry follows one; a new payment method can.
HARD_DECLINE_CODES = frozenset({
    "authentication_required", "expired_card", "highest_risk_level", "incorrect_number",
    "lost_card", "pickup_card", "revocation_of_all_authorizations",
    "revocation_of_authorization", "stolen_card",
})


def is_hard_decline(error: dict[str, Any] | None) -> bool:
    """Whether a payment's error (an intent's `last_payment_error`) is a hard decline: its
    `decline_code`, or its `code` when the bank gave none of its own."""
    if not error:
        return False
    return bool({error.get("decline_code"), error.get("code")} & HARD_DECLINE_CODES)


def next_attempt_at(*, first_attempt_at: datetime, attempt_count: int,
                    retry_days: Sequence[int]) -> datetime | None:
    """When the automatic retry after `attempt_count` failed attempts falls (the first
    attempt and attempt_count - 1 retries so far), or None when the schedule is spent."""
    retries_made = max(attempt_count - 1, 0)
    if retries_made >= len(retry_days):
        return None
    return first_attempt_at + timedelta(days=retry_days[retries_made])
