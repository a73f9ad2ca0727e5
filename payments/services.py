"""Customers, payment methods, payment intents and charges: every write in payments.

Payment intents move money in atomic phases (DESIGN.md): a short transaction locks the
intent, checks the transition, marks the processor call in flight and commits; the call runs
outside any transaction with an idempotency key made of the intent's id and attempt; a new
transaction records the answer (status, charge, events). A request that finds a call in
flight is refused with `lock_timeout` (SDKs retry it); a call whose answer was never recorded
is finished by `payment_intents_recover`, which asks again with the same key.
"""

import contextlib
import hmac
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_fsm import can_proceed

from api.errors import (
    ApiError,
    AuthenticationError,
    CardError,
    InvalidRequestError,
    ParameterError,
)
from api.objects import render
from api.params import metadata_apply
from core.db import insert
from core.hooks import PaymentOutcome, payment_outcome_dispatch
from core.money import (
    MAXIMUM_AMOUNT,
    THREE_DECIMAL_CURRENCIES,
    format_money,
    minimum_amount,
)
from merchants.models import Merchant
from merchants.services import status_change_record
from payments import selectors
from payments.cards import brand_for_number, card_profile_for_magic_id, fingerprint, luhn_valid
from payments.models import Charge, Customer, PaymentIntent, PaymentMethod, SetupIntent
from payments.processors import processor_answer_on_commit, processor_for
from payments.processors.base import Authorization, AuthorizeRequest, CardCheck, Decline, Outcome
from payments.selectors import customer_get_locked
from webhooks.services import EventSpec, event_record, events_record, previous_attributes

CUSTOMER_FIELDS = ("email", "name", "description", "phone", "address", "shipping", "balance",
                   "preferred_locales", "tax_exempt")


def _apply_customer_params(customer: Customer, params: dict[str, Any]) -> None:
    for field in CUSTOMER_FIELDS:
        if field in params:
            setattr(customer, field, params[field])
    if "metadata" in params:
        customer.metadata = metadata_apply(customer.metadata, params["metadata"])
    if "invoice_settings" in params:
        invoice_settings = dict(customer.invoice_settings)
        invoice_settings.update(params["invoice_settings"])
        default = invoice_settings.get("default_payment_method")
        if default is not None:
            _check_default_payment_method(customer, default)
        customer.invoice_settings = invoice_settings
    if customer.preferred_locales is None:
        customer.preferred_locales = []


def customer_create(*, merchant: Merchant, livemode: bool, params: dict[str, Any]) -> Customer:
    """Creates a customer and its `customer.created` event in one transaction."""
    customer = Customer(merchant=merchant, livemode=livemode)
    _apply_customer_params(customer, params)
    with transaction.atomic(durable=True):
        customer.save()
        event_record(type="customer.created", obj=customer)
    return customer


def customer_update(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                    params: dict[str, Any]) -> Customer:
    """Updates a customer under its row lock; `customer.updated` carries the old values.

    An update that changes nothing writes no event, as Stripe does.
    """
    with transaction.atomic(durable=True):
        customer = customer_get_locked(id=id, merchant=merchant, livemode=livemode)
        before = render(customer)
        _apply_customer_params(customer, params)
        customer.save()
        after = render(customer)
        changed = previous_attributes(before, after)
        if changed:
            event_record(type="customer.updated", obj=customer, payload=after,
                         previous_attributes=changed)
    return customer


def customer_delete(*, id: str, merchant: Merchant, livemode: bool) -> Customer:  # noqa: A002
    """Deletes a customer (kept as a tombstone: retrieve answers `deleted: true`)."""
    with transaction.atomic(durable=True):
        customer = customer_get_locked(id=id, merchant=merchant, livemode=livemode)
        payload = render(customer)
        customer.deleted_at = timezone.now()
        customer.save(update_fields=["deleted_at"])
        event_record(type="customer.deleted", obj=customer, payload=payload)
    return customer


def _check_default_payment_method(customer: Customer, payment_method_id: str) -> None:
    """`invoice_settings.default_payment_method` must be attached to this customer."""
    param = "invoice_settings[default_payment_method]"
    if customer._state.adding or not PaymentMethod.objects.filter(
            pk=payment_method_id, customer_id=customer.pk).exists():
        raise InvalidRequestError(
            f"No such PaymentMethod: '{payment_method_id}'; it must be attached to the "
            f"customer {customer.pk or ''} first.".replace("  ", " "),
            code="resource_missing", param=param)


# == payment methods ========================================================================

CARD_ERRORS = {
    "incorrect_number": ("Your card number is incorrect.", "number"),
    "invalid_number": ("Your card number is not a valid credit card number.", "number"),
    "invalid_expiry_month": ("Your card's expiration month is invalid.", "exp_month"),
    "invalid_expiry_year": ("Your card's expiration year is invalid.", "exp_year"),
    "expired_card": ("Your card has expired.", "exp_year"),
    "invalid_cvc": ("Your card's security code is invalid.", "cvc"),
}
REUSE_REFUSED = ("This PaymentMethod was previously used without being attached to a Customer "
                 "or was detached from a Customer, and may not be used again.")


def _card_error(code: str, *, prefix: str = "card") -> CardError:
    message, field = CARD_ERRORS[code]
    return CardError(message, code=code, param=f"{prefix}[{field}]")


def _card_from_number(*, number: str, exp_month: int, exp_year: int, cvc: str | None,
                      address: dict[str, Any], processor) -> tuple[dict[str, Any], str]:
    """Validates a raw card and keeps what may be kept: the number and CVC go no further.
    The processor checks the CVC and the billing address given with it."""
    number = number.replace(" ", "").replace("-", "")
    if not number.isdigit() or not luhn_valid(number):
        raise _card_error("incorrect_number")
    if not 1 <= exp_month <= 12:
        raise _card_error("invalid_expiry_month")
    if exp_year < 100:
        exp_year += 2000
    today = date.today()  # noqa: DTZ011 - card expiry is a calendar month, not an instant
    if exp_year > today.year + 50:
        raise _card_error("invalid_expiry_year")
    if (exp_year, exp_month) < (today.year, today.month):
        raise _card_error("expired_card")
    if cvc is not None and (not cvc.isdigit()
                            or len(cvc) != (4 if brand_for_number(number) == "amex" else 3)):
        raise _card_error("invalid_cvc")
    check = processor.tokenize_card(number=number, cvc=cvc is not None,
                                    line1=bool(address.get("line1")),
                                    postal_code=bool(address.get("postal_code")))
    card = _card_details(check, last4=number[-4:], exp_month=exp_month, exp_year=exp_year,
                         fingerprint=fingerprint(number))
    return card, check.token


