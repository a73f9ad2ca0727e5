from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.lists import ListParams
from api.objects import ApiObjectSerializer, TimestampField
from api.params import NoParams
from api.schema import list_of
from api.views import ApiView
from webhooks import selectors
from webhooks.models import Event


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
                                      type=params.get("type"), types=params.get("types"))
        return self.respond_list(events, EventSerializer, params=params)


class EventDetailView(ApiView):
    @extend_schema(operation_id="RetrieveEvent", responses=EventSerializer,
                   parameters=[OpenApiParameter("id", str, OpenApiParameter.PATH)])
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        event = selectors.event_get(id=id, merchant=self.merchant, livemode=self.livemode)
        return self.respond(event, EventSerializer)
