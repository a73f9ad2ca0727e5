"""Database helpers every app shares."""

import copy
from collections.abc import Callable, Iterable, Iterator, Sequence, Sized
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from datetime import datetime
from functools import cache
from typing import Any

import orjson
from django.db import DatabaseError, connection, models, transaction
from django.db.models.fields import AutoFieldMixin


@contextmanager
def unique_insert() -> Iterator[None]:
    """Around one INSERT whose IntegrityError is an answer (the row exists), not a failure.

    Inside a transaction, a savepoint keeps that transaction usable after the error. Outside
    one (autocommit), the INSERT is its own transaction already: wrapping it in atomic() would
    only add a BEGIN and a COMMIT round trip on the hot path. Inside `batched()`, the INSERT
    is sent at once, not held: its error is the answer, so it must come now.
    """
    with _unbatched():
        if transaction.get_connection().in_atomic_block:
            with transaction.atomic():
                yield
        else:
            yield


# -- hand-written reads on the hot path --------------------------------------------------------
#
# Compiling a queryset costs more CPU than PostgreSQL spends running it: for the few reads
# every payment and every webhook delivery makes (an API key, an intent under lock, the
# deliveries a worker claims), the SQL is written by hand, and rows become model instances
# through Django's own converters (as the ORM would make them) by a Reader.

