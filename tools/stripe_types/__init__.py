"""Stripe's object shapes, read from stripe-node's TypeScript declarations.

`load()` parses the checked-in `stripe-node-17.7.0/types/*.d.ts` (API version
2025-02-24.acacia) into declarations; `schema(name)` turns one object interface into its
fields (type kind, nullable, optional, enum literals, expandable target); `check(value, name)`
compares a JSON value with an interface and returns every difference. See README.md for
what the parser reads and what it does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent / "stripe-node-17.7.0" / "types"
API_VERSION = "2025-02-24.acacia"


# --- type expressions -----------------------------------------------------------------

@dataclass(frozen=True)
class Prim:
    name: str  # string | number | boolean | null | void | any (any also covers unknown)


@dataclass(frozen=True)
class Lit:
    value: str | bool


@dataclass(frozen=True)
class Ref:
    name: str  # as written: `Stripe.Charge`, `Outcome.AdviceCode`
    scope: tuple[str, ...]  # the namespaces it was written in, outermost first


@dataclass(frozen=True)
class ArrayOf:
    item: Any


@dataclass(frozen=True)
class ListOf:
    """`ApiList<T>` (lib.d.ts): {object: 'list', data: T[], has_more, url}."""

    item: Any


@dataclass(frozen=True)
class MapOf:
    """An index signature `{[key: string]: T}` (Metadata, inline maps)."""

    value: Any


@dataclass(frozen=True)
class Union:
    options: tuple[Any, ...]


@dataclass
class Interface:
    name: str
    scope: tuple[str, ...]  # the namespaces its field types are resolved in
    fields: dict[str, tuple[Any, bool]] = field(default_factory=dict)  # name: (type, optional)
    index: Any = None  # an index signature's value type, if any


@dataclass
class Alias:
    name: str
    type: Any


@dataclass
class Unparsed:
    """A declaration the reader skips; checking a value against it reports so."""

    name: str
    reason: str


class ParseError(ValueError):
    pass


# --- the declaration reader -------------------------------------------------------------

_TOKEN = re.compile(r"""\s*(?:('(?:[^'\\]|\\.)*')|([A-Za-z_$][\w$]*)|(\S))""")
_COMMENTS = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)


def _tokens(text: str) -> list[str]:
    text = _COMMENTS.sub(" ", text)
    out, pos = [], 0
    while True:
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
        out.append(m.group(1) or m.group(2) or m.group(3))
    if text[pos:].strip():
        raise ParseError(f"cannot tokenize near {text[pos:pos + 40]!r}")
    return out


class _Reader:
    """Reads `declare module 'stripe' { namespace ... { interface | type | namespace } }`."""

    def __init__(self, tokens: list[str], decls: dict[str, Interface | Alias | Unparsed]) -> None:
        self.t, self.i, self.decls = tokens, 0, decls

    def peek(self, k: int = 0) -> str | None:
        return self.t[self.i + k] if self.i + k < len(self.t) else None

    def take(self, expected: str | None = None) -> str:
        tok = self.peek()
        if tok is None or (expected is not None and tok != expected):
            raise ParseError(f"expected {expected!r}, got {tok!r} at token {self.i}")
        self.i += 1
        return tok

    def module(self) -> None:
        while self.peek() is not None:
            if self.peek() == "declare" and self.peek(1) == "module":
                self.i += 3  # declare module 'stripe'
                self.block(())
            elif self.peek() == "import":  # `import ... from '...';`
                while self.take() != ";":
                    pass
            else:
                raise ParseError(f"unexpected {self.peek()!r} at top level")

    def block(self, scope: tuple[str, ...]) -> None:
        self.take("{")
        while self.peek() != "}":
            tok = self.take()
            if tok == "export":
                continue
            if tok == "namespace":
                name = self.take()
                self.block((*scope, name))
            elif tok == "interface":
                self.interface(scope)
            elif tok == "type":
                name = self.take()
                self.take("=")
                self.decls[".".join((*scope, name))] = Alias(name, self.type_expr(scope, ";"))
                self.take(";")
            else:
                raise ParseError(f"unsupported declaration {tok!r} in {'.'.join(scope)}")
        self.take("}")

    def interface(self, scope: tuple[str, ...]) -> None:
        name = self.take()
        full = ".".join((*scope, name))
        if self.peek() != "{":  # generic (`<T>`) or `extends`: request params, never objects
            while self.peek() != "{":
                self.i += 1
            self.skip_braces()
            self.decls[full] = Unparsed(full, "generic or extending interface")
            return
        iface = Interface(full, scope)
        self.take("{")
        while self.peek() != "}":
            if self.peek() == "[":  # [name: string]: T;
                self.i += 4
                self.take("]")
                self.take(":")
                iface.index = self.type_expr(scope, ";")
                self.take(";")
                continue
            fname = self.take()
            optional = self.peek() == "?"
            if optional:
                self.i += 1
            if self.peek() == "(":
                raise ParseError(f"method {full}.{fname} is not supported")
            self.take(":")
            iface.fields[fname] = (self.type_expr(scope, ";"), optional)
            self.take(";")
        self.take("}")
        self.decls[full] = iface

    def skip_braces(self) -> None:
        depth = 0
        while True:
            tok = self.take()
            depth += {"{": 1, "}": -1}.get(tok, 0)
            if depth == 0:
                return

    def type_expr(self, scope: tuple[str, ...], *stops: str) -> Any:
        options = []
        if self.peek() == "|":
            self.i += 1
        options.append(self.atom(scope))
        while self.peek() == "|":
            self.i += 1
            options.append(self.atom(scope))
        if self.peek() not in stops:
            raise ParseError(f"unexpected {self.peek()!r} in a type in {'.'.join(scope)}")
        return options[0] if len(options) == 1 else Union(tuple(options))

    def atom(self, scope: tuple[str, ...]) -> Any:
        tok = self.take()
        if tok.startswith("'"):
            return Lit(tok[1:-1])
        if tok in ("true", "false"):
            return Lit(tok == "true")
        if tok in ("string", "number", "boolean", "null", "any", "unknown", "void"):
            return Prim("any" if tok == "unknown" else tok)
        if tok == "{":  # an inline map: {[key: string]: T}
            self.take("[")
            self.i += 3
            self.take("]")
            self.take(":")
            value = self.type_expr(scope, ";", "}")
            if self.peek() == ";":
                self.i += 1
            self.take("}")
            return MapOf(value)
        if not re.match(r"[A-Za-z_]", tok):
            raise ParseError(f"unsupported type token {tok!r} in {'.'.join(scope)}")
        name = tok
        while self.peek() == ".":
            self.i += 1
            name += "." + self.take()
        if self.peek() == "<":
            self.i += 1
            inner = self.type_expr(scope, ">")
            self.take(">")
            if name == "Array":
                return ArrayOf(inner)
            if name in ("ApiList", "Stripe.ApiList"):
                return ListOf(inner)
            raise ParseError(f"unsupported generic {name}<> in {'.'.join(scope)}")
        if self.peek() == "[":  # T[]
            self.take("[")
            self.take("]")
            return ArrayOf(Ref(name, scope))
        return Ref(name, scope)


