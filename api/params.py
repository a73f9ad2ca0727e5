"""Request parameters: DRF serializers for validation, Stripe's errors for failures.

Every input serializer derives from `Params`, which refuses unknown parameters. `parse()` runs
one and turns the first failure into a ParameterError naming the parameter in bracket form
(`metadata[order_id]`), with Stripe's codes and messages.
"""

import copy
import re
from datetime import UTC, datetime
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.errors import ParameterError
from api.parsers import FormArray
from core.metadata import CLEAR_ALL

# 9999-12-31T23:59:59Z, the last second a datetime holds.
MAX_TIMESTAMP = 253_402_300_799
METADATA_MAX_KEYS = 50
METADATA_KEY_MAX = 40
METADATA_VALUE_MAX = 500

# Error codes of Stripe's that a validator may raise itself (ValidationError(..., code=…)),
# with Stripe's message as it stands.
STRIPE_CODES = frozenset({"email_invalid", "parameter_invalid_integer"})

# Stripe's integers: ASCII digits, with a sign only for a negative. Python's int() would also
# take " 100", "+100", "1_000", "١٠٠" and "１００", and DRF "100.0".
_INTEGER = re.compile(r"-?[0-9]+")
_CURRENCY = re.compile(r"[A-Za-z]{3}")

_CODES = {
    "required": "parameter_missing",
    "null": "parameter_invalid_empty",
    "blank": "parameter_invalid_string_blank",
    "parameter_unknown": "parameter_unknown",
}


def is_integer(value: Any) -> bool:
    """An integer as Stripe takes one: a JSON integer (not a bool or a float), or a string of
    ASCII digits with an optional leading `-`."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, str) and _INTEGER.fullmatch(value) is not None


class ParamsList(serializers.ListSerializer):
    """An array of hashes (`Params(many=True)`); with `allow_null=True`, `x=` unsets it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # DRF hands allow_null to every item too; only the whole array may be unset.
        self.child.allow_null = False

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if data == "" and self.allow_null:
            return None
        return super().run_validation(data)


class Params(serializers.Serializer):
    """An input serializer that refuses parameters it does not declare.

    Nested with `allow_null=True`, an empty value (`address=`) unsets the whole hash, or
    the whole array of hashes with `many=True`.
    """

    class Meta:
        list_serializer_class = ParamsList

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if data == "" and self.allow_null:
            return None
        return super().run_validation(data)

    def get_fields(self) -> dict[str, serializers.Field]:
        # DRF deep-copies every declared field for every request. A leaf field keeps no state
        # while it validates, so a shallow copy (to bind) is enough, and costs a fraction;
        # nested serializers are still deep-copied, since they bind fields of their own.
        return {name: copy.deepcopy(field) if isinstance(field, serializers.BaseSerializer)
                else copy.copy(field) for name, field in self._declared_fields.items()}

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if isinstance(data, dict):
            fields = self.fields
            unknown = [name for name in data if name not in fields]
            if unknown:
                raise serializers.ValidationError(
                    {unknown[0]: [serializers.ErrorDetail("unknown", code="parameter_unknown")]})
            for name, value in data.items():
                if (value is not None and isinstance(fields[name], serializers.IntegerField)
                        and not is_integer(value)
                        and value not in getattr(fields[name], "words", ())):
                    raise serializers.ValidationError({name: [serializers.ErrorDetail(
                        "A valid integer is required.", code="invalid")]})
        elif data is not None and not isinstance(data, dict):
            raise serializers.ValidationError(
                {serializers.api_settings.NON_FIELD_ERRORS_KEY: [serializers.ErrorDetail(
                    "Invalid object", code="invalid_object")]})
        return super().to_internal_value(data)


# `metadata=`: every key removed (the domain's sentinel).
UNSET = CLEAR_ALL


@extend_schema_field({"oneOf": [{"type": "object", "additionalProperties": {"type": "string"}},
                            {"type": "string", "enum": [""]}]})
class MetadataField(serializers.Field):
    """Stripe's metadata: ≤50 keys of ≤40 chars, string values of ≤500 chars.

    Returns a dict of updates where None deletes a key, or UNSET when `metadata=` clears all.
    """

    # parse() prefixes these with "Invalid metadata: ".
    default_error_messages = {"invalid": "must be a hash of strings."}

    def to_internal_value(self, data: Any) -> dict[str, str | None] | type[UNSET]:
        if data == "":
            return UNSET
        if isinstance(data, FormArray):
            # `metadata[0]=a&metadata[1]=b`: the form parser reads a run of indexes as an array
            # (a JSON array is not a hash, and stays refused).
            data = {str(index): value for index, value in enumerate(data)}
        if not isinstance(data, dict):
            self.fail("invalid")
        if len(data) > METADATA_MAX_KEYS:
            raise serializers.ValidationError(f"can have at most {METADATA_MAX_KEYS} keys.")
        updates: dict[str, str | None] = {}
        for key, value in data.items():
            if not key or len(key) > METADATA_KEY_MAX or "[" in key or "]" in key:
                raise serializers.ValidationError(
                    f"key {key!r} must be 1 to {METADATA_KEY_MAX} characters without "
                    "square brackets.")
            if isinstance(value, dict | list):
                self.fail("invalid")
            if isinstance(value, bool):
                value = "true" if value else "false"
            value = "" if value is None else str(value)
            if len(value) > METADATA_VALUE_MAX:
                raise serializers.ValidationError(
                    f"the value of {key!r} can be at most {METADATA_VALUE_MAX} characters.")
            updates[key] = value or None
        return updates

    def to_representation(self, value: dict[str, str]) -> dict[str, str]:
        return value


