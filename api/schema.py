"""OpenAPI (drf-spectacular) descriptions of what the shared machinery puts on the wire."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers


class ApiKeyAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "api.auth.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer",
                "description": "A secret key (`sk_test_…` / `sk_live_…`) as a Bearer token, "
                               "or as the user name of HTTP Basic auth."}


def list_of(serializer: type[serializers.Serializer]) -> serializers.Serializer:
    """The schema of a list object whose `data` holds `serializer` objects."""
    return inline_serializer(
        name=f"{serializer.__name__.removesuffix('Serializer')}List",
        fields={"object": serializers.CharField(default="list"),
                "data": serializer(many=True),
                "has_more": serializers.BooleanField(),
                "url": serializers.CharField()})
