"""Which processor moves a merchant's money in a mode.

A mode with a processor connected (ProcessorConnection: the merchant's own Stripe account)
moves its money there. Otherwise test mode uses the simulated processor, and live mode has
none: live payment requests fail with a clear error, never a simulated success.
"""

from typing import Any

from django.conf import settings
from django.db import transaction

from core.exceptions import InvalidRequest
from merchants.models import Merchant
from payments.processors.base import Processor
from payments.processors.models import ProcessorConnection
from payments.processors.simulated import SimulatedProcessor
from payments.processors.stripe import StripeProcessor

_SIMULATED = SimulatedProcessor()

LIVE_MODE_UNAVAILABLE = (
    "Live mode payments need a processor connected to your account, and none is. Use your "
    "test keys (sk_test_…) to take payments on Till's simulated processor.")


def processor_for(*, merchant: Merchant, livemode: bool) -> Processor:
    # The merchant's flag answers without a query; the connection is read only if it is set.
    if merchant.processor_connected(livemode):
        connection = ProcessorConnection.objects.filter(merchant=merchant,
                                                        livemode=livemode).first()
        if connection is not None:
            return StripeProcessor(connection)
    if livemode:
        raise InvalidRequest(LIVE_MODE_UNAVAILABLE, code="livemode_processor_missing")
    return _SIMULATED


def processor_for_charge(*, merchant: Merchant, livemode: bool, charge: Any) -> Processor:
    """The processor that made `charge` (payments.Charge): its capture, release and refunds
    go back to it, whatever the mode uses now. A charge the simulated processor made stays
    with it after the mode is connected to Stripe; one made through a Stripe account that is
    no longer the mode's (disconnected, or another account connected since) is refused with
    `charge_processor_disconnected`, never sent elsewhere. Charges from before Till recorded
    this (`processor` "") follow the mode's processor, as they always did."""
    made_by = charge.processor
    if made_by == SimulatedProcessor.name:
        return _SIMULATED
    if made_by != StripeProcessor.name:
        return processor_for(merchant=merchant, livemode=livemode)
    connection = ProcessorConnection.objects.filter(merchant=merchant,
                                                    livemode=livemode).first()
    if connection is None or (charge.processor_account and connection.account_id
                              and connection.account_id != charge.processor_account):
        account = charge.processor_account or "a Stripe account"
        mode = "live" if livemode else "test"
        raise InvalidRequest(
            f"The charge {charge.id} was made through {account}, which is no longer "
            f"connected to {mode} mode: connect that account again (Settings → Processor) "
            "to capture, cancel or refund it.", code="charge_processor_disconnected")
    return StripeProcessor(connection)


def disputing_card_tokens() -> frozenset[str]:
    """Across every processor Till runs: the tokens of cards whose bank disputes their
    successful charges (refunds' sweep for lost dispute openings)."""
    return _SIMULATED.disputing_card_tokens()


def processor_answer_on_commit(task: Any, *args: str) -> None:
    """Enqueues `task(*args)` once the caller's transaction commits, after the time the
    processor takes to answer (TILL_SIMULATED_SETTLEMENT_SECONDS): a settlement or a
    decision. Robust: a message that cannot be sent is left to the task's beat sweep."""

    def enqueue_processor_answer() -> None:  # named: Django logs a robust hook by its name
        task.apply_async(args=list(args), countdown=settings.TILL_SIMULATED_SETTLEMENT_SECONDS)

    transaction.on_commit(enqueue_processor_answer, robust=True)
