"""The processor interface: what Till asks of whoever moves the money.

Every call carries an idempotency key derived from Till's object id and attempt, so asking
twice (a retry, the recovery task after a crash) gets the first answer, never a second
charge. Results are typed values; a processor raises only ProcessorUnavailable.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

from core.exceptions import ServiceUnavailable


class ProcessorUnavailable(ServiceUnavailable):
    """The processor could not be reached or answered nonsense: retry with the same key.

    A domain error (core.exceptions.ServiceUnavailable): a request that meets it answers a
    clean `api_error`, and the object it was moving keeps its call in flight for the
    recovery sweep, which asks again under the same key."""

    def __init__(self, message: str = "The payment processor could not be reached.",
                 **kwargs: Any) -> None:
        super().__init__(message, **kwargs)


class Outcome(StrEnum):
    SUCCEEDED = "succeeded"  # authorized and captured
    AUTHORIZED = "authorized"  # a hold, to capture later
    PENDING = "pending"  # accepted; settles asynchronously
    REQUIRES_ACTION = "requires_action"  # the cardholder must authenticate (3-D Secure)
    DECLINED = "declined"


@dataclass(frozen=True)
class Decline:
    code: str
    message: str
    decline_code: str | None = None
    param: str | None = None
    advice_code: str | None = None


@dataclass(frozen=True)
class CardCheck:
    """What tokenizing a card learned: nothing is kept of the number but these."""

    token: str
    brand: str
    funding: str
    country: str
    # The bank's answers for the CVC and address given (Stripe's `card.checks`).
    checks: dict[str, str | None]


@dataclass(frozen=True)
class RemoteCard:
    """A card a processor tokenized itself (Stripe.js returned its id to the customer's
    browser): what Till mirrors of it as its own PaymentMethod."""

    token: str  # the processor's id for the card (Stripe's pm_…)
    brand: str
    funding: str
    country: str
    last4: str
    exp_month: int
    exp_year: int
    fingerprint: str
    checks: dict[str, str | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Authorization:
    outcome: Outcome
    reference: str  # the processor's id for this authorization
    decline: Decline | None = None
    network_status: str = "approved_by_network"
    risk_level: str = "normal"
    risk_score: int = 20
    authorization_code: str | None = None
    # The card network's id for the authorization: a merchant-initiated payment later on the
    # same card cites it (Stripe's payment_method_details.card.network_transaction_id).
    network_transaction_id: str | None = None
    blocked: bool = False  # the processor's fraud screen refused it (not sent to the bank)
    # REQUIRES_ACTION from a processor that runs 3-D Secure itself: its own next action
    # (Stripe's), shown to the customer instead of Till's challenge page.
    next_action: dict[str, Any] | None = None
    # What the processor charged for a captured payment, where it says (Stripe's balance
    # transaction): the ledger books it as the charge's fee instead of the merchant's pricing.
    fee: int | None = None


@dataclass(frozen=True)
class AuthorizeRequest:
    idempotency_key: str
    amount: int
    currency: str
    card_token: str
    capture: bool  # capture at once (automatic) or hold (manual)
    settle_async: bool  # automatic_async: accepted now, settled in the background
    off_session: bool
    authenticated: bool  # the cardholder has just passed 3-D Secure for this payment
    card_set_up: bool  # the card was saved for off-session use with authentication
    cvc_check: str | None = None  # the CVC check's answer when the card was tokenized
    # Till's ids, for a processor that keeps its own twins of them (a customer mirrored to
    # Stripe): the intent paid for, its customer, and whether the card is saved to it.
    payment_intent: str = ""
    customer: str | None = None
    card_saved: bool = False
    setup_future_usage: str | None = None


@dataclass(frozen=True)
class Settlement:
    """The answer about an accepted payment: settled, failed, or still on its way."""

    outcome: Outcome  # SUCCEEDED, DECLINED or PENDING
    decline: Decline | None = None
    fee: int | None = None  # as Authorization.fee, for what this settlement captured


@dataclass(frozen=True)
class RefundResult:
    """The processor's answer to a refund request: accepted (PENDING, settled later),
    SUCCEEDED at once, or DECLINED."""

    outcome: Outcome
    reference: str  # the processor's id for this refund
    decline: Decline | None = None


@dataclass(frozen=True)
class DisputeExpectation:
    """What the card's bank will open on a successful charge: a chargeback (the disputed
    amount and the fee are withdrawn) or, with `inquiry`, an inquiry (nothing withdrawn
    unless it escalates to a chargeback)."""

    reason: str  # Stripe's dispute reason: fraudulent, product_not_received, ...
    inquiry: bool = False


class Processor(Protocol):
    name: str
    # The account at the processor that moves the money (Stripe's acct_…; "" for the
    # simulated processor, or a key that may not read its account): recorded on each charge.
    account_id: str
    # Whether card numbers may be sent to Till at all: the simulated processor tokenizes
    # them; with a real one, cards are tokenized in the customer's browser (Stripe.js) and
    # Till sees only the processor's id for the card.
    takes_card_numbers: bool

    def card_lookup(self, *, reference: str) -> RemoteCard | None:
        """A card the processor tokenized itself, by its id there (None: no such card)."""

    def tokenize_card(self, *, number: str, cvc: bool, line1: bool, postal_code: bool
                      ) -> CardCheck:
        """Tokenizes a card number; the flags say which details came with it (a CVC, an
        address line, a postal code), for the checks."""

    def verify_card(self, *, card_token: str) -> Decline | None:
        """Checks a card being saved (attach, setup): validated cards decline here."""

    def setup_requires_authentication(self, *, card_token: str) -> bool: ...

    def authorize(self, request: AuthorizeRequest) -> Authorization: ...

    def settlement(self, *, idempotency_key: str, reference: str) -> Settlement: ...

    def capture(self, *, idempotency_key: str, reference: str, amount: int) -> Settlement: ...

    def void(self, *, idempotency_key: str, reference: str) -> None: ...

    def refund(self, *, idempotency_key: str, reference: str, amount: int, currency: str,
               card_token: str) -> RefundResult:
        """Gives `amount` of the authorization `reference` back to the card."""

    def refund_status(self, *, idempotency_key: str, reference: str) -> Settlement:
        """Where an accepted refund stands: SUCCEEDED, DECLINED or still PENDING."""

    def dispute_expected(self, *, card_token: str) -> DisputeExpectation | None:
        """The dispute the card's bank will open on a successful charge (a lookup of what
        the processor knows of the card, no call), or None."""

    def disputing_card_tokens(self) -> frozenset[str]:
        """The tokens of every card whose bank disputes its successful charges (the test
        cards that do): what the sweep for lost dispute openings looks for. A processor
        that reports disputes itself (by webhook) has none."""

    def dispute_decide(self, *, idempotency_key: str, reference: str,
                       evidence: dict[str, str]) -> bool:
        """The bank's decision on submitted evidence: True if the merchant won (an inquiry
        closes; a chargeback is won), False if not (an inquiry escalates to a chargeback; a
        chargeback is lost)."""
