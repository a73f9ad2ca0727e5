"""The simulated processor: the default in test mode, and a real component.

It decides outcomes from Stripe's test cards (payments.cards holds the table), remembers
every request by its idempotency key in its own ledger (SimulatedOperation) and answers a
repeat with the first answer, holds authorizations until captured or voided, and settles
`automatic_async` payments after TILL_SIMULATED_SETTLEMENT_SECONDS, as an acquirer would.
"""

import secrets
import string
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError

from core import clock
from core.db import unique_insert
from core.ids import random_token
from payments.cards import (
    TEST_CARDS,
    Behaviour,
    CardProfile,
    brand_for_number,
    card_checks,
    card_profile_for_name,
    card_profile_for_number,
)
from payments.models import SimulatedOperation
from payments.processors.base import (
    Authorization,
    AuthorizeRequest,
    CardCheck,
    Decline,
    DisputeExpectation,
    Outcome,
    RefundResult,
    RemoteCard,
    Settlement,
)

TOKEN_PREFIX = "sim_"  # noqa: S105 - a prefix, not a credential
# A valid number that is not one of the test cards: test mode declines it, as Stripe does.
LIVE_CARD = "live_card"
# Stripe's test-mode evidence text that wins a dispute.
WINNING_EVIDENCE = "winning_evidence"

DECLINE_MESSAGES = {
    "generic_decline": "Your card was declined.",
    "insufficient_funds": "Your card has insufficient funds.",
    "lost_card": "Your card was declined.",
    "stolen_card": "Your card was declined.",
    "fraudulent": "Your card was declined.",
    "expired_card": "Your card has expired.",
    "incorrect_cvc": "Your card's security code is incorrect.",
    "processing_error": "An error occurred while processing your card. Try again in a little "
                        "bit.",
    "card_velocity_exceeded": "Your card was declined for making repeated attempts too "
                              "frequently or exceeding its amount limit.",
    "authentication_required": "Your card was declined. This transaction requires "
                               "authentication.",
    "test_mode_live_card": "Your card was declined. Your request was in test mode, but used a "
                           "non test card. For a list of valid test cards, visit: "
                           "https://stripe.com/docs/testing.",
}
_PARAMS = {"incorrect_cvc": "cvc"}
# Behaviours that decline a card being saved: attaching validates the card.
_DECLINE_ON_SAVE = {Behaviour.DECLINE}
# Behaviours whose bank disputes every successful charge, with the reason the card's profile
# gives: a chargeback, or an inquiry.
_DISPUTING = {Behaviour.DISPUTE, Behaviour.DISPUTE_INQUIRY}
# The fraud screen's score for each risk level; Stripe's default rule blocks the highest.
_RISK_SCORES = {"normal": 20, "elevated": 70, "highest": 95}
_AUTH_ON_SETUP = {Behaviour.AUTH_ALWAYS, Behaviour.AUTH_ON_SETUP, Behaviour.AUTH_THEN_DECLINE,
                  Behaviour.AUTH_ON_SESSION}


def _profile(card_token: str) -> CardProfile | None:
    return card_profile_for_name(card_token.removeprefix(TOKEN_PREFIX))


def _decline(code: str, decline_code: str | None = None) -> Decline:
    key = decline_code or code
    return Decline(code=code, decline_code=decline_code,
                   message=DECLINE_MESSAGES.get(key, DECLINE_MESSAGES["generic_decline"]),
                   param=_PARAMS.get(code))


def _card_decline(card: CardProfile) -> Decline:
    return _decline(card.code or "card_declined", card.decline_code)


AUTHENTICATION_REQUIRED = _decline("authentication_required", "authentication_required")


