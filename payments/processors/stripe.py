"""The Stripe processor: a merchant's own Stripe account moves the money, through the
official `stripe` SDK.

One `stripe.StripeClient` per connection (never the SDK's global key), pointed at
TILL_STRIPE_API_BASE when set (a Stripe-compatible server). Till's PaymentIntents drive
Stripe PaymentIntents: created and confirmed at once (on- or off-session, capture automatic
or manual), captured (all or part), canceled, refunded. Customers, and cards saved to them,
are mirrored to Stripe the first time a payment needs them (ProcessorMirror).

Idempotency, twice over. Every call that changes something carries Stripe's
Idempotency-Key made of Till's key (object id and attempt), so when an answer is lost after
Stripe acted, asking again replays Stripe's first answer instead of charging again. And an
answer Stripe did give is in the call log (ProcessorCall, written as soon as it arrives):
asking again for the same key reads the object back from Stripe instead of creating
another, which keeps a crash between the call and its recording harmless even on a server
that ignores idempotency keys.

Errors: a card error is Till's decline (Stripe's code and decline_code kept); a timeout, a
connection error, a 429 or a 5xx is ProcessorUnavailable (the call stays in flight for the
recovery sweep); any other refusal (an invalid request, a revoked key) fails the payment
with Stripe's message rather than leave it retrying forever.
"""

import logging
import time
from collections.abc import Callable
from typing import Any

import stripe
from django.conf import settings
from django.db import IntegrityError

from core.db import unique_insert
from core.exceptions import InvalidRequest
from payments.processors.base import (
    Authorization,
    AuthorizeRequest,
    CardCheck,
    Decline,
    DisputeExpectation,
    Outcome,
    ProcessorUnavailable,
    RefundResult,
    RemoteCard,
    Settlement,
)
from payments.processors.models import ProcessorCall, ProcessorConnection, ProcessorMirror

logger = logging.getLogger("till.processors.stripe")

CARD_NUMBERS_REFUSED = (
    "Card numbers cannot be sent to Till in this mode: its payments go through your Stripe "
    "account, and card details go to Stripe only. Collect the card with Stripe.js (your "
    "Stripe publishable key) and pass the PaymentMethod id it returns (pm_…) as "
    "payment_method.")
UNAVAILABLE = ("Till could not reach Stripe to complete this request. Nothing was charged "
               "twice: Till asks Stripe again shortly and records the outcome; retrieve the "
               "object to see it.")
# Keys of a Stripe answer never written to the call log.
_SECRET_FIELDS = {"client_secret", "secret", "secret_key"}
_SECRET_PREFIXES = ("sk_", "rk_", "whsec_")


class _Refused(Exception):  # noqa: N818 - Stripe answered no
    """Stripe answered with an error that is not an outage: a card error or a refusal."""

    def __init__(self, error: stripe.StripeError) -> None:
        super().__init__(str(error))
        self.error = error

    @property
    def code(self) -> str:
        return getattr(self.error, "code", None) or ""

    def decline(self) -> Decline:
        return _decline_of(self.error)

    def object_id(self) -> str:
        return _error_object_id(self.error)


def stripe_client(*, secret_key: str) -> stripe.StripeClient:
    """A client of its own for one key: no retries of its own (Till's phases and sweeps
    retry, with the same idempotency key), a timeout, and TILL_STRIPE_API_BASE if set."""
    base = settings.TILL_STRIPE_API_BASE
    return stripe.StripeClient(
        secret_key, base_addresses={"api": base} if base else None, max_network_retries=0,
        http_client=stripe.RequestsClient(timeout=settings.TILL_STRIPE_TIMEOUT))


