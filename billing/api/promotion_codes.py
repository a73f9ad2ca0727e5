"""Promotion codes on the wire: /v1/promotion_codes (create, retrieve, update, list)."""

import re
from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from api.lists import ListParams
from api.objects import ApiObjectSerializer, ExpandableField, TimestampField
from api.params import MetadataField, NoParams, Params, TimestampParam
from api.schema import list_of
from api.views import ApiView
from billing import selectors, services
from billing.api.coupons import CouponSerializer
from billing.api.prices import AmountParam, RefusedParam, SupportedCurrencyParam
from billing.models import COUPON_ID_MAX, PromotionCode

ID_PARAM = OpenApiParameter("id", str, OpenApiParameter.PATH)
# Stripe's characters for a code: letters and digits.
_CODE = re.compile(r"[A-Za-z0-9]+")
CURRENCY_OPTIONS_REFUSAL = ("Till does not support promotion codes' restrictions in several "
                            "currencies (currency_options) yet.")


# -- input ---------------------------------------------------------------------------------

class RestrictionsParams(Params):
    first_time_transaction = serializers.BooleanField(required=False)
    minimum_amount = AmountParam()
    minimum_amount_currency = SupportedCurrencyParam(required=False)
    currency_options = RefusedParam(CURRENCY_OPTIONS_REFUSAL)


class PromotionCodeCreateParams(Params):
    coupon = serializers.CharField(max_length=COUPON_ID_MAX)
    code = serializers.CharField(required=False, max_length=500)
    active = serializers.BooleanField(required=False)
    customer = serializers.CharField(required=False, max_length=100)
    expires_at = TimestampParam(required=False)
    max_redemptions = serializers.IntegerField(required=False, min_value=1,
                                               max_value=2_000_000_000)
    restrictions = RestrictionsParams(required=False)
    metadata = MetadataField(required=False)

    def validate_code(self, value: str) -> str:
        if not _CODE.fullmatch(value):
            raise serializers.ValidationError("use letters and digits only.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs.update(attrs.pop("restrictions", None) or {})
        return attrs


class RestrictionsUpdateParams(Params):
    currency_options = RefusedParam(CURRENCY_OPTIONS_REFUSAL)


class PromotionCodeUpdateParams(Params):
    active = serializers.BooleanField(required=False)
    restrictions = RestrictionsUpdateParams(required=False)
    metadata = MetadataField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs.pop("restrictions", None)
        return attrs


class PromotionCodeListParams(ListParams):
    active = serializers.BooleanField(required=False)
    code = serializers.CharField(required=False, max_length=500)
    coupon = serializers.CharField(required=False, max_length=COUPON_ID_MAX)
    customer = serializers.CharField(required=False, max_length=100)


# -- output --------------------------------------------------------------------------------

class RestrictionsSerializer(serializers.Serializer):
    first_time_transaction = serializers.BooleanField()
    minimum_amount = serializers.IntegerField(allow_null=True)
    minimum_amount_currency = serializers.CharField(allow_null=True)


class PromotionCodeSerializer(ApiObjectSerializer):
    object_name = "promotion_code"
    model = PromotionCode

    active = serializers.BooleanField()
    code = serializers.CharField()
    coupon = serializers.SerializerMethodField()
    created = TimestampField()
    customer = ExpandableField("payments.api.customers.CustomerSerializer",
                               source="customer_id", allow_null=True)
    expires_at = TimestampField(allow_null=True)
    livemode = serializers.BooleanField()
    max_redemptions = serializers.IntegerField(allow_null=True)
    metadata = serializers.DictField(child=serializers.CharField())
    restrictions = RestrictionsSerializer(source="*")
    times_redeemed = serializers.IntegerField()

    @extend_schema_field(CouponSerializer)
    def get_coupon(self, obj: PromotionCode) -> dict[str, Any]:
        return CouponSerializer.render_object(obj.coupon)


# -- views ---------------------------------------------------------------------------------

class PromotionCodeListView(ApiView):
    @extend_schema(operation_id="ListPromotionCodes", parameters=[PromotionCodeListParams],
                   responses=list_of(PromotionCodeSerializer))
    def get(self, request) -> Response:
        params = self.params(PromotionCodeListParams)
        codes = selectors.promotion_code_list(
            merchant=self.merchant, livemode=self.livemode, code=params.get("code"),
            coupon=params.get("coupon"), customer=params.get("customer"),
            active=params.get("active"))
        return self.respond_list(codes, PromotionCodeSerializer, params=params)

    @extend_schema(operation_id="CreatePromotionCode", request=PromotionCodeCreateParams,
                   responses=PromotionCodeSerializer)
    def post(self, request) -> Response:
        params = self.params(PromotionCodeCreateParams)
        self.expand(PromotionCodeSerializer)
        params.pop("currency_options", None)
        code = services.promotion_code_create(merchant=self.merchant, livemode=self.livemode,
                                              actor=self.actor, **params)
        return self.respond(code, PromotionCodeSerializer)


class PromotionCodeDetailView(ApiView):
    @extend_schema(operation_id="RetrievePromotionCode", parameters=[ID_PARAM],
                   responses=PromotionCodeSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        code = selectors.promotion_code_get(id=id, merchant=self.merchant,
                                            livemode=self.livemode)
        return self.respond(code, PromotionCodeSerializer)

    @extend_schema(operation_id="UpdatePromotionCode", parameters=[ID_PARAM],
                   request=PromotionCodeUpdateParams, responses=PromotionCodeSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(PromotionCodeUpdateParams)
        self.expand(PromotionCodeSerializer)
        code = services.promotion_code_update(id=id, merchant=self.merchant,
                                              livemode=self.livemode, actor=self.actor,
                                              **params)
        return self.respond(code, PromotionCodeSerializer)


urlpatterns = [
    path("promotion_codes", PromotionCodeListView.as_view()),
    path("promotion_codes/<str:id>", PromotionCodeDetailView.as_view()),
]
