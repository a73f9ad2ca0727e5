"""Request bodies and query strings into one nested structure.

Stripe's form encoding nests with brackets: `metadata[order_id]=42`, `items[0][price]=p`,
`expand[]=a&expand[]=b`. JSON bodies arrive nested already. Both give plain dicts and lists
of strings (form) or JSON values (JSON), so one set of validators serves both.
"""

from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

import orjson
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser

from api.errors import ParameterError


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
    return parts


def _listify(node: Any) -> Any:
    """Turn dicts keyed by the indexes 0..n-1 into lists, ordered by index.

    Only a full run of indexes is an array (SDKs send `x[0]`, `x[1]`…): other numeric keys
    stay keys, so `metadata[123]=x` is metadata, not an array.
    """
    if isinstance(node, dict):
        node = {k: _listify(v) for k, v in node.items()}
        if node and set(node) == {str(index) for index in range(len(node))}:
            return [node[str(index)] for index in range(len(node))]
        return node
    if isinstance(node, list):
        return [_listify(v) for v in node]
    return node


def parse_pairs(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    root: dict[str, Any] = {}
    for name, value in pairs:
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


def parse_query(query_string: str) -> dict[str, Any]:
    return parse_pairs(parse_qsl(query_string, keep_blank_values=True))


class FormBracketParser(BaseParser):
    media_type = "application/x-www-form-urlencoded"

    def parse(self, stream, media_type=None, parser_context=None) -> dict[str, Any]:
        charset = (parser_context or {}).get("encoding") or "utf-8"
        try:
            body = stream.read().decode(charset)
        except UnicodeDecodeError as exc:
            raise ParseError("the body is not valid UTF-8") from exc
        return parse_query(body)


class JSONParser(BaseParser):
    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None) -> dict[str, Any]:
        try:
            data = orjson.loads(stream.read() or b"{}")
        except orjson.JSONDecodeError as exc:
            raise ParseError(f"the body is not valid JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise ParseError("the JSON body must be an object")
        return data