def _card_details(check: CardCheck, *, last4: str, exp_month: int, exp_year: int,
                  fingerprint: str) -> dict[str, Any]:
    brand, funding, country = check.brand, check.funding, check.country
    return {
        "brand": brand, "checks": check.checks,
        "country": country, "display_brand": brand, "exp_month": exp_month,
        "exp_year": exp_year, "fingerprint": fingerprint, "funding": funding,
        "generated_from": None, "last4": last4,
        "networks": {"available": [brand], "preferred": None},
        "three_d_secure_usage": {"supported": True}, "wallet": None,
    }


def _card_from_test_profile(magic_id: str, *, param: str, processor
                            ) -> tuple[dict[str, Any], str]:
    """`pm_card_visa` / `tok_visa`: the test card's details, as if its number was given with
    a CVC (and, for the address-check test cards, an address)."""
    profile = card_profile_for_magic_id(magic_id)
    if profile is None:
        raise InvalidRequestError(f"No such token: '{magic_id}'", code="resource_missing",
                                  param=param)
    check = processor.tokenize_card(number=profile.number, cvc=True,
                                    line1=profile.tests_address,
                                    postal_code=profile.tests_address)
    year = date.today().year + 1  # noqa: DTZ011 - a calendar year
    card = _card_details(check, last4=profile.number[-4:], exp_month=12, exp_year=year,
                         fingerprint=fingerprint(profile.number))
    return card, check.token


def payment_method_create(*, merchant: Merchant, livemode: bool,
                          params: dict[str, Any]) -> PaymentMethod:
    """Tokenizes a card (number, expiry and CVC, or a test token such as `tok_visa`) into a
    PaymentMethod. Bad numbers, expiries and CVCs are card errors and store nothing."""
    processor = processor_for(merchant=merchant, livemode=livemode)
    card_params = params.get("card") or {}
    if card_params.get("token"):
        card, token = _card_from_test_profile(card_params["token"], param="card[token]",
                                              processor=processor)
    else:
        for field in ("number", "exp_month", "exp_year"):
            if card_params.get(field) in (None, ""):
                raise ParameterError(f"Missing required param: card[{field}].",
                                     code="parameter_missing", param=f"card[{field}]")
        card, token = _card_from_number(
            number=card_params["number"], exp_month=card_params["exp_month"],
            exp_year=card_params["exp_year"], cvc=card_params.get("cvc"),
            address=(params.get("billing_details") or {}).get("address") or {},
            processor=processor)
    payment_method = PaymentMethod(
        merchant=merchant, livemode=livemode, card=card, processor_token=token,
        billing_details=_billing_details(params.get("billing_details") or {}),
        metadata=metadata_apply({}, params.get("metadata") or {}))
    with transaction.atomic(durable=True):
        payment_method.save()
    return payment_method


def _billing_details(given: dict[str, Any]) -> dict[str, Any]:
    address = given.get("address") or {}
    return {"address": {key: address.get(key) for key in
                        ("city", "country", "line1", "line2", "postal_code", "state")},
            "email": given.get("email"), "name": given.get("name"), "phone": given.get("phone")}


def payment_method_for_use(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                           param: str = "payment_method") -> PaymentMethod:
    """A payment method id as given to an intent: a stored one, or one of Stripe's test ids
    (`pm_card_visa`), which makes a new PaymentMethod each time, as Stripe does. Written in
    the caller's transaction."""
    if card_profile_for_magic_id(id) is not None:
        card, token = _card_from_test_profile(
            id, param=param, processor=processor_for(merchant=merchant, livemode=livemode))
        payment_method = PaymentMethod(merchant=merchant, livemode=livemode, card=card,
                                       processor_token=token,
                                       billing_details=_billing_details({}))
        payment_method.save()
        return payment_method
    return selectors.payment_method_get(id=id, merchant=merchant, livemode=livemode,
                                        param=param)


def payment_method_update(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                          params: dict[str, Any]) -> PaymentMethod:
    """Billing details, metadata and the card's expiry; `payment_method.updated`."""
    with transaction.atomic(durable=True):
        payment_method = selectors.payment_method_get_locked(id=id, merchant=merchant,
                                                             livemode=livemode)
        before = render(payment_method)
        if "billing_details" in params:
            merged = {**payment_method.billing_details, **{
                k: v for k, v in params["billing_details"].items() if k != "address"}}
            if "address" in params["billing_details"]:
                merged["address"] = {**payment_method.billing_details.get("address", {}),
                                     **(params["billing_details"]["address"] or {})}
            payment_method.billing_details = merged
        if "metadata" in params:
            payment_method.metadata = metadata_apply(payment_method.metadata,
                                                     params["metadata"])
        card = params.get("card") or {}
        if card:
            updated = {**payment_method.card, **card}
            if not 1 <= int(updated["exp_month"]) <= 12:
                raise _card_error("invalid_expiry_month")
            payment_method.card = updated
        payment_method.save()
        after = render(payment_method)
        if changed := previous_attributes(before, after):
            event_record(type="payment_method.updated", obj=payment_method, payload=after,
                         previous_attributes=changed)
    return payment_method


def payment_method_attach(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                          customer_id: str) -> PaymentMethod:
    """Attaches a payment method to a customer after the processor validates the card (the
    decline cards fail here); `payment_method.attached`. Attaching again to the same customer
    changes nothing; to another customer, or after being consumed, is refused."""
    processor = processor_for(merchant=merchant, livemode=livemode)
    with transaction.atomic(durable=True):
        payment_method = selectors.payment_method_get_locked(id=id, merchant=merchant,
                                                             livemode=livemode)
        customer = selectors.customer_get(id=customer_id, merchant=merchant,
                                          livemode=livemode, param="customer")
        if payment_method.customer_id == customer.id:
            return payment_method
        _check_attachable(payment_method)
        decline = processor.verify_card(card_token=payment_method.processor_token)
        if decline is not None:
            raise _decline_error(decline)
        payment_method.customer = customer
        payment_method.save(update_fields=["customer"])
        event_record(type="payment_method.attached", obj=payment_method)
    return payment_method


def _check_attachable(payment_method: PaymentMethod) -> None:
    if payment_method.consumed_at is not None:
        raise InvalidRequestError(REUSE_REFUSED, param="payment_method")
    if payment_method.customer_id is not None:
        raise InvalidRequestError(
            f"The payment method you provided ({payment_method.id}) has already been attached "
            "to a customer.", code="payment_method_already_attached", param="payment_method")