class StripeProcessor:
    name = "stripe"
    takes_card_numbers = False

    def __init__(self, connection: ProcessorConnection, *, secret_key: str | None = None
                 ) -> None:
        """`secret_key`: a key being verified, for a connection not stored yet."""
        self.connection = connection
        self.client = stripe_client(secret_key=secret_key or connection.secret_key)

    @property
    def account_id(self) -> str:
        return self.connection.account_id

    # -- the account ---------------------------------------------------------------------

    def account_verify(self) -> str:
        """Proves the key with a harmless read (the balance, which restricted keys may
        read too), then returns the account's id, or "" when the key may not read it."""
        try:
            self._call("balance.retrieve", lambda: self.client.v1.balance.retrieve())
        except _Refused as refused:
            said = refused.error.user_message or refused.error
            raise InvalidRequest(f"Stripe refused this key: {said}",
                                 code="processor_key_invalid", param="secret_key") from None
        try:
            account = self._call("accounts.retrieve",
                                 lambda: self.client.v1.accounts.retrieve_current())
        except (_Refused, ProcessorUnavailable):
            return ""  # a restricted key, or a Stripe-compatible server without accounts
        return str(account.get("id") or "")

    def webhook_endpoint_register(self, *, url: str, events: list[str]
                                  ) -> tuple[str, str, str]:
        """Registers Till's inbound URL at the account for `events`: (Stripe's we_… id, its
        signing secret, "") or, when the key may not (a restricted key without the
        permission, a Stripe-compatible server without endpoints), ("", "", why)."""
        try:
            endpoint = self._call("webhook_endpoints.create",
                                  lambda: self.client.v1.webhook_endpoints.create(params={
                                      "url": url, "enabled_events": events,
                                      "description": "Till"}))
        except _Refused as refused:
            return "", "", str(refused.error.user_message or refused.error)
        except ProcessorUnavailable:
            return "", "", "Stripe could not be reached to register the endpoint."
        return str(endpoint.get("id") or ""), str(endpoint.get("secret") or ""), ""

    # -- cards ---------------------------------------------------------------------------

    def card_lookup(self, *, reference: str) -> RemoteCard | None:
        try:
            method = self._call("payment_methods.retrieve",
                                lambda: self.client.v1.payment_methods.retrieve(reference))
        except _Refused as refused:
            if refused.error.http_status == 404 or refused.code == "resource_missing":
                return None
            raise InvalidRequest(str(refused.error.user_message or refused.error),
                                 param="payment_method") from None
        card = _as_dict(method).get("card") or {}
        if method.get("type") != "card" or not card:
            raise InvalidRequest(f"The PaymentMethod {reference} is not a card.",
                                 param="payment_method")
        checks = card.get("checks") or {}
        return RemoteCard(
            token=method["id"], brand=card.get("brand") or "unknown",
            funding=card.get("funding") or "unknown", country=card.get("country") or "",
            last4=card.get("last4") or "", exp_month=int(card.get("exp_month") or 0),
            exp_year=int(card.get("exp_year") or 0),
            fingerprint=card.get("fingerprint") or "",
            checks={name: checks.get(name) for name in
                    ("address_line1_check", "address_postal_code_check", "cvc_check")})

    def tokenize_card(self, *, number: str, cvc: bool, line1: bool, postal_code: bool
                      ) -> CardCheck:
        raise InvalidRequest(CARD_NUMBERS_REFUSED, param="card[number]")

    def verify_card(self, *, card_token: str) -> Decline | None:
        # Stripe checks the card when it is first charged or attached to a customer there
        # (the first payment that needs it saved).
        return None

    def setup_requires_authentication(self, *, card_token: str) -> bool:
        return False

    # -- payments ------------------------------------------------------------------------

    def authorize(self, request: AuthorizeRequest) -> Authorization:
        key = request.idempotency_key
        answered = self._answered("payment_intents.create", key)
        if answered is not None:
            if answered.outcome == ProcessorCall.Outcome.DECLINED:
                return _declined(answered.object_id, _decline_of_logged(answered.response))
            return self._authorization(self._intent(answered.object_id))
        params: dict[str, Any] = {
            "amount": request.amount, "currency": request.currency,
            "payment_method": request.card_token, "confirm": True,
            "capture_method": _capture_method(request), "payment_method_types": ["card"],
            "metadata": {"till_payment_intent": request.payment_intent,
                         "till_idempotency_key": key},
            "expand": _WITH_FEE,
        }
        if request.customer:
            params["customer"] = self._customer(request.customer)
            if request.card_saved:
                self._attach(card_token=request.card_token, customer=params["customer"])
        if request.off_session:
            params["off_session"] = True
        if request.setup_future_usage and not request.off_session:
            params["setup_future_usage"] = request.setup_future_usage
        try:
            intent = self._call(
                "payment_intents.create",
                lambda: self.client.v1.payment_intents.create(
                    params=params, options={"idempotency_key": key}),
                idempotency_key=key)
        except _Refused as refused:
            return _declined(refused.object_id(), refused.decline())
        return self._authorization(intent)

    def settlement(self, *, idempotency_key: str, reference: str) -> Settlement:
        intent = self._intent(reference)
        status = intent.get("status")
        if status in ("succeeded", "requires_capture"):
            return Settlement(Outcome.SUCCEEDED, fee=_fee_of(intent))
        if status == "processing":
            return Settlement(Outcome.PENDING)
        return Settlement(Outcome.DECLINED, _decline_of_intent(intent))

    def intent_state(self, *, reference: str) -> tuple[str, str, Authorization]:
        """Stripe's PaymentIntent as it stands now: (the idempotency key of Till's
        confirmation it was made for, from its metadata: `pi_…:confirm:<attempt>`; Stripe's
        status; what that status means as a confirmation's answer)."""
        intent = self._intent(reference)
        made_for = str((intent.get("metadata") or {}).get("till_idempotency_key") or "")
        return made_for, str(intent.get("status") or ""), self._authorization(intent)

    def capture(self, *, idempotency_key: str, reference: str, amount: int) -> Settlement:
        captured = None
        if self._answered("payment_intents.capture", idempotency_key) is None:
            try:
                captured = self._call(
                    "payment_intents.capture",
                    lambda: self.client.v1.payment_intents.capture(
                        reference, params={"amount_to_capture": amount, "expand": _WITH_FEE},
                        options={"idempotency_key": idempotency_key}),
                    idempotency_key=idempotency_key)
            except _Refused as refused:
                # Captured already (a retry Stripe did not replay)? Then it is done.
                captured = self._intent(reference)
                if captured.get("status") != "succeeded":
                    raise ProcessorUnavailable(
                        f"Stripe refused to capture {reference}: {refused.error}") from None
        if captured is None:  # answered before: read back what the capture cost
            captured = self._intent(reference)
        return Settlement(Outcome.SUCCEEDED, fee=_fee_of(captured))

    def void(self, *, idempotency_key: str, reference: str) -> None:
        if self._answered("payment_intents.cancel", idempotency_key) is not None:
            return
        try:
            self._call("payment_intents.cancel",
                       lambda: self.client.v1.payment_intents.cancel(
                           reference, options={"idempotency_key": idempotency_key}),
                       idempotency_key=idempotency_key)
        except _Refused as refused:
            if self._intent(reference).get("status") != "canceled":
                raise ProcessorUnavailable(
                    f"Stripe refused to cancel {reference}: {refused.error}") from None

    # -- refunds -------------------------------------------------------------------------

    def refund(self, *, idempotency_key: str, reference: str, amount: int, currency: str,
               card_token: str) -> RefundResult:
        answered = self._answered("refunds.create", idempotency_key)
        if answered is not None:
            if answered.outcome == ProcessorCall.Outcome.DECLINED:
                return RefundResult(outcome=Outcome.DECLINED, reference=answered.object_id,
                                    decline=_decline_of_logged(answered.response))
            return _refund_result(self._refund(answered.object_id))
        params = {"payment_intent": reference, "amount": amount,
                  "metadata": {"till_refund": idempotency_key.split(":")[0]}}
        try:
            refund = self._call("refunds.create",
                                lambda: self.client.v1.refunds.create(
                                    params=params, options={"idempotency_key": idempotency_key}),
                                idempotency_key=idempotency_key)
        except _Refused as refused:
            return RefundResult(outcome=Outcome.DECLINED, reference=refused.object_id(),
                                decline=refused.decline())
        return _refund_result(refund)

    def refund_status(self, *, idempotency_key: str, reference: str) -> Settlement:
        result = _refund_result(self._refund(reference))
        return Settlement(result.outcome, result.decline)

    # -- reconciliation -------------------------------------------------------------------

    def charges_created(self, *, start: int, end: int) -> list[dict[str, Any]]:
        """Stripe's charges created in [start, end) (Unix seconds). Listed from `start` on
        (`created[gt]`, the one bound every Stripe-compatible server takes), the window's
        end applied here."""
        return self._listing("charges.list", lambda: self.client.v1.charges.list(
            params={"created": {"gt": start - 1}, "limit": 100}), start=start, end=end,
            newest_first=False)

    def refunds_created(self, *, start: int, end: int) -> list[dict[str, Any]]:
        """Stripe's refunds created in [start, end). Stripe lists refunds newest first, so
        the walk stops at the first older than the window (localstripe takes no `created`
        filter on refunds)."""
        return self._listing("refunds.list", lambda: self.client.v1.refunds.list(
            params={"limit": 100}), start=start, end=end, newest_first=True)

    # -- disputes: Stripe reports them by webhook ----------------------------------------

    def dispute_expected(self, *, card_token: str) -> DisputeExpectation | None:
        return None

    def disputing_card_tokens(self) -> frozenset[str]:
        return frozenset()

    def dispute_decide(self, *, idempotency_key: str, reference: str,
                       evidence: dict[str, str]) -> bool:
        # Disputes through Stripe arrive with its webhooks, and their evidence is sent to
        # Stripe's dispute API: neither is connected yet, so no Stripe dispute exists.
        raise ProcessorUnavailable("Disputes through Stripe are not connected yet.")

    # -- Stripe's objects and Till's twins of them ---------------------------------------

    def _intent(self, reference: str) -> dict[str, Any]:
        try:
            return self._call("payment_intents.retrieve",
                              lambda: self.client.v1.payment_intents.retrieve(
                                  reference, params={"expand": _WITH_FEE}))
        except _Refused as refused:
            raise ProcessorUnavailable(
                f"Stripe could not read back {reference}: {refused.error}") from None

    def _refund(self, reference: str) -> dict[str, Any]:
        try:
            return self._call("refunds.retrieve",
                              lambda: self.client.v1.refunds.retrieve(reference))
        except _Refused as refused:
            raise ProcessorUnavailable(
                f"Stripe could not read back {reference}: {refused.error}") from None

    def _customer(self, customer_id: str) -> str:
        """Stripe's twin of Till's customer, made the first time a payment needs it."""
        mirrored = self._mirror(ProcessorMirror.Kind.CUSTOMER, customer_id)
        if mirrored is not None:
            return mirrored
        from payments.models import Customer  # the processors sit below the models

        details = Customer.objects.filter(pk=customer_id).values("email", "name").first() or {}
        params = {"metadata": {"till_customer": customer_id},
                  **{name: value for name, value in details.items() if value}}
        key = f"{customer_id}:mirror"
        try:
            created = self._call("customers.create",
                                 lambda: self.client.v1.customers.create(
                                     params=params, options={"idempotency_key": key}),
                                 idempotency_key=key)
        except _Refused as refused:
            raise ProcessorUnavailable(
                f"Stripe refused to create the customer: {refused.error}") from None
        return self._remember(ProcessorMirror.Kind.CUSTOMER, customer_id, created["id"])

    def _attach(self, *, card_token: str, customer: str) -> None:
        """Attaches a card saved to a Till customer to Stripe's twin of the customer, once
        (off-session payments need the card attached there)."""
        local = f"{card_token} {customer}"
        if self._mirror(ProcessorMirror.Kind.ATTACHMENT, local) is not None:
            return
        key = f"{card_token}:attach:{customer}"
        try:
            self._call("payment_methods.attach",
                       lambda: self.client.v1.payment_methods.attach(
                           card_token, params={"customer": customer},
                           options={"idempotency_key": key}),
                       idempotency_key=key)
        except _Refused as refused:
            if refused.code != "payment_method_already_attached":
                raise ProcessorUnavailable(
                    f"Stripe refused to attach the card: {refused.error}") from None
        self._remember(ProcessorMirror.Kind.ATTACHMENT, local, customer)

    def _mirror(self, kind: str, local_id: str) -> str | None:
        return (ProcessorMirror.objects.filter(**self._scope(), kind=kind, local_id=local_id)
                .values_list("remote_id", flat=True).first())

    def _remember(self, kind: str, local_id: str, remote_id: str) -> str:
        """Stores the twin; a concurrent twin's wins if it was first (the same one at
        Stripe, by the idempotency key)."""
        try:
            with unique_insert():
                ProcessorMirror.objects.create(**self._scope(), kind=kind, local_id=local_id,
                                               remote_id=remote_id)
        except IntegrityError:
            return self._mirror(kind, local_id) or remote_id
        return remote_id

    def _scope(self) -> dict[str, Any]:
        connection = self.connection
        return {"merchant_id": connection.merchant_id, "livemode": connection.livemode,
                "account_id": connection.account_id}

    def _authorization(self, intent: dict[str, Any]) -> Authorization:
        status = intent.get("status")
        reference = intent["id"]
        charge = intent.get("latest_charge")
        outcome_of = (charge.get("outcome") if isinstance(charge, dict) else None) or {}
        risk = {"network_status": outcome_of.get("network_status") or "approved_by_network",
                "risk_level": outcome_of.get("risk_level") or "normal",
                "risk_score": int(outcome_of.get("risk_score") or 20)}
        card = ((charge.get("payment_method_details") or {}).get("card") or {}
                if isinstance(charge, dict) else {})
        risk["authorization_code"] = card.get("authorization_code")
        risk["network_transaction_id"] = card.get("network_transaction_id")
        if status == "succeeded":
            return Authorization(outcome=Outcome.SUCCEEDED, reference=reference,
                                 fee=_fee_of(intent), **risk)
        if status == "requires_capture":
            return Authorization(outcome=Outcome.AUTHORIZED, reference=reference, **risk)
        if status == "processing":
            return Authorization(outcome=Outcome.PENDING, reference=reference, **risk)
        if status == "requires_action":
            return Authorization(outcome=Outcome.REQUIRES_ACTION, reference=reference,
                                 next_action=intent.get("next_action"))
        return _declined(reference, _decline_of_intent(intent))

    # -- the calls, each logged ----------------------------------------------------------

    def _answered(self, operation: str, key: str) -> ProcessorCall | None:
        """The answer Stripe already gave for `key`, as logged: a success or a decline."""
        return (ProcessorCall.objects.filter(
            merchant_id=self.connection.merchant_id, livemode=self.connection.livemode,
            idempotency_key=key, operation=operation,
            outcome__in=[ProcessorCall.Outcome.SUCCEEDED, ProcessorCall.Outcome.DECLINED])
            .exclude(object_id="").order_by("-created").first())

    def _call(self, operation: str, send: Callable[[], Any], *, idempotency_key: str = ""
              ) -> dict[str, Any]:
        """Runs one request and logs it. Returns Stripe's object as a dict; raises _Refused
        for an answer that is an error, ProcessorUnavailable for no answer at all."""
        started = time.monotonic()
        try:
            answer = send()
        except stripe.StripeError as error:
            raise self._failed(operation, idempotency_key, started, error) from None
        body = _as_dict(answer)
        response = getattr(answer, "last_response", None)
        self._log(operation, idempotency_key, started, outcome=ProcessorCall.Outcome.SUCCEEDED,
                  request_id=getattr(response, "request_id", None) or "",
                  object_id=str(body.get("id") or ""),
                  http_status=getattr(response, "code", None), error_code="", response=body)
        return body

    def _failed(self, operation: str, idempotency_key: str, started: float,
                error: stripe.StripeError) -> Exception:
        """Logs Stripe's error answer (or its absence) and returns what to raise: _Refused
        for an answer, ProcessorUnavailable for none."""
        unavailable = _is_outage(error)
        outcome = (ProcessorCall.Outcome.UNAVAILABLE if unavailable
                   else ProcessorCall.Outcome.DECLINED if isinstance(error, stripe.CardError)
                   else ProcessorCall.Outcome.REFUSED)
        self._log(operation, idempotency_key, started, outcome=outcome,
                  request_id=error.request_id or "", object_id=_error_object_id(error),
                  http_status=error.http_status, error_code=getattr(error, "code", "") or "",
                  response=error.json_body if isinstance(error.json_body, dict)
                  else {"error": {"message": str(error)}})
        if unavailable:
            logger.warning("Stripe unavailable for %s (%s): %s", operation, idempotency_key,
                           error)
            return ProcessorUnavailable(UNAVAILABLE)
        return _Refused(error)

    def _listing(self, operation: str, first_page: Callable[[], Any], *, start: int, end: int,
                 newest_first: bool) -> list[dict[str, Any]]:
        """Every object of a list created in [start, end) (Unix seconds), walked with the
        SDK's auto-paging (each page one request), logged as one call: the whole walk's
        latency and how many objects it read. `newest_first`: the list comes newest first,
        so the walk stops at the first object older than `start`."""
        started = time.monotonic()
        found: list[dict[str, Any]] = []
        read = 0
        try:
            for each in first_page().auto_paging_iter():
                read += 1
                body = _as_dict(each)
                created = int(body.get("created") or 0)
                if created < start and newest_first:
                    break
                if start <= created < end:
                    found.append(body)
        except stripe.StripeError as error:
            failure = self._failed(operation, "", started, error)
            if isinstance(failure, _Refused):
                raise InvalidRequest(f"Stripe refused to list ({operation}): "
                                     f"{error.user_message or error}") from None
            raise failure from None
        self._log(operation, "", started, outcome=ProcessorCall.Outcome.SUCCEEDED,
                  request_id="", object_id="", http_status=200, error_code="",
                  response={"object": "list", "read": read, "in_window": len(found)})
        return found

    def _log(self, operation: str, idempotency_key: str, started: float, *, outcome: str,
             request_id: str, object_id: str, http_status: int | None, error_code: str,
             response: dict[str, Any] | None) -> None:
        connection = self.connection
        ProcessorCall.objects.create(
            merchant_id=connection.merchant_id, livemode=connection.livemode,
            processor=self.name, account_id=connection.account_id, operation=operation,
            idempotency_key=idempotency_key, request_id=request_id[:100],
            object_id=object_id[:100], outcome=outcome, http_status=http_status,
            error_code=error_code[:100],
            latency_ms=max(0, round((time.monotonic() - started) * 1000)),
            response=redacted(response))


