"""Celery tasks: thin, take ids, call one service, safe to run twice."""

from celery import shared_task

from ledger.services import payouts, volume_totals


@shared_task(name="ledger.tasks.automatic_payouts_create", acks_late=True, ignore_result=True)
def automatic_payouts_create() -> int:
    return len(payouts.automatic_payouts_create())


@shared_task(name="ledger.tasks.payouts_advance_due", acks_late=True, ignore_result=True)
def payouts_advance_due() -> int:
    return payouts.payouts_advance_due()


@shared_task(name="ledger.tasks.volume_totals_roll", acks_late=True, ignore_result=True)
def volume_totals_roll() -> int:
    return volume_totals.volume_totals_roll()