def payment_method_detach(*, id: str, merchant: Merchant,  # noqa: A002
                          livemode: bool) -> PaymentMethod:
    """Detaches a payment method from its customer for good (it cannot be used again) and
    clears it as the customer's default; `payment_method.detached`."""
    with transaction.atomic(durable=True):
        payment_method = selectors.payment_method_get_locked(id=id, merchant=merchant,
                                                             livemode=livemode)
        if payment_method.customer_id is None:
            raise InvalidRequestError(
                f"The payment method {payment_method.id} is not attached to a customer.",
                code="payment_method_unexpected_state", param="payment_method")
        customer = customer_get_locked(id=payment_method.customer_id, merchant=merchant,
                                       livemode=livemode, include_deleted=True)
        if customer.invoice_settings.get("default_payment_method") == payment_method.id:
            customer.invoice_settings = {**customer.invoice_settings,
                                         "default_payment_method": None}
            customer.save(update_fields=["invoice_settings"])
        previous = {"customer": payment_method.customer_id}
        payment_method.customer = None
        payment_method.consumed_at = timezone.now()
        payment_method.save(update_fields=["customer", "consumed_at"])
        event_record(type="payment_method.detached", obj=payment_method,
                     previous_attributes=previous)
    return payment_method


def _decline_error(decline: Decline, **extra: Any) -> CardError:
    return CardError(decline.message, code=decline.code, decline_code=decline.decline_code,
                     param=decline.param, advice_code=decline.advice_code, **extra)


# == payment intents ========================================================================

CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "requires_action")
CAPTURABLE = ("requires_capture",)
CANCELABLE = ("requires_payment_method", "requires_capture", "requires_confirmation",
              "requires_action")
# Fields any update may change; the rest only before the intent is confirmed.
ALWAYS_UPDATABLE = {"metadata", "description", "receipt_email", "shipping"}
INTENT_FIELDS = ("amount", "currency", "description", "receipt_email", "statement_descriptor",
                 "statement_descriptor_suffix", "setup_future_usage", "capture_method",
                 "shipping")
LOCK_TIMEOUT = ("This object cannot be accessed right now because another API request or "
                "Stripe process is currently accessing it. If you see this error "
                "intermittently, retry the request. If you see this error frequently and are "
                "making multiple concurrent requests to a single object, make your requests "
                "serially or at a lower rate.")


class LockTimeoutError(InvalidRequestError):
    """Another request is moving this object through the processor: retry shortly."""

    status = 429
    default_code = "lock_timeout"
    stored = False

    def __init__(self) -> None:
        super().__init__(LOCK_TIMEOUT, headers={"Stripe-Should-Retry": "true"})


def _unexpected_state(intent: PaymentIntent, action: str, allowed: tuple[str, ...]
                      ) -> InvalidRequestError:
    done = {"confirm": "confirmed", "capture": "captured", "cancel": "canceled"}[action]
    return InvalidRequestError(
        f"You cannot {action} this PaymentIntent because it has a status of {intent.status}. "
        f"Only a PaymentIntent with one of the following statuses may be {done}: "
        f"{', '.join(allowed)}.", code="payment_intent_unexpected_state",
        payment_intent=render(intent))


def _refuse_if_busy(intent: PaymentIntent) -> None:
    if intent.operation is not None:
        raise LockTimeoutError


def _transition(intent: PaymentIntent, source: str) -> None:
    status_change_record(obj=intent, source=source, target=intent.status)


def payment_intent_create(*, merchant: Merchant, livemode: bool,
                          params: dict[str, Any]) -> PaymentIntent:
    """Creates an intent (`payment_intent.created`): `requires_payment_method`, or
    `requires_confirmation` with a payment method. With `confirm=true` it is confirmed at
    once (see payment_intent_confirm): the creating transaction is the confirmation's first
    phase, so a create that cannot be confirmed creates nothing."""
    processor = processor_for(merchant=merchant, livemode=livemode)  # none in live mode yet
    _check_amount(params["amount"], params["currency"])
    intent = PaymentIntent(merchant=merchant, livemode=livemode, metadata={},
                           payment_method_types=params.get("payment_method_types") or ["card"])
    for field in INTENT_FIELDS:
        if params.get(field) is not None:
            setattr(intent, field, params[field])
    intent.confirmation_method = params.get("confirmation_method") or "automatic"
    intent.metadata = metadata_apply({}, params.get("metadata") or {})
    intent.return_url = params.get("return_url")
    with transaction.atomic(durable=True):
        if params.get("customer"):
            intent.customer = selectors.customer_get(id=params["customer"], merchant=merchant,
                                                     livemode=livemode, param="customer")
        if params.get("payment_method"):
            payment_method = payment_method_for_use(id=params["payment_method"],
                                                    merchant=merchant, livemode=livemode)
            _check_usable(payment_method, intent.customer)
            intent.set_payment_method(payment_method=payment_method)
        if params.get("confirm"):
            # Phase 1 of the confirmation in the creating transaction: the intent is born
            # with its processor call in flight. Its payment method is already set (a magic
            # id must not make a second one).
            _confirm_prepare(intent, merchant=merchant, livemode=livemode,
                             params={key: params[key] for key in CONFIRM_OPTIONS
                                     if key in params and key != "payment_method"})
        intent.save()
        status_change_record(obj=intent, source="created", target=intent.status)
        event_record(type="payment_intent.created", obj=intent)
    if params.get("confirm"):
        return _confirm_run(intent, processor)
    return intent


def _check_amount(amount: int, currency: str) -> None:
    """Stripe's limits: at least about US$0.50 in the currency, at most eight digits."""
    least = minimum_amount(currency)
    if amount < least:
        raise ParameterError(f"Amount must be at least {format_money(least, currency)}",
                             code="amount_too_small", param="amount")
    if amount > MAXIMUM_AMOUNT:
        raise ParameterError(
            f"Amount must be no more than {format_money(MAXIMUM_AMOUNT, currency)}",
            code="amount_too_large", param="amount")
    if currency in THREE_DECIMAL_CURRENCIES and amount % 10:
        raise ParameterError(
            f"Amounts in {currency.upper()} must be a multiple of 10 minor units: card "
            "networks settle three-decimal currencies to two decimals.",
            code="invalid_amount", param="amount")


def _check_usable(payment_method: PaymentMethod, customer: Customer | None) -> None:
    if payment_method.consumed_at is not None:
        raise InvalidRequestError(REUSE_REFUSED, param="payment_method")
    if payment_method.customer_id is not None and (
            customer is None or payment_method.customer_id != customer.id):
        raise InvalidRequestError(
            f"The provided PaymentMethod {payment_method.id} was previously attached to a "
            "different Customer or was detached from a Customer. To use it, pass the Customer "
            "it is attached to.", code="payment_method_unexpected_state",
            param="payment_method")