def stripe_event_verify(*, payload: bytes, signature: str, secret: str) -> dict[str, Any]:
    """The event Stripe signed with `secret` (the Stripe-Signature header's t= and v1=,
    checked by the SDK, with its five minutes' tolerance), as a dict; InvalidRequest if the
    signature does not hold or the payload is not an event."""
    try:
        event = stripe.Webhook.construct_event(payload, signature, secret)
    except (stripe.SignatureVerificationError, ValueError):
        raise InvalidRequest("The Stripe-Signature header does not verify.",
                             code="signature_invalid") from None
    body = _as_dict(event)
    if not body.get("id") or not body.get("type"):
        raise InvalidRequest("Not a Stripe event.", code="signature_invalid")
    return body


def _capture_method(request: AuthorizeRequest) -> str:
    if not request.capture:
        return "manual"
    return "automatic_async" if request.settle_async else "automatic"


def _is_outage(error: stripe.StripeError) -> bool:
    """No answer to act on: the request may or may not have reached Stripe, so it is asked
    again later with the same key."""
    if isinstance(error, stripe.APIConnectionError | stripe.RateLimitError):
        return True
    status = error.http_status
    return isinstance(error, stripe.APIError) or (status is not None and status >= 500)


# Stripe's PaymentIntent read with its charge's balance transaction, which carries the fee
# Stripe took for it.
_WITH_FEE = ["latest_charge.balance_transaction"]


