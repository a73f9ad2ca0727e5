"""Legacy Plans on the wire: /v1/plans (create, retrieve, update, delete, list).

A plan is a recurring price: the same row, under the same id, shown in the plan's older
shape (`amount`, `interval`, `transform_usage`, `trial_period_days`, …). A one-time price is
no plan (404 here).
"""

from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from api.lists import ListParams
from api.objects import ApiObjectSerializer, ExpandableField, TimestampField
from api.params import MetadataField, NoParams, OptionalString, Params
from api.schema import list_of
from billing import selectors, services
from billing.api.prices import (
    ID_PARAM,
    AmountParam,
    CatalogueIdParam,
    CatalogueView,
    DecimalAmountParam,
    ProductDataParams,
    RefusedParam,
    SupportedCurrencyParam,
    TierParams,
    TiersField,
    TransformField,
    TransformQuantityParams,
    UsageTypeParam,
    decimal_of,
    exclusive,
    without_null_tiers,
)
from billing.models import CATALOGUE_ID_MAX, Plan, Price
from billing.pricing import MAX_TIERS, METERED_REFUSAL, PriceTerms, Recurring
from billing.services import ProductData

# -- input ---------------------------------------------------------------------------------

@extend_schema_field({"oneOf": [{"type": "string", "maxLength": CATALOGUE_ID_MAX},
                                {"type": "object"}]})
class PlanProductParam(serializers.Field):
    """A plan's `product`: an existing product's id, or a hash that creates one."""

    default_error_messages = {"invalid": "must be a product id or a hash with a name."}

    def to_internal_value(self, data: Any) -> str | ProductData:
        if isinstance(data, dict):
            product = ProductDataParams(data=data)
            if not product.is_valid():
                raise serializers.ValidationError(product.errors)
            return product.validated_data
        if not isinstance(data, str) or not data or len(data) > CATALOGUE_ID_MAX:
            self.fail("invalid")
        return data

    def to_representation(self, value: Any) -> Any:
        return value


class PlanCreateParams(Params):
    active = serializers.BooleanField(required=False, default=True)
    aggregate_usage = RefusedParam(METERED_REFUSAL)
    amount = AmountParam()
    amount_decimal = DecimalAmountParam(required=False)
    billing_scheme = serializers.ChoiceField(choices=Price.BillingScheme.choices,
                                             required=False)
    currency = SupportedCurrencyParam()
    id = CatalogueIdParam()
    interval = serializers.ChoiceField(choices=Price.Interval.choices)
    interval_count = serializers.IntegerField(required=False, min_value=1)
    metadata = MetadataField(required=False)
    meter = RefusedParam(METERED_REFUSAL)
    nickname = OptionalString(max_length=5000)
    product = PlanProductParam()
    tiers = TierParams(many=True, required=False, max_length=MAX_TIERS)
    tiers_mode = serializers.ChoiceField(choices=Price.TiersMode.choices, required=False)
    transform_usage = TransformQuantityParams(required=False)
    trial_period_days = serializers.IntegerField(required=False, min_value=0)
    usage_type = UsageTypeParam()

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        exclusive(attrs, "amount", "amount_decimal")
        recurring = Recurring(interval=attrs["interval"],
                              interval_count=attrs.get("interval_count", 1),
                              trial_period_days=attrs.get("trial_period_days"))
        terms = PriceTerms(
            currency=attrs["currency"], unit_amount=decimal_of(attrs, "amount"),
            billing_scheme=attrs.get("billing_scheme", Price.BillingScheme.PER_UNIT),
            tiers_mode=attrs.get("tiers_mode"), tiers=tuple(attrs.get("tiers", ())),
            transform_quantity=attrs.get("transform_usage"), recurring=recurring)
        product = attrs["product"]
        return {"terms": terms, "id": attrs.get("id"), "active": attrs["active"],
                "nickname": attrs.get("nickname"), "metadata": attrs.get("metadata"),
                "product": product if isinstance(product, str) else None,
                "product_data": product if isinstance(product, ProductData) else None}


