"""Products on the wire: /v1/products (create, retrieve, update, delete, list, search)."""

from decimal import Decimal
from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from api.lists import ListParams
from api.objects import ApiObjectSerializer, ExpandableField, TimestampField
from api.params import MetadataField, NoParams, OptionalString, Params
from api.schema import list_of
from api.search import SearchParams, search_query_parse, search_response
from billing import selectors, services
from billing.api.prices import (
    CURRENCY_OPTIONS_REFUSAL,
    CUSTOM_UNIT_AMOUNT_REFUSAL,
    ID_PARAM,
    AmountParam,
    CatalogueIdParam,
    CatalogueView,
    DecimalAmountParam,
    RefusedParam,
    SupportedCurrencyParam,
    decimal_of,
    exclusive,
    optional_url,
    statement_descriptor_check,
    tax_code_check,
)
from billing.models import CATALOGUE_ID_MAX, Price, Product
from billing.pricing import PriceTerms, Recurring
from billing.services import DefaultPriceData

MAX_IMAGES = 8
MAX_MARKETING_FEATURES = 15


# -- input ---------------------------------------------------------------------------------

class MarketingFeatureParams(Params):
    name = serializers.CharField(max_length=80)


class PackageDimensionsParams(Params):
    """Inches and ounces, to two decimal places, as Stripe takes them."""

    height = serializers.DecimalField(max_digits=10, decimal_places=2,
                                      min_value=Decimal("0.01"))
    length = serializers.DecimalField(max_digits=10, decimal_places=2,
                                      min_value=Decimal("0.01"))
    weight = serializers.DecimalField(max_digits=10, decimal_places=2,
                                      min_value=Decimal("0.01"))
    width = serializers.DecimalField(max_digits=10, decimal_places=2,
                                     min_value=Decimal("0.01"))

    def validate(self, attrs: dict[str, Any]) -> dict[str, float]:
        return {name: float(value) for name, value in attrs.items()}


class DefaultPriceRecurringParams(Params):
    interval = serializers.ChoiceField(choices=Price.Interval.choices)
    interval_count = serializers.IntegerField(required=False, min_value=1)

    def validate(self, attrs: dict[str, Any]) -> Recurring:
        return Recurring(interval=attrs["interval"],
                         interval_count=attrs.get("interval_count", 1))


class DefaultPriceDataParams(Params):
    currency = SupportedCurrencyParam()
    currency_options = RefusedParam(CURRENCY_OPTIONS_REFUSAL)
    custom_unit_amount = RefusedParam(CUSTOM_UNIT_AMOUNT_REFUSAL)
    metadata = MetadataField(required=False)
    recurring = DefaultPriceRecurringParams(required=False)
    tax_behavior = serializers.ChoiceField(choices=Price.TaxBehavior.choices, required=False)
    unit_amount = AmountParam()
    unit_amount_decimal = DecimalAmountParam(required=False)

    def validate(self, attrs: dict[str, Any]) -> DefaultPriceData:
        exclusive(attrs, "unit_amount", "unit_amount_decimal")
        terms = PriceTerms(currency=attrs["currency"],
                           unit_amount=decimal_of(attrs, "unit_amount"),
                           recurring=attrs.get("recurring"),
                           tax_behavior=attrs.get("tax_behavior",
                                                  Price.TaxBehavior.UNSPECIFIED))
        return DefaultPriceData(terms=terms, metadata=attrs.get("metadata"))