@cache
def load(root: Path = ROOT) -> dict[str, Interface | Alias | Unparsed]:
    """Every declaration in the checked-in files, by full name (`Stripe.Refund.Reason`)."""
    decls: dict[str, Interface | Alias | Unparsed] = {}
    for path in sorted(root.rglob("*.d.ts")):
        try:
            _Reader(_tokens(path.read_text()), decls).module()
        except ParseError as exc:
            raise ParseError(f"{path.name}: {exc}") from exc
    return decls


def resolve(ref: Ref, decls: dict[str, Interface | Alias | Unparsed] | None = None
            ) -> Interface | Alias | Unparsed | None:
    """TypeScript's lookup, simplified: the innermost enclosing namespace that has the name."""
    decls = decls if decls is not None else load()
    for depth in range(len(ref.scope), -1, -1):
        found = decls.get(".".join((*ref.scope[:depth], ref.name)))
        if found is not None:
            return found
    return None


def lookup(name: str) -> Interface:
    """An object interface by its Stripe name: `Charge`, `Checkout.Session`."""
    decl = load().get(f"Stripe.{name}")
    if not isinstance(decl, Interface):
        raise KeyError(f"no interface Stripe.{name} in the checked-in declarations")
    return decl


# --- schemas -----------------------------------------------------------------------------

def _flatten(t: Any, decls: dict) -> list[Any]:
    """The union's options with aliases expanded (aliases of aliases too)."""
    if isinstance(t, Union):
        return [o for opt in t.options for o in _flatten(opt, decls)]
    if isinstance(t, Ref):
        decl = resolve(t, decls)
        if isinstance(decl, Alias):
            return _flatten(decl.type, decls)
    return [t]


def describe(t: Any) -> dict[str, Any]:
    """A field's type as a schema entry: kind, nullable, enum / expandable / item details."""
    decls = load()
    options = _flatten(t, decls)
    nullable = any(o == Prim("null") for o in options)
    options = [o for o in options if o != Prim("null")]
    out: dict[str, Any] = {"nullable": nullable}
    lits = [o.value for o in options if isinstance(o, Lit)]
    if lits and len(lits) == len(options):
        out.update(kind="enum", values=lits)
        return out
    refs = [o for o in options if isinstance(o, Ref)]
    if Prim("string") in options and refs:
        out.update(kind="expandable", objects=[resolve(r).name if resolve(r) else r.name
                                                for r in refs])
        return out
    if len(options) == 1:
        only = options[0]
        if isinstance(only, Prim):
            out["kind"] = only.name
        elif isinstance(only, Ref):
            decl = resolve(only)
            out.update(kind="object", interface=decl.name if decl else f"?{only.name}")
        elif isinstance(only, ArrayOf):
            out.update(kind="array", items=describe(only.item))
        elif isinstance(only, ListOf):
            out.update(kind="list", items=describe(only.item))
        elif isinstance(only, MapOf):
            out.update(kind="map", values=describe(only.value))
        else:
            out["kind"] = repr(only)
        return out
    out.update(kind="union", options=[describe(o) for o in options])
    return out


