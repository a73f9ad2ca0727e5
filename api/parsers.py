"""Request bodies and query strings into one nested structure.

Stripe's form encoding nests with brackets: `metadata[order_id]=42`, `items[0][price]=p`,
`expand[]=a&expand[]=b`. JSON bodies arrive nested already. Both give plain dicts and lists
of strings (form) or JSON values (JSON), so one set of validators serves both.

Whatever no parameter may hold is refused here, once, for form bodies, query strings and
JSON alike (names and keys too), before any validator runs: more than TILL_MAX_PARAMETERS
parameters, nesting deeper than MAX_NESTING_DEPTH, a name given twice, invalid UTF-8 and NUL
characters (which PostgreSQL cannot store).
"""

import json
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote_to_bytes

import orjson
from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

from api.errors import ParameterError

# Levels of brackets below a top-level parameter (`a[b][c]` is two deep). Stripe's deepest
# parameters (`line_items[0][price_data][product_data][metadata][k]`) are five.
MAX_NESTING_DEPTH = 8
TOO_DEEP = f"Parameters can be nested at most {MAX_NESTING_DEPTH} levels deep."


class FormArray(list):
    """An array the form encoding made from the indexes 0..n-1 (`x[0]=a&x[1]=b`). stripe-python
    encodes a hash with keys "0", "1"… the same way, so a hash-valued parameter may take one
    as a hash; a JSON array is never a hash."""


def _name(parts: list[str]) -> str:
    return parts[0] + "".join(f"[{part}]" for part in parts[1:])


def _too_many() -> ParameterError:
    return ParameterError(f"Too many parameters: a request can carry at most "
                          f"{settings.TILL_MAX_PARAMETERS} parameters.")


def _refuse_nul(text: str, *, param: str) -> None:
    if "\x00" in text:
        raise ParameterError(f"Invalid {param}: NUL characters (\\u0000) are not allowed.",
                             param=param)


def _split(name: str) -> list[str]:
    """`items[0][price]` -> ["items", "0", "price"]; `expand[]` -> ["expand", ""]."""
    head, bracket, rest = name.partition("[")
    if not bracket:
        return [name]
    parts = [head]
    for piece in ("[" + rest).split("["):
        if not piece:
            continue
        if not piece.endswith("]"):
            raise ParameterError(f"Invalid parameter name: {name}", param=name)
        parts.append(piece[:-1])
        if len(parts) > MAX_NESTING_DEPTH + 1:
            raise ParameterError(TOO_DEEP, param=_name(parts))
    return parts


def _listify(node: Any) -> Any:
    """Turn dicts keyed by the indexes 0..n-1 into lists, ordered by index.

    Only a full run of indexes is an array (SDKs send `x[0]`, `x[1]`…): other numeric keys
    stay keys, so `metadata[123]=x` is metadata, not an array.
    """
    if isinstance(node, dict):
        node = {k: _listify(v) for k, v in node.items()}
        if node and set(node) == {str(index) for index in range(len(node))}:
            return FormArray(node[str(index)] for index in range(len(node)))
        return node
    if isinstance(node, list):
        return [_listify(v) for v in node]
    return node


