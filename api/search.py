"""Stripe's search query language into a Django `Q`, and the search endpoints' pagination.

    query   := clause (separator clause)*          at most 10 clauses
    sep     := whitespace | " AND " | " OR "       (case-insensitive; AND and OR never mixed)
    clause  := ["-"] field op value                "-" negates the clause
    field   := name | "metadata[" quoted "]"
    op      := ":" | "~" | ">" | "<" | ">=" | "<="
    value   := quoted | integer | "null"           quoted: '...' or "..." with \\ escapes

Every malformed query is a ParameterError on `query`: parsing never raises anything else.
Field names and their ORM lookups come from the caller (a table of `core.search.SearchField`,
such as payments/search.py's), never from the query; a metadata key from the query is only
ever a JSON object key, never a lookup, path or array index.
"""

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from django.core import signing
from django.db.models import F, Func, Q, QuerySet, TextField
from django.db.models.fields.json import KeyTextTransform
from django.db.models.lookups import Exact, IsNull
from rest_framework import serializers
from rest_framework.response import Response

from api.errors import ParameterError
from api.params import METADATA_KEY_MAX, METADATA_VALUE_MAX, Params
from core.search import SearchField

MAX_CLAUSES = 10
SUBSTRING_MIN = 3
_INT64 = 2**63 - 1
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_WHITESPACE = frozenset(" \t\r\n")
_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_NAME_CHARS = _NAME_START | frozenset("0123456789.")
_DIGITS = frozenset("0123456789")
_COMPARISONS = {">": "gt", "<": "lt", ">=": "gte", "<=": "lte"}
_PAGE_SALT = "till.api.search.page"


def _error(message: str) -> ParameterError:
    return ParameterError(message, param="query")


# --- tokenizer -------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Token:
    kind: Literal["name", "quoted", "integer", "op", "minus", "[", "]", "end"]
    text: str  # a quoted token's text is its unescaped content
    at: int  # 1-based character position, for messages
    spaced: bool  # whitespace (or the start of the query) comes right before it


def _tokenize(query: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(query)
    spaced = True
    while i < n:
        ch = query[i]
        if ch in _WHITESPACE:
            spaced = True
            i += 1
            continue
        start = i
        if ch in "'\"":
            text, i = _read_quoted(query, i)
            tokens.append(_Token("quoted", text, start + 1, spaced))
        elif ch in _NAME_START:
            while i < n and query[i] in _NAME_CHARS:
                i += 1
            tokens.append(_Token("name", query[start:i], start + 1, spaced))
        elif ch in _DIGITS or (ch == "-" and i + 1 < n and query[i + 1] in _DIGITS):
            i += 1
            while i < n and query[i] in _DIGITS:
                i += 1
            if i < n and query[i] == "." and i + 1 < n and query[i + 1] in _DIGITS:
                raise _error(f"Invalid number at character {start + 1}: numeric values are "
                             "integers (amounts in the currency's smallest unit).")
            tokens.append(_Token("integer", query[start:i], start + 1, spaced))
        elif ch in "<>":
            i += 2 if query[i + 1:i + 2] == "=" else 1
            tokens.append(_Token("op", query[start:i], start + 1, spaced))
        elif ch in ":~=":
            i += 1
            tokens.append(_Token("op", ch, start + 1, spaced))
        elif ch in "-[]":
            i += 1
            tokens.append(_Token("minus" if ch == "-" else ch, ch, start + 1, spaced))
        elif ch in "()":
            raise _error(f"Unexpected '{ch}' at character {start + 1}: search queries do not "
                         "support parentheses.")
        else:
            raise _error(f"Unexpected character {ch!r} at character {start + 1}.")
        spaced = False
    tokens.append(_Token("end", "", n + 1, spaced))
    return tokens


def _read_quoted(query: str, start: int) -> tuple[str, int]:
    """Reads a quoted value from its opening quote; returns its text and the index after it."""
    quote = query[start]
    chars: list[str] = []
    i = start + 1
    while i < len(query):
        ch = query[i]
        if ch == quote:
            return "".join(chars), i + 1
        if ch == "\\" and i + 1 < len(query) and query[i + 1] in ("'", '"', "\\"):
            ch = query[i + 1]
            i += 1
        elif ch == "\x00" or "\ud800" <= ch <= "\udfff":
            raise _error(f"Invalid character {ch!r} in the value at character {i + 1}.")
        chars.append(ch)
        i += 1
    raise _error(f"Unterminated quoted value starting at character {start + 1}: close it "
                 f"with {quote}.")


# --- parser ----------------------------------------------------------------------------------

class _MetadataValue(Func):
    """The text under one metadata key, the key taken literally.

    Django's KeyTextTransform reads `"0"` as an array index and SQLite's JSON paths cannot
    hold every key, so each backend gets a form that compares the key as a plain string.
    """

    output_field = TextField()

    def __init__(self, column: str, key: str) -> None:
        super().__init__(F(column))
        self.key = key

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple]:
        sql, params = super().as_sql(compiler, connection,
                                     template="(%(expressions)s ->> %%s::text)")
        return sql, (*params, self.key)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple]:
        sql, params = super().as_sql(
            compiler, connection, template="(SELECT till_meta.value FROM json_each("
            "%(expressions)s) AS till_meta WHERE till_meta.key = %%s)")
        return sql, (*params, self.key)

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, tuple]:
        return compiler.compile(KeyTextTransform(self.key, *self.get_source_expressions()))