def payment_intent_update(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                          params: dict[str, Any]) -> PaymentIntent:
    """Updates an intent under its lock. Amount, currency, customer, payment method and the
    like change only before confirmation; a new payment method on an intent that needed one
    (or an action) makes it `requires_confirmation` again."""
    with transaction.atomic(durable=True):
        intent = selectors.payment_intent_get_locked(id=id, merchant=merchant,
                                                     livemode=livemode)
        _refuse_if_busy(intent)
        source = intent.status
        restricted = set(params) - ALWAYS_UPDATABLE
        if restricted and intent.status not in CONFIRMABLE:
            raise InvalidRequestError(
                f"You cannot update {sorted(restricted)[0]} on a PaymentIntent with a status "
                f"of {intent.status}.", code="payment_intent_unexpected_state",
                param=sorted(restricted)[0], payment_intent=render(intent))
        for field in INTENT_FIELDS:
            if field in params:
                setattr(intent, field, params[field])
        if "amount" in params or "currency" in params:
            _check_amount(intent.amount, intent.currency)
        if "metadata" in params:
            intent.metadata = metadata_apply(intent.metadata, params["metadata"])
        if "customer" in params:
            intent.customer = (selectors.customer_get(id=params["customer"], merchant=merchant,
                                                      livemode=livemode, param="customer")
                               if params["customer"] else None)
        if params.get("payment_method"):
            payment_method = payment_method_for_use(id=params["payment_method"],
                                                    merchant=merchant, livemode=livemode)
            _check_usable(payment_method, intent.customer)
            intent.set_payment_method(payment_method=payment_method)
        intent.save()
        _transition(intent, source)
    return intent


SERVER_ONLY_CONFIRM_OPTIONS = ("capture_method", "off_session")
CONFIRM_OPTIONS = ("payment_method", "return_url", "off_session", "setup_future_usage",
                   "error_on_requires_action", "receipt_email", "capture_method",
                   "payment_method_types", "use_stripe_sdk")


def payment_intent_confirm(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                           params: dict[str, Any], client_secret: str | None = None
                           ) -> PaymentIntent:
    """Confirms an intent: authorizes (and captures, unless manual) with the processor.

    Phase 1 locks the intent, applies the options and marks the attempt in flight; phase 2
    asks the processor, outside any transaction, with the key `<id>:confirm:<attempt>`;
    phase 3 records the answer: `succeeded`, `requires_capture`, `processing`,
    `requires_action` (3-D Secure) or back to `requires_payment_method` with
    `last_payment_error` — then a 402 card error carrying the intent, after the commit.
    Concurrent confirms of one intent make one processor call: the others get lock_timeout.
    """
    processor = processor_for(merchant=merchant, livemode=livemode)
    with transaction.atomic(durable=True):
        intent = selectors.payment_intent_get_locked(id=id, merchant=merchant,
                                                     livemode=livemode)
        client_secret_check(intent=intent, client_secret=client_secret)
        if client_secret is not None:
            # What only the merchant decides: how the money is captured, and charging the
            # customer in their absence.
            for param in SERVER_ONLY_CONFIRM_OPTIONS:
                if params.get(param) not in (None, False):
                    raise InvalidRequestError(
                        f"The parameter {param} can only be set on confirmation with a "
                        "secret API key.", code="parameter_unknown", param=param)
        if (client_secret is not None
                and intent.confirmation_method == PaymentIntent.ConfirmationMethod.MANUAL):
            # The merchant's server decides when such an intent is paid, not the browser.
            raise AuthenticationError(
                "This PaymentIntent has confirmation_method=manual: confirm it from your "
                "server with a secret API key.", code="secret_key_required")
        _refuse_if_busy(intent)
        _confirm_prepare(intent, params=params, merchant=merchant, livemode=livemode)
        intent.save()
    return _confirm_run(intent, processor)


def _confirm_prepare(intent: PaymentIntent, *, params: dict[str, Any], merchant: Merchant,
                     livemode: bool) -> None:
    """Phase 1's checks and changes, in the caller's transaction (the intent locked, or new):
    the confirmation's options applied and the attempt marked in flight."""
    if not can_proceed(intent.begin_confirm):
        raise _unexpected_state(intent, "confirm", CONFIRMABLE)
    if params.get("payment_method"):
        payment_method = payment_method_for_use(id=params["payment_method"],
                                                merchant=merchant, livemode=livemode)
        _check_usable(payment_method, intent.customer)
        intent.payment_method = payment_method
    if intent.payment_method is None:
        raise InvalidRequestError(
            "You cannot confirm this PaymentIntent because it's missing a payment method. "
            "Update the PaymentIntent with a payment method and then confirm it again.",
            code="payment_intent_unexpected_state", param="payment_method",
            payment_intent=render(intent))
    _check_usable(intent.payment_method, intent.customer)
    for field in ("return_url", "receipt_email", "setup_future_usage", "capture_method"):
        if params.get(field) is not None:
            setattr(intent, field, params[field])
    if intent.setup_future_usage and intent.customer is None:
        raise InvalidRequestError("You must provide a customer to use setup_future_usage.",
                                  param="setup_future_usage")
    intent.off_session = bool(params.get("off_session"))
    _begin_confirm(intent, off_session=intent.off_session,
                   error_on_requires_action=bool(params.get("error_on_requires_action")))


def _begin_confirm(intent: PaymentIntent, *, off_session: bool,
                   error_on_requires_action: bool) -> None:
    """Marks the confirmation in flight; a 3-D Secure passed since the last attempt goes
    with it to the processor (once)."""
    intent.begin_confirm(at=timezone.now(), options={
        "authenticated": intent.three_d_secure_passed, "off_session": off_session,
        "error_on_requires_action": error_on_requires_action})
    intent.three_d_secure_passed = False


def client_secret_check(*, intent: PaymentIntent | SetupIntent,
                        client_secret: str | None) -> None:
    """With a publishable key, the client secret is the caller's proof of the intent (None:
    a secret key, which needs no proof). Compared in constant time."""
    if client_secret is not None and not hmac.compare_digest(
            client_secret.encode(), intent.client_secret.encode()):
        name = "PaymentIntent" if isinstance(intent, PaymentIntent) else "SetupIntent"
        raise InvalidRequestError(
            f"The client_secret provided does not match the client_secret associated with "
            f"the {name}.", code="payment_intent_invalid_parameter"
            if name == "PaymentIntent" else None, param="client_secret")


def _confirm_run(intent: PaymentIntent, processor) -> PaymentIntent:
    """Phases 2 and 3 of a confirmation marked in flight; raises the card error, if any,
    once the outcome is committed."""
    options = intent.operation_options or {}
    method = intent.payment_method
    result = processor.authorize(AuthorizeRequest(
        idempotency_key=f"{intent.id}:confirm:{intent.attempt}", amount=intent.amount,
        currency=intent.currency, card_token=method.processor_token,
        capture=intent.capture_method != PaymentIntent.CaptureMethod.MANUAL,
        settle_async=intent.capture_method == PaymentIntent.CaptureMethod.AUTOMATIC_ASYNC,
        off_session=options.get("off_session", False),
        authenticated=options.get("authenticated", False),
        card_set_up=method.off_session_ready,
        cvc_check=method.card.get("checks", {}).get("cvc_check")))
    intent, error = _confirm_record(intent_id=intent.id, attempt=intent.attempt, result=result)
    if error is not None:
        raise error
    return intent


