"""Each event records what it is about (its object, and the payment intent that object
belongs to), so an object's or a payment's history is an index lookup, not a JSON scan."""

from django.db import connection

from tests.conftest import needs_postgres
from tests.payments.factories import ok, paid_intent
from webhooks.models import Event
from webhooks.selectors import event_list_for_object, event_list_for_payment


def test_a_payments_events_are_found_by_their_intent(api, account):
    # given a paid, partly refunded payment, and another payment
    paid = paid_intent(api, amount=2000)
    refund = ok(api.post("/v1/refunds", {"payment_intent": paid["id"], "amount": 500}))
    other = paid_intent(api, amount=700)

    # when its history is read
    events = list(event_list_for_payment(merchant=account.merchant, livemode=False,
                                         payment_intent_id=paid["id"]))

    # then it holds the intent's, its charge's and its refund's events, and nothing else
    about = {event.data["object"]["id"] for event in events}
    assert about == {paid["id"], paid["latest_charge"], refund["id"]}
    assert {e.type for e in events} >= {"payment_intent.succeeded", "charge.succeeded",
                                        "refund.created", "charge.refunded"}
    assert other["id"] not in about
    assert [e.created for e in events] == sorted((e.created for e in events), reverse=True)
    # and one object's events are those whose data.object is it
    charge_events = event_list_for_object(merchant=account.merchant, livemode=False,
                                          object_id=paid["latest_charge"])
    assert {e.data["object"]["id"] for e in charge_events} == {paid["latest_charge"]}
    assert Event.objects.filter(object_id="").count() == 0


@needs_postgres("the planner's choice of index is PostgreSQL's")
def test_a_payments_history_is_read_through_its_index(api, account):
    paid = paid_intent(api)
    query = event_list_for_payment(merchant=account.merchant, livemode=False,
                                   payment_intent_id=paid["id"])[:20]
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "event_payment_intent" in plan, plan


def test_the_migration_fills_in_existing_events(transactional_db):
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("webhooks", "0002_webhookendpoint_webhookdelivery_and_more")], [
        ("webhooks", "0003_event_subjects")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    Merchant = old_apps.get_model("merchants", "Merchant")  # noqa: N806
    OldEvent = old_apps.get_model("webhooks", "Event")  # noqa: N806
    merchant = Merchant.objects.create(id="acct_m", name="Shop", email="s@example.test")
    for pk, obj in [("evt_pi", {"id": "pi_1", "object": "payment_intent"}),
                    ("evt_ch", {"id": "ch_1", "object": "charge", "payment_intent": "pi_1"}),
                    ("evt_cus", {"id": "cus_1", "object": "customer"})]:
        OldEvent.objects.create(id=pk, merchant=merchant, livemode=False, type="x",
                                api_version="v", data={"object": obj})

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    subjects = dict(Event.objects.values_list("id", "object_id"))
    intents = dict(Event.objects.values_list("id", "related_payment_intent"))
    assert subjects == {"evt_pi": "pi_1", "evt_ch": "ch_1", "evt_cus": "cus_1"}
    assert intents == {"evt_pi": "pi_1", "evt_ch": "pi_1", "evt_cus": None}