@dataclass(frozen=True)
class _Value:
    kind: Literal["quoted", "integer", "null"]
    text: str
    at: int


class _Parser:
    def __init__(self, tokens: list[_Token], fields: dict[str, SearchField],
                 metadata_lookup: str | None) -> None:
        self.tokens = tokens
        self.position = 0
        self.fields = fields
        self.metadata_lookup = metadata_lookup

    def peek(self) -> _Token:
        return self.tokens[self.position]

    def take(self) -> _Token:
        token = self.tokens[self.position]
        if token.kind != "end":
            self.position += 1
        return token

    def parse(self) -> Q:
        if self.peek().kind == "end":
            raise _error("The search query is empty: give at least one clause, such as "
                         "email:'jenny@example.com'.")
        clauses = [self.clause()]
        connector: str | None = None
        while (token := self.peek()).kind != "end":
            if not token.spaced:
                raise _error(f"Expected whitespace, AND or OR before character {token.at}: "
                             "separate clauses with a space, AND or OR.")
            word = "AND"
            if token.kind == "name" and token.text.upper() in ("AND", "OR"):
                word = token.text.upper()
                self.take()
                after = self.peek()
                if after.kind == "end":
                    raise _error(f"The query ends with {word}: a clause must follow it.")
                if not after.spaced:
                    raise _error(f"Expected whitespace after {word} at character {token.at}.")
            if connector is not None and connector != word:
                raise _error("AND and OR cannot be combined in one query (a space between "
                             "clauses means AND); use one or the other.")
            connector = word
            clauses.append(self.clause())
            if len(clauses) > MAX_CLAUSES:
                raise _error(f"A search query can have at most {MAX_CLAUSES} clauses.")
        combined = clauses[0]
        for clause in clauses[1:]:
            combined = combined | clause if connector == "OR" else combined & clause
        return combined

    def clause(self) -> Q:
        token = self.take()
        negated = token.kind == "minus"
        if negated:
            minus, token = token, self.take()
            if token.spaced:
                raise _error(f"Expected a field right after '-' at character {minus.at}.")
        if token.kind != "name":
            found = "the end of the query" if token.kind == "end" else repr(token.text)
            raise _error(f"Expected a field name at character {token.at}, found {found}.")
        if token.text.upper() in ("AND", "OR"):
            raise _error(f"Unexpected {token.text} at character {token.at}: AND and OR join "
                         "two clauses.")
        if self.metadata_lookup is not None and token.text == "metadata":
            key = self.metadata_key(token)
            op, value = self.operator(), self.value()
            return self.metadata_condition(key, op, value, negated=negated)
        field = self.fields.get(token.text)
        if field is None:
            raise _error(f"Unsupported search field {token.text!r}. Supported fields: "
                         f"{self.supported()}.")
        op, value = self.operator(), self.value()
        condition = self.field_condition(token.text, field, op, value)
        return ~condition if negated else condition

    def supported(self) -> str:
        names = sorted(self.fields)
        if self.metadata_lookup is not None:
            names.append("metadata['key']")
        return ", ".join(names) or "none"

    def metadata_key(self, name: _Token) -> str:
        opening, key, closing = self.take(), self.take(), self.take()
        if opening.kind != "[" or opening.spaced or key.kind != "quoted" or closing.kind != "]":
            raise _error(f"Expected metadata['key'] at character {name.at}: metadata is "
                         "searched one quoted key at a time.")
        if not key.text or len(key.text) > METADATA_KEY_MAX or "[" in key.text \
                or "]" in key.text:
            raise _error(f"Invalid metadata key at character {key.at}: keys are 1 to "
                         f"{METADATA_KEY_MAX} characters without square brackets.")
        return key.text

    def operator(self) -> _Token:
        token = self.take()
        if token.kind != "op":
            found = "the end of the query" if token.kind == "end" else repr(token.text)
            raise _error(f"Expected an operator (:, ~, >, <, >=, <=) at character {token.at}, "
                         f"found {found}.")
        if token.text == "=":
            raise _error(f"Unsupported operator '=' at character {token.at}: use ':' for an "
                         "exact match.")
        return token

    def value(self) -> _Value:
        token = self.take()
        if token.kind in ("quoted", "integer"):
            return _Value(token.kind, token.text, token.at)
        if token.kind == "name" and token.text.lower() == "null":
            return _Value("null", "", token.at)
        if token.kind == "name":
            raise _error(f"Unquoted value {token.text!r} at character {token.at}: put string "
                         f"values in quotes, e.g. '{token.text}'.")
        found = "the end of the query" if token.kind == "end" else repr(token.text)
        raise _error(f"Expected a value at character {token.at}, found {found}.")

    def field_condition(self, name: str, field: SearchField, op: _Token, value: _Value) -> Q:
        if value.kind == "null":
            if op.text != ":":
                raise _error(f"null can only be matched with ':' (field {name!r}).")
            return Q(**{f"{field.lookup}__isnull": True})
        if field.kind in ("number", "timestamp"):
            if op.text not in (":", *_COMPARISONS):
                raise self.unsupported(name, field, op)
            number = _integer(value, name, timestamp=field.kind == "timestamp")
            if field.kind == "timestamp":
                return _timestamp_condition(field.lookup, op.text, number, value)
            lookup = _COMPARISONS.get(op.text, "exact")
            return Q(**{f"{field.lookup}__{lookup}": number})
        text = value.text  # quotes are optional for numbers: `last4:4242`
        if op.text == ":":
            # Stripe's tokens (ids, enums) match exactly; its strings ignore case.
            lookup = "exact" if field.kind == "token" else "iexact"
            return Q(**{f"{field.lookup}__{lookup}": text})
        if op.text == "~" and field.substring:
            if len(text) < SUBSTRING_MIN:
                raise _error(f"A substring search ('~') needs at least {SUBSTRING_MIN} "
                             f"characters; {name!r} was given {len(text)}.")
            return Q(**{f"{field.lookup}__icontains": text})
        raise self.unsupported(name, field, op)

    def unsupported(self, name: str, field: SearchField, op: _Token) -> ParameterError:
        allowed = {"number": ": > < >= <=", "timestamp": ": > < >= <=",
                   "string": ": ~" if field.substring else ":", "token": ":"}[field.kind]
        return _error(f"Unsupported operator {op.text!r} at character {op.at} for the "
                      f"{field.kind} field {name!r}; it supports: {allowed}.")

    def metadata_condition(self, key: str, op: _Token, value: _Value, *, negated: bool) -> Q:
        assert self.metadata_lookup is not None
        stored = _MetadataValue(self.metadata_lookup, key)
        missing = Q(IsNull(stored, True))
        if op.text != ":":
            raise _error(f"Unsupported operator {op.text!r} at character {op.at} for "
                         "metadata; it supports: :")
        if value.kind == "null":
            return ~missing if negated else missing
        text = value.text
        if len(text) > METADATA_VALUE_MAX:
            raise _error(f"A metadata value is at most {METADATA_VALUE_MAX} characters.")
        matches = Q(Exact(stored, text))
        # NOT (value = 'x') is unknown where the key is absent: absent keys do not match 'x'.
        return ~matches | missing if negated else matches