def schema(name: str) -> dict[str, dict[str, Any]]:
    """Each field of the object interface `name`: its type entry plus `optional`."""
    iface = lookup(name)
    return {fname: {**describe(t), "optional": optional}
            for fname, (t, optional) in iface.fields.items()}


# --- checking a JSON value ------------------------------------------------------------------

def check(value: Any, name: str, *, path: str = "") -> list[str]:
    """Every difference between `value` and the interface Stripe.`name`, one line each."""
    iface = lookup(name)
    return _check_interface(value, iface, path or name, load())


def _check_interface(value: Any, iface: Interface, path: str, decls: dict) -> list[str]:
    if not isinstance(value, dict):
        return [f"{path}: expected an object ({iface.name}), got {type(value).__name__}"]
    if iface.index is not None:
        return [p for k, v in value.items()
                for p in _check(v, iface.index, f"{path}.{k}", decls)]
    if not iface.fields:  # `interface Object {}`: Stripe leaves the shape open
        return []
    problems = []
    for fname, (ftype, optional) in iface.fields.items():
        if fname not in value:
            if not optional:
                problems.append(f"{path}.{fname}: missing")
            continue
        problems += _check(value[fname], ftype, f"{path}.{fname}", decls)
    problems += [f"{path}.{k}: not a field of {iface.name}" for k in value
                 if k not in iface.fields]
    return problems


def _check(value: Any, t: Any, path: str, decls: dict) -> list[str]:
    options = _flatten(t, decls)
    if len(options) == 1:
        return _check_one(value, options[0], path, decls)
    # A union: a value that one option accepts is fine. When none does, the most telling
    # report is the one of the option of the value's own kind (the object for a dict, the
    # enum for a string).
    best: list[str] | None = None
    for opt in options:
        problems = _check_one(value, opt, path, decls)
        if not problems:
            return []
        if best is None or _closer(value, opt, decls):
            best = problems
    lits = [o.value for o in options if isinstance(o, Lit)]
    if isinstance(value, str) and lits and not any(isinstance(o, Prim) for o in options):
        return [f"{path}: {value!r} is not one of Stripe's values {sorted(map(str, lits))}"]
    return best or [f"{path}: no option of the union matches {value!r}"]


def _closer(value: Any, opt: Any, decls: dict) -> bool:
    if isinstance(value, dict):
        return isinstance(opt, (Ref, MapOf, ListOf))
    if isinstance(value, list):
        return isinstance(opt, ArrayOf)
    return False


def _check_one(value: Any, t: Any, path: str, decls: dict) -> list[str]:
    if isinstance(t, Prim):
        ok = {
            "any": True,
            "null": value is None,
            "void": False,  # `deleted?: void`: the field is never present
            "string": isinstance(value, str),
            "boolean": isinstance(value, bool),
            "number": isinstance(value, (int, float)) and not isinstance(value, bool),
        }[t.name]
        return [] if ok else [f"{path}: expected {t.name}, got {value!r}"]
    if isinstance(t, Lit):
        if value == t.value and type(value) is type(t.value):
            return []
        if isinstance(value, str) and isinstance(t.value, str):
            return [f"{path}: {value!r} is not Stripe's value {t.value!r}"]
        return [f"{path}: expected {t.value!r}, got {value!r}"]
    if isinstance(t, ArrayOf):
        if not isinstance(value, list):
            return [f"{path}: expected an array, got {value!r}"]
        return [p for i, v in enumerate(value) for p in _check(v, t.item, f"{path}[{i}]", decls)]
    if isinstance(t, ListOf):
        if not isinstance(value, dict) or value.get("object") != "list":
            return [f"{path}: expected a list object, got {value!r}"]
        problems = [f"{path}.{k}: not a field of a list" for k in value
                    if k not in ("object", "data", "has_more", "url")]
        problems += [f"{path}.{k}: missing" for k in ("data", "has_more", "url")
                     if k not in value]
        return problems + _check(value.get("data", []), ArrayOf(t.item), f"{path}.data", decls)
    if isinstance(t, MapOf):
        if not isinstance(value, dict):
            return [f"{path}: expected a map, got {value!r}"]
        return [p for k, v in value.items() for p in _check(v, t.value, f"{path}.{k}", decls)]
    if isinstance(t, Ref):
        decl = resolve(t, decls)
        if decl is None:
            return [f"{path}: {t.name} is not among the checked-in declarations"]
        if isinstance(decl, Unparsed):
            return [f"{path}: {decl.name} is not parsed ({decl.reason})"]
        return _check_interface(value, decl, path, decls)
    raise TypeError(f"unknown type node {t!r}")