def _next_action(intent: PaymentIntent | SetupIntent, *, page: str) -> dict[str, Any]:
    """3-D Secure on Till's challenge page: a redirect to it when the intent has a
    `return_url`, else Stripe's `use_stripe_sdk` shape around the same address."""
    url = settings.TILL_PUBLIC_URL + reverse(page, args=[intent.id]) + (
        f"?client_secret={intent.client_secret}")
    if intent.return_url:
        return {"type": "redirect_to_url",
                "redirect_to_url": {"url": url, "return_url": intent.return_url}}
    return {"type": "use_stripe_sdk",
            "use_stripe_sdk": {"type": "three_d_secure_redirect", "stripe_js": url,
                               "source": intent.id}}


def _confirm_record(*, intent_id: str, attempt: int, result: Authorization
                    ) -> tuple[PaymentIntent, ApiError | None]:
    """Phase 3 of a confirmation: the processor's answer, recorded once (a second recorder
    of the same attempt finds it done). Returns the intent and the error owed to the caller.
    """
    with transaction.atomic(durable=True):
        intent = selectors.payment_intent_get_locked_by_id(id=intent_id)
        if intent.operation != "confirm" or intent.attempt != attempt:
            return intent, None
        options = intent.operation_options or {}
        source = intent.status
        intent.end_operation()
        outcome, decline = result.outcome, result.decline
        if outcome == Outcome.REQUIRES_ACTION and options.get("error_on_requires_action"):
            outcome = Outcome.DECLINED
            decline = Decline(code="authentication_required",
                              decline_code="authentication_not_handled",
                              message="This payment required an authentication action to "
                                      "complete, but `error_on_requires_action` was set.")
        error = None
        if outcome == Outcome.REQUIRES_ACTION:
            intent.require_action(next_action=_next_action(intent, page="pages:authenticate"))
            intent.save()
            event_record(type="payment_intent.requires_action", obj=intent)
            payment_outcome_dispatch(intent=intent, outcome=PaymentOutcome.REQUIRES_ACTION)
        else:
            charge = _charge_for(intent, result, outcome, decline,
                                 authenticated=options.get("authenticated", False))
            intent.latest_charge = charge
            if outcome == Outcome.DECLINED:
                error = _payment_failed(intent, charge, decline)
            else:
                _payment_accepted(intent, charge, outcome)
        _transition(intent, source)
    return intent, error


def _charge_for(intent: PaymentIntent, result: Authorization, outcome: Outcome,
                decline: Decline | None, *, authenticated: bool) -> Charge:
    method = intent.payment_method
    card = method.card
    status = {Outcome.DECLINED: Charge.Status.FAILED,
              Outcome.PENDING: Charge.Status.PENDING}.get(outcome, Charge.Status.SUCCEEDED)
    captured = outcome == Outcome.SUCCEEDED
    capture_before = None
    if outcome == Outcome.AUTHORIZED:
        capture_before = timezone.now() + timedelta(days=settings.TILL_AUTHORIZATION_VALID_DAYS)
    charge = Charge(
        merchant_id=intent.merchant_id, livemode=intent.livemode, payment_intent=intent,
        customer_id=intent.customer_id, payment_method=method, amount=intent.amount,
        amount_captured=intent.amount if captured else 0, currency=intent.currency,
        status=status, captured=captured, description=intent.description,
        receipt_email=intent.receipt_email, statement_descriptor=intent.statement_descriptor,
        metadata=intent.metadata,
        failure_code=decline.code if decline else None,
        failure_message=decline.message if decline else None,
        processor_reference=result.reference,
        outcome=_charge_outcome(result, decline),
        payment_method_details={"type": "card", "card": {
            "amount_authorized": None if decline else intent.amount,
            "brand": card["brand"], "capture_before": int(capture_before.timestamp())
            if capture_before else None,
            "checks": card["checks"], "country": card["country"],
            "exp_month": card["exp_month"], "exp_year": card["exp_year"],
            "fingerprint": card["fingerprint"], "funding": card["funding"],
            "last4": card["last4"], "network": card["brand"],
            "three_d_secure": {"authentication_flow": "challenge", "result": "authenticated",
                               "version": "2.2.0"}
            if authenticated else None,
            "wallet": None}})
    insert(charge)
    if capture_before is not None:
        intent.capture_before = capture_before
    return charge


def _charge_outcome(result: Authorization, decline: Decline | None) -> dict[str, Any]:
    """Stripe's `charge.outcome`: authorized, declined by the bank, or blocked as too risky
    before reaching it."""
    if result.blocked:
        reason, kind = "highest_risk_level", "blocked"
        message = "Till blocked this payment as too risky."
    elif decline:
        reason, kind = decline.decline_code, "issuer_declined"
        message = "The bank did not return any further details with this decline."
    else:
        reason, kind, message = None, "authorized", "Payment complete."
    return {"network_status": result.network_status, "reason": reason,
            "risk_level": result.risk_level, "risk_score": result.risk_score,
            "seller_message": message, "type": kind}


def _payment_accepted(intent: PaymentIntent, charge: Charge, outcome: Outcome) -> None:
    if outcome == Outcome.SUCCEEDED:
        intent.mark_succeeded(amount_received=intent.amount)
    elif outcome == Outcome.AUTHORIZED:
        intent.mark_authorized(amount_capturable=intent.amount,
                               capture_before=intent.capture_before)
    else:
        intent.mark_processing()
    _payment_method_after_use(intent)
    intent.save()
    if outcome == Outcome.PENDING:
        events_record(EventSpec("charge.pending", charge),
                      EventSpec("payment_intent.processing", intent))
        _settle_on_commit(intent)
        return
    events_record(EventSpec("charge.succeeded", charge),
                  EventSpec("payment_intent.succeeded" if outcome == Outcome.SUCCEEDED
                            else "payment_intent.amount_capturable_updated", intent))
    if outcome == Outcome.SUCCEEDED:
        payment_outcome_dispatch(intent=intent, outcome=PaymentOutcome.SUCCEEDED, charge=charge)


def _payment_method_after_use(intent: PaymentIntent) -> None:
    """`setup_future_usage` saves the card to the customer for later (authenticated now, so
    ready for off-session use); a card used without a customer cannot be used again."""
    method = intent.payment_method
    if intent.setup_future_usage and intent.customer_id:
        changed = ["off_session_ready"]
        method.off_session_ready = True
        if method.customer_id is None:
            method.customer_id = intent.customer_id
            changed.append("customer")
        method.save(update_fields=changed)
        if "customer" in changed:
            event_record(type="payment_method.attached", obj=method)
    elif method.customer_id is None and method.consumed_at is None:
        method.consumed_at = timezone.now()
        method.save(update_fields=["consumed_at"])


