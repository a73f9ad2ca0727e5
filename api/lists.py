"""List objects with keyset pagination: page 10,000 costs what page 1 costs.

Order is newest first by (created, id); a cursor is an object id, resolved to its position.
"""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.errors import ParameterError
from api.objects import ApiObjectSerializer
from api.params import MAX_TIMESTAMP, Params, is_integer

_RANGE_LOOKUPS = ("gt", "gte", "lt", "lte")


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "object", "properties": {
    op: {"type": "integer"} for op in _RANGE_LOOKUPS}}]})
class RangeFilter(serializers.Field):
    """`created=<ts>` or `created[gt|gte|lt|lte]=<ts>` into ORM lookups on a datetime."""

    default_error_messages = {"invalid": "must be an integer timestamp or a hash with "
                                         "gt, gte, lt or lte."}

    def to_internal_value(self, data: Any) -> dict[str, datetime]:
        if isinstance(data, dict):
            unknown = set(data) - set(_RANGE_LOOKUPS)
            if unknown or not data:
                self.fail("invalid")
            return {op: self._timestamp(value, op=op) for op, value in data.items()}
        return {"exact": self._timestamp(data)}

    def _timestamp(self, value: Any, *, op: str | None = None) -> datetime:
        """Unix seconds from 0 to the last second of 9999, as TimestampParam takes them; a
        failure names `created[op]` when it is one of the hash's."""
        if isinstance(value, dict | list):
            self.fail("invalid")
        if not is_integer(value):
            error = serializers.ErrorDetail(f"Invalid integer: {value}",
                                            code="parameter_invalid_integer")
        elif not 0 <= int(value) <= MAX_TIMESTAMP:
            error = serializers.ErrorDetail(
                f"must be a Unix timestamp between 0 and {MAX_TIMESTAMP}.", code="invalid")
        else:
            return datetime.fromtimestamp(int(value), tz=UTC)
        raise serializers.ValidationError({op: [error]} if op else [error])


class ListParams(Params):
    limit = serializers.IntegerField(min_value=1, max_value=100, default=10)
    starting_after = serializers.CharField(required=False, max_length=100)
    ending_before = serializers.CharField(required=False, max_length=100)
    created = RangeFilter(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs.get("starting_after") and attrs.get("ending_before"):
            raise serializers.ValidationError({"ending_before": serializers.ErrorDetail(
                "You may only specify one of these parameters: starting_after, ending_before.",
                code="parameters_exclusive")})
        return attrs


def _range_filter(field: str, lookups: dict[str, datetime]) -> Q:
    q = Q()
    for op, value in lookups.items():
        # Stored times have microseconds, wire timestamps whole seconds: compare by second
        # (to its last microsecond, which exists even in the last second of 9999).
        end_of_second = value + timedelta(microseconds=999_999)
        if op == "exact":
            q &= Q(**{f"{field}__gte": value, f"{field}__lte": end_of_second})
        elif op == "gt":
            q &= Q(**{f"{field}__gt": end_of_second})
        elif op == "lte":
            q &= Q(**{f"{field}__lte": end_of_second})
        else:
            q &= Q(**{f"{field}__{op}": value})
    return q


def list_page(*, queryset: QuerySet, params: dict[str, Any],
              serializer: type[ApiObjectSerializer], url: str,
              expand: dict[str, dict],
              prepare: Callable[[list[Any]], None] | None = None) -> dict[str, Any]:
    """Renders one page of `queryset` (already scoped to merchant and mode); `prepare`, if
    given, is handed the page's rows first (to read what they show in one query for all)."""
    limit: int = params["limit"]
    if "created" in params:
        queryset = queryset.filter(_range_filter("created", params["created"]))
    cursor_id = params.get("starting_after") or params.get("ending_before")
    backwards = bool(params.get("ending_before"))
    if cursor_id:
        cursor_created = queryset.filter(pk=cursor_id).values_list("created", flat=True).first()
        if cursor_created is None:
            param = "ending_before" if backwards else "starting_after"
            raise ParameterError(f"No such {serializer.object_name}: '{cursor_id}'",
                                 code="resource_missing", param=param)
        if backwards:
            queryset = queryset.filter(Q(created__gt=cursor_created)
                                       | Q(created=cursor_created, pk__gt=cursor_id))
        else:
            queryset = queryset.filter(Q(created__lt=cursor_created)
                                       | Q(created=cursor_created, pk__lt=cursor_id))
    ordering = ("created", "pk") if backwards else ("-created", "-pk")
    rows = list(queryset.order_by(*ordering)[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
    if prepare is not None:
        prepare(rows)
    return {
        "object": "list",
        "data": [serializer.render_object(row, expand=expand) for row in rows],
        "has_more": has_more,
        "url": url,
    }


def ordered_page(rows: Sequence[Any], *, params: dict[str, Any],
                 serializer: type[ApiObjectSerializer], url: str) -> dict[str, Any]:
    """One page of a short sequence kept in its own order (an invoice's lines, a Checkout
    Session's line items: first to last, as Stripe lists them), after `starting_after` or
    before `ending_before`."""
    limit, ids = params["limit"], [row.id for row in rows]
    cursor = params.get("starting_after") or params.get("ending_before")
    if cursor is not None and cursor not in ids:
        param = "starting_after" if params.get("starting_after") else "ending_before"
        raise ParameterError(f"No such {serializer.object_name}: '{cursor}'",
                             code="resource_missing", param=param)
    if params.get("ending_before"):
        end = ids.index(cursor)
        page, has_more = rows[max(end - limit, 0):end], end > limit
    else:
        start = ids.index(cursor) + 1 if cursor else 0
        page, has_more = rows[start:start + limit], len(rows) > start + limit
    return {"object": "list", "data": [serializer.render_object(row) for row in page],
            "has_more": has_more, "url": url}


def range_q(field: str, lookups: dict[str, datetime]) -> Q:
    """A RangeFilter's lookups (`arrival_date[gte]=…`) as a filter on another datetime
    field than `created`, compared by the second as `created` is."""
    return _range_filter(field, lookups)
