"""Events and webhook endpoints on the wire: /v1/events, /v1/webhook_endpoints."""

import re
from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from api.lists import ListParams
from api.objects import ApiObjectSerializer, ExpandableField, TimestampField
from api.params import MetadataField, NoParams, OptionalString, Params, TimestampParam
from api.schema import list_of
from api.views import ApiView
from webhooks import selectors, services
from webhooks.events import EVENT_TYPES
from webhooks.models import Event, WebhookDelivery, WebhookEndpoint

ID_PARAM = OpenApiParameter("id", str, OpenApiParameter.PATH)


class EventRequestSerializer(serializers.Serializer):
    id = serializers.CharField(source="request_id", allow_null=True)
    idempotency_key = serializers.CharField(allow_null=True)


class EventSerializer(ApiObjectSerializer):
    object_name = "event"
    model = Event

    api_version = serializers.CharField()
    created = TimestampField()
    data = serializers.JSONField()
    livemode = serializers.BooleanField()
    pending_webhooks = serializers.IntegerField()
    request = EventRequestSerializer(source="*")
    type = serializers.CharField()


class EventListParams(ListParams):
    type = serializers.CharField(required=False, max_length=100)
    types = serializers.ListField(child=serializers.CharField(max_length=100), required=False,
                                  max_length=20)
    delivery_success = serializers.BooleanField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if attrs.get("type") and attrs.get("types"):
            raise serializers.ValidationError({"types": serializers.ErrorDetail(
                "You may only specify one of these parameters: type, types.",
                code="parameters_exclusive")})
        return attrs


class EventListView(ApiView):
    @extend_schema(operation_id="ListEvents", parameters=[EventListParams],
                   responses=list_of(EventSerializer))
    def get(self, request) -> Response:
        params = self.params(EventListParams)
        events = selectors.event_list(merchant=self.merchant, livemode=self.livemode,
                                      type=params.get("type"), types=params.get("types"),
                                      delivery_success=params.get("delivery_success"))
        return self.respond_list(events, EventSerializer, params=params)


class EventDetailView(ApiView):
    @extend_schema(operation_id="RetrieveEvent", responses=EventSerializer,
                   parameters=[OpenApiParameter("id", str, OpenApiParameter.PATH)])
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        event = selectors.event_get(id=id, merchant=self.merchant, livemode=self.livemode)
        return self.respond(event, EventSerializer)


class EventRetryParams(Params):
    webhook_endpoint = serializers.CharField(max_length=100)


class EventRetryView(ApiView):
    @extend_schema(operation_id="RetryEvent", parameters=[ID_PARAM], request=EventRetryParams,
                   responses=EventSerializer,
                   description="Resends an event to one webhook endpoint it was sent to (what "
                               "`stripe events resend --webhook-endpoint` calls).")
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(EventRetryParams)
        self.expand(EventSerializer)
        event = services.event_retry(id=id, merchant=self.merchant, livemode=self.livemode,
                                     webhook_endpoint=params["webhook_endpoint"])
        return self.respond(event, EventSerializer)


# -- webhook endpoints: input ----------------------------------------------------------------

_API_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$")


@extend_schema_field({"type": "array", "items": {"type": "string", "enum": ["*", *EVENT_TYPES]}})
class EnabledEventsField(serializers.Field):
    """`enabled_events[]`: types from the catalogue (webhooks.events), or `*` for all."""

    default_error_messages = {"invalid": "must be an array of event types."}

    def to_internal_value(self, data: Any) -> list[str]:
        if isinstance(data, str):
            data = [data]
        if not isinstance(data, list) or not all(isinstance(item, str) for item in data):
            self.fail("invalid")
        if not data:
            raise serializers.ValidationError("must name at least one event type, or '*'.")
        for event_type in data:
            if event_type != "*" and event_type not in EVENT_TYPES:
                raise serializers.ValidationError(
                    f"'{event_type}' is not a type of event Till sends. Use '*' or types from "
                    f"the catalogue: {', '.join(EVENT_TYPES)}.")
        return list(dict.fromkeys(data))  # without repeats, in order

    def to_representation(self, value: list[str]) -> list[str]:
        return value


