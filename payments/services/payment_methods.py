"""Payment methods: tokenizing a card, updating, attaching to and detaching from a customer,
and resolving the payment method an intent is given (a stored one, or a test id)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from core import clock
from core.exceptions import CardError, InvalidParameter, InvalidRequest, NotFound
from core.metadata import MetadataUpdate, metadata_apply
from core.wire import render
from merchants.models import Merchant
from payments import selectors
from payments.cards import brand_for_number, card_profile_for_magic_id, fingerprint, luhn_valid
from payments.models import Customer, PaymentMethod, payment_method_id_of
from payments.processors import processor_for
from payments.processors.base import CardCheck, Processor
from payments.selectors import customer_get_locked
from payments.services.common import decline_error
from webhooks.services import event_record, previous_attributes

CARD_ERRORS = {
    "incorrect_number": ("Your card number is incorrect.", "number"),
    "invalid_number": ("Your card number is not a valid credit card number.", "number"),
    "invalid_expiry_month": ("Your card's expiration month is invalid.", "exp_month"),
    "invalid_expiry_year": ("Your card's expiration year is invalid.", "exp_year"),
    "expired_card": ("Your card has expired.", "exp_year"),
    "invalid_cvc": ("Your card's security code is invalid.", "cvc"),
}
CARD_DATA_REFUSED = (
    "Card details cannot be sent to Till in this mode: its payments go through your own "
    "Stripe account, and card details go to Stripe only. Collect the card with Stripe.js "
    "(your Stripe publishable key) and pass the PaymentMethod id it returns (pm_…) as "
    "payment_method.")
REUSE_REFUSED = ("This PaymentMethod was previously used without being attached to a Customer "
                 "or was detached from a Customer, and may not be used again.")


@dataclass(frozen=True, slots=True)
class CardInput:
    """A card as the customer typed it (number, expiry, CVC), or a test token (`tok_visa`).
    The number and CVC go no further than tokenization."""

    number: str | None = None
    exp_month: int | None = None
    exp_year: int | None = None
    cvc: str | None = None
    token: str | None = None


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
    today = clock.now().date()  # card expiry is a calendar month, not an instant
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
        # A 400 that names the missing token, as Stripe answers (not a 404: the URL exists).
        raise InvalidRequest(f"No such token: '{magic_id}'", code="resource_missing",
                             param=param)
    check = processor.tokenize_card(number=profile.number, cvc=True,
                                    line1=profile.tests_address,
                                    postal_code=profile.tests_address)
    year = date.today().year + 1  # noqa: DTZ011 - a calendar year
    card = _card_details(check, last4=profile.number[-4:], exp_month=12, exp_year=year,
                         fingerprint=fingerprint(profile.number))
    return card, check.token


def payment_method_create(*, merchant: Merchant, livemode: bool, card: CardInput,
                          billing_details: dict[str, Any] | None = None,
                          metadata: MetadataUpdate | None = None,
                          type: str = "card") -> PaymentMethod:  # noqa: A002 - Stripe's name
    """Tokenizes a card (number, expiry and CVC, or a test token such as `tok_visa`) into a
    PaymentMethod. Bad numbers, expiries and CVCs are card errors and store nothing."""
    payment_method = payment_method_build(merchant=merchant, livemode=livemode, card=card,
                                          billing_details=billing_details, metadata=metadata)
    with transaction.atomic(durable=True):
        payment_method.save()
    return payment_method


def payment_method_build(*, merchant: Merchant, livemode: bool, card: CardInput,
                         billing_details: dict[str, Any] | None = None,
                         metadata: MetadataUpdate | None = None,
                         card_source: bool = False) -> PaymentMethod:
    """payment_method_create's tokenization, unsaved: the caller saves it in its own
    transaction (a card token saves its card with it)."""
    processor = processor_for(merchant=merchant, livemode=livemode)
    billing_details = billing_details or {}
    if not processor.takes_card_numbers:
        # Card details go to the merchant's processor only (Stripe.js), never to Till.
        raise InvalidRequest(CARD_DATA_REFUSED, code="card_data_not_accepted",
                             param="card[token]" if card.token else "card[number]")
    if card.token:
        details, token = _card_from_test_profile(card.token, param="card[token]",
                                                 processor=processor)
    else:
        for field in ("number", "exp_month", "exp_year"):
            if getattr(card, field) in (None, ""):
                raise InvalidParameter(f"Missing required param: card[{field}].",
                                       code="parameter_missing", param=f"card[{field}]")
        details, token = _card_from_number(
            number=card.number, exp_month=card.exp_month, exp_year=card.exp_year,
            cvc=card.cvc, address=billing_details.get("address") or {}, processor=processor)
    return PaymentMethod(
        merchant=merchant, livemode=livemode, card=details, processor_token=token,
        billing_details=_billing_details(billing_details), card_source=card_source,
        metadata=metadata_apply({}, metadata))


def _billing_details(given: dict[str, Any]) -> dict[str, Any]:
    address = given.get("address") or {}
    return {"address": {key: address.get(key) for key in
                        ("city", "country", "line1", "line2", "postal_code", "state")},
            "email": given.get("email"), "name": given.get("name"), "phone": given.get("phone")}


def payment_method_for_use(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                           customer: Customer | None,
                           param: str = "payment_method") -> PaymentMethod:
    """A payment method id as given to an intent, checked usable for the intent's
    `customer`: a stored one (a legacy card's `card_` id too), one of Stripe's test ids
    (`pm_card_visa`, `tok_visa`), which makes a new PaymentMethod each time, as Stripe does,
    or a card token (`tok_…`), used up here. Written in the caller's transaction."""
    id = payment_method_id_of(id)  # noqa: A001
    if id.startswith("tok_") and card_profile_for_magic_id(id) is None:
        return token_use(id=id, merchant=merchant, livemode=livemode, param=param)
    payment_method = _from_test_id(id, merchant=merchant, livemode=livemode, param=param)
    if payment_method is not None:
        return payment_method
    payment_method = selectors.payment_method_get(id=id, merchant=merchant,
                                                  livemode=livemode, param=param)
    payment_method_check_usable(payment_method, customer)
    return payment_method


def _from_test_id(id: str, *, merchant: Merchant, livemode: bool,  # noqa: A002
                  param: str) -> PaymentMethod | None:
    """For one of Stripe's test ids (`pm_card_visa`), on a processor that takes card numbers:
    a new PaymentMethod of that test card, saved in the caller's transaction, as Stripe
    makes a new one at each use. None for any other id."""
    if card_profile_for_magic_id(id) is None:
        return None
    processor = processor_for(merchant=merchant, livemode=livemode)
    if not processor.takes_card_numbers:
        return None
    card, token = _card_from_test_profile(id, param=param, processor=processor)
    payment_method = PaymentMethod(merchant=merchant, livemode=livemode, card=card,
                                   processor_token=token, billing_details=_billing_details({}),
                                   card_source=id.startswith("tok_"))
    payment_method.save()
    return payment_method


def token_use(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
              param: str = "source") -> PaymentMethod:
    """A card token's card, the token used up, in the caller's transaction (the token row
    locked: of two concurrent uses, one fails). A token is good for one use only, as on
    Stripe; Stripe's test tokens (`tok_visa`) are not rows and make a new card each time."""
    try:
        token = selectors.token_get_locked(id=id, merchant=merchant, livemode=livemode,
                                           param=param)
    except NotFound:
        # A 400 that names the missing token, as Stripe answers (not a 404: the URL exists).
        raise InvalidRequest(f"No such token: '{id}'", code="resource_missing",
                             param=param) from None
    if token.used:
        raise InvalidRequest(f"You cannot use a Stripe token more than once: {id}.",
                             code="token_already_used", param=param)
    token.used = True
    token.save(update_fields=["used"])
    return token.payment_method


def payment_method_from_processor(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                                  param: str = "payment_method") -> str:
    """The Till id to use for a payment method id given to an intent, before its
    transaction (this may ask the processor). With a processor that tokenizes cards itself
    (Stripe.js), an id that is not Till's is the processor's: the card is read there
    (brand, last4, expiry, fingerprint) and mirrored once as a Till PaymentMethod whose
    `processor_token` is the processor's id; later uses of that id find the mirror.
    Otherwise `id` is returned as given."""
    processor = processor_for(merchant=merchant, livemode=livemode)
    if processor.takes_card_numbers:
        return id
    known = selectors.payment_method_id_for(id=id, merchant=merchant, livemode=livemode)
    if known is not None:
        return known
    card = processor.card_lookup(reference=id)
    if card is None:
        raise InvalidRequest(f"No such PaymentMethod: '{id}'", code="resource_missing",
                             param=param)
    if card.token != id:  # a test id (pm_card_visa) that the processor made a card of
        known = selectors.payment_method_id_for(id=card.token, merchant=merchant,
                                                livemode=livemode)
        if known is not None:
            return known
    details = _card_details(
        CardCheck(token=card.token, brand=card.brand, funding=card.funding,
                  country=card.country, checks=card.checks),
        last4=card.last4, exp_month=card.exp_month, exp_year=card.exp_year,
        fingerprint=card.fingerprint)
    payment_method = PaymentMethod(merchant=merchant, livemode=livemode, card=details,
                                   processor_token=card.token,
                                   billing_details=_billing_details({}))
    with transaction.atomic(durable=True):
        payment_method.save()
    return payment_method.id


def payment_method_check_usable(payment_method: PaymentMethod, customer: Customer | None
                                ) -> None:
    """A payment method may pay for this customer: not consumed, and attached to it (or to
    nobody)."""
    if payment_method.consumed_at is not None:
        raise InvalidRequest(REUSE_REFUSED, param="payment_method")
    if payment_method.customer_id is not None and (
            customer is None or payment_method.customer_id != customer.id):
        raise InvalidRequest(
            f"The provided PaymentMethod {payment_method.id} was previously attached to a "
            "different Customer or was detached from a Customer. To use it, pass the Customer "
            "it is attached to.", code="payment_method_unexpected_state",
            param="payment_method")


def payment_method_update(*, id: str, merchant: Merchant, livemode: bool,  # noqa: A002
                          billing_details: dict[str, Any] | None = None,
                          card: dict[str, int] | None = None,
                          metadata: MetadataUpdate | None = None) -> PaymentMethod:
    """Billing details, metadata and the card's expiry (`card={exp_month, exp_year}`);
    `payment_method.updated`."""
    with transaction.atomic(durable=True):
        payment_method = selectors.payment_method_get_locked(id=id, merchant=merchant,
                                                             livemode=livemode)
        before = render(payment_method)
        if billing_details is not None:
            merged = {**payment_method.billing_details, **{
                k: v for k, v in billing_details.items() if k != "address"}}
            if "address" in billing_details:
                merged["address"] = {**payment_method.billing_details.get("address", {}),
                                     **(billing_details["address"] or {})}
            payment_method.billing_details = merged
        payment_method.metadata = metadata_apply(payment_method.metadata, metadata)
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
    changes nothing; to another customer, or after being consumed, is refused. With a
    processor that tokenizes cards itself, `id` may be its id for the card (mirrored)."""
    processor = processor_for(merchant=merchant, livemode=livemode)
    own_id = payment_method_from_processor(id=id, merchant=merchant, livemode=livemode,
                                           param="id")
    with transaction.atomic(durable=True):
        payment_method = _payment_method_to_attach(own_id, merchant=merchant,
                                                   livemode=livemode, param="id")
        customer = selectors.customer_get(id=customer_id, merchant=merchant,
                                          livemode=livemode, param="customer")
        return _attach(payment_method, customer, processor=processor)


def payment_method_attach_to(customer: Customer, *, id: str, merchant: Merchant,  # noqa: A002
                             processor: Processor, param: str) -> PaymentMethod:
    """Within the caller's transaction: attaches Till's payment method `id` (or a new one of
    a test id's card, `pm_card_visa`, as on Stripe) to `customer`, once `processor` validates
    the card; `payment_method.attached`. A refusal raises, for the caller's transaction to
    roll back (a customer created with it, say)."""
    payment_method = _payment_method_to_attach(id, merchant=merchant,
                                               livemode=customer.livemode, param=param)
    return _attach(payment_method, customer, processor=processor)


def _payment_method_to_attach(id: str, *, merchant: Merchant, livemode: bool,  # noqa: A002
                              param: str) -> PaymentMethod:
    # A test id (`pm_card_visa`) attaches a new PaymentMethod of its card, as on Stripe.
    return (_from_test_id(id, merchant=merchant, livemode=livemode, param=param)
            or selectors.payment_method_get_locked(id=id, merchant=merchant,
                                                   livemode=livemode, param=param))


def _attach(payment_method: PaymentMethod, customer: Customer, *,
            processor: Processor) -> PaymentMethod:
    if payment_method.customer_id == customer.id:
        return payment_method
    _check_attachable(payment_method)
    decline = processor.verify_card(card_token=payment_method.processor_token)
    if decline is not None:
        raise decline_error(decline)
    payment_method.customer = customer
    payment_method.save(update_fields=["customer"])
    event_record(type="payment_method.attached", obj=payment_method)
    return payment_method


def _check_attachable(payment_method: PaymentMethod) -> None:
    if payment_method.consumed_at is not None:
        raise InvalidRequest(REUSE_REFUSED, param="payment_method")
    if payment_method.customer_id is not None:
        raise InvalidRequest(
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
            raise InvalidRequest(
                f"The payment method {payment_method.id} is not attached to a customer.",
                code="payment_method_unexpected_state", param="payment_method")
        customer = customer_get_locked(id=payment_method.customer_id, merchant=merchant,
                                       livemode=livemode, include_deleted=True)
        if customer.invoice_settings.get("default_payment_method") == payment_method.id:
            customer.invoice_settings = {**customer.invoice_settings,
                                         "default_payment_method": None}
            customer.save(update_fields=["invoice_settings"])
        if customer.default_source_id == payment_method.id:  # a card source detached so
            customer.default_source = None
            customer.save(update_fields=["default_source"])
        previous = {"customer": payment_method.customer_id}
        payment_method.customer = None
        payment_method.consumed_at = clock.now()
        payment_method.save(update_fields=["customer", "consumed_at"])
        event_record(type="payment_method.detached", obj=payment_method,
                     previous_attributes=previous)
    return payment_method
