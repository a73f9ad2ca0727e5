"""OpenAPI (drf-spectacular) descriptions of what the shared machinery puts on the wire."""

from functools import cache

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "A secret key (`sk_test_…` / `sk_live_…`) as a Bearer token, "
                               "or as the user name of HTTP Basic auth."}


class ExpandableFieldSchema(OpenApiSerializerFieldExtension):
    """An expandable field is the object's id, or the object itself when expanded: Stripe's
    own schema says so with `anyOf` and `x-expansionResources`."""

    target_class = "api.objects.ExpandableField"

    def map_serializer_field(self, auto_schema, direction):
        component = auto_schema.resolve_serializer(self.target.target, direction)
        schema = {"anyOf": [{"type": "string", "maxLength": 5000}, component.ref],
                  "x-expansionResources": {"oneOf": [component.ref]}}
        if self.target.allow_null:
            schema["nullable"] = True
        return schema


@cache
def list_of(serializer: type[serializers.Serializer]) -> serializers.Serializer:
    """The schema of a list object whose `data` holds `serializer` objects (one per
    serializer: two views listing the same objects share the component)."""
    return inline_serializer(
        name=f"{serializer.__name__.removesuffix('Serializer')}List",
        fields={"object": serializers.CharField(default="list"),
                "data": serializer(many=True),
                "has_more": serializers.BooleanField(),
                "url": serializers.CharField()})
