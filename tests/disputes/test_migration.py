"""Disputes moved from refunds/ to an app of their own without touching their table: a dispute
written before the move is read, served and kept after it, with its content type (and so
its permissions) moved over."""

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.state import ProjectState

from disputes.models import Dispute
from tests.payments.factories import ok, paid_intent

# The last migrations before the move: refunds still held Dispute, disputes did not exist.
BEFORE_THE_MOVE = [("refunds", "0008_dispute_amount_withdrawn"), ("disputes", None)]


def migrate(targets: list[tuple[str, str | None]]) -> ProjectState:
    """Migrates the test database to `targets`; returns the models' state there."""
    return MigrationExecutor(connection).migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_a_dispute_written_before_the_move_is_kept(account, api):
    # given a payment, and the database migrated back to where the old code left it, with a
    # dispute of the payment's charge written there by the old model
    paid = paid_intent(api, amount=2000)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = migrate(BEFORE_THE_MOVE).apps
        assert [m for m in old.get_models() if m._meta.app_label == "disputes"] == []
        OldDispute = old.get_model("refunds", "Dispute")
        assert OldDispute._meta.db_table == "refunds_dispute"
        OldDispute.objects.create(
            id="dp_before_the_move", merchant_id=account.merchant.id, livemode=False,
            charge_id=paid["latest_charge"], payment_intent_id=paid["id"], amount=2000,
            amount_withdrawn=2000, currency="usd", reason="fraudulent",
            status="needs_response", evidence={"uncategorized_text": "kept"},
            metadata={"order_id": "6735"})
        old_types = old.get_model("contenttypes", "ContentType").objects
        assert old_types.filter(app_label="refunds", model="dispute").exists()

    # when the database is migrated forward
    finally:
        migrate(latest)

    # then the dispute is the new model's, and served as before
    dispute = Dispute.objects.get(pk="dp_before_the_move")
    assert (dispute.charge_id, dispute.amount_withdrawn, dispute.evidence) == (
        paid["latest_charge"], 2000, {"uncategorized_text": "kept"})
    served = ok(api.get("/v1/disputes/dp_before_the_move"))
    assert (served["status"], served["amount"], served["metadata"]) == (
        "needs_response", 2000, {"order_id": "6735"})
    assert served["evidence"]["uncategorized_text"] == "kept"
    # and its content type moved with it, keeping its permissions
    content_type = ContentType.objects.get_for_model(Dispute)
    assert content_type.app_label == "disputes"
    assert not ContentType.objects.filter(app_label="refunds", model="dispute").exists()
    assert Permission.objects.filter(content_type=content_type,
                                     codename="change_dispute").exists()