def _integer(value: _Value, name: str, *, timestamp: bool) -> int:
    text = value.text.strip() if value.kind == "quoted" else value.text
    digits = text.removeprefix("-")
    what = "a Unix timestamp in seconds" if timestamp else "an integer"
    if not digits or len(digits) > 19 or not all(ch in _DIGITS for ch in digits):
        raise _error(f"The value for {name!r} at character {value.at} must be {what}.")
    number = int(text)
    if abs(number) > _INT64:
        raise _error(f"The value for {name!r} at character {value.at} is out of range.")
    return number


def _timestamp_condition(lookup: str, op: str, seconds: int, value: _Value) -> Q:
    # Stored times have microseconds, query timestamps whole seconds: compare by second.
    try:
        at = _EPOCH + timedelta(seconds=seconds)
        next_second = at + timedelta(seconds=1)
    except OverflowError:
        raise _error(f"The timestamp at character {value.at} is out of range.") from None
    if op == ":":
        return Q(**{f"{lookup}__gte": at, f"{lookup}__lt": next_second})
    comparison, bound = {">": ("gte", next_second), ">=": ("gte", at), "<": ("lt", at),
                         "<=": ("lt", next_second)}[op]
    return Q(**{f"{lookup}__{comparison}": bound})


def search_query_parse(query: str, *, fields: dict[str, SearchField],
                       metadata_lookup: str | None = "metadata") -> Q:
    """Parses a Stripe search query into a filter over the given fields.

    Raises ParameterError(param="query") naming the problem for every malformed query.
    """
    if not isinstance(query, str):
        raise _error("The search query must be a string.")
    return _Parser(_tokenize(query), fields, metadata_lookup).parse()