def table(model: type[models.Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def placeholders(values: Sized) -> str:
    """`%s, %s, …`, one per value (for `IN (…)`)."""
    return ", ".join(["%s"] * len(values))


def db_datetime(value: datetime | None) -> Any:
    """A datetime as a hand-written query's parameter (SQLite keeps naive UTC text)."""
    return connection.ops.adapt_datetimefield_value(value)


def execute(sql: str, params: Sequence[Any]) -> int:
    """Runs one statement now; how many rows it changed."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


# -- a transaction's writes in one statement -------------------------------------------------
#
# A transaction on the hot path writes a handful of rows nobody reads back before it commits:
# the object, its status change, its events and their deliveries, its ledger entries. Each
# INSERT or UPDATE sent alone costs a round trip and PostgreSQL's parse, plan and execute;
# sent together as one data-modifying WITH they cost one. Foreign keys are checked at commit
# (Django creates them DEFERRABLE INITIALLY DEFERRED), so the order inside does not matter.

class _Batch:
    """The writes held back in one `batched()` block, sent as one statement."""

    # PostgreSQL takes at most 65,535 parameters in one statement.
    MAX_PARAMS = 30_000

    def __init__(self) -> None:
        self.writes: list[tuple[str, list[Any]]] = []
        self.tables: set[str] = set()
        self.size = 0
        self.flushing = False

    def add(self, sql: str, params: list[Any], *, table_name: str, reads_table: bool) -> None:
        """Holds one write of `table_name`. A write that reads its table (an UPDATE ... WHERE)
        would not see an earlier held write of that table inside one statement, so those are
        sent first."""
        if (reads_table and table_name in self.tables) or (
                self.size + len(params) > self.MAX_PARAMS):
            self.flush()
        self.writes.append((sql, params))
        self.tables.add(table_name)
        self.size += len(params)

    def before(self, execute, sql, params, many, context):
        """The connection's execute wrapper: any other statement that names a table with held
        writes (a read of what they wrote, a write after them) sends them first, so every
        statement sees the transaction as if each write had been sent when it was made.
        A savepoint sends them too, so that rolling back to it drops exactly the writes
        held since (a savepoint's own statements name no table)."""
        if self.writes and not self.flushing:
            if sql.startswith("SAVEPOINT") or any(name in sql for name in self.tables):
                self.flush()
            elif sql.startswith("ROLLBACK TO SAVEPOINT"):
                self.writes, self.tables, self.size = [], set(), 0
        return execute(sql, params, many, context)

    def flush(self) -> None:
        if not self.writes:
            return
        writes, self.writes, self.tables, self.size = self.writes, [], set(), 0
        self.flushing = True
        try:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql" and len(writes) > 1:
                    *held, (last_sql, last_params) = writes
                    sql = ("WITH " + ", ".join(f"w{n} AS ({each})"
                                               for n, (each, _) in enumerate(held))
                           + " " + last_sql)
                    cursor.execute(sql, [p for _, each in writes for p in each])
                else:
                    for each, each_params in writes:
                        cursor.execute(each, each_params)
        finally:
            self.flushing = False


_batch: ContextVar[_Batch | None] = ContextVar("till_db_batch", default=None)


@contextmanager
def batched() -> Iterator[None]:
    """Inside a transaction: the `insert`s, and the saves of SavesChangedFields models, made
    in this block are held and sent as one statement when it ends (on PostgreSQL; one after
    another elsewhere), or earlier when another statement names one of their tables. Their
    errors (a constraint) therefore surface at the block's end. Nested blocks join the
    outer one."""
    if _batch.get() is not None:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("batched() holds a transaction's writes: open the transaction first")
    batch = _Batch()
    token = _batch.set(batch)
    try:
        with connection.execute_wrapper(batch.before):
            try:
                yield
            except BaseException:
                # As if each write had been sent: a caller that catches the error inside
                # its transaction and commits still writes what came before it.
                if not connection.needs_rollback:
                    with suppress(DatabaseError):
                        batch.flush()
                raise
            batch.flush()
    finally:
        _batch.reset(token)


@contextmanager
def _unbatched() -> Iterator[None]:
    """Writes sent at once within a batched block (the held ones first)."""
    batch = _batch.get()
    if batch is None:
        yield
        return
    batch.flush()
    token = _batch.set(None)
    try:
        yield
    finally:
        _batch.reset(token)


def write(sql: str, params: list[Any], *, model: type[models.Model], reads_table: bool = True
          ) -> None:
    """A hand-written INSERT, UPDATE or DELETE of `model`'s table: sent now, or held with
    the batch's others inside `batched()`. `reads_table`: it reads the table too (an UPDATE
    or DELETE … WHERE), so earlier held writes of that table are sent before it."""
    batch = _batch.get()
    if batch is None:
        execute(sql, params)
    else:
        batch.add(sql, params, table_name=table(model), reads_table=reads_table)


def lock_clause(*, of: str | None = None, skip_locked: bool = False) -> str:
    """`FOR UPDATE [OF alias] [SKIP LOCKED]` as far as the database has them (SQLite: none;
    its writers take the whole database in turn)."""
    features = connection.features
    if not features.has_select_for_update:
        return ""
    clause = " FOR UPDATE"
    if of and features.has_select_for_update_of:
        clause += f" OF {of}"
    if skip_locked and features.has_select_for_update_skip_locked:
        clause += " SKIP LOCKED"
    return clause


@cache
def _converters(model: type[models.Model], attname: str) -> tuple[Any, tuple[Callable, ...]]:
    field = next(f for f in model._meta.concrete_fields if f.attname == attname)
    column = field.get_col(model._meta.db_table)
    return column, tuple(connection.ops.get_db_converters(column)
                         + field.get_db_converters(connection))


def converted(model: type[models.Model], attname: str, value: Any) -> Any:
    """A value of `model`'s column `attname` as read by a hand-written query, converted as
    the ORM converts it (SQLite's datetimes and booleans, JSON, ...)."""
    column, chain = _converters(model, attname)
    for convert in chain:
        value = convert(value, column, connection)
    return value


class Reader:
    """Reads one model's columns of a hand-written query into instances: all its concrete
    fields, or only those named (the others deferred, so a `save()` of such an instance
    writes only what was read)."""

    def __init__(self, model: type[models.Model], names: Iterable[str] | None = None) -> None:
        wanted = None if names is None else set(names)
        self.model = model
        self.fields = tuple(field for field in model._meta.concrete_fields
                            if wanted is None or field.attname in wanted)
        self.attnames = [field.attname for field in self.fields]
        self.complete = wanted is None

    def __len__(self) -> int:
        return len(self.fields)

    def columns(self, alias: str) -> str:
        """`alias."col", …`, in the order `load` reads them."""
        quote = connection.ops.quote_name
        return ", ".join(f"{alias}.{quote(field.column)}" for field in self.fields)

    def load(self, values: Sequence[Any]) -> models.Model | None:
        """The instance these values describe; None when its key is null (the side of a LEFT
        JOIN that found nothing)."""
        values = [converted(self.model, attname, value)
                  for attname, value in zip(self.attnames, values, strict=True)]
        pk = self.model._meta.pk.attname
        if pk in self.attnames and values[self.attnames.index(pk)] is None:
            return None
        instance = self.model.from_db(connection.alias, self.attnames, values)
        if self.complete and isinstance(instance, SavesChangedFields):
            instance.remember_loaded()
        return instance


@cache
def reader(model: type[models.Model]) -> Reader:
    """The Reader of every concrete field of `model`."""
    return Reader(model)


def fetch_as(sql: str, params: Sequence[Any], *readers: Reader
             ) -> list[tuple[models.Model, ...]]:
    """Runs `sql` and reads each row (the `columns` of each reader, one after another) as a
    tuple of instances."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    out = []
    for row in rows:
        instances, start = [], 0
        for each in readers:
            instances.append(each.load(row[start:start + len(each)]))
            start += len(each)
        out.append(tuple(instances))
    return out


# -- hand-written inserts on the hot path ----------------------------------------------------

# Field classes whose value, when it is already of the type the column takes (or None), is
# written as it is: for them get_db_prep_save only checks and converts what is not one
# already (a fifth of an insert's CPU when every field takes Django's path, profiled).
_PLAIN_FIELDS = ((models.CharField, str), (models.TextField, str), (models.IntegerField, int),
                 (models.BooleanField, bool))
_CONVERSIONS = ("pre_save", "get_prep_value", "get_db_prep_value", "get_db_prep_save")


def _plain_type(field: models.Field) -> type | None:
    """The type whose values `field` writes as they are: that of one of _PLAIN_FIELDS (or a
    subclass that overrides none of their conversions); None for any other field. A foreign
    key's is its target's, but for "" (NULL where the database has no empty strings)."""
    if isinstance(field, models.ForeignKey):
        return _plain_type(field.target_field)
    for base, kind in _PLAIN_FIELDS:
        if isinstance(field, base):
            same = all(getattr(type(field), name) is getattr(base, name)
                       for name in _CONVERSIONS)
            return kind if same else None
    return None


@cache
def _insert_plan(model: type[models.Model]
                 ) -> tuple[tuple[tuple[models.Field, str, type | None, bool], ...], str, str]:
    fields = tuple(field for field in model._meta.concrete_fields
                   if not isinstance(field, AutoFieldMixin))
    quote = connection.ops.quote_name
    head = (f"INSERT INTO {table(model)} "  # noqa: S608 - identifiers from the model
            f"({', '.join(quote(field.column) for field in fields)}) VALUES ")
    plan = tuple((field, field.attname, _plain_type(field),
                  isinstance(field, models.ForeignKey)) for field in fields)
    return plan, head, "(" + placeholders(fields) + ")"


def _insert_sql(objs: Sequence[models.Model]) -> tuple[str, list[Any]]:
    plan, head, row = _insert_plan(type(objs[0]))
    params = []
    for obj in objs:
        for field, attname, kind, foreign in plan:
            value = getattr(obj, attname)
            if kind is None or not (value is None or type(value) is kind) or (
                    foreign and value == ""):
                value = field.get_db_prep_save(field.pre_save(obj, add=True), connection)
            params.append(value)
    return head + ", ".join([row] * len(objs)), params


def _inserted(objs: Sequence[models.Model]) -> None:
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def insert(*objs: models.Model) -> None:
    """INSERTs new instances of one model in one statement, with the values save() would
    write (defaults, pre_save, each field's own conversion), without compiling a query per
    call; then the instances are saved ones. An auto-increment key is not read back.
    Inside `batched()` the statement is held and sent with the block's others."""
    sql, params = _insert_sql(objs)
    write(sql, params, model=type(objs[0]), reads_table=False)
    _inserted(objs)


def insert_with(parent: models.Model, children: Sequence[models.Model]) -> None:
    """INSERTs `parent` and its `children` (rows of one model referring to it), as `insert`
    would: in one statement on PostgreSQL (a data-modifying WITH; foreign keys are checked
    at its end, or at the commit of the transaction that holds it), in two elsewhere."""
    if connection.in_atomic_block:
        with batched():  # joins the transaction's batch, if it has one
            insert(parent)
            insert(*children)
        return
    batch = _Batch()  # autocommit: the two sent at once all the same, as one statement
    batch.add(*_insert_sql([parent]), table_name=table(type(parent)), reads_table=False)
    batch.add(*_insert_sql(children), table_name=table(type(children[0])), reads_table=False)
    batch.flush()
    _inserted([parent, *children])


@cache
def _fields_by_name(model: type[models.Model]) -> dict[str, models.Field]:
    """A model's concrete fields by name and by attname (`customer` and `customer_id`), as
    save(update_fields=…) takes either."""
    fields = model._meta.concrete_fields
    return {**{field.name: field for field in fields},
            **{field.attname: field for field in fields}}


def _update_sql(obj: models.Model, names: Sequence[str]) -> tuple[str, list[Any]]:
    """`UPDATE … SET` the fields named, WHERE the primary key: what save(update_fields=…)
    sends, written without the ORM's compiler."""
    meta = obj._meta
    quote = connection.ops.quote_name
    by_name = _fields_by_name(type(obj))
    fields = [by_name[name] for name in names]
    sets = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    params = [field.get_db_prep_save(field.pre_save(obj, add=False), connection)
              for field in fields]
    sql = (f"UPDATE {table(type(obj))} SET {sets} "  # noqa: S608 - identifiers from the model
           f"WHERE {quote(meta.pk.column)} = %s")
    return sql, [*params, meta.pk.get_db_prep_value(obj.pk, connection)]


class SavesChangedFields(models.Model):
    """A model on the payment path: a new instance is written by `insert`, and one read by
    `fetch_as` (or inserted) saves only the fields that changed since: an UPDATE of every
    column compiles and sends all of them for the two or three that a transition sets."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding and not args and not kwargs:
            insert(self)
            self.remember_loaded()
            return
        loaded = self.__dict__.get("_loaded_values")
        if loaded is not None and not args and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                attname for attname, kept in loaded.items()
                if attname != self._meta.pk.attname and _changed(getattr(self, attname), kept)]
        if (_batch.get() is not None and not args and set(kwargs) == {"update_fields"}
                and not self._state.adding):
            # Held with the transaction's other writes: an instance read from the database
            # (its row exists), saving the fields named or changed.
            if kwargs["update_fields"]:
                sql, params = _update_sql(self, list(kwargs["update_fields"]))
                write(sql, params, model=type(self))
        else:
            super().save(*args, **kwargs)
        if loaded is not None:
            self.remember_loaded()

    def remember_loaded(self) -> None:
        self.__dict__["_loaded_values"] = {
            field.attname: _kept(value) for field in self._meta.concrete_fields
            for value in (getattr(self, field.attname),)}


class _Dumped(bytes):
    """A JSON field's value as loaded, kept as its canonical JSON (a copy that a change in
    place cannot reach; a tenth of deepcopy's cost for the small dicts on the payment path)."""


def _kept(value: Any) -> Any:
    if isinstance(value, dict | list):
        try:
            return _Dumped(orjson.dumps(value, option=orjson.OPT_SORT_KEYS))
        except TypeError:  # not plain JSON (a Decimal): compared as a copy
            return copy.deepcopy(value)
    return value


def _changed(value: Any, kept: Any) -> bool:
    if isinstance(kept, _Dumped):
        return not isinstance(value, dict | list) or _kept(value) != kept
    return value != kept
