"""Receipts of succeeded charges: the hosted receipt page (`receipt_url`), its number and the
receipt email.

A charge's `receipt_number` (`1234-5678`, unique in the merchant's mode) is given the first
time a receipt is sent or shown, as Stripe's is null until a receipt has been sent. The email
goes through Django's email backend from a Celery task enqueued on commit of the success (or
of an update that sets `receipt_email` after it): at least once, not exactly once.
"""

import logging
import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse

from core.money import format_money
from payments import selectors
from payments.models import Charge, PaymentIntent

logger = logging.getLogger("till.payments")

_NUMBER_ATTEMPTS = 8


def receipt_url(charge: Charge) -> str | None:
    """The charge's receipt page; a charge that did not succeed has none."""
    if charge.status != Charge.Status.SUCCEEDED or not charge.receipt_token:
        return None
    return settings.TILL_PUBLIC_URL + reverse("receipts:receipt",
                                              args=[charge.id, charge.receipt_token])


def _random_number() -> str:
    digits = f"{secrets.randbelow(10**8):08d}"
    return f"{digits[:4]}-{digits[4:]}"


def charge_receipt_number_assign(*, charge_id: str) -> Charge:
    """The charge with its receipt number, given now if it had none (under the charge's
    lock; a number another charge of the mode holds is drawn again)."""
    for _ in range(_NUMBER_ATTEMPTS):
        try:
            with transaction.atomic(durable=True):
                charge = selectors.charge_get_locked_by_id(id=charge_id)
                if charge.receipt_number:
                    return charge
                charge.receipt_number = _random_number()
                charge.save(update_fields=["receipt_number"])
                return charge
        except IntegrityError:
            continue
    raise RuntimeError(f"no free receipt number for charge {charge_id}")


def receipt_send_on_commit(charge: Charge) -> None:
    """Enqueues the receipt email of a succeeded charge with a `receipt_email`, once the
    caller's transaction commits."""
    if not charge.receipt_email or charge.status != Charge.Status.SUCCEEDED:
        return
    from payments.tasks import charge_receipt_send  # tasks import services

    charge_id = charge.id
    transaction.on_commit(lambda: charge_receipt_send.delay(charge_id))


def receipt_email_changed(intent: PaymentIntent, receipt_email: object) -> None:
    """A `receipt_email` set after the payment succeeded: its charge's receipt goes there
    now, as Stripe sends it (the charge locked after its intent, the lock order)."""
    if (not isinstance(receipt_email, str) or not receipt_email
            or intent.status != PaymentIntent.Status.SUCCEEDED or intent.latest_charge_id is None):
        return
    charge = selectors.charge_get_locked_by_id(id=intent.latest_charge_id)
    if charge.receipt_email == receipt_email:
        return
    charge.receipt_email = receipt_email
    charge.save(update_fields=["receipt_email"])
    receipt_send_on_commit(charge)


def charge_receipt_send(*, charge_id: str) -> bool:
    """Emails the receipt to the charge's `receipt_email` (its number given first). Returns
    whether an email went."""
    charge = charge_receipt_number_assign(charge_id=charge_id)
    if not charge.receipt_email or charge.status != Charge.Status.SUCCEEDED:
        return False
    merchant = charge.merchant
    card = charge.payment_method_details.get("card", {})
    amount = format_money(charge.amount_captured or charge.amount, charge.currency)
    lines = [f"Receipt from {merchant.name}", f"Receipt #{charge.receipt_number}", "",
             f"Amount paid: {amount}",
             f"Date paid: {charge.created:%B} {charge.created.day}, {charge.created.year}",
             f"Payment method: {card.get('brand', 'card').title()} - {card.get('last4', '')}"]
    if charge.amount_refunded:
        lines.append(f"Refunded: {format_money(charge.amount_refunded, charge.currency)}")
    lines += ["", f"View your receipt: {receipt_url(charge)}",
              *([f"Questions? Contact {merchant.email}"] if merchant.email else [])]
    send_mail(subject=f"Your receipt from {merchant.name} #{charge.receipt_number}",
              message="\n".join(lines) + "\n", from_email=settings.DEFAULT_FROM_EMAIL,
              recipient_list=[charge.receipt_email])
    logger.info("receipt of charge %s sent", charge.id)
    return True