class ImagesParam(serializers.ListField):
    """Up to 8 image URLs; `images=` (empty) clears them."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.URLField(max_length=2048), required=False,
                         max_length=MAX_IMAGES, **kwargs)

    def run_validation(self, data: Any = serializers.empty) -> Any:
        if data == "":
            return None
        return super().run_validation(data)


class ProductFieldsParams(Params):
    """What a create and an update both take, alike."""

    active = serializers.BooleanField(required=False)
    description = OptionalString(max_length=40000)
    images = ImagesParam()
    marketing_features = MarketingFeatureParams(many=True, required=False, allow_null=True,
                                                max_length=MAX_MARKETING_FEATURES)
    metadata = MetadataField(required=False)
    shippable = serializers.BooleanField(required=False)
    statement_descriptor = OptionalString(max_length=22)
    tax_code = OptionalString(max_length=40)
    unit_label = OptionalString(max_length=12)
    url = OptionalString(max_length=5000)

    def validate_statement_descriptor(self, value: str | None) -> str | None:
        return value and statement_descriptor_check(value)

    def validate_tax_code(self, value: str | None) -> str | None:
        return value and tax_code_check(value)

    def validate_url(self, value: str | None) -> str | None:
        return optional_url(value)


class ProductCreateParams(ProductFieldsParams):
    id = CatalogueIdParam()
    name = serializers.CharField(max_length=5000)
    default_price_data = DefaultPriceDataParams(required=False)
    package_dimensions = PackageDimensionsParams(required=False)
    type = serializers.ChoiceField(choices=Product.Type.choices, required=False)


class ProductUpdateParams(ProductFieldsParams):
    name = serializers.CharField(required=False, max_length=5000)
    default_price = serializers.CharField(required=False, max_length=CATALOGUE_ID_MAX)
    package_dimensions = PackageDimensionsParams(required=False, allow_null=True)


class ProductListParams(ListParams):
    active = serializers.BooleanField(required=False)
    ids = serializers.ListField(child=serializers.CharField(max_length=CATALOGUE_ID_MAX),
                                required=False, max_length=100)
    shippable = serializers.BooleanField(required=False)
    type = serializers.ChoiceField(choices=Product.Type.choices, required=False)
    url = serializers.CharField(required=False, max_length=5000)


# -- output --------------------------------------------------------------------------------

class MarketingFeatureSerializer(serializers.Serializer):
    name = serializers.CharField()


class PackageDimensionsSerializer(serializers.Serializer):
    height = serializers.FloatField()
    length = serializers.FloatField()
    weight = serializers.FloatField()
    width = serializers.FloatField()


@extend_schema_field(MarketingFeatureSerializer(many=True))
class MarketingFeaturesField(serializers.JSONField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, **kwargs)


@extend_schema_field(PackageDimensionsSerializer(allow_null=True))
class PackageDimensionsField(serializers.JSONField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, **kwargs)


class ProductSerializer(ApiObjectSerializer):
    object_name = "product"
    model = Product

    active = serializers.BooleanField()
    created = TimestampField()
    default_price = ExpandableField("billing.api.prices.PriceSerializer",
                                    source="default_price_id", allow_null=True)
    description = serializers.CharField(allow_null=True)
    images = serializers.ListField(child=serializers.CharField())
    livemode = serializers.BooleanField()
    marketing_features = MarketingFeaturesField()
    metadata = serializers.DictField(child=serializers.CharField())
    name = serializers.CharField()
    package_dimensions = PackageDimensionsField(allow_null=True)
    shippable = serializers.BooleanField(allow_null=True)
    statement_descriptor = serializers.CharField(allow_null=True)
    tax_code = serializers.CharField(allow_null=True)
    type = serializers.CharField()
    unit_label = serializers.CharField(allow_null=True)
    updated = TimestampField()
    url = serializers.CharField(allow_null=True)


class DeletedProductSerializer(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.CharField(default="product")
    deleted = serializers.BooleanField(default=True)

    def to_representation(self, instance: Product) -> dict:
        return {"id": instance.id, "object": "product", "deleted": True}


# -- views ---------------------------------------------------------------------------------

class ProductListView(CatalogueView):
    @extend_schema(operation_id="ListProducts", parameters=[ProductListParams],
                   responses=list_of(ProductSerializer))
    def get(self, request) -> Response:
        params = self.params(ProductListParams)
        products = selectors.product_list(
            merchant=self.merchant, livemode=self.livemode, active=params.get("active"),
            ids=params.get("ids"), shippable=params.get("shippable"), url=params.get("url"),
            type=params.get("type"))
        return self.respond_list(products, ProductSerializer, params=params)

    @extend_schema(operation_id="CreateProduct", request=ProductCreateParams,
                   responses=ProductSerializer)
    def post(self, request) -> Response:
        params = self.params(ProductCreateParams)
        self.expand(ProductSerializer)  # a bad expand fails before anything is written
        product = services.product_create(merchant=self.merchant, livemode=self.livemode,
                                          **params)
        return self.respond(product, ProductSerializer)


class ProductSearchView(CatalogueView):
    @extend_schema(operation_id="SearchProducts", parameters=[SearchParams],
                   responses=ProductSerializer(many=True))
    def get(self, request) -> Response:
        params = self.params(SearchParams)
        return search_response(self, params, ProductSerializer, selectors.product_search(
            merchant=self.merchant, livemode=self.livemode,
            condition=search_query_parse(params["query"],
                                         fields=selectors.PRODUCT_SEARCH_FIELDS)))


class ProductDetailView(CatalogueView):
    @extend_schema(operation_id="RetrieveProduct", parameters=[ID_PARAM],
                   responses=ProductSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        product = selectors.product_get(id=id, merchant=self.merchant, livemode=self.livemode)
        return self.respond(product, ProductSerializer)

    @extend_schema(operation_id="UpdateProduct", parameters=[ID_PARAM],
                   request=ProductUpdateParams, responses=ProductSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(ProductUpdateParams)
        self.expand(ProductSerializer)
        product = services.product_update(id=id, merchant=self.merchant,
                                          livemode=self.livemode, **params)
        return self.respond(product, ProductSerializer)

    @extend_schema(operation_id="DeleteProduct", parameters=[ID_PARAM],
                   responses=DeletedProductSerializer)
    def delete(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        product = services.product_delete(id=id, merchant=self.merchant,
                                          livemode=self.livemode)
        return Response(DeletedProductSerializer(product).data)


urlpatterns = [
    path("products", ProductListView.as_view()),
    path("products/search", ProductSearchView.as_view()),
    path("products/<str:id>", ProductDetailView.as_view()),
]
