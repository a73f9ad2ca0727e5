"""A lost opening message never loses a dispute (or an inquiry): beat's sweep opens it, and
never twice."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from config.celery import app
from core.money import dispute_fee
from disputes import services, tasks
from disputes.models import Dispute
from payments.models import Charge
from tests.concurrency import run_together
from tests.conftest import needs_postgres
from tests.payments.factories import authorized_intent, ok, paid_intent
from webhooks.models import Event


def paid_with_lost_message(api, capture, **params) -> dict:
    """A payment on pm_card_createDispute whose dispute message never reached a worker."""
    with capture(execute=False):
        return paid_intent(api, payment_method="pm_card_createDispute", **params)


def made_ago(paid: dict, age: timedelta) -> None:
    Charge.objects.filter(pk=paid["latest_charge"]).update(created=timezone.now() - age)


def long_enough() -> timedelta:
    """Longer than the message's countdown plus the recovery grace."""
    return timedelta(seconds=django_settings.TILL_SIMULATED_SETTLEMENT_SECONDS
                     + django_settings.TILL_PAYMENT_RECOVERY_SECONDS + 1)


def dispute_event_types() -> list[str]:
    return list(Event.objects.filter(type__startswith="charge.dispute")
                .order_by("created", "id").values_list("type", flat=True))


def test_the_sweep_opens_a_dispute_whose_message_was_lost(api,
                                                          django_capture_on_commit_callbacks):
    # given a disputing card's payment whose opening message was lost
    paid = paid_with_lost_message(api, django_capture_on_commit_callbacks, amount=2500)
    assert services.disputes_open_due() == 0  # still within its message's time
    made_ago(paid, long_enough())

    # when beat's sweep runs
    opened = tasks.disputes_open_due()

    # then the dispute is open as the message would have opened it, with its events
    assert opened == 1
    [dispute] = ok(api.get("/v1/disputes", {"charge": paid["latest_charge"]}))["data"]
    assert (dispute["status"], dispute["amount"], dispute["payment_intent"]) == (
        "needs_response", 2500, paid["id"])
    charge = Charge.objects.get(pk=paid["latest_charge"])
    assert (charge.disputed, charge.amount_disputed, charge.dispute_fee) == (
        True, 2500, dispute_fee("usd").amount)
    assert dispute_event_types() == ["charge.dispute.created",
                                     "charge.dispute.funds_withdrawn"]
    # and the next sweep, and the late message, open nothing more
    assert tasks.disputes_open_due() == 0
    assert tasks.dispute_open(paid["latest_charge"]) == dispute["id"]
    assert Dispute.objects.count() == 1
    assert len(dispute_event_types()) == 2


def test_the_sweep_opens_an_inquiry_whose_message_was_lost(api,
                                                          django_capture_on_commit_callbacks):
    # given a payment on the inquiry card whose opening message was lost
    with django_capture_on_commit_callbacks(execute=False):
        paid = paid_intent(api, payment_method="pm_card_createDisputeInquiry", amount=2500)
    made_ago(paid, long_enough())

    # when beat's sweep runs
    opened = tasks.disputes_open_due()

    # then the inquiry is open as the message would have opened it: nothing withdrawn
    assert opened == 1
    [inquiry] = ok(api.get("/v1/disputes", {"charge": paid["latest_charge"]}))["data"]
    assert (inquiry["status"], inquiry["amount"]) == ("warning_needs_response", 2500)
    charge = Charge.objects.get(pk=paid["latest_charge"])
    assert (charge.disputed, charge.amount_disputed, charge.dispute_fee) == (True, 0, 0)
    assert dispute_event_types() == ["charge.dispute.created"]
    assert tasks.disputes_open_due() == 0


def test_the_sweep_leaves_charges_no_bank_disputes(api, django_capture_on_commit_callbacks):
    # given an ordinary payment, and a disputing card's authorization never captured
    with django_capture_on_commit_callbacks(execute=False):
        ordinary = paid_intent(api)
        held = authorized_intent(api, payment_method="pm_card_createDispute")
    for paid in (ordinary, held):
        made_ago(paid, long_enough())

    # when
    opened = services.disputes_open_due()

    # then
    assert opened == 0
    assert not Dispute.objects.exists()


def test_the_sweep_leaves_charges_older_than_its_lookback(api,
                                                          django_capture_on_commit_callbacks):
    paid = paid_with_lost_message(api, django_capture_on_commit_callbacks)
    made_ago(paid, services.DISPUTE_OPEN_LOOKBACK + timedelta(minutes=1))

    assert services.disputes_open_due() == 0
    assert not Dispute.objects.exists()


def test_beat_runs_the_sweep():
    entry = next(entry for entry in django_settings.CELERY_BEAT_SCHEDULE.values()
                 if entry["task"] == "refunds.tasks.disputes_open_due")

    assert entry["schedule"] > 0
    assert entry["task"] in app.tasks
    assert tasks.disputes_open_due.name == entry["task"]


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_the_message_and_the_sweep_at_once_open_one_dispute(account):
    # given a charge on a disputing card with no dispute yet (its message is late), as the
    # sweep starts
    paid = paid_intent(account.api(), amount=2000)
    charge = Charge.objects.select_related("payment_method").get(pk=paid["latest_charge"])
    charge.payment_method.processor_token = "sim_createDispute"
    charge.payment_method.save(update_fields=["processor_token"])
    Charge.objects.filter(pk=charge.pk).update(created=timezone.now() - long_enough())

    def open_it(index: int) -> str | None:
        if index % 2:
            return tasks.dispute_open(paid["latest_charge"])
        services.disputes_open_due()
        return Dispute.objects.get(charge_id=paid["latest_charge"]).id

    # when the late messages and the sweeps run at the same moment
    results = run_together(6, open_it, timeout=60)

    # then there is one dispute, withdrawn once, announced once
    dispute = Dispute.objects.get()
    assert set(results) == {dispute.id}
    charge = Charge.objects.get(pk=paid["latest_charge"])
    assert (charge.disputed, charge.amount_disputed, charge.dispute_fee) == (
        True, 2000, dispute_fee("usd").amount)
    assert dispute_event_types() == ["charge.dispute.created",
                                     "charge.dispute.funds_withdrawn"]
