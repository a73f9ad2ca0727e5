"""Card numbers: validation, brands, fingerprints, and Stripe's catalogue of test cards.

A card number or CVC never leaves this module's callers except as brand, last4, expiry,
funding, country and a keyed fingerprint. The test-card table is the one place where a test
card's behaviour is written down; the simulated processor reads it.
"""

import hashlib
import hmac
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings


class Behaviour(StrEnum):
    """What the simulated processor does with a card."""

    SUCCEED = "succeed"
    DECLINE = "decline"  # declines on attach/setup and on every charge (validated card)
    DECLINE_CHARGES = "decline_charges"  # attaches fine; every charge is declined
    DISPUTE = "dispute"  # charge succeeds, then a dispute opens
    DISPUTE_INQUIRY = "dispute_inquiry"
    REFUND_FAIL = "refund_fail"  # refunds are accepted, then fail
    AUTH_ALWAYS = "auth_always"  # 3-D Secure every time; off-session fails
    AUTH_ON_SETUP = "auth_on_setup"  # 3DS on-session; once set up, off-session succeeds
    AUTH_ON_SESSION = "auth_on_session"  # off-session succeeds, on-session needs 3DS
    AUTH_THEN_DECLINE = "auth_then_decline"  # 3DS, then the decline in `decline_code`
    AUTH_OPTIONAL = "auth_optional"  # 3DS supported, not required: succeeds


@dataclass(frozen=True)
class CardProfile:
    """How a test card number behaves on the simulated processor."""

    number: str
    brand: str
    behaviour: Behaviour = Behaviour.SUCCEED
    funding: str = "credit"
    country: str = "US"
    code: str | None = None  # the error code of a decline
    decline_code: str | None = None
    dispute_reason: str | None = None  # the reason the bank gives when it disputes
    names: tuple[str, ...] = ()  # `visa` → pm_card_visa and tok_visa
    # What the bank's checks answer when the detail is given (Stripe's `card.checks`).
    cvc_check: str = "pass"
    address_line1_check: str = "pass"
    address_postal_code_check: str = "pass"
    # The fraud screen's rating of a payment with it: normal, elevated or highest (blocked).
    risk_level: str = "normal"

    @property
    def tests_address(self) -> bool:
        """An address-check test card: its test id carries an address, so the checks show."""
        return (self.address_line1_check, self.address_postal_code_check) != ("pass", "pass")


def _decline(number: str, code: str, decline_code: str | None, *names: str,
             behaviour: Behaviour = Behaviour.DECLINE) -> CardProfile:
    return CardProfile(number, "visa", behaviour, code=code, decline_code=decline_code,
                    names=names)


