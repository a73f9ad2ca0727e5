"""API keys: `Authorization: Bearer <key>` or HTTP Basic with the key as the user name."""

import base64
import binascii

from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission

from api import errors
from api.errors import AuthenticationError
from api.permissions import permitted, refusal_message
from merchants.models import ApiKey
from merchants.selectors import api_key_get_by_token

NO_KEY_MESSAGE = (
    "You did not provide an API key. You need to provide your API key in the Authorization "
    "header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY').")


def _redact(token: str) -> str:
    head = token.rsplit("_", 1)[0] + "_" if token.count("_") >= 2 else ""
    return f"{head}****{token[-4:]}" if len(token) > 4 else "****"


def _token_from_header(header: str) -> str:
    scheme, _, credentials = header.partition(" ")
    scheme = scheme.lower()
    credentials = credentials.strip()
    if scheme == "bearer" and credentials:
        return credentials
    if scheme == "basic" and credentials:
        try:
            decoded = base64.b64decode(credentials, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError) as exc:
            raise AuthenticationError("Invalid HTTP Basic credentials.") from exc
        return decoded.partition(":")[0]
    raise AuthenticationError(NO_KEY_MESSAGE)


class ApiKeyAuthentication(BaseAuthentication):
    """Sets request.user to the merchant and request.auth to the ApiKey."""

    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            raise AuthenticationError(NO_KEY_MESSAGE)
        token = _token_from_header(header)
        key = api_key_get_by_token(token=token)
        if key is None or key.revoked_at is not None:
            raise AuthenticationError(f"Invalid API Key provided: {_redact(token)}")
        if not key.is_active():
            raise AuthenticationError(f"Expired API Key provided: {_redact(token)}",
                                      code="api_key_expired")
        return (key.merchant, key)

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="Till"'


class SecretKeyRequired(BasePermission):
    """Publishable keys reach only views that declare `allow_publishable_key = True`;
    restricted keys only the resources their permissions grant (api.permissions), on every
    route, as this is every API view's permission class."""

    def has_permission(self, request, view) -> bool:
        key: ApiKey = request.auth
        if key.kind == ApiKey.Kind.RESTRICTED:
            allowed, resource, level = permitted(key, method=request.method,
                                                 path=request.path)
            if not allowed:
                raise errors.PermissionError(refusal_message(key, resource=resource, level=level))
            return True
        if key.kind == ApiKey.Kind.SECRET or getattr(view, "allow_publishable_key", False):
            return True
        raise AuthenticationError(
            "This API call cannot be made with a publishable API key. Please use a secret "
            "API key. You can find a list of your API keys in the dashboard.",
            code="secret_key_required")