class WebhookEndpointUpdateParams(Params):
    description = OptionalString(max_length=5000)
    disabled = serializers.BooleanField(required=False)
    enabled_events = EnabledEventsField(required=False)
    metadata = MetadataField(required=False)
    url = serializers.CharField(required=False, max_length=5000)


class WebhookEndpointCreateParams(Params):
    api_version = serializers.CharField(required=False, max_length=40)
    # Stripe's endpoint for its connected accounts' events; `false` is every endpoint here.
    connect = serializers.BooleanField(required=False)
    description = OptionalString(max_length=5000)
    enabled_events = EnabledEventsField()
    metadata = MetadataField(required=False)
    url = serializers.CharField(max_length=5000)

    def validate_api_version(self, value: str) -> str:
        if not _API_VERSION.match(value):
            raise serializers.ValidationError("must be an API version such as "
                                              "2025-02-24.acacia.")
        return value

    def validate_connect(self, value: bool) -> bool:
        if value:
            raise serializers.ValidationError(
                "Till has no Connect, so there are no connected accounts' events to send: "
                "create the endpoint without connect (or with connect=false).")
        return value


class RollSecretParams(Params):
    expires_at = TimestampParam(required=False)


class WebhookDeliveryListParams(ListParams):
    status = serializers.ChoiceField(choices=WebhookDelivery.Status.choices, required=False)
    event = serializers.CharField(required=False, max_length=100)


# -- webhook endpoints: output ---------------------------------------------------------------

class WebhookEndpointSerializer(ApiObjectSerializer):
    object_name = "webhook_endpoint"
    model = WebhookEndpoint

    api_version = serializers.CharField(allow_null=True)
    application = serializers.SerializerMethodField()
    created = TimestampField()
    description = serializers.CharField(allow_null=True)
    enabled_events = serializers.ListField(child=serializers.CharField())
    livemode = serializers.BooleanField()
    metadata = serializers.DictField(child=serializers.CharField())
    status = serializers.ChoiceField(choices=WebhookEndpoint.Status.choices)
    url = serializers.CharField()

    def get_application(self, obj: WebhookEndpoint) -> str | None:
        return None  # Connect applications are not part of Till


class WebhookEndpointWithSecretSerializer(WebhookEndpointSerializer):
    """The create and roll_secret responses: the only places the secret is shown."""

    secret = serializers.CharField()


