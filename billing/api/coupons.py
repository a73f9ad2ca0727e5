"""Coupons on the wire: /v1/coupons (create, retrieve, update, delete, list); the discount
object (a coupon applied) and the `discounts[]` parameter subscriptions and invoices take."""

from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from api.errors import ParameterError
from api.lists import ListParams
from api.objects import ApiObjectSerializer, ExpandableField, TimestampField
from api.params import MetadataField, NoParams, OptionalString, Params, TimestampParam
from api.schema import list_of
from api.views import ApiView
from billing import selectors, services
from billing.api.prices import (
    AmountParam,
    CatalogueIdParam,
    RefusedParam,
    SupportedCurrencyParam,
)
from billing.models import CATALOGUE_ID_MAX, Coupon, Discount
from billing.services import DiscountSpec
from core import clock

ID_PARAM = OpenApiParameter("id", str, OpenApiParameter.PATH)
CURRENCY_OPTIONS_REFUSAL = ("Till does not support coupons in several currencies "
                            "(currency_options) yet: create one coupon per currency.")


# -- input ---------------------------------------------------------------------------------

class AppliesToParams(Params):
    products = serializers.ListField(child=serializers.CharField(max_length=CATALOGUE_ID_MAX),
                                     max_length=100)


class CouponCreateParams(Params):
    id = CatalogueIdParam()
    name = OptionalString(max_length=40)
    percent_off = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    amount_off = AmountParam()
    currency = SupportedCurrencyParam(required=False)
    currency_options = RefusedParam(CURRENCY_OPTIONS_REFUSAL)
    duration = serializers.ChoiceField(choices=Coupon.Duration.choices, required=False)
    duration_in_months = serializers.IntegerField(required=False, min_value=1, max_value=1200)
    max_redemptions = serializers.IntegerField(required=False, min_value=1,
                                               max_value=2_000_000_000)
    redeem_by = TimestampParam(required=False)
    applies_to = AppliesToParams(required=False)
    metadata = MetadataField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        applies_to = attrs.pop("applies_to", None)
        if applies_to is not None:
            attrs["applies_to_products"] = applies_to["products"]
        return attrs


class CouponUpdateParams(Params):
    name = OptionalString(max_length=40)
    metadata = MetadataField(required=False)
    currency_options = RefusedParam(CURRENCY_OPTIONS_REFUSAL)


class DiscountParams(Params):
    """One of `discounts[]`: a coupon, a promotion code, or a discount the object has."""

    coupon = serializers.CharField(required=False, max_length=CATALOGUE_ID_MAX)
    promotion_code = serializers.CharField(required=False, max_length=100)
    discount = serializers.CharField(required=False, max_length=100)

    def validate(self, attrs: dict[str, Any]) -> DiscountSpec:
        given = [name for name in ("coupon", "discount", "promotion_code") if attrs.get(name)]
        if len(given) != 1:
            raise serializers.ValidationError(
                "each discount takes exactly one of `coupon`, `discount` or `promotion_code`.")
        return DiscountSpec(**{given[0]: attrs[given[0]]})


