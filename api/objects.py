"""Rendering API objects: output serializers, timestamps and `expand`.

Each resource has one output serializer deriving from ApiObjectSerializer: it renders the
wire object (responses and Event payloads alike) and documents it in the OpenAPI schema.
"""

import copy
from collections.abc import Callable
from functools import cache
from typing import Any, ClassVar

from django.db import models
from django.utils.module_loading import import_string
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.errors import ParameterError
from core.wire import renderer_register

MAX_EXPAND_DEPTH = 4


@extend_schema_field(OpenApiTypes.INT)
class TimestampField(serializers.Field):
    """A datetime as integer Unix seconds (None renders as null without reaching here)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value) -> int:
        return int(value.timestamp())


class ExpandHost:
    """A serializer that can hold expandable fields; knows its slice of the expand tree."""

    def get_fields(self) -> dict[str, serializers.Field]:
        # Output serializers never change their fields per instance, so binding a shallow
        # copy of each declared field is enough: DRF's deepcopy of every field tree on every
        # render was a seventh of a payment's CPU. A nested serializer's copy must compute its
        # own bound fields, not share the declared instance's.
        fields = {}
        for name, field in self._declared_fields.items():
            clone = copy.copy(field)
            clone.__dict__.pop("fields", None)
            fields[name] = clone
        return fields

    @property
    def expand_tree(self) -> dict[str, dict]:
        tree = self.__dict__.get("_expand_tree")
        if tree is not None:
            return tree
        parent = getattr(self, "parent", None)
        if isinstance(parent, ExpandHost):
            return parent.expand_tree.get(self.field_name, {})
        return {}


class NestedObject(ExpandHost, serializers.Serializer):
    """A hash inside an object (`invoice_settings`), through which expansion reaches."""


class ExpandableField(serializers.Field):
    """An id on the wire, or the whole object when the request expands this path."""

    def __init__(self, serializer: str, **kwargs: Any) -> None:
        self.serializer_path = serializer
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    @property
    def target(self) -> type["ApiObjectSerializer"]:
        return _import(self.serializer_path)

    def to_representation(self, value: str) -> Any:
        subtree = self.parent.expand_tree.get(self.field_name)
        if subtree is None:
            return value
        target = self.target
        obj = target.model.objects.select_related(*target.render_related).get(pk=value)
        return target.render_object(obj, expand=subtree)


class ApiObjectSerializer(ExpandHost, serializers.Serializer):
    """A top-level API object: `id`, `object`, then its fields."""

    object_name: ClassVar[str]
    model: ClassVar[type[models.Model]]
    # The relations rendering reads, joined when an expansion loads the object by id.
    render_related: ClassVar[tuple[str, ...]] = ()

    id = serializers.CharField(read_only=True)
    object = serializers.SerializerMethodField()

    def __init__(self, *args: Any, expand: dict[str, dict] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._expand_tree = expand or {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # The wire form of the model, for the domain's events and errors (core.wire).
        if "model" in cls.__dict__:
            renderer_register(cls.model, cls.render_object)

    def get_object(self, obj: Any) -> str:
        return self.object_name

    @classmethod
    def render_object(cls, obj: Any, *, expand: dict[str, dict] | None = None
                      ) -> dict[str, Any]:
        """The wire form of `obj`. Without expansions, one bound serializer per class renders
        every instance: output fields keep no state between objects (no context, no
        expansions to read), and binding ~30 fields anew for each object was most of the
        cost of rendering it."""
        if expand:
            return cls(obj, expand=expand).data
        prototype = _prototypes.get(cls)
        if prototype is None:
            prototype = _prototypes[cls] = cls()
        return prototype.to_representation(obj)


# One unexpanded serializer per class (see render_object); a race builds two, harmlessly.
_prototypes: dict[type[ApiObjectSerializer], ApiObjectSerializer] = {}


@cache
def _import(path: str) -> Any:
    return import_string(path)




# Called with each object type an expansion reaches; raises when the caller may not read it
# (a restricted key without read on its resource).
ExpansionCheck = Callable[[type["ApiObjectSerializer"]], None]


def expand_tree(paths: Any, *, serializer: type[ApiObjectSerializer], is_list: bool = False,
                may_expand: ExpansionCheck | None = None) -> dict[str, dict]:
    """Parses and checks `expand[]`; an unknown or unexpandable path is a 400, an object the
    caller may not read (`may_expand` raises) its error."""
    if paths in (None, ""):
        return {}
    if isinstance(paths, str):
        paths = [paths]
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise ParameterError("Invalid expand: must be an array of strings.", param="expand")
    tree: dict[str, dict] = {}
    for path in paths:
        parts = path.split(".")
        if is_list:
            if parts[0] != "data" or len(parts) < 2:
                raise ParameterError(
                    f"This property cannot be expanded ({path}). List expansions start "
                    "with `data.`.", param="expand")
            parts = parts[1:]
        if len(parts) > MAX_EXPAND_DEPTH:
            raise ParameterError(
                f"You cannot expand more than {MAX_EXPAND_DEPTH} levels of a property "
                f"({path}).", param="expand")
        _check_path(serializer, parts, path, may_expand)
        node = tree
        for part in parts:
            node = node.setdefault(part, {})
    return tree


def _check_path(serializer: type[serializers.Serializer], parts: list[str], path: str,
                may_expand: ExpansionCheck | None) -> None:
    host: type[serializers.Serializer] = serializer
    for part in parts:
        field = host._declared_fields.get(part)
        if isinstance(field, ExpandableField):
            host = field.target
            if may_expand is not None:
                may_expand(host)
        elif isinstance(field, NestedObject):
            host = type(field)
        else:
            raise ParameterError(f"This property cannot be expanded ({path}).", param="expand")
    if host is not serializer and not issubclass(host, ApiObjectSerializer):
        raise ParameterError(f"This property cannot be expanded ({path}).", param="expand")