class PlanUpdateParams(Params):
    active = serializers.BooleanField(required=False)
    metadata = MetadataField(required=False)
    nickname = OptionalString(max_length=5000)
    product = serializers.CharField(required=False, max_length=CATALOGUE_ID_MAX)
    trial_period_days = serializers.IntegerField(required=False, min_value=0)


class PlanListParams(ListParams):
    active = serializers.BooleanField(required=False)
    product = serializers.CharField(required=False, max_length=CATALOGUE_ID_MAX)


# -- output --------------------------------------------------------------------------------

class PlanSerializer(ApiObjectSerializer):
    object_name = "plan"
    model = Plan

    active = serializers.BooleanField()
    aggregate_usage = serializers.SerializerMethodField()
    amount = serializers.IntegerField(source="unit_amount", allow_null=True)
    amount_decimal = serializers.CharField(source="unit_amount_decimal", allow_null=True)
    billing_scheme = serializers.CharField()
    created = TimestampField()
    currency = serializers.CharField()
    interval = serializers.CharField(source="recurring_interval")
    interval_count = serializers.IntegerField(source="recurring_interval_count")
    livemode = serializers.BooleanField()
    metadata = serializers.DictField(child=serializers.CharField())
    meter = serializers.SerializerMethodField()
    nickname = serializers.CharField(allow_null=True)
    product = ExpandableField("billing.api.products.ProductSerializer", source="product_id")
    tiers = TiersField(allow_null=True)
    tiers_mode = serializers.CharField(allow_null=True)
    transform_usage = TransformField(source="transform_quantity", allow_null=True)
    trial_period_days = serializers.IntegerField(allow_null=True)
    usage_type = serializers.CharField(source="recurring_usage_type")

    # Metered usage is not billed by Till yet: always null, as Stripe renders a licensed plan.
    def get_aggregate_usage(self, obj: Plan) -> str | None:
        return None

    def get_meter(self, obj: Plan) -> str | None:
        return None

    def to_representation(self, instance: Plan) -> dict:
        return without_null_tiers(super().to_representation(instance))


class DeletedPlanSerializer(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.CharField(default="plan")
    deleted = serializers.BooleanField(default=True)

    def to_representation(self, instance: Plan) -> dict:
        return {"id": instance.id, "object": "plan", "deleted": True}


# -- views ---------------------------------------------------------------------------------

class PlanListView(CatalogueView):
    @extend_schema(operation_id="ListPlans", parameters=[PlanListParams],
                   responses=list_of(PlanSerializer))
    def get(self, request) -> Response:
        params = self.params(PlanListParams)
        plans = selectors.plan_list(merchant=self.merchant, livemode=self.livemode,
                                    product=params.get("product"), active=params.get("active"))
        return self.respond_list(plans, PlanSerializer, params=params)

    @extend_schema(operation_id="CreatePlan", request=PlanCreateParams,
                   responses=PlanSerializer)
    def post(self, request) -> Response:
        params = self.params(PlanCreateParams)
        self.expand(PlanSerializer)  # a bad expand fails before anything is written
        plan = services.plan_create(merchant=self.merchant, livemode=self.livemode, **params)
        return self.respond(plan, PlanSerializer)


class PlanDetailView(CatalogueView):
    @extend_schema(operation_id="RetrievePlan", parameters=[ID_PARAM],
                   responses=PlanSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        plan = selectors.plan_get(id=id, merchant=self.merchant, livemode=self.livemode)
        return self.respond(plan, PlanSerializer)

    @extend_schema(operation_id="UpdatePlan", parameters=[ID_PARAM],
                   request=PlanUpdateParams, responses=PlanSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(PlanUpdateParams)
        self.expand(PlanSerializer)
        plan = services.plan_update(id=id, merchant=self.merchant, livemode=self.livemode,
                                    **params)
        return self.respond(plan, PlanSerializer)

    @extend_schema(operation_id="DeletePlan", parameters=[ID_PARAM],
                   responses=DeletedPlanSerializer)
    def delete(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        plan = services.plan_delete(id=id, merchant=self.merchant, livemode=self.livemode)
        return Response(DeletedPlanSerializer(plan).data)


urlpatterns = [
    path("plans", PlanListView.as_view()),
    path("plans/<str:id>", PlanDetailView.as_view()),
]