def _payment_failed(intent: PaymentIntent, charge: Charge | None,
                    decline: Decline) -> CardError:
    error_object = {"type": "card_error", "code": decline.code,
                    "decline_code": decline.decline_code, "message": decline.message,
                    "param": decline.param, "charge": charge.id if charge else None,
                    "payment_method": render(intent.payment_method),
                    "doc_url": f"https://stripe.com/docs/error-codes/{decline.code}"}
    intent.mark_failed(error={k: v for k, v in error_object.items() if v is not None})
    intent.save()
    events_record(*([EventSpec("charge.failed", charge)] if charge is not None else []),
                  EventSpec("payment_intent.payment_failed", intent))
    payment_outcome_dispatch(intent=intent, outcome=PaymentOutcome.FAILED, charge=charge)
    return _decline_error(decline, charge=charge.id if charge else None,
                          payment_intent=render(intent),
                          payment_method=render(intent.payment_method),
                          doc_url=error_object["doc_url"])


def payment_intent_authenticate(*, id: str, client_secret: str,  # noqa: A002
                                succeeded: bool) -> PaymentIntent:
    """The cardholder's answer on the 3-D Secure page. Passed: the payment goes on to the
    processor (or waits in `requires_confirmation` for a manual confirmation). Failed: back
    to `requires_payment_method` with `payment_intent_authentication_failure`. Never raises
    a card error: the page shows the intent's outcome."""
    with transaction.atomic(durable=True):
        intent = selectors.payment_intent_get_locked_by_id(id=id)
        client_secret_check(intent=intent, client_secret=client_secret)
        _refuse_if_busy(intent)
        if intent.status != PaymentIntent.Status.REQUIRES_ACTION:
            return intent
        source = intent.status
        if not succeeded:
            _payment_failed(intent, None, Decline(
                code="payment_intent_authentication_failure",
                message="The provided PaymentMethod has failed authentication. You can "
                        "provide payment_method_data or a new PaymentMethod to attempt to "
                        "fulfill this PaymentIntent again."))
            _transition(intent, source)
            return intent
        intent.three_d_secure_passed = True
        if intent.confirmation_method == PaymentIntent.ConfirmationMethod.MANUAL:
            # The merchant's server confirms again, and the payment goes on then.
            intent.set_payment_method(payment_method=intent.payment_method)
            intent.save()
            _transition(intent, source)
            return intent
        _begin_confirm(intent, off_session=False, error_on_requires_action=False)
        intent.save()
    processor = processor_for(merchant=intent.merchant, livemode=intent.livemode)
    try:
        return _confirm_run(intent, processor)
    except CardError:
        return selectors.payment_intent_get(id=id, merchant=intent.merchant,
                                            livemode=intent.livemode)


def payment_intent_capture(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                           params: dict[str, Any]) -> PaymentIntent:
    """Captures an authorization, all of it or `amount_to_capture` (the rest is released):
    `charge.captured` and `payment_intent.succeeded`. Phased like a confirmation, under the
    key `<id>:capture`; racing a cancel, exactly one of them applies."""
    processor = processor_for(merchant=merchant, livemode=livemode)
    with transaction.atomic(durable=True):
        intent = selectors.payment_intent_get_locked(id=id, merchant=merchant,
                                                     livemode=livemode)
        _refuse_if_busy(intent)
        if not can_proceed(intent.begin_capture):
            raise _unexpected_state(intent, "capture", CAPTURABLE)
        amount = params.get("amount_to_capture") or intent.amount_capturable
        if amount > intent.amount_capturable:
            raise InvalidRequestError(
                f"The amount_to_capture ({amount}) is greater than the amount capturable on "
                f"this PaymentIntent ({intent.amount_capturable}).",
                code="amount_too_large", param="amount_to_capture")
        if "metadata" in params:
            intent.metadata = metadata_apply(intent.metadata, params["metadata"])
        intent.begin_capture(at=timezone.now(), amount=amount)
        intent.save()
    return _capture_run(intent, processor)


def _capture_run(intent: PaymentIntent, processor) -> PaymentIntent:
    amount = intent.operation_options["amount"]
    charge = intent.latest_charge
    processor.capture(idempotency_key=f"{intent.id}:capture", reference=
                      charge.processor_reference, amount=amount)
    with transaction.atomic(durable=True):
        intent = selectors.payment_intent_get_locked_by_id(id=intent.id)
        if intent.operation != "capture":
            return intent
        charge = selectors.charge_get_locked_by_id(id=intent.latest_charge_id)
        source = intent.status
        intent.end_operation()
        intent.mark_succeeded(amount_received=amount)
        intent.save()
        charge.captured = True
        charge.amount_captured = amount
        # As Stripe's capture: the part of the hold not captured is released, and the charge
        # shows it refunded (no Refund object); what was captured stays refundable.
        charge.amount_refunded = charge.amount - amount
        charge.save(update_fields=["captured", "amount_captured", "amount_refunded"])
        events_record(EventSpec("charge.captured", charge),
                      EventSpec("payment_intent.succeeded", intent))
        payment_outcome_dispatch(intent=intent, outcome=PaymentOutcome.SUCCEEDED, charge=charge)
        _transition(intent, source)
    return intent


def payment_intent_cancel(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                          cancellation_reason: str | None = None,
                          expired: bool = False) -> PaymentIntent:
    """Cancels an intent (`payment_intent.canceled`); an authorization is voided with the
    processor first (phased, key `<id>:cancel`), and its charge shows the hold released."""
    with transaction.atomic(durable=True):
        intent = selectors.payment_intent_get_locked(id=id, merchant=merchant,
                                                     livemode=livemode)
        _refuse_if_busy(intent)
        if not can_proceed(intent.begin_cancel):
            raise _unexpected_state(intent, "cancel", CANCELABLE)
        source = intent.status
        if intent.status != PaymentIntent.Status.REQUIRES_CAPTURE:
            intent.mark_canceled(reason=cancellation_reason, at=timezone.now())
            intent.save()
            event_record(type="payment_intent.canceled", obj=intent)
            payment_outcome_dispatch(intent=intent, outcome=PaymentOutcome.CANCELED)
            _transition(intent, source)
            return intent
        intent.begin_cancel(at=timezone.now(), reason=cancellation_reason)
        intent.operation_options["expired"] = expired
        intent.save()
    return _cancel_run(intent, processor_for(merchant=merchant, livemode=livemode))


