"""core.db: the hand-written writes and reads of the hot path store and load exactly
what the ORM would."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core.db import batched, insert
from payments.models import Charge, PaymentIntent
from payments.selectors import payment_intent_get_locked_by_id
from tests.payments.factories import paid_intent
from webhooks.models import Event


def _row(model, pk) -> dict:
    return model.objects.filter(pk=pk).values().get()


def test_insert_stores_what_save_stores(account):
    # given two charges alike in every field, one saved by the ORM, one by insert()
    template = Charge.objects.get(pk=paid_intent(account.api())["latest_charge"])
    # (but their own id and receipt token: both unique, so each gets its own)
    unique = ("id", "receipt_token")
    values = {f.attname: getattr(template, f.attname) for f in Charge._meta.concrete_fields
              if f.attname not in unique}
    by_orm = Charge(**values)
    by_orm.save()
    by_insert = Charge(**values)

    # when
    insert(by_insert)

    # then the rows match field by field (JSON, datetimes, booleans, nulls), and the instance
    # is a saved one
    orm_row, insert_row = _row(Charge, by_orm.pk), _row(Charge, by_insert.pk)
    assert {k: v for k, v in insert_row.items() if k not in unique} == {
        k: v for k, v in orm_row.items() if k not in unique}
    assert insert_row["receipt_token"] and insert_row["receipt_token"] != orm_row["receipt_token"]
    assert by_insert.pk.startswith("ch_") and by_insert._state.adding is False


def test_insert_writes_many_rows_in_one_statement(account, django_assert_num_queries):
    events = [Event(merchant=account.merchant, livemode=False, type="customer.created",
                    api_version="2025-02-24.acacia", data={"object": {"n": n}})
              for n in range(3)]

    with django_assert_num_queries(1):
        insert(*events)

    assert sorted(e.data["object"]["n"] for e in Event.objects.filter(
        pk__in=[e.pk for e in events])) == [0, 1, 2]


def test_an_intent_read_under_its_lock_saves_only_what_changed(account):
    intent_id = paid_intent(account.api())["id"]
    with transaction.atomic():
        intent = payment_intent_get_locked_by_id(id=intent_id)
        intent.description = "Order 42"
        intent.metadata["kept"] = "yes"  # changed in place: seen too

        with CaptureQueriesContext(connection) as captured:
            intent.save()

    [update] = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("UPDATE")]
    assert '"description"' in update and '"metadata"' in update
    assert '"amount"' not in update and '"status"' not in update
    saved = PaymentIntent.objects.get(pk=intent_id)
    assert (saved.description, saved.metadata) == ("Order 42", {"kept": "yes"})
    # and saving again with nothing changed writes nothing
    with CaptureQueriesContext(connection) as captured:
        intent.save()
    assert not captured.captured_queries


# -- batched(): a transaction's writes held and sent as one statement ------------------------

def _events(account, *names: str) -> list[Event]:
    return [Event(merchant=account.merchant, livemode=False, type="customer.created",
                  api_version="2025-02-24.acacia", data={"object": {"name": name}})
            for name in names]


def _names(events: list[Event]) -> list[str]:
    return sorted(e.data["object"]["name"] for e in Event.objects.filter(
        pk__in=[e.pk for e in events]))


def test_a_batch_sends_its_writes_together_when_it_ends(account):
    first, second = _events(account, "first", "second")
    intent = PaymentIntent.objects.get(pk=paid_intent(account.api())["id"])
    with transaction.atomic():
        locked = payment_intent_get_locked_by_id(id=intent.pk)
        with CaptureQueriesContext(connection) as captured, batched():
            insert(first)
            insert(second)
            locked.description = "Order 42"
            locked.save()
            assert not captured.captured_queries  # held: nothing sent yet

    # then one statement on PostgreSQL (one per write elsewhere), and every write landed
    sent = [q["sql"] for q in captured.captured_queries]
    assert len(sent) == (1 if connection.vendor == "postgresql" else 3)
    assert _names([first, second]) == ["first", "second"]
    assert PaymentIntent.objects.get(pk=intent.pk).description == "Order 42"


def test_a_read_of_a_held_table_sees_what_was_written_before_it(account):
    [event] = _events(account, "seen")
    with transaction.atomic(), batched():
        insert(event)
        # an ORM read of that table sends the held write first
        assert Event.objects.filter(pk=event.pk).exists()
        # a statement on another table does not
        with CaptureQueriesContext(connection) as captured:
            insert(*_events(account, "held"))
            list(PaymentIntent.objects.filter(pk="pi_none"))
        assert len(captured.captured_queries) == 1


def test_rolling_back_to_a_savepoint_drops_the_writes_held_since(account):
    kept, dropped = _events(account, "kept", "dropped")
    with transaction.atomic(), batched():
        insert(kept)
        try:
            with transaction.atomic():
                insert(dropped)
                raise RuntimeError("the inner block fails")
        except RuntimeError:
            pass

    assert _names([kept, dropped]) == ["kept"]


def test_writes_before_an_error_caught_inside_the_transaction_still_land(account):
    [event] = _events(account, "before the error")
    with transaction.atomic():
        try:
            with batched():
                insert(event)
                raise ValueError("a domain refusal, caught by the caller")
        except ValueError:
            pass

    assert _names([event]) == ["before the error"]


def test_a_batch_needs_a_transaction():
    with pytest.raises(RuntimeError), batched():
        pass


def test_psycopg_keeps_the_payment_paths_statements_parsed():
    # core.apps raises psycopg's limits so that statements of a few hundred parameters keep
    # their parsed placeholders; an upgrade that renames them must not drop that silently
    queries = pytest.importorskip("psycopg._queries")
    assert queries.MAX_CACHED_STATEMENT_PARAMS >= 1000
    assert queries.MAX_CACHED_STATEMENT_LENGTH >= 65536
