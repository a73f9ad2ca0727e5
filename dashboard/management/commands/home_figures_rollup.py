import time
from datetime import timedelta

from django.core.management.base import BaseCommand

from ledger.services.volume_totals import volume_totals_roll
from payments.services.charge_outcome_totals import charge_outcome_totals_roll


class Command(BaseCommand):
    help = ("Rolls up Home's hourly totals (volume, charge outcomes) for every closed hour not "
            "rolled up yet: the backfill of what was there before the totals, or a catch-up "
            "after beat was down. Beat does the same a few weeks at a time; this runs to "
            "the end, one transaction per batch, and is safe beside beat (they take turns).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--batch-days", type=int, default=7,
                            help="days of rows per transaction (default 7)")

    def handle(self, *args, batch_days: int, **options) -> None:
        batch = timedelta(days=batch_days)
        for name, roll in (("volume", volume_totals_roll),
                           ("charge outcomes", charge_outcome_totals_roll)):
            started, batches = time.perf_counter(), 0
            while done := roll(batch=batch, batches=10):
                batches += done
            self.stdout.write(f"{name}: {batches} batch(es) in "
                              f"{time.perf_counter() - started:.1f} s")
