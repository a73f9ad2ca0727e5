"""The one model every app writes: the record of an API object's status changes."""

from django.db import models

from core import clock


class StatusChange(models.Model):
    """One state-machine transition of an API object: what, from, to, when and by whom.

    Written by the service that made the change, in its transaction (`core.audit`): the
    dashboard's timeline and the audit log read these rows. Its table is still the one
    merchants made (`merchants_statuschange`): the model moved, the rows did not.
    """

    # The merchant's id (`acct_…`), not a foreign key: core sits below merchants. The one
    # writer copies it from a saved object of that merchant.
    merchant_id = models.CharField(max_length=40, db_index=True)
    livemode = models.BooleanField()
    object_id = models.CharField(max_length=40)
    source = models.CharField(max_length=40)
    target = models.CharField(max_length=40)
    at = models.DateTimeField(default=clock.now)
    # `key_…` (an API key), `user:<id>` (the dashboard) or `till` (a task of Till's own).
    actor = models.CharField(max_length=60)
    request_id = models.CharField(max_length=200, null=True, blank=True)

    class Meta:
        db_table = "merchants_statuschange"
        indexes = [models.Index(fields=["object_id", "at"], name="status_change_object")]

    def __str__(self) -> str:
        return f"{self.object_id}: {self.source} → {self.target}"


class RollupMark(models.Model):
    """How far a rollup of figures has come: every UTC hour before `rolled_until` is summed
    in its totals table (ledger.VolumeTotal, payments.ChargeOutcomeTotal), and Home reads
    those hours from there; later rows are read from their own table. The rollup holds this
    row's lock while it writes, so two runs at once take their turns (core.rollups)."""

    name = models.CharField(max_length=60, primary_key=True)
    rolled_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name}: {self.rolled_until}"
