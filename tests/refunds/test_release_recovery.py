"""Refunding an uncaptured authorization cancels its intent and records a refund of it, in
phases: a crash between them leaves what is owed for the sweeps, which finish it once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from payments import services as payment_services
from payments.models import Charge, PaymentIntent
from payments.processors.simulated import SimulatedProcessor
from refunds import services
from refunds.models import Refund
from refunds.services import releases
from tests.api.helpers import error_of
from tests.payments.factories import authorized_intent, event_types, ok


class Killed(Exception):
    """The worker died here."""


def refund(api, held: dict):
    return api.post("/v1/refunds", {"payment_intent": held["id"],
                                    "reason": "requested_by_customer"})


def aged(settings) -> None:
    """Every call in flight older than the recovery delay, as a while later."""
    past = timezone.now() - timedelta(seconds=settings.TILL_PAYMENT_RECOVERY_SECONDS + 1)
    Refund.objects.exclude(operation=None).update(operation_started_at=past)
    PaymentIntent.objects.exclude(operation=None).update(operation_started_at=past)


def assert_released_once(api, held: dict) -> None:
    """The end state of a release, however it got there: the intent canceled, its hold
    shown refunded, and exactly one succeeded refund of the whole amount, announced once."""
    assert ok(api.get(f"/v1/payment_intents/{held['id']}"))["status"] == "canceled"
    [released] = Refund.objects.all()
    assert (released.status, released.amount, released.operation) == (
        "succeeded", held["amount"], None)
    assert released.reason == "requested_by_customer"
    charge = Charge.objects.get(pk=held["latest_charge"])
    assert (charge.amount_refunded, charge.refunded) == (held["amount"], True)
    assert event_types(released.id) == ["refund.created"]
    assert event_types(held["latest_charge"]).count("charge.refunded") == 1


@pytest.fixture
def crash(monkeypatch):
    """`crash(where)` kills the release's worker once, at that point."""
    def arm(where: str) -> None:
        if where == "before the cancel":
            def cancel(**kwargs):
                raise Killed
            monkeypatch.setattr(releases.payment_services, "payment_intent_cancel", cancel)
        elif where == "after the cancel":
            real = payment_services.payment_intent_cancel

            def cancel(**kwargs):
                real(**kwargs)
                raise Killed
            monkeypatch.setattr(releases.payment_services, "payment_intent_cancel", cancel)
        else:  # in the processor's void: the cancel is left in flight
            def void(self, **kwargs):
                raise Killed
            monkeypatch.setattr(SimulatedProcessor, "void", void)
    return arm


@pytest.mark.parametrize("where", ["before the cancel", "in the void", "after the cancel"])
def test_a_release_killed_between_its_phases_is_finished_by_the_sweeps(
        api, settings, crash, monkeypatch, where):
    # given an authorization whose refund's worker dies at `where`
    held = authorized_intent(api)
    crash(where)
    assert error_of(refund(api, held), 500)["type"] == "api_error"
    monkeypatch.undo()
    # (meanwhile a second refund of it finds the release owed, and makes none)
    again = refund(api, held)
    assert again.status_code in (400, 429), again.content
    assert Refund.objects.count() <= 1

    # when beat's sweeps run a while later (payments' recovery, then refunds')
    aged(settings)
    payment_services.payment_intents_recover()
    services.refunds_settle_due()

    # then the release is done, recorded once
    assert_released_once(api, held)
    # and running them again changes nothing
    aged(settings)
    payment_services.payment_intents_recover()
    services.refunds_settle_due()
    assert_released_once(api, held)


def test_a_release_overtaken_by_a_capture_is_dropped_and_the_capture_refunds_normally(
        api, settings, crash):
    # given a release killed before the cancel, and the merchant capturing the hold since
    held = authorized_intent(api)
    crash("before the cancel")
    error_of(refund(api, held), 500)
    ok(api.post(f"/v1/payment_intents/{held['id']}/capture"))

    # when the sweep runs
    aged(settings)
    services.refunds_settle_due()

    # then the owed release is gone (it moved no money and was never announced), and the
    # captured charge refunds as any other
    assert not Refund.objects.exists()
    refunded = ok(refund(api, held))
    assert (refunded["status"], refunded["amount"]) == ("pending", held["amount"])


def test_a_release_waits_for_the_cancel_in_flight(api, settings, crash, monkeypatch):
    # given a release whose void was lost with its worker
    held = authorized_intent(api)
    crash("in the void")
    error_of(refund(api, held), 500)
    monkeypatch.undo()

    # when only refunds' sweep runs: payments' recovery has not finished the cancel yet
    aged(settings)
    services.refunds_settle_due()

    # then the release still waits, owed, for the cancel
    [owed] = Refund.objects.all()
    assert (owed.status, owed.operation) == ("pending", "release")
    assert PaymentIntent.objects.get(pk=held["id"]).operation == "cancel"
    assert event_types(owed.id) == []