class DiscountsParam(serializers.ListField):
    """`discounts[i][coupon|promotion_code|discount]`; `discounts=` (empty) clears them."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=DiscountParams(), required=False, max_length=20, **kwargs)

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if data == "":
            return []
        specs = super().run_validation(data)
        return [DiscountSpec(coupon=spec.coupon, promotion_code=spec.promotion_code,
                             discount=spec.discount, param=f"discounts[{index}]")
                for index, spec in enumerate(specs)]


def discounts_from(params: dict[str, Any], *, legacy: bool) -> None:
    """`discounts[]` as the services take it; with `legacy`, Stripe's older `coupon` and
    `promotion_code` parameters too (one discount each, not with `discounts`)."""
    if not legacy:
        return
    coupon, promotion_code = params.pop("coupon", None), params.pop("promotion_code", None)
    if coupon is None and promotion_code is None:
        return
    if "discounts" in params:
        name = "coupon" if coupon is not None else "promotion_code"
        raise ParameterError(f"You may only specify one of these parameters: {name}, "
                             "discounts.", code="parameters_exclusive", param=name)
    specs = []
    if coupon:
        specs.append(DiscountSpec(coupon=coupon, param="coupon"))
    if promotion_code:
        specs.append(DiscountSpec(promotion_code=promotion_code, param="promotion_code"))
    params["discounts"] = specs


# -- output --------------------------------------------------------------------------------

class CouponSerializer(ApiObjectSerializer):
    object_name = "coupon"
    model = Coupon

    amount_off = serializers.IntegerField(allow_null=True)
    created = TimestampField()
    currency = serializers.CharField(allow_null=True)
    duration = serializers.CharField()
    duration_in_months = serializers.IntegerField(allow_null=True)
    livemode = serializers.BooleanField()
    max_redemptions = serializers.IntegerField(allow_null=True)
    metadata = serializers.DictField(child=serializers.CharField())
    name = serializers.CharField(allow_null=True)
    percent_off = serializers.FloatField(allow_null=True)
    redeem_by = TimestampField(allow_null=True)
    times_redeemed = serializers.IntegerField()

    def to_representation(self, instance: Coupon) -> dict:
        data = super().to_representation(instance)
        data["valid"] = instance.is_valid(clock.now())
        if instance.applies_to_products is not None:
            data["applies_to"] = {"products": list(instance.applies_to_products)}
        return data


class DeletedCouponSerializer(serializers.Serializer):
    def to_representation(self, instance: Coupon) -> dict:
        return {"id": instance.id, "object": "coupon", "deleted": True}


class DiscountSerializer(ApiObjectSerializer):
    object_name = "discount"
    model = Discount

    coupon = serializers.SerializerMethodField()
    customer = ExpandableField("payments.api.customers.CustomerSerializer",
                               source="customer_id")
    end = TimestampField(allow_null=True)
    invoice = serializers.CharField(source="invoice_id", allow_null=True)
    promotion_code = ExpandableField(
        "billing.api.promotion_codes.PromotionCodeSerializer", allow_null=True,
        source="promotion_code_id")
    start = TimestampField()
    subscription = serializers.CharField(source="subscription_id", allow_null=True)

    @extend_schema_field(CouponSerializer)
    def get_coupon(self, obj: Discount) -> dict[str, Any]:
        return CouponSerializer.render_object(obj.coupon)

    def to_representation(self, instance: Discount) -> dict:
        data = super().to_representation(instance)
        data.update(checkout_session=None, invoice_item=None, subscription_item=None)
        return data


# -- views ---------------------------------------------------------------------------------

class CouponListView(ApiView):
    @extend_schema(operation_id="ListCoupons", parameters=[ListParams],
                   responses=list_of(CouponSerializer))
    def get(self, request) -> Response:
        params = self.params(ListParams)
        coupons = selectors.coupon_list(merchant=self.merchant, livemode=self.livemode)
        return self.respond_list(coupons, CouponSerializer, params=params)

    @extend_schema(operation_id="CreateCoupon", request=CouponCreateParams,
                   responses=CouponSerializer)
    def post(self, request) -> Response:
        params = self.params(CouponCreateParams)
        self.expand(CouponSerializer)
        coupon = services.coupon_create(merchant=self.merchant, livemode=self.livemode,
                                        actor=self.actor, **params)
        return self.respond(coupon, CouponSerializer)


class CouponDetailView(ApiView):
    @extend_schema(operation_id="RetrieveCoupon", parameters=[ID_PARAM],
                   responses=CouponSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        coupon = selectors.coupon_get(id=id, merchant=self.merchant, livemode=self.livemode)
        return self.respond(coupon, CouponSerializer)

    @extend_schema(operation_id="UpdateCoupon", parameters=[ID_PARAM],
                   request=CouponUpdateParams, responses=CouponSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(CouponUpdateParams)
        self.expand(CouponSerializer)
        coupon = services.coupon_update(id=id, merchant=self.merchant, livemode=self.livemode,
                                        actor=self.actor, **params)
        return self.respond(coupon, CouponSerializer)

    @extend_schema(operation_id="DeleteCoupon", parameters=[ID_PARAM],
                   responses=DeletedCouponSerializer)
    def delete(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        coupon = services.coupon_delete(id=id, merchant=self.merchant, livemode=self.livemode,
                                        actor=self.actor)
        return Response(DeletedCouponSerializer(coupon).data)


urlpatterns = [
    path("coupons", CouponListView.as_view()),
    path("coupons/<str:id>", CouponDetailView.as_view()),
]