def _cancel_run(intent: PaymentIntent, processor) -> PaymentIntent:
    charge = intent.latest_charge
    processor.void(idempotency_key=f"{intent.id}:cancel", reference=charge.processor_reference)
    with transaction.atomic(durable=True):
        intent = selectors.payment_intent_get_locked_by_id(id=intent.id)
        if intent.operation != "cancel":
            return intent
        options = intent.operation_options
        charge = selectors.charge_get_locked_by_id(id=intent.latest_charge_id)
        source = intent.status
        intent.end_operation()
        intent.mark_canceled(reason=options.get("reason"), at=timezone.now())
        intent.save()
        # The hold is released: Stripe shows the uncaptured charge as refunded in full.
        charge.amount_refunded = charge.amount
        charge.refunded = True
        charge.save(update_fields=["amount_refunded", "refunded"])
        events_record(*([EventSpec("charge.expired", charge)] if options.get("expired")
                        else []), EventSpec("payment_intent.canceled", intent))
        payment_outcome_dispatch(intent=intent, outcome=PaymentOutcome.CANCELED, charge=charge)
        _transition(intent, source)
    return intent


# -- Till's own tasks ------------------------------------------------------------------------

def _settle_on_commit(intent: PaymentIntent) -> None:
    from payments.tasks import payment_intent_settle  # tasks import services

    processor_answer_on_commit(payment_intent_settle, intent.id)


def payment_intent_settle(*, id: str) -> PaymentIntent:  # noqa: A002
    """Asks the processor where a `processing` payment stands and records the answer:
    `charge.succeeded` + `payment_intent.succeeded`, or the failure. Safe to run twice; a
    payment still pending is left for the next sweep."""
    intent = PaymentIntent.objects.select_related("latest_charge").get(pk=id)
    if intent.status != PaymentIntent.Status.PROCESSING:
        return intent
    processor = processor_for(merchant=intent.merchant, livemode=intent.livemode)
    settlement = processor.settlement(idempotency_key=f"{intent.id}:confirm:{intent.attempt}",
                                      reference=intent.latest_charge.processor_reference)
    if settlement.outcome == Outcome.PENDING:
        return intent
    with transaction.atomic(durable=True):
        intent = selectors.payment_intent_get_locked_by_id(id=id)
        if intent.status != PaymentIntent.Status.PROCESSING:
            return intent
        charge = selectors.charge_get_locked_by_id(id=intent.latest_charge_id)
        source = intent.status
        if settlement.outcome == Outcome.SUCCEEDED:
            charge.status = Charge.Status.SUCCEEDED
            charge.captured = True
            charge.amount_captured = charge.amount
            charge.save(update_fields=["status", "captured", "amount_captured"])
            intent.mark_succeeded(amount_received=charge.amount)
            intent.save()
            events_record(EventSpec("charge.succeeded", charge),
                          EventSpec("payment_intent.succeeded", intent))
            payment_outcome_dispatch(intent=intent, outcome=PaymentOutcome.SUCCEEDED,
                                     charge=charge)
        else:
            charge.status = Charge.Status.FAILED
            charge.failure_code = settlement.decline.code
            charge.failure_message = settlement.decline.message
            charge.save(update_fields=["status", "failure_code", "failure_message"])
            _payment_failed(intent, charge, settlement.decline)
        _transition(intent, source)
    return intent


def payment_intents_settle_due() -> int:
    """The sweep behind the settle messages: a lost message only delays a settlement."""
    return sum(payment_intent_settle(id=pk).status != PaymentIntent.Status.PROCESSING
               for pk in selectors.payment_intent_ids_processing())


def payment_intents_expire_authorizations() -> int:
    """Cancels authorizations not captured in time (reason `automatic`, `charge.expired`)."""
    count = 0
    for pk in selectors.payment_intent_ids_authorization_expired(now=timezone.now()):
        intent = PaymentIntent.objects.get(pk=pk)
        try:
            payment_intent_cancel(id=pk, merchant=intent.merchant, livemode=intent.livemode,
                                  cancellation_reason="automatic", expired=True)
        except InvalidRequestError:
            continue  # captured or canceled meanwhile, or busy: the next run sees it
        count += 1
    return count


def payment_intents_recover() -> int:
    """Finishes processor calls whose answer was never recorded (a crash between phases):
    the same call again, with the same idempotency key, gets the processor's first answer,
    which is then recorded. Returns how many were finished."""
    before = timezone.now() - timedelta(seconds=settings.TILL_PAYMENT_RECOVERY_SECONDS)
    finished = 0
    for pk in selectors.payment_intent_ids_in_flight_since(before=before):
        intent = PaymentIntent.objects.select_related(
            "payment_method", "latest_charge", "merchant").get(pk=pk)
        processor = processor_for(merchant=intent.merchant, livemode=intent.livemode)
        run = {"confirm": _confirm_run, "capture": _capture_run, "cancel": _cancel_run}.get(
            intent.operation)
        if run is None:
            continue
        # A card error is recorded as the intent's outcome; nobody awaits it here.
        with contextlib.suppress(CardError):
            run(intent, processor)
        finished += 1
    return finished


# == setup intents ==========================================================================

SETUP_CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "requires_action")


def _setup_unexpected_state(setup_intent: SetupIntent, action: str) -> InvalidRequestError:
    done = {"confirm": "confirmed", "cancel": "canceled"}[action]
    return InvalidRequestError(
        f"You cannot {action} this SetupIntent because it has a status of "
        f"{setup_intent.status}. Only a SetupIntent with one of the following statuses may be "
        f"{done}: {', '.join(SETUP_CONFIRMABLE)}.", code="setup_intent_unexpected_state",
        setup_intent=render(setup_intent))


def setup_intent_create(*, merchant: Merchant, livemode: bool,
                        params: dict[str, Any]) -> SetupIntent:
    """Creates a SetupIntent (`setup_intent.created`); with `confirm=true`, confirms it."""
    processor_for(merchant=merchant, livemode=livemode)
    setup_intent = SetupIntent(
        merchant=merchant, livemode=livemode, usage=params.get("usage") or "off_session",
        payment_method_types=params.get("payment_method_types") or ["card"],
        description=params.get("description"), return_url=params.get("return_url"),
        metadata=metadata_apply({}, params.get("metadata") or {}))
    with transaction.atomic(durable=True):
        if params.get("customer"):
            setup_intent.customer = selectors.customer_get(
                id=params["customer"], merchant=merchant, livemode=livemode, param="customer")
        if params.get("payment_method"):
            payment_method = payment_method_for_use(id=params["payment_method"],
                                                    merchant=merchant, livemode=livemode)
            _check_usable(payment_method, setup_intent.customer)
            setup_intent.set_payment_method(payment_method=payment_method)
        setup_intent.save()
        status_change_record(obj=setup_intent, source="created", target=setup_intent.status)
        event_record(type="setup_intent.created", obj=setup_intent)
    if params.get("confirm"):
        return setup_intent_confirm(id=setup_intent.id, merchant=merchant, livemode=livemode,
                                    params={})
    return setup_intent


