"""Secrets never reach a log line: a filter on every handler (Django's, gunicorn's, Celery's,
see LOGGING, gunicorn.conf.py and config/celery.py) redacts them from each record, its
arguments and its exception text included.

What is redacted: secret and restricted API keys (`sk_`/`rk_`, live and test), the client
secrets of payment and setup intents (`pi_…_secret_…`, `seti_…_secret_…`; the intent's id
stays), webhook signing secrets (`whsec_…`), the tokens in hosted pages' paths (`/checkout/c/…`,
`/checkout/l/…`, `/portal/p/…`, `/i/in_…/…`, `/receipts/ch_…/…`), HTTP Basic credentials, and
card numbers (13 to
19 digits, possibly grouped by spaces or dashes, that pass the Luhn check).
"""

import base64
import binascii
import logging
import re

REDACTED = "[REDACTED]"

_TOKENS = [
    # The prefix stays, to tell what was there: `sk_test_[REDACTED]`.
    re.compile(r"(?<![A-Za-z0-9])((?:sk|rk)_(?:live|test)_)[A-Za-z0-9]+"),
    re.compile(r"(?<![A-Za-z0-9])((?:pi|seti)_[A-Za-z0-9]+_secret_)[A-Za-z0-9]+"),
    re.compile(r"(?<![A-Za-z0-9])(whsec_)[A-Za-z0-9]+"),
    # The bearer tokens of hosted pages' paths (a Checkout Session's, a payment link's, the
    # customer portal's, an invoice's link, a receipt's): the path's kind and object id stay.
    re.compile(r"(/(?:checkout/[cl]|portal/p)/)[A-Za-z0-9]+"),
    re.compile(r"(/(?:i/in|receipts/ch)_[A-Za-z0-9]+/)[A-Za-z0-9_]+"),
]
_BASIC = re.compile(r"(?i)(?<![A-Za-z0-9])(basic\s+)([A-Za-z0-9+/]{4,}={0,2})")
# Runs of digits, single spaces or dashes between them: candidates for card numbers.
_DIGIT_RUN = re.compile(r"(?<![0-9])[0-9]+(?:[ -][0-9]+)*(?![0-9])")
_CARD_DIGITS = range(13, 20)


def _luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        if index % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def _redact_cards(match: re.Match) -> str:
    """A run of digit groups, with every span of whole groups that reads as a card number
    (13–19 digits, Luhn-valid) redacted: `4242 4242 4242 4242 123` loses the card, not the
    trailing group."""
    run = match.group(0)
    groups = re.split(r"([ -])", run)  # digits, separator, digits, ...
    digits = groups[::2]
    if sum(map(len, digits)) < _CARD_DIGITS[0]:
        return run
    redacted = [False] * len(digits)
    for start in range(len(digits)):
        joined = ""
        for end in range(start, len(digits)):
            joined += digits[end]
            if len(joined) > _CARD_DIGITS[-1]:
                break
            if len(joined) in _CARD_DIGITS and _luhn_valid(joined):
                redacted[start:end + 1] = [True] * (end + 1 - start)
    out: list[str] = []
    for index, group in enumerate(digits):
        joined_to_previous = index > 0 and redacted[index] and redacted[index - 1]
        if index and not joined_to_previous:
            out.append(groups[2 * index - 1])
        if not redacted[index]:
            out.append(group)
        elif not joined_to_previous:
            out.append(REDACTED)
    return "".join(out)


def _redact_basic(match: re.Match) -> str:
    try:
        decoded = base64.b64decode(match.group(2), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return match.group(0)
    return match.group(1) + REDACTED if ":" in decoded else match.group(0)


def redact(text: str) -> str:
    """`text` with every secret and card number in it replaced by [REDACTED]."""
    for pattern in _TOKENS:
        text = pattern.sub(lambda match: match.group(1) + REDACTED, text)
    text = _BASIC.sub(_redact_basic, text)
    return _DIGIT_RUN.sub(_redact_cards, text)


class RedactSecretsFilter(logging.Filter):
    """Redacts secrets from a record before any handler formats it: the message with its
    arguments, the exception's text and the stack. Installed on handlers, so it sees the
    records of every logger that propagates to them."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad format: the handler reports it as usual
            return True
        redacted = redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
