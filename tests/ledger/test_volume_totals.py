"""The volume's hourly totals (ledger.services.volume_totals): two rollups at once sum each
hour once."""

from datetime import timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone

from core.models import RollupMark
from ledger.models import BalanceTransaction, VolumeTotal
from ledger.services.volume_totals import volume_totals_roll
from tests.concurrency import run_together
from tests.conftest import needs_postgres
from tests.payments.factories import paid_intent


@needs_postgres()
@pytest.mark.django_db(transaction=True)
def test_two_rollups_at_once_sum_each_hour_once(account):
    # given a payment's balance transaction cloned over the last 20 days, one an hour
    paid = paid_intent(account.api(), amount=2000)
    template = BalanceTransaction.objects.get(source=paid["latest_charge"])
    now = timezone.now()
    clones = []
    for n in range(2, 20 * 24):  # in closed hours
        clone = BalanceTransaction.objects.get(pk=template.pk)
        clone.pk, clone.created = f"txn_race{n}", now - timedelta(hours=n)
        clones.append(clone)
    BalanceTransaction.objects.bulk_create(clones)

    # when two rollups run at once, a day per batch
    def roll(_: int) -> int:
        return volume_totals_roll(now=now, batch=timedelta(days=1), batches=100)

    done = run_together(2, roll)

    # then they took their turns: every hour summed once, the mark at the last closed hour
    hours = VolumeTotal.objects.filter(minutes=60)
    assert sum(done) >= 20
    assert hours.aggregate(n=Sum("count"))["n"] == len(clones)
    assert hours.aggregate(total=Sum("amount"))["total"] == 2000 * len(clones)
    assert RollupMark.objects.get().rolled_until > now - timedelta(hours=2)