def setup_intent_update(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                        params: dict[str, Any]) -> SetupIntent:
    with transaction.atomic(durable=True):
        setup_intent = selectors.setup_intent_get_locked(id=id, merchant=merchant,
                                                         livemode=livemode)
        source = setup_intent.status
        if set(params) - {"metadata", "description"} and source not in SETUP_CONFIRMABLE:
            raise _setup_unexpected_state(setup_intent, "confirm")
        if "description" in params:
            setup_intent.description = params["description"]
        if "metadata" in params:
            setup_intent.metadata = metadata_apply(setup_intent.metadata, params["metadata"])
        if "customer" in params:
            setup_intent.customer = selectors.customer_get(
                id=params["customer"], merchant=merchant, livemode=livemode, param="customer")
        if params.get("payment_method"):
            payment_method = payment_method_for_use(id=params["payment_method"],
                                                    merchant=merchant, livemode=livemode)
            _check_usable(payment_method, setup_intent.customer)
            setup_intent.set_payment_method(payment_method=payment_method)
        setup_intent.save()
        status_change_record(obj=setup_intent, source=source, target=setup_intent.status)
    return setup_intent


def setup_intent_confirm(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                         params: dict[str, Any], client_secret: str | None = None
                         ) -> SetupIntent:
    """Validates the card with the processor and saves it: `succeeded` (the payment method
    attached to the customer, ready for off-session use when `usage=off_session`),
    `requires_action` for cards that authenticate on setup, or back to
    `requires_payment_method` with `last_setup_error` and a 402 card error."""
    processor = processor_for(merchant=merchant, livemode=livemode)
    with transaction.atomic(durable=True):
        setup_intent = selectors.setup_intent_get_locked(id=id, merchant=merchant,
                                                         livemode=livemode)
        client_secret_check(intent=setup_intent, client_secret=client_secret)
        if not can_proceed(setup_intent.begin_confirm):
            raise _setup_unexpected_state(setup_intent, "confirm")
        if params.get("payment_method"):
            payment_method = payment_method_for_use(id=params["payment_method"],
                                                    merchant=merchant, livemode=livemode)
            setup_intent.payment_method = payment_method
        if setup_intent.payment_method is None:
            raise InvalidRequestError(
                "You cannot confirm this SetupIntent because it's missing a payment method.",
                code="setup_intent_unexpected_state", param="payment_method",
                setup_intent=render(setup_intent))
        _check_usable(setup_intent.payment_method, setup_intent.customer)
        if params.get("return_url"):
            setup_intent.return_url = params["return_url"]
        setup_intent.begin_confirm()
        setup_intent.save()
    return _setup_run(setup_intent, processor)


def _setup_run(setup_intent: SetupIntent, processor) -> SetupIntent:
    """Asks the processor about the card (outside any transaction), then records the
    answer under the lock, unless another confirmation got there first."""
    method = setup_intent.payment_method
    decline = processor.verify_card(card_token=method.processor_token)
    needs_authentication = (decline is None and not setup_intent.three_d_secure_passed
                            and processor.setup_requires_authentication(
                                card_token=method.processor_token))
    error = None
    with transaction.atomic(durable=True):
        current = SetupIntent.objects.select_for_update(of=("self",)).select_related(
            "payment_method").get(pk=setup_intent.pk)
        if current.attempt != setup_intent.attempt or current.status not in SETUP_CONFIRMABLE:
            return current
        setup_intent = current
        source = setup_intent.status
        if decline is not None:
            error = _setup_failed(setup_intent, decline)
        elif needs_authentication:
            setup_intent.require_action(next_action=_next_action(
                setup_intent, page="pages:authenticate_setup"))
            setup_intent.save()
            event_record(type="setup_intent.requires_action", obj=setup_intent)
        else:
            _setup_succeeded(setup_intent)
        status_change_record(obj=setup_intent, source=source, target=setup_intent.status)
    if error is not None:
        raise error
    return setup_intent


def _setup_failed(setup_intent: SetupIntent, decline: Decline) -> CardError:
    error = {"type": "card_error", "code": decline.code, "decline_code": decline.decline_code,
             "message": decline.message, "param": decline.param,
             "payment_method": render(setup_intent.payment_method)}
    setup_intent.mark_failed(error={k: v for k, v in error.items() if v is not None})
    setup_intent.save()
    event_record(type="setup_intent.setup_failed", obj=setup_intent)
    return _decline_error(decline, setup_intent=render(setup_intent))


def _setup_succeeded(setup_intent: SetupIntent) -> None:
    method = setup_intent.payment_method
    setup_intent.mark_succeeded()
    setup_intent.save()
    changed = []
    if setup_intent.usage == "off_session" and not method.off_session_ready:
        method.off_session_ready = True
        changed.append("off_session_ready")
    attach = setup_intent.customer_id is not None and method.customer_id is None
    if attach:
        method.customer_id = setup_intent.customer_id
        changed.append("customer")
    if changed:
        method.save(update_fields=changed)
    if attach:
        event_record(type="payment_method.attached", obj=method)
    event_record(type="setup_intent.succeeded", obj=setup_intent)


def setup_intent_authenticate(*, id: str, client_secret: str,  # noqa: A002
                              succeeded: bool) -> SetupIntent:
    """The cardholder's answer on the 3-D Secure page for a SetupIntent: passed, the card is
    saved; failed, back to `requires_payment_method` with
    `setup_intent_authentication_failure`. Never raises a card error."""
    with transaction.atomic(durable=True):
        setup_intent = SetupIntent.objects.select_for_update(of=("self",)).select_related(
            "payment_method").get(pk=id)
        client_secret_check(intent=setup_intent, client_secret=client_secret)
        if setup_intent.status != SetupIntent.Status.REQUIRES_ACTION:
            return setup_intent
        source = setup_intent.status
        if not succeeded:
            _setup_failed(setup_intent, Decline(
                code="setup_intent_authentication_failure",
                message="The latest attempt to set up the payment method has failed because "
                        "authentication failed."))
            status_change_record(obj=setup_intent, source=source, target=setup_intent.status)
            return setup_intent
        setup_intent.three_d_secure_passed = True
        setup_intent.begin_confirm()
        setup_intent.save()
    processor = processor_for(merchant=setup_intent.merchant, livemode=setup_intent.livemode)
    try:
        return _setup_run(setup_intent, processor)
    except CardError:
        return SetupIntent.objects.get(pk=id)


def setup_intent_cancel(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                        cancellation_reason: str | None = None) -> SetupIntent:
    with transaction.atomic(durable=True):
        setup_intent = selectors.setup_intent_get_locked(id=id, merchant=merchant,
                                                         livemode=livemode)
        if not can_proceed(setup_intent.cancel):
            raise _setup_unexpected_state(setup_intent, "cancel")
        source = setup_intent.status
        setup_intent.cancel(reason=cancellation_reason)
        setup_intent.save()
        event_record(type="setup_intent.canceled", obj=setup_intent)
        status_change_record(obj=setup_intent, source=source, target=setup_intent.status)
    return setup_intent