@extend_schema_field({"type": "integer", "minimum": 0, "maximum": MAX_TIMESTAMP})
class TimestampParam(serializers.IntegerField):
    """A moment as Unix seconds, given back as an aware datetime; one past the last second
    a datetime can hold (9999-12-31) is refused as any bad integer is."""

    def to_internal_value(self, data: Any) -> datetime:
        seconds = super().to_internal_value(data)
        if not 0 <= seconds <= MAX_TIMESTAMP:
            raise serializers.ValidationError(
                f"must be a Unix timestamp between 0 and {MAX_TIMESTAMP}.")
        return datetime.fromtimestamp(seconds, tz=UTC)


@extend_schema_field({"oneOf": [{"type": "integer", "minimum": 0, "maximum": MAX_TIMESTAMP},
                                {"type": "string", "enum": ["now"]}]})
class TimestampOrNowParam(TimestampParam):
    """A moment as Unix seconds, or Stripe's `now` (given back as the string "now": what now
    means is the service's, on the customer's clock)."""

    words = ("now",)

    def to_internal_value(self, data: Any) -> datetime | str:
        return "now" if data == "now" else super().to_internal_value(data)


@extend_schema_field({"type": "string", "pattern": "^[A-Za-z]{3}$"})
class CurrencyParam(serializers.CharField):
    """A three-letter ISO 4217 code, given back lowercase (Stripe takes `USD` as `usd`).
    Whitespace is refused, not trimmed: `usd ` is not a currency."""

    default_error_messages = {"currency": "must be a three-letter ISO 4217 code such as usd, "
                                          "without spaces."}

    def __init__(self, **kwargs: Any) -> None:
        kwargs["trim_whitespace"] = False
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if not _CURRENCY.fullmatch(value):
            self.fail("currency")
        return value.lower()


class OptionalString(serializers.CharField):
    """A string where an empty value unsets the field (returns None)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("max_length", 5000)
        super().__init__(**kwargs)

    def run_validation(self, data: Any = serializers.empty) -> str | None:
        # CharField answers "" before to_internal_value runs, so unset here.
        return super().run_validation(data) or None


def _first_error(detail: Any, path: list[str]) -> tuple[list[str], Any]:
    """The path and message of the first error in DRF's nested error structure."""
    if isinstance(detail, dict):
        key, value = next(iter(detail.items()))
        if key == serializers.api_settings.NON_FIELD_ERRORS_KEY:
            return _first_error(value, path)
        return _first_error(value, [*path, str(key)])
    if isinstance(detail, list):
        if detail and all(isinstance(item, str) for item in detail):
            return path, detail[0]
        for index, item in enumerate(detail):  # many=True: one entry per item, {} if valid
            if item:
                return _first_error(item, [*path, str(index)])
    return path, detail


def param_name(path: list[str]) -> str:
    if not path:
        return ""
    return path[0] + "".join(f"[{part}]" for part in path[1:])


def parse(serializer_class: type[serializers.Serializer], data: Any, **context: Any
          ) -> dict[str, Any]:
    """Validates `data`; raises ParameterError on the first failure, Stripe-style."""
    serializer = serializer_class(data=data if data is not None else {}, context=context)
    if serializer.is_valid():
        return serializer.validated_data
    path, error = _first_error(serializer.errors, [])
    param = param_name(path) or None
    code = getattr(error, "code", None)
    if code == "required":
        raise ParameterError(f"Missing required param: {param}.", code="parameter_missing",
                             param=param)
    if code == "parameter_unknown":
        raise ParameterError(f"Received unknown parameter: {param}", code="parameter_unknown",
                             param=param)
    if code == "invalid" and isinstance(_field_at(serializer, path), serializers.IntegerField):
        raise ParameterError(f"Invalid integer: {_value_at(data, path)}",
                             code="parameter_invalid_integer", param=param)
    if code in STRIPE_CODES:  # the validator wrote Stripe's own message for its own code
        raise ParameterError(str(error), code=code, param=param)
    message = f"Invalid {param}: {error}" if param else str(error)
    raise ParameterError(message, code=_CODES.get(code), param=param)


def _field_at(serializer: serializers.Serializer, path: list[str]) -> Any:
    field: Any = serializer
    for part in path:
        if isinstance(field, serializers.ListSerializer | serializers.ListField):
            field = field.child
            continue
        fields = getattr(field, "fields", None)
        if fields is None or part not in fields:
            return None
        field = fields[part]
    return field


def _value_at(data: Any, path: list[str]) -> Any:
    for part in path:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


class NoParams(Params):
    """For endpoints that take no parameters beyond `expand`."""