# --- pagination ------------------------------------------------------------------------------

def _page_token(row: Any) -> str:
    position = json.dumps([row.created.isoformat(), str(row.pk)], separators=(",", ":"))
    signed = signing.Signer(salt=_PAGE_SALT).sign(position)
    return base64.urlsafe_b64encode(signed.encode()).decode().rstrip("=")


def _page_position(page: str) -> tuple[datetime, str]:
    invalid = ParameterError("Invalid page: use the next_page value of a previous search "
                             "result.", param="page")
    try:
        signed = base64.urlsafe_b64decode(page + "=" * (-len(page) % 4)).decode()
        created, pk = json.loads(signing.Signer(salt=_PAGE_SALT).unsign(signed))
        created_at = datetime.fromisoformat(created)
    except (signing.BadSignature, binascii.Error, UnicodeError, ValueError, TypeError):
        raise invalid from None
    if not isinstance(pk, str) or created_at.tzinfo is None:
        raise invalid
    return created_at, pk


def search_page(queryset: QuerySet, *, page: str | None,
                limit: int) -> tuple[list, bool, str | None]:
    """One page of search results, newest first by (created, id).

    `page` is the opaque, signed `next_page` of the previous page; the next page starts after
    that row by keyset, so a deep page costs what the first costs. Returns
    (rows, has_more, next_page).
    """
    if not 1 <= limit <= 100:
        raise ParameterError("limit must be between 1 and 100.", param="limit")
    if page:
        created, pk = _page_position(page)
        queryset = queryset.filter(Q(created__lt=created) | Q(created=created, pk__lt=pk))
    rows = list(queryset.order_by("-created", "-pk")[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    return rows, has_more, _page_token(rows[-1]) if has_more else None


class SearchParams(Params):
    """A search's parameters, as every Stripe search takes them."""

    query = serializers.CharField(max_length=5000)
    limit = serializers.IntegerField(min_value=1, max_value=100, default=10)
    page = serializers.CharField(required=False, max_length=500)


def search_response(view: Any, params: dict[str, Any], serializer: Any,
                    rows: QuerySet) -> Response:
    """One page of a search (`view` an api.views.ApiView, `serializer` its objects'
    ApiObjectSerializer), in Stripe's `search_result` object."""
    expand = view.expand(serializer, is_list=True)
    page, has_more, next_page = search_page(rows, page=params.get("page"),
                                            limit=params["limit"])
    return Response({
        "object": "search_result",
        "data": [serializer.render_object(row, expand=expand) for row in page],
        "has_more": has_more, "next_page": next_page, "url": view.request.path,
    })
