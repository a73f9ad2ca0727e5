"""The single refund approval threshold of before became one per currency: a merchant's old
threshold carries over to every currency it has charged in (and USD), so no refund that
waited before proceeds after the upgrade."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.payments.factories import ok, paid_intent

BEFORE = [("merchants", "0003_merchant_refund_approval_threshold"),
          ("refunds", "0010_refund_requested_by")]


def migrate(targets):
    return MigrationExecutor(connection).migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_the_old_threshold_becomes_each_charged_currencys(account, api):
    # given charges in euros and yen, and the old single threshold of 700 minor units
    paid_intent(api, amount=2000, currency="eur")
    paid_intent(api, amount=2000, currency="jpy")
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = migrate(BEFORE).apps
        old.get_model("merchants", "Merchant").objects.filter(pk=account.merchant.id).update(
            refund_approval_threshold=700)

    # when the database is migrated forward
    finally:
        migrate(latest)

    # then each of those currencies, and USD, has that threshold, and a refund above it waits
    account.merchant.refresh_from_db()
    assert account.merchant.refund_approval_thresholds == {"eur": 700, "jpy": 700, "usd": 700}
    paid = paid_intent(api, amount=2000, currency="eur")
    assert ok(api.post("/v1/refunds", {"payment_intent": paid["id"], "amount": 701}))[
        "status"] == "pending_approval"


@pytest.mark.django_db(transaction=True)
def test_migrating_back_keeps_the_smallest_threshold(account):
    account.merchant.refund_approval_thresholds = {"usd": 5000, "gbp": 300}
    account.merchant.save()
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = migrate(BEFORE).apps
        kept = old.get_model("merchants", "Merchant").objects.get(
            pk=account.merchant.id).refund_approval_threshold
    finally:
        migrate(latest)

    assert kept == 300