def _fee_of(intent: dict[str, Any]) -> int | None:
    """The fee of the intent's captured charge, from its expanded balance transaction; None
    when Stripe shows none (nothing captured yet, or the transaction not expanded)."""
    charge = intent.get("latest_charge")
    txn = charge.get("balance_transaction") if isinstance(charge, dict) else None
    fee = txn.get("fee") if isinstance(txn, dict) else None
    return int(fee) if fee is not None else None


def _declined(reference: str, decline: Decline) -> Authorization:
    return Authorization(outcome=Outcome.DECLINED, reference=reference, decline=decline,
                         network_status="declined_by_network", risk_score=35)


def _decline_fields(error: dict[str, Any]) -> Decline:
    code = error.get("code") or "card_declined"
    decline_code = error.get("decline_code")
    if code == "card_declined" and not decline_code:
        # Stripe names a reason with every card_declined; a server that gives none gets
        # Stripe's own default.
        decline_code = "generic_decline"
    return Decline(code=code, decline_code=decline_code,
                   message=error.get("message") or "Your card was declined.",
                   param=error.get("param"), advice_code=error.get("advice_code"))


def _decline_of(error: stripe.StripeError) -> Decline:
    body = error.json_body.get("error") if isinstance(error.json_body, dict) else None
    if isinstance(body, dict):
        if not isinstance(error, stripe.CardError):
            # A refusal that is not the card's: the payment fails with Stripe's words.
            return Decline(code=body.get("code") or "processing_error",
                           message=body.get("message") or str(error))
        return _decline_fields(body)
    return Decline(code="processing_error", message=str(error))


