"""A dispute nobody answers by its due date closes as lost, as Stripe's does."""

from datetime import timedelta

from django.conf import settings as django_settings
from django.utils import timezone

from core.models import StatusChange
from disputes import services, tasks
from disputes.models import Dispute
from payments.models import Charge
from tests.disputes.funds import funds_of
from tests.payments.factories import ok, paid_intent
from webhooks.models import Event


def open_dispute(api, capture) -> Dispute:
    with capture(execute=True):
        paid = paid_intent(api, payment_method="pm_card_createDispute", amount=2000)
    return Dispute.objects.get(charge_id=paid["latest_charge"])


def due(dispute: Dispute, delta: timedelta) -> None:
    Dispute.objects.filter(pk=dispute.pk).update(due_by=timezone.now() + delta)


def test_an_unanswered_dispute_past_its_due_date_is_lost(api,
                                                         django_capture_on_commit_callbacks):
    # given a dispute whose due date passed without a response, and one still due
    late, in_time = (open_dispute(api, django_capture_on_commit_callbacks) for _ in range(2))
    due(late, -timedelta(minutes=1))
    due(in_time, timedelta(days=1))

    # when beat's sweep runs
    closed = tasks.disputes_expire_due()

    # then the late one is lost, its funds still withdrawn, announced once, by Till
    assert closed == 1
    shown = ok(api.get(f"/v1/disputes/{late.id}"))
    assert shown["status"] == "lost"
    assert funds_of(shown)["reinstated"] == 0
    assert Charge.objects.get(pk=late.charge_id).amount_disputed == 2000
    assert Event.objects.filter(type="charge.dispute.closed",
                                data__object__id=late.id).count() == 1
    change = StatusChange.objects.get(object_id=late.id, target="lost")
    assert (change.source, change.actor) == ("needs_response", "till")
    # and the one still due is untouched, and a second sweep closes nothing
    assert Dispute.objects.get(pk=in_time.pk).status == "needs_response"
    assert services.disputes_expire_due() == 0


def test_a_dispute_under_review_is_not_expired(api, django_capture_on_commit_callbacks):
    # given evidence submitted in time, the bank's decision not yet made
    dispute = open_dispute(api, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        ok(api.post(f"/v1/disputes/{dispute.id}",
                    {"evidence": {"uncategorized_text": "winning_evidence"}}))
    due(dispute, -timedelta(minutes=1))

    # when
    closed = services.disputes_expire_due()

    # then the bank still decides it
    assert closed == 0
    assert Dispute.objects.get(pk=dispute.pk).status == "under_review"


def test_an_unanswered_inquiry_closes(api, django_capture_on_commit_callbacks):
    dispute = open_dispute(api, django_capture_on_commit_callbacks)
    Dispute.objects.filter(pk=dispute.pk).update(status="warning_needs_response")
    due(dispute, -timedelta(minutes=1))

    assert services.disputes_expire_due() == 1
    assert Dispute.objects.get(pk=dispute.pk).status == "warning_closed"


def test_an_unanswered_inquiry_from_the_inquiry_card_closes_without_moving_money(
        api, django_capture_on_commit_callbacks):
    # given an inquiry nobody answered by its due date
    with django_capture_on_commit_callbacks(execute=True):
        paid = paid_intent(api, payment_method="pm_card_createDisputeInquiry", amount=2000)
    inquiry = Dispute.objects.get(charge_id=paid["latest_charge"])
    due(inquiry, -timedelta(minutes=1))

    # when beat's sweep runs
    assert tasks.disputes_expire_due() == 1

    # then it closed as an inquiry does, with nothing withdrawn
    shown = ok(api.get(f"/v1/disputes/{inquiry.id}"))
    assert shown["status"] == "warning_closed"
    assert funds_of(shown)["net"] == 0
    assert Charge.objects.get(pk=paid["latest_charge"]).amount_disputed == 0
    change = StatusChange.objects.get(object_id=inquiry.id, target="warning_closed")
    assert (change.source, change.actor) == ("warning_needs_response", "till")


def test_beat_runs_the_expiry_sweep():
    tasks_scheduled = {entry["task"] for entry in django_settings.CELERY_BEAT_SCHEDULE.values()}

    assert tasks.disputes_expire_due.name in tasks_scheduled
