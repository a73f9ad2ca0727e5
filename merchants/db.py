"""Database helpers every app shares."""

import copy
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cache
from typing import Any

from django.db import connection, models, transaction


@contextmanager
def unique_insert() -> Iterator[None]:
    """Around one INSERT whose IntegrityError is an answer (the row exists), not a failure.

    Inside a transaction, a savepoint keeps that transaction usable after the error. Outside
    one (autocommit), the INSERT is its own transaction already: wrapping it in atomic() would
    only add a BEGIN and a COMMIT round trip on the hot path.
    """
    if transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            yield
    else:
        yield


# -- hand-written reads on the hot path --------------------------------------------------------
#
# Compiling a queryset costs more CPU than PostgreSQL spends running it: for the few reads
# every payment makes (its API key, its intent under lock), the SQL is written once here and
# rows become model instances through Django's own converters, as the ORM would make them.

def columns(model: type[models.Model], alias: str) -> str:
    """`alias."col", …` for every concrete field of `model`, in the order rows_as reads them."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(field.column)}" for field in model._meta.concrete_fields)


@cache
def _reader(model: type[models.Model]) -> tuple[list[str], list[tuple[Any, tuple[Callable, ...]]]]:
    fields = model._meta.concrete_fields
    converters = []
    for field in fields:
        column = field.get_col(model._meta.db_table)
        converters.append((column, tuple(connection.ops.get_db_converters(column)
                                         + field.get_db_converters(connection))))
    return [field.attname for field in fields], converters


def rows_as(rows: Iterable[Sequence[Any]], *model_classes: type[models.Model]
            ) -> list[tuple[models.Model, ...]]:
    """Each row (the `columns` of each model, one after another) as model instances."""
    readers = [(model, *_reader(model)) for model in model_classes]
    out = []
    for row in rows:
        instances, start = [], 0
        for model, attnames, converters in readers:
            values = list(row[start:start + len(attnames)])
            for index, (column, chain) in enumerate(converters):
                for convert in chain:
                    values[index] = convert(values[index], column, connection)
            instance = model.from_db(connection.alias, attnames, values)
            if isinstance(instance, SavesChangedFields):
                instance.remember_loaded()
            instances.append(instance)
            start += len(attnames)
        out.append(tuple(instances))
    return out


def fetch_as(sql: str, params: Sequence[Any], *model_classes: type[models.Model]
             ) -> list[tuple[models.Model, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return rows_as(cursor.fetchall(), *model_classes)


class SavesChangedFields(models.Model):
    """A model whose rows, once read by `fetch_as`, save only the fields that changed since:
    an UPDATE of every column compiles and sends all of them for the two or three that a
    transition sets."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        loaded = self.__dict__.get("_loaded_values")
        if loaded is not None and not args and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                attname for attname, value in loaded.items()
                if attname != self._meta.pk.attname and getattr(self, attname) != value]
        super().save(*args, **kwargs)
        if loaded is not None:
            self.remember_loaded()

    def remember_loaded(self) -> None:
        self.__dict__["_loaded_values"] = {
            field.attname: copy.deepcopy(value) if isinstance(value, dict | list) else value
            for field in self._meta.concrete_fields
            for value in (getattr(self, field.attname),)}