class DeletedWebhookEndpointSerializer(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.CharField(default="webhook_endpoint")
    deleted = serializers.BooleanField(default=True)

    def to_representation(self, instance: WebhookEndpoint) -> dict:
        return {"id": instance.id, "object": "webhook_endpoint", "deleted": True}


class WebhookDeliveryAttemptSerializer(serializers.Serializer):
    attempted_at = TimestampField()
    duration_ms = serializers.IntegerField()
    error = serializers.CharField(allow_null=True)
    manual = serializers.BooleanField()
    response_excerpt = serializers.CharField()
    status_code = serializers.IntegerField(allow_null=True)
    succeeded = serializers.BooleanField()


class WebhookDeliverySerializer(ApiObjectSerializer):
    """Till's extension: one event owed to one endpoint, with every attempt made."""

    object_name = "webhook_delivery"
    model = WebhookDelivery

    attempt_count = serializers.IntegerField()
    attempts = WebhookDeliveryAttemptSerializer(many=True, source="attempts.all")
    created = TimestampField()
    event = ExpandableField("webhooks.api.EventSerializer", source="event_id")
    next_attempt_at = TimestampField(allow_null=True)
    status = serializers.ChoiceField(choices=WebhookDelivery.Status.choices)
    succeeded_at = TimestampField(allow_null=True)
    webhook_endpoint = serializers.CharField(source="endpoint_id")


# -- webhook endpoints: views ----------------------------------------------------------------

class WebhookEndpointListView(ApiView):
    @extend_schema(operation_id="ListWebhookEndpoints", parameters=[ListParams],
                   responses=list_of(WebhookEndpointSerializer))
    def get(self, request) -> Response:
        params = self.params(ListParams)
        endpoints = selectors.webhook_endpoint_list(merchant=self.merchant,
                                                    livemode=self.livemode)
        return self.respond_list(endpoints, WebhookEndpointSerializer, params=params)

    @extend_schema(operation_id="CreateWebhookEndpoint", request=WebhookEndpointCreateParams,
                   responses=WebhookEndpointWithSecretSerializer)
    def post(self, request) -> Response:
        params = self.params(WebhookEndpointCreateParams)
        self.expand(WebhookEndpointSerializer)
        params.pop("connect", None)  # only false gets here
        endpoint = services.webhook_endpoint_create(merchant=self.merchant,
                                                    livemode=self.livemode, **params)
        return self.respond(endpoint, WebhookEndpointWithSecretSerializer)


class WebhookEndpointDetailView(ApiView):
    @extend_schema(operation_id="RetrieveWebhookEndpoint", parameters=[ID_PARAM],
                   responses=WebhookEndpointSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        endpoint = selectors.webhook_endpoint_get(id=id, merchant=self.merchant,
                                                  livemode=self.livemode)
        return self.respond(endpoint, WebhookEndpointSerializer)

    @extend_schema(operation_id="UpdateWebhookEndpoint", parameters=[ID_PARAM],
                   request=WebhookEndpointUpdateParams, responses=WebhookEndpointSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(WebhookEndpointUpdateParams)
        self.expand(WebhookEndpointSerializer)
        endpoint = services.webhook_endpoint_update(id=id, merchant=self.merchant,
                                                    livemode=self.livemode, **params)
        return self.respond(endpoint, WebhookEndpointSerializer)

    @extend_schema(operation_id="DeleteWebhookEndpoint", parameters=[ID_PARAM],
                   responses=DeletedWebhookEndpointSerializer)
    def delete(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        endpoint = services.webhook_endpoint_delete(id=id, merchant=self.merchant,
                                                    livemode=self.livemode)
        return Response(DeletedWebhookEndpointSerializer(endpoint).data)


class WebhookEndpointRollSecretView(ApiView):
    @extend_schema(operation_id="RollWebhookEndpointSecret", parameters=[ID_PARAM],
                   request=RollSecretParams, responses=WebhookEndpointWithSecretSerializer,
                   description="Till's extension: a new signing secret, returned once. The "
                               "old one keeps signing (a second v1) until `expires_at`, by "
                               "default 24 hours from now.")
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(RollSecretParams)
        self.expand(WebhookEndpointSerializer)
        endpoint = services.webhook_endpoint_roll_secret(
            id=id, merchant=self.merchant, livemode=self.livemode,
            expires_at=params.get("expires_at"))
        return self.respond(endpoint, WebhookEndpointWithSecretSerializer)


class WebhookDeliveryListView(ApiView):
    @extend_schema(operation_id="ListWebhookDeliveries", parameters=[ID_PARAM,
                                                                     WebhookDeliveryListParams],
                   responses=list_of(WebhookDeliverySerializer),
                   description="Till's extension: an endpoint's deliveries, newest first, "
                               "each with its attempts.")
    def get(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(WebhookDeliveryListParams)
        endpoint = selectors.webhook_endpoint_get(id=id, merchant=self.merchant,
                                                  livemode=self.livemode)
        deliveries = selectors.webhook_delivery_list(endpoint=endpoint,
                                                     status=params.get("status"),
                                                     event_id=params.get("event"))
        return self.respond_list(deliveries, WebhookDeliverySerializer, params=params)