def _decline_of_logged(response: dict[str, Any] | None) -> Decline:
    error = (response or {}).get("error") or {}
    if error.get("type") == "card_error" or error.get("decline_code") \
            or error.get("code") == "card_declined":
        return _decline_fields(error)
    return Decline(code=error.get("code") or "processing_error",
                   message=error.get("message") or "The payment processor refused it.")


def _decline_of_intent(intent: dict[str, Any]) -> Decline:
    error = intent.get("last_payment_error") or {}
    if not error:
        return Decline(code="processing_error",
                       message="An error occurred while processing your card. Try again in "
                               "a little bit.")
    return _decline_fields(error)


def _error_object_id(error: stripe.StripeError) -> str:
    body = error.json_body.get("error") if isinstance(error.json_body, dict) else None
    if not isinstance(body, dict):
        return ""
    for name in ("payment_intent", "charge", "refund"):
        value = body.get(name)
        if isinstance(value, dict):
            value = value.get("id")
        if value:
            return str(value)
    return ""


def _refund_result(refund: dict[str, Any]) -> RefundResult:
    status = refund.get("status")
    reference = refund["id"]
    if status == "succeeded":
        return RefundResult(outcome=Outcome.SUCCEEDED, reference=reference)
    if status in ("pending", "requires_action"):
        return RefundResult(outcome=Outcome.PENDING, reference=reference)
    reason = refund.get("failure_reason") or "unknown"
    return RefundResult(outcome=Outcome.DECLINED, reference=reference, decline=Decline(
        code=reason, message=f"Stripe could not refund the card ({reason})."))


def _as_dict(answer: Any) -> dict[str, Any]:
    if isinstance(answer, stripe.StripeObject):
        return answer.to_dict()
    return dict(answer)


def redacted(value: Any) -> Any:
    """A Stripe answer as it may be logged: client secrets and keys removed."""
    if isinstance(value, dict):
        return {key: "[redacted]" if key in _SECRET_FIELDS else redacted(item)
                for key, item in value.items()}
    if isinstance(value, list):
        return [redacted(item) for item in value]
    if isinstance(value, str) and value.startswith(_SECRET_PREFIXES):
        return "[redacted]"
    return value