class SimulatedProcessor:
    name = "simulated"
    account_id = ""
    takes_card_numbers = True

    # -- cards ---------------------------------------------------------------------------

    def card_lookup(self, *, reference: str) -> RemoteCard | None:
        return None  # it tokenizes every card itself: no card of its own is outside Till

    def tokenize_card(self, *, number: str, cvc: bool, line1: bool, postal_code: bool
                      ) -> CardCheck:
        card = card_profile_for_number(number)
        checks = card_checks(card, cvc=cvc, line1=line1, postal_code=postal_code)
        if card is None:
            return CardCheck(token=TOKEN_PREFIX + LIVE_CARD, brand=brand_for_number(number),
                             funding="credit", country="US", checks=checks)
        return CardCheck(token=TOKEN_PREFIX + card.names[0], brand=card.brand,
                         funding=card.funding, country=card.country, checks=checks)

    def verify_card(self, *, card_token: str) -> Decline | None:
        if card_token == TOKEN_PREFIX + LIVE_CARD:
            return _decline("card_declined", "test_mode_live_card")
        card = _profile(card_token)
        if card is not None and card.behaviour in _DECLINE_ON_SAVE:
            return _card_decline(card)
        return None

    def setup_requires_authentication(self, *, card_token: str) -> bool:
        card = _profile(card_token)
        return card is not None and card.behaviour in _AUTH_ON_SETUP

    # -- payments ------------------------------------------------------------------------

    def authorize(self, request: AuthorizeRequest) -> Authorization:
        # A repeat of a key gets the first answer: _remember keeps whichever came first.
        reference = "simauth_" + random_token(20)
        card = _profile(request.card_token)
        risk_level = card.risk_level if card is not None else "normal"
        decision = self._decide(request, card)
        if risk_level == "highest":
            result = Authorization(outcome=Outcome.DECLINED, reference=reference,
                                   decline=decision.decline, risk_level=risk_level,
                                   risk_score=_RISK_SCORES[risk_level],
                                   network_status="not_sent_to_network", blocked=True)
        elif decision is None:
            result = Authorization(outcome=self._success(request), reference=reference,
                                   authorization_code=random_token(6).upper(),
                                   network_transaction_id=_network_transaction_id(),
                                   risk_level=risk_level, risk_score=_RISK_SCORES[risk_level])
        elif decision.outcome == Outcome.REQUIRES_ACTION:
            result = Authorization(outcome=Outcome.REQUIRES_ACTION, reference=reference)
        else:
            unsent = decision.decline is AUTHENTICATION_REQUIRED
            result = Authorization(outcome=Outcome.DECLINED, reference=reference,
                                   decline=decision.decline, risk_score=35,
                                   network_status="not_sent_to_network" if unsent
                                   else "declined_by_network")
        settle_at = None
        if result.outcome == Outcome.PENDING:
            settle_at = (clock.now() + timedelta(
                seconds=settings.TILL_SIMULATED_SETTLEMENT_SECONDS)).isoformat()
        return _authorization(self._remember(
            key=request.idempotency_key, kind="authorize", reference=reference,
            amount=request.amount, currency=request.currency, result=_as_dict(result),
            settle_at=settle_at))

    @staticmethod
    def _success(request: AuthorizeRequest) -> Outcome:
        if not request.capture:
            return Outcome.AUTHORIZED
        return Outcome.PENDING if request.settle_async else Outcome.SUCCEEDED

    @staticmethod
    def _decide(request: AuthorizeRequest, card: CardProfile | None) -> Settlement | None:
        """None: approved. Otherwise a decline or a demand for authentication."""
        if request.card_token == TOKEN_PREFIX + LIVE_CARD:
            return Settlement(Outcome.DECLINED, _decline("card_declined", "test_mode_live_card"))
        if card is None:
            return Settlement(Outcome.DECLINED, _decline("card_declined", "generic_decline"))
        behaviour = card.behaviour
        if behaviour in (Behaviour.DECLINE, Behaviour.DECLINE_CHARGES) \
                or card.risk_level == "highest":
            return Settlement(Outcome.DECLINED, _card_decline(card))
        if request.cvc_check == "fail":  # Stripe's default rule: a failed CVC check declines
            return Settlement(Outcome.DECLINED, _decline("incorrect_cvc", "incorrect_cvc"))
        needs_authentication = {
            Behaviour.AUTH_ALWAYS: True,
            Behaviour.AUTH_THEN_DECLINE: True,
            Behaviour.AUTH_ON_SETUP: not (request.off_session and request.card_set_up),
            Behaviour.AUTH_ON_SESSION: not request.off_session,
        }.get(behaviour, False)
        if needs_authentication and not request.authenticated:
            if request.off_session:
                return Settlement(Outcome.DECLINED, AUTHENTICATION_REQUIRED)
            return Settlement(Outcome.REQUIRES_ACTION)
        if behaviour == Behaviour.AUTH_THEN_DECLINE:
            return Settlement(Outcome.DECLINED, _card_decline(card))
        return None

    def settlement(self, *, idempotency_key: str, reference: str) -> Settlement:
        """Where an accepted (pending) payment stands: settled once its time has come."""
        stored = self._stored(idempotency_key)
        if stored is None or stored.reference != reference:
            return Settlement(Outcome.DECLINED, _decline("processing_error"))
        settle_at = stored.result.get("settle_at")
        if settle_at and clock.now().isoformat() < settle_at:
            return Settlement(Outcome.PENDING)
        return Settlement(Outcome.SUCCEEDED)

    def capture(self, *, idempotency_key: str, reference: str, amount: int) -> Settlement:
        self._remember(key=idempotency_key, kind="capture", reference=reference,
                       amount=amount, result={"outcome": Outcome.SUCCEEDED})
        return Settlement(Outcome.SUCCEEDED)

    def void(self, *, idempotency_key: str, reference: str) -> None:
        self._remember(key=idempotency_key, kind="void", reference=reference,
                       result={"outcome": "voided"})

    # -- refunds -------------------------------------------------------------------------

    def refund(self, *, idempotency_key: str, reference: str, amount: int, currency: str,
               card_token: str) -> RefundResult:
        """Accepts every refund; it settles after TILL_SIMULATED_SETTLEMENT_SECONDS, and
        fails then for a card whose profile says so (pm_card_refundFail)."""
        card = _profile(card_token)
        settle_at = (clock.now() + timedelta(
            seconds=settings.TILL_SIMULATED_SETTLEMENT_SECONDS)).isoformat()
        result = self._remember(
            key=idempotency_key, kind="refund", reference=reference, amount=amount,
            currency=currency, settle_at=settle_at,
            result={"outcome": Outcome.PENDING.value, "refund": "simre_" + random_token(20),
                    "fails": card is not None and card.behaviour == Behaviour.REFUND_FAIL})
        return RefundResult(outcome=Outcome(result["outcome"]), reference=result["refund"])

    def refund_status(self, *, idempotency_key: str, reference: str) -> Settlement:
        stored = self._stored(idempotency_key)
        if stored is None or stored.kind != "refund" or stored.result.get("refund") != reference:
            return Settlement(Outcome.DECLINED, _decline("processing_error"))
        settle_at = stored.result.get("settle_at")
        if settle_at and clock.now().isoformat() < settle_at:
            return Settlement(Outcome.PENDING)
        if stored.result.get("fails"):
            return Settlement(Outcome.DECLINED, Decline(
                code="declined", message="The card refused the refund."))
        return Settlement(Outcome.SUCCEEDED)

    # -- disputes ------------------------------------------------------------------------

    def dispute_expected(self, *, card_token: str) -> DisputeExpectation | None:
        """The dispute test cards' banks dispute every successful charge, for the reason in
        the card's profile: pm_card_createDispute (fraudulent) and
        pm_card_createDisputeProductNotReceived with a chargeback,
        pm_card_createDisputeInquiry with an inquiry."""
        card = _profile(card_token)
        if card is None or card.behaviour not in _DISPUTING:
            return None
        return DisputeExpectation(reason=card.dispute_reason or "general",
                                  inquiry=card.behaviour == Behaviour.DISPUTE_INQUIRY)

    def disputing_card_tokens(self) -> frozenset[str]:
        return frozenset(TOKEN_PREFIX + name for card in TEST_CARDS
                         if card.behaviour in _DISPUTING for name in card.names)

    def dispute_decide(self, *, idempotency_key: str, reference: str,
                       evidence: dict[str, str]) -> bool:
        """As Stripe's test mode: evidence containing `winning_evidence` wins, anything else
        (`losing_evidence`) loses; the same rule for an inquiry and a chargeback. The first
        decision for a key is kept."""
        won = any(WINNING_EVIDENCE in str(text) for text in evidence.values() if text)
        result = self._remember(key=idempotency_key, kind="dispute", reference=reference,
                                result={"won": won})
        return bool(result["won"])

    # -- the ledger ----------------------------------------------------------------------

    @staticmethod
    def _stored(key: str) -> SimulatedOperation | None:
        return SimulatedOperation.objects.filter(pk=key).first()

    @staticmethod
    def _remember(*, key: str, kind: str, reference: str, result: dict[str, Any],
                  amount: int = 0, currency: str = "", settle_at: str | None = None
                  ) -> dict[str, Any]:
        """Stores the first answer to `key`; a concurrent twin's answer wins if it was first."""
        if settle_at:
            result = {**result, "settle_at": settle_at}
        try:
            with unique_insert():
                SimulatedOperation.objects.create(idempotency_key=key, kind=kind,
                                                  reference=reference, amount=amount,
                                                  currency=currency, result=result)
        except IntegrityError:
            return SimulatedOperation.objects.get(pk=key).result
        return result


def _network_transaction_id() -> str:
    """A network's transaction id: 15 digits, as Visa's are."""
    return "".join(secrets.choice(string.digits) for _ in range(15))


def _as_dict(result: Authorization) -> dict[str, Any]:
    decline = result.decline
    return {"outcome": result.outcome.value, "reference": result.reference,
            "decline": None if decline is None else decline.__dict__,
            "network_status": result.network_status, "risk_level": result.risk_level,
            "risk_score": result.risk_score, "authorization_code": result.authorization_code,
            "network_transaction_id": result.network_transaction_id,
            "blocked": result.blocked}


def _authorization(data: dict[str, Any]) -> Authorization:
    decline = data.get("decline")
    return Authorization(outcome=Outcome(data["outcome"]), reference=data["reference"],
                         decline=Decline(**decline) if decline else None,
                         network_status=data["network_status"], risk_level=data["risk_level"],
                         risk_score=data["risk_score"],
                         authorization_code=data.get("authorization_code"),
                         network_transaction_id=data.get("network_transaction_id"),
                         blocked=data.get("blocked", False))
