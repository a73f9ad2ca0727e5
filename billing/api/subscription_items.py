"""Subscription items on the wire: /v1/subscription_items (create, retrieve, update, delete,
list by subscription). Each change is an update of the subscription's items, prorated as
`POST /v1/subscriptions/{id}` with `items[]` prorates it."""

from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.lists import ListParams
from api.params import MetadataField, NoParams, Params, TimestampParam
from api.schema import list_of
from api.views import ApiView
from billing import selectors, services
from billing.api.subscriptions import PriceDataParams, SubscriptionItemSerializer
from billing.services.subscription_changes import PRORATION_BEHAVIORS
from billing.services.subscription_updates import UPDATE_PAYMENT_BEHAVIORS

ID_PARAM = OpenApiParameter("id", str, OpenApiParameter.PATH)


class ProrationParams(Params):
    proration_behavior = serializers.ChoiceField(choices=PRORATION_BEHAVIORS, required=False)
    proration_date = TimestampParam(required=False)
    payment_behavior = serializers.ChoiceField(choices=UPDATE_PAYMENT_BEHAVIORS,
                                               required=False)
    off_session = serializers.BooleanField(required=False)


class SubscriptionItemCreateParams(ProrationParams):
    subscription = serializers.CharField(max_length=100)
    price = serializers.CharField(max_length=100, required=False)
    price_data = PriceDataParams(required=False)
    quantity = serializers.IntegerField(min_value=0, max_value=1_000_000_000, default=1)
    metadata = MetadataField(required=False)


class SubscriptionItemUpdateParams(ProrationParams):
    price = serializers.CharField(required=False, max_length=100)
    price_data = PriceDataParams(required=False)
    quantity = serializers.IntegerField(required=False, min_value=0, max_value=1_000_000_000)
    metadata = MetadataField(required=False)


class SubscriptionItemListParams(ListParams):
    subscription = serializers.CharField(max_length=100)


class DeletedSubscriptionItemSerializer(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.CharField(default="subscription_item")
    deleted = serializers.BooleanField(default=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return {"id": instance.id, "object": "subscription_item", "deleted": True}


class SubscriptionItemListView(ApiView):
    @extend_schema(operation_id="ListSubscriptionItems", parameters=[SubscriptionItemListParams],
                   responses=list_of(SubscriptionItemSerializer))
    def get(self, request) -> Response:
        params = self.params(SubscriptionItemListParams)
        items = selectors.subscription_item_list(merchant=self.merchant,
                                                 livemode=self.livemode,
                                                 subscription=params["subscription"])
        return self.respond_list(items, SubscriptionItemSerializer, params=params)

    @extend_schema(operation_id="CreateSubscriptionItem", request=SubscriptionItemCreateParams,
                   responses=SubscriptionItemSerializer)
    def post(self, request) -> Response:
        params = self.params(SubscriptionItemCreateParams)
        item = services.subscription_item_create(merchant=self.merchant,
                                                 livemode=self.livemode, actor=self.actor,
                                                 **params)
        return self.respond(item, SubscriptionItemSerializer)


class SubscriptionItemDetailView(ApiView):
    @extend_schema(operation_id="RetrieveSubscriptionItem", parameters=[ID_PARAM],
                   responses=SubscriptionItemSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        item = selectors.subscription_item_get(id=id, merchant=self.merchant,
                                               livemode=self.livemode)
        return self.respond(item, SubscriptionItemSerializer)

    @extend_schema(operation_id="UpdateSubscriptionItem", parameters=[ID_PARAM],
                   request=SubscriptionItemUpdateParams, responses=SubscriptionItemSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(SubscriptionItemUpdateParams)
        item = services.subscription_item_update(id=id, merchant=self.merchant,
                                                 livemode=self.livemode, actor=self.actor,
                                                 **params)
        return self.respond(item, SubscriptionItemSerializer)

    @extend_schema(operation_id="DeleteSubscriptionItem", parameters=[ID_PARAM],
                   request=ProrationParams, responses=DeletedSubscriptionItemSerializer)
    def delete(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(ProrationParams)
        item = services.subscription_item_delete(id=id, merchant=self.merchant,
                                                 livemode=self.livemode, actor=self.actor,
                                                 **params)
        return Response(DeletedSubscriptionItemSerializer(item).data)


urlpatterns = [
    path("subscription_items", SubscriptionItemListView.as_view()),
    path("subscription_items/<str:id>", SubscriptionItemDetailView.as_view()),
]