TEST_CARDS: tuple[CardProfile, ...] = (
    CardProfile("4242424242424242", "visa", names=("visa",)),
    CardProfile("4000056655665556", "visa", funding="debit", names=("visa_debit",)),
    CardProfile("5555555555554444", "mastercard", names=("mastercard",)),
    CardProfile("2223003122003222", "mastercard", names=("mastercard_2series",)),
    CardProfile("5200828282828210", "mastercard", funding="debit", names=("mastercard_debit",)),
    CardProfile("5105105105105100", "mastercard", funding="prepaid",
             names=("mastercard_prepaid",)),
    CardProfile("378282246310005", "amex", names=("amex",)),
    CardProfile("6011111111111117", "discover", names=("discover",)),
    CardProfile("3056930009020004", "diners", names=("diners",)),
    CardProfile("3566002020360505", "jcb", country="JP", names=("jcb",)),
    CardProfile("6200000000000005", "unionpay", country="CN", names=("unionpay",)),
    CardProfile("4000000000000077", "visa", names=("bypassPending",)),
    CardProfile("4000000760000002", "visa", country="BR", names=("br",)),
    CardProfile("4000001240000000", "visa", country="CA", names=("ca",)),
    CardProfile("4000004840008001", "visa", country="MX", names=("mx",)),
    CardProfile("4000000400000008", "visa", country="AT", names=("at",)),
    CardProfile("4000002500000003", "visa", country="FR", names=("fr",)),
    CardProfile("4000002760000016", "visa", country="DE", names=("de",)),
    CardProfile("4000008260000000", "visa", country="GB", names=("gb",)),
    CardProfile("4000003920000003", "visa", country="JP", names=("jp",)),
    CardProfile("4000000000000093", "visa", names=("domesticPricing",)),
    CardProfile("4000000000000010", "visa", address_line1_check="fail",
                address_postal_code_check="fail", names=("avsFail",)),
    CardProfile("4000000000000028", "visa", address_line1_check="fail",
                names=("avsLine1Fail",)),
    CardProfile("4000000000000036", "visa", address_postal_code_check="fail",
                names=("avsZipFail",)),
    CardProfile("4000000000000044", "visa", address_line1_check="unavailable",
                address_postal_code_check="unavailable", names=("avsUnchecked",)),
    CardProfile("4000000000000101", "visa", cvc_check="fail", names=("cvcCheckFail",)),
    CardProfile("4000000000009235", "visa", risk_level="elevated",
                names=("riskLevelElevated",)),
    CardProfile("4000000000004954", "visa", risk_level="highest", code="card_declined",
                decline_code="fraudulent", names=("riskLevelHighest",)),
    CardProfile("4100000000000019", "visa", risk_level="highest", code="card_declined",
                decline_code="fraudulent", names=("radarBlock", "chargeDeclinedFraudulent")),
    _decline("4000000000000002", "card_declined", "generic_decline",
             "chargeDeclined", "visa_chargeDeclined"),
    _decline("4000000000009995", "card_declined", "insufficient_funds",
             "chargeDeclinedInsufficientFunds", "visa_chargeDeclinedInsufficientFunds"),
    _decline("4000000000009987", "card_declined", "lost_card",
             "chargeDeclinedLostCard", "visa_chargeDeclinedLostCard"),
    _decline("4000000000009979", "card_declined", "stolen_card",
             "chargeDeclinedStolenCard", "visa_chargeDeclinedStolenCard"),
    _decline("4000000000000069", "expired_card", "expired_card",
             "chargeDeclinedExpiredCard", "visa_chargeDeclinedExpiredCard"),
    _decline("4000000000000127", "incorrect_cvc", "incorrect_cvc",
             "chargeDeclinedIncorrectCvc", "visa_chargeDeclinedIncorrectCvc"),
    _decline("4000000000000119", "processing_error", "processing_error",
             "chargeDeclinedProcessingError", "visa_chargeDeclinedProcessingError"),
    _decline("4000000000006975", "card_declined", "card_velocity_exceeded",
             "chargeDeclinedVelocityLimitExceeded",
             "visa_chargeDeclinedVelocityLimitExceeded"),
    _decline("4000000000000341", "card_declined", "generic_decline", "chargeCustomerFail",
             behaviour=Behaviour.DECLINE_CHARGES),
    CardProfile("4000000000000259", "visa", Behaviour.DISPUTE, dispute_reason="fraudulent",
             names=("createDispute",)),
    CardProfile("4000000000001976", "visa", Behaviour.DISPUTE_INQUIRY,
             dispute_reason="fraudulent", names=("createDisputeInquiry",)),
    CardProfile("4000000000002685", "visa", Behaviour.DISPUTE,
             dispute_reason="product_not_received", names=("createDisputeProductNotReceived",)),
    CardProfile("4000000000005126", "visa", Behaviour.REFUND_FAIL, names=("refundFail",)),
    CardProfile("4000002760003184", "visa", Behaviour.AUTH_ALWAYS, country="DE",
             names=("authenticationRequired",)),
    CardProfile("4000002500003155", "visa", Behaviour.AUTH_ON_SETUP, country="FR",
             names=("authenticationRequiredOnSetup",)),
    CardProfile("4000003800000446", "visa", Behaviour.AUTH_ON_SESSION, country="IE",
             names=("authenticationRequiredSetupForOffSession",)),
    CardProfile("4000008260003178", "visa", Behaviour.AUTH_THEN_DECLINE, country="GB",
             code="card_declined", decline_code="insufficient_funds",
             names=("authenticationRequiredChargeDeclinedInsufficientFunds",)),
    CardProfile("4000000000003220", "visa", Behaviour.AUTH_ALWAYS,
             names=("threeDSecure2Required",)),
    CardProfile("4000000000003063", "visa", Behaviour.AUTH_ALWAYS,
             names=("threeDSecureRequired",)),
    CardProfile("4000008400001629", "visa", Behaviour.AUTH_THEN_DECLINE, code="card_declined",
             decline_code="generic_decline", names=("threeDSecureRequiredChargeDeclined",)),
    CardProfile("4000000000003055", "visa", Behaviour.AUTH_OPTIONAL,
             names=("threeDSecureOptional",)),
)

_BY_NUMBER = {card.number: card for card in TEST_CARDS}
_BY_NAME = {name: card for card in TEST_CARDS for name in card.names}


def card_profile_for_number(number: str) -> CardProfile | None:
    return _BY_NUMBER.get(number)


def card_profile_for_name(name: str) -> CardProfile | None:
    """`visa` → the visa test card."""
    return _BY_NAME.get(name)


def card_profile_for_magic_id(magic_id: str) -> CardProfile | None:
    """`pm_card_visa` or `tok_visa` → the visa test card; anything else → None."""
    for prefix in ("pm_card_", "tok_"):
        if magic_id.startswith(prefix):
            return _BY_NAME.get(magic_id.removeprefix(prefix))
    return None


def card_checks(card: CardProfile | None, *, cvc: bool, line1: bool, postal_code: bool
                ) -> dict[str, str | None]:
    """Stripe's `card.checks` for the details given with a card: a check with nothing to
    check is null; a test card's profile says which fail (any other card passes)."""
    given = {"address_line1_check": line1, "address_postal_code_check": postal_code,
             "cvc_check": cvc}
    return {check: (getattr(card, check) if card else "pass") if was_given else None
            for check, was_given in given.items()}


def luhn_valid(number: str) -> bool:
    if not number.isdigit() or not 12 <= len(number) <= 19:
        return False
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def brand_for_number(number: str) -> str:
    """The card network from the number's leading digits (IIN ranges)."""
    two, four = int(number[:2]), int(number[:4])
    if number.startswith("4"):
        return "visa"
    if 51 <= two <= 55 or 2221 <= four <= 2720:
        return "mastercard"
    if two in (34, 37):
        return "amex"
    if number.startswith(("6011", "65")) or 644 <= int(number[:3]) <= 649:
        return "discover"
    if two in (36, 38, 39) or 300 <= int(number[:3]) <= 305:
        return "diners"
    if 3528 <= four <= 3589:
        return "jcb"
    if two == 62:
        return "unionpay"
    return "unknown"


def fingerprint(number: str) -> str:
    """A keyed hash: the same card gives the same value for every merchant of this install,
    and the number cannot be recovered from it without the server's secret."""
    digest = hmac.new(settings.SECRET_KEY.encode(), b"card:" + number.encode(),
                      hashlib.sha256).hexdigest()
    return digest[:16]
