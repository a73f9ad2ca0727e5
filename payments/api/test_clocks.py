"""Test clocks on the wire: /v1/test_helpers/test_clocks (test mode only; a live key gets
Stripe's 404)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from api.lists import ListParams
from api.objects import ApiObjectSerializer, TimestampField
from api.params import NoParams, OptionalString, Params, TimestampParam
from api.schema import list_of
from api.views import ApiView
from payments import selectors, services
from payments.models import TestClock

ID_PARAM = OpenApiParameter("id", str, OpenApiParameter.PATH)


# -- input ---------------------------------------------------------------------------------

class TestClockCreateParams(Params):
    frozen_time = TimestampParam()
    name = OptionalString(max_length=300)


class TestClockAdvanceParams(Params):
    frozen_time = TimestampParam()


class TestClockListParams(ListParams):
    created = None  # Stripe's list of test clocks pages, and filters nothing


# -- output --------------------------------------------------------------------------------

@extend_schema_field({"type": "object", "properties": {"advancing": {
    "type": "object", "properties": {"target_frozen_time": {"type": "integer"}}}}})
class StatusDetailsField(serializers.Field):
    """`{"advancing": {"target_frozen_time": …}}` while advancing, else `{}`."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("source", "*")
        super().__init__(**kwargs)

    def to_representation(self, value: TestClock) -> dict:
        if value.status != TestClock.Status.ADVANCING:
            return {}
        return {"advancing": {"target_frozen_time": int(value.target_frozen_time.timestamp())}}


class TestClockSerializer(ApiObjectSerializer):
    object_name = "test_helpers.test_clock"
    model = TestClock

    created = TimestampField()
    deletes_after = TimestampField()
    frozen_time = TimestampField()
    livemode = serializers.BooleanField()
    name = serializers.CharField(allow_null=True)
    status = serializers.CharField()
    status_details = StatusDetailsField()


class DeletedTestClockSerializer(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.CharField(default="test_helpers.test_clock")
    deleted = serializers.BooleanField(default=True)

    def to_representation(self, instance: TestClock) -> dict:
        return {"id": instance.id, "object": "test_helpers.test_clock", "deleted": True}


# -- views ---------------------------------------------------------------------------------

class TestClockListView(ApiView):
    @extend_schema(operation_id="ListTestClocks", parameters=[TestClockListParams],
                   responses=list_of(TestClockSerializer))
    def get(self, request) -> Response:
        params = self.params(TestClockListParams)
        test_clocks = selectors.test_clock_list(merchant=self.merchant, livemode=self.livemode)
        return self.respond_list(test_clocks, TestClockSerializer, params=params)

    @extend_schema(operation_id="CreateTestClock", request=TestClockCreateParams,
                   responses=TestClockSerializer)
    def post(self, request) -> Response:
        params = self.params(TestClockCreateParams)
        self.expand(TestClockSerializer)
        test_clock = services.test_clock_create(merchant=self.merchant, livemode=self.livemode,
                                                actor=self.actor, **params)
        return self.respond(test_clock, TestClockSerializer)


class TestClockDetailView(ApiView):
    @extend_schema(operation_id="RetrieveTestClock", parameters=[ID_PARAM],
                   responses=TestClockSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        test_clock = selectors.test_clock_get(id=id, merchant=self.merchant,
                                              livemode=self.livemode)
        return self.respond(test_clock, TestClockSerializer)

    @extend_schema(operation_id="DeleteTestClock", parameters=[ID_PARAM],
                   responses=DeletedTestClockSerializer)
    def delete(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        test_clock = services.test_clock_delete(id=id, merchant=self.merchant,
                                                livemode=self.livemode)
        return Response(DeletedTestClockSerializer(test_clock).data)


class TestClockAdvanceView(ApiView):
    @extend_schema(operation_id="AdvanceTestClock", parameters=[ID_PARAM],
                   request=TestClockAdvanceParams, responses=TestClockSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(TestClockAdvanceParams)
        self.expand(TestClockSerializer)
        test_clock = services.test_clock_advance(id=id, merchant=self.merchant,
                                                 livemode=self.livemode, actor=self.actor,
                                                 **params)
        return self.respond(test_clock, TestClockSerializer)