def parse_pairs(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    seen: set[str] = set()
    for name, value in pairs:
        _refuse_nul(name, param=name)
        _refuse_nul(value, param=name)
        if "[]" not in name:  # `x[]` appends, so it may repeat; any other name may not
            if name in seen:
                raise ParameterError(f"Invalid {name}: the parameter was given more than "
                                     "once.", param=name)
            seen.add(name)
        parts = _split(name)
        node: Any = root
        for depth, part in enumerate(parts):
            last = depth == len(parts) - 1
            nxt = parts[depth + 1] if not last else None
            if part == "":  # `x[]`: append
                if not isinstance(node, list):
                    raise ParameterError(f"Invalid array parameter: {name}", param=parts[0])
                if last:
                    node.append(value)
                    break
                child: Any = [] if nxt == "" else {}
                node.append(child)
                node = child
                continue
            if not isinstance(node, dict):
                raise ParameterError(f"Invalid parameter nesting: {name}", param=parts[0])
            if last:
                node[part] = value
            else:
                default: Any = [] if nxt == "" else {}
                existing = node.setdefault(part, default)
                if isinstance(existing, str):
                    # `metadata=` then `metadata[k]=v`: the nested form wins.
                    existing = node[part] = default
                node = existing
    return _listify(root)


def _count_fields(raw: bytes) -> None:
    """Refuses more fields than allowed, counted before anything is split or decoded."""
    limit = settings.TILL_MAX_PARAMETERS
    if raw.count(b"&") >= limit and sum(1 for field in raw.split(b"&") if field) > limit:
        raise _too_many()


def _unquote(raw: bytes, charset: str) -> str:
    if b"%" in raw or b"+" in raw:
        raw = unquote_to_bytes(raw.replace(b"+", b" "))
    return raw.decode(charset)


def _decoded_pairs(raw: bytes, charset: str) -> list[tuple[str, str]]:
    """`a=1&b=2` into decoded pairs; percent-escapes are bytes of `charset` (strictly)."""
    pairs = []
    for field in raw.split(b"&"):
        if not field:
            continue
        raw_name, _, raw_value = field.partition(b"=")
        try:
            name = _unquote(raw_name, charset)
        except UnicodeDecodeError as exc:
            shown = unquote_to_bytes(raw_name.replace(b"+", b" ")).decode(charset, "replace")
            raise ParameterError(f"Invalid parameter name {shown}: it is not valid "
                                 f"{charset.upper()}.", param=shown) from exc
        try:
            value = _unquote(raw_value, charset)
        except UnicodeDecodeError as exc:
            raise ParameterError(f"Invalid {name}: the value is not valid {charset.upper()}.",
                                 param=name) from exc
        pairs.append((name, value))
    return pairs


def parse_form(raw: bytes, charset: str = "utf-8") -> dict[str, Any]:
    """A form-encoded body (or a query string's bytes) into the nested structure."""
    _count_fields(raw)
    return parse_pairs(_decoded_pairs(raw, charset))


def parse_query(query_string: str) -> dict[str, Any]:
    """A query string as WSGI gives it (its bytes as Latin-1 characters)."""
    try:
        raw = query_string.encode("iso-8859-1")
    except UnicodeEncodeError:  # not from WSGI: already text
        raw = query_string.encode("utf-8")
    return parse_form(raw)


def _check_json(data: dict[str, Any]) -> None:
    """Refuses NUL characters (in keys too), nesting past the limit and too many values (each
    scalar or empty hash or array counts once, as a form field does), in one walk without
    recursion."""
    limit = settings.TILL_MAX_PARAMETERS
    count = 0
    stack: list[tuple[list[str], dict | list]] = [([], data)]
    while stack:
        path, node = stack.pop()
        for key, value in (node.items() if isinstance(node, dict) else enumerate(node)):
            here = [*path, str(key)]
            if isinstance(key, str):
                _refuse_nul(key, param=_name(here))
            if value and isinstance(value, dict | list):
                if len(here) > MAX_NESTING_DEPTH:  # its values would be one level too deep
                    first = next(iter(value)) if isinstance(value, dict) else 0
                    raise ParameterError(TOO_DEEP, param=_name([*here, str(first)]))
                stack.append((here, value))
                continue
            count += 1
            if count > limit:
                raise _too_many()
            if isinstance(value, str):
                _refuse_nul(value, param=_name(here))


class _Repeated(dict):
    """A JSON object in which `key` appeared more than once."""

    key: str


def _object_checking_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    seen: set[str] = set()
    repeated = _Repeated(obj)
    repeated.key = next(key for key, _ in pairs if key in seen or seen.add(key))
    return repeated


def _repeated_key(node: Any, path: list[str]) -> list[str] | None:
    """The path of the first key given twice, in a tree known to be shallow."""
    if isinstance(node, _Repeated):
        return [*path, node.key]
    items = (node.items() if isinstance(node, dict)
             else enumerate(node) if isinstance(node, list) else ())
    for key, item in items:
        if (found := _repeated_key(item, [*path, str(key)])) is not None:
            return found
    return None


def _refuse_repeated_keys(body: bytes) -> None:
    """orjson keeps the last of repeated keys without a word; the standard decoder sees them
    (run on a body already known to be valid and shallow), so JSON refuses them as form
    bodies do."""
    repeats = False

    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal repeats
        obj = _object_checking_repeats(pairs)
        repeats = repeats or isinstance(obj, _Repeated)
        return obj

    tree = json.loads(body, object_pairs_hook=hook)
    if repeats and (path := _repeated_key(tree, [])) is not None:
        param = _name(path)
        raise ParameterError(f"Invalid {param}: the parameter was given more than once.",
                             param=param)


class FormBracketParser(BaseParser):
    media_type = "application/x-www-form-urlencoded"

    def parse(self, stream, media_type=None, parser_context=None) -> dict[str, Any]:
        charset = (parser_context or {}).get("encoding") or "utf-8"
        return parse_form(stream.read(), charset)


class JSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None) -> dict[str, Any]:
        body = stream.read() or b"{}"
        try:
            # orjson caps nesting itself (at 1024), so even `[[[[…` a megabyte deep is no
            # recursion; Till's own, smaller cap is checked on the result.
            data = orjson.loads(body)
        except orjson.JSONDecodeError as exc:
            if "depth limit" in str(exc):
                raise ParameterError(TOO_DEEP) from exc
            raise ParseError(f"the body is not valid JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise ParseError("the JSON body must be an object")
        _check_json(data)
        _refuse_repeated_keys(body)
        return data
