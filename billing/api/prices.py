"""Prices on the wire: /v1/prices (create, retrieve, update, list, search), and the pieces
products and plans share: amounts as decimal text, tiers, recurring terms, catalogue ids.

The parameters become the domain's terms here (`PriceTerms`, `Tier`, …); the rules between
them (a tiered price has tiers, the last up to "inf", …) are billing.pricing's to check.
"""

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from api.lists import ListParams
from api.objects import ApiObjectSerializer, ExpandableField, TimestampField, expand_tree
from api.params import CurrencyParam, MetadataField, NoParams, OptionalString, Params
from api.schema import list_of
from api.search import SearchParams, search_query_parse, search_response
from api.views import ApiView
from billing import selectors, services
from billing.models import CATALOGUE_ID_MAX, Price
from billing.pricing import (
    DECIMAL_PLACES,
    MAX_TIERS,
    METERED_REFUSAL,
    PriceTerms,
    Recurring,
    Tier,
    TransformQuantity,
    amount_integer,
    amount_text,
)
from billing.services import ProductData
from core.money import CURRENCIES, MAXIMUM_AMOUNT

ID_PARAM = OpenApiParameter("id", str, OpenApiParameter.PATH)
_CATALOGUE_ID = re.compile(r"[A-Za-z0-9_.\-]+")
_DECIMAL = re.compile(r"[0-9]+(\.[0-9]+)?")


# -- input: fields -----------------------------------------------------------------------------

@extend_schema_field({"description": "Not supported by Till yet: any value is refused (400) "
                                    "with the reason."})
class RefusedParam(serializers.Field):
    """A parameter of Stripe's that Till does not take yet: refused with the reason, so an
    integration learns it at once rather than from a price that bills differently."""

    def __init__(self, reason: str, **kwargs: Any) -> None:
        self.reason = reason
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> Any:
        raise serializers.ValidationError(self.reason)

    def to_representation(self, value: Any) -> Any:
        return value


@extend_schema_field({"type": "string", "format": "decimal"})
class DecimalAmountParam(serializers.Field):
    """Minor units as decimal text (`unit_amount_decimal=12.5`): non-negative, at most 12
    decimal places, kept exact (never a float)."""

    default_error_messages = {
        "invalid": f"must be a decimal number of minor units with at most {DECIMAL_PLACES} "
                   "decimal places, such as 12.5.",
        "range": f"must be between 0 and {MAXIMUM_AMOUNT}."}

    def to_internal_value(self, data: Any) -> Decimal:
        if isinstance(data, int) and not isinstance(data, bool):
            data = str(data)
        if not isinstance(data, str) or not _DECIMAL.fullmatch(data):
            self.fail("invalid")
        places = len(data.partition(".")[2])
        if places > DECIMAL_PLACES:
            self.fail("invalid")
        try:
            value = Decimal(data)
        except InvalidOperation:
            self.fail("invalid")
        if value > MAXIMUM_AMOUNT:
            self.fail("range")
        return value

    def to_representation(self, value: Decimal) -> str:
        return amount_text(value) or "0"


@extend_schema_field({"oneOf": [{"type": "integer", "minimum": 1},
                                {"type": "string", "enum": ["inf"]}]})
class UpToParam(serializers.Field):
    """A tier's upper bound: a positive integer, or "inf" (None) for the last tier."""

    default_error_messages = {"invalid": "must be a positive integer or inf."}

    def to_internal_value(self, data: Any) -> int | None:
        if data == "inf":
            return None
        if isinstance(data, bool) or not (isinstance(data, int) or (
                isinstance(data, str) and data.isascii() and data.isdigit())):
            self.fail("invalid")
        value = int(data)
        if not 1 <= value <= 2**63 - 1:
            self.fail("invalid")
        return value

    def to_representation(self, value: int | None) -> int | str:
        return "inf" if value is None else value


class CatalogueIdParam(serializers.CharField):
    """An id the caller chooses for a product or a plan: letters, digits, `_`, `-`, `.`."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", CATALOGUE_ID_MAX)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if not _CATALOGUE_ID.fullmatch(value) or value == "search":
            raise serializers.ValidationError(
                "use letters, digits, `_`, `-` and `.` only (and not the word search).")
        return value


class SupportedCurrencyParam(CurrencyParam):
    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if value not in CURRENCIES:
            raise serializers.ValidationError(
                f"{value} is not a supported currency. Use a lowercase ISO 4217 code that "
                "Stripe supports, such as usd, eur or gbp.")
        return value


class AmountParam(serializers.IntegerField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(min_value=0, max_value=MAXIMUM_AMOUNT, **kwargs)


def optional_url(value: str | None) -> str | None:
    """For a string parameter that must be a URL (OptionalString's empty value unsets)."""
    if value is not None:
        try:
            URLValidator()(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError("must be a URL such as https://example.com.") \
                from exc
    return value


def exclusive(attrs: dict[str, Any], first: str, second: str) -> None:
    if first in attrs and second in attrs:
        raise serializers.ValidationError({second: serializers.ErrorDetail(
            f"You may only specify one of these parameters: {first}, {second}.",
            code="parameters_exclusive")})


def decimal_of(attrs: dict[str, Any], name: str) -> Decimal | None:
    """`name` or `name_decimal` as one exact amount (whichever was given)."""
    if attrs.get(name) is not None:
        return Decimal(attrs[name])
    return attrs.get(f"{name}_decimal")


CUSTOM_UNIT_AMOUNT_REFUSAL = ("Till does not support customer-chosen amounts "
                              "(custom_unit_amount) yet: give unit_amount or "
                              "unit_amount_decimal.")
CURRENCY_OPTIONS_REFUSAL = ("Till does not support prices in several currencies "
                            "(currency_options) yet: create one price per currency.")


# -- input: hashes -----------------------------------------------------------------------------

class TierParams(Params):
    up_to = UpToParam()
    unit_amount = AmountParam()
    unit_amount_decimal = DecimalAmountParam(required=False)
    flat_amount = AmountParam()
    flat_amount_decimal = DecimalAmountParam(required=False)

    def validate(self, attrs: dict[str, Any]) -> Tier:
        exclusive(attrs, "unit_amount", "unit_amount_decimal")
        exclusive(attrs, "flat_amount", "flat_amount_decimal")
        return Tier(up_to=attrs["up_to"], unit_amount=decimal_of(attrs, "unit_amount"),
                    flat_amount=decimal_of(attrs, "flat_amount"))


class TransformQuantityParams(Params):
    divide_by = serializers.IntegerField(min_value=1, max_value=1_000_000_000)
    round = serializers.ChoiceField(choices=["up", "down"])

    def validate(self, attrs: dict[str, Any]) -> TransformQuantity:
        return TransformQuantity(divide_by=attrs["divide_by"], round=attrs["round"])


class UsageTypeParam(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=["licensed", "metered"], required=False, **kwargs)

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data)
        if value != "licensed":
            raise serializers.ValidationError(METERED_REFUSAL)
        return value


class RecurringParams(Params):
    interval = serializers.ChoiceField(choices=Price.Interval.choices)
    interval_count = serializers.IntegerField(required=False, min_value=1)
    trial_period_days = serializers.IntegerField(required=False, min_value=0)
    usage_type = UsageTypeParam()
    aggregate_usage = RefusedParam(METERED_REFUSAL)
    meter = RefusedParam(METERED_REFUSAL)

    def validate(self, attrs: dict[str, Any]) -> Recurring:
        return Recurring(interval=attrs["interval"],
                         interval_count=attrs.get("interval_count", 1),
                         trial_period_days=attrs.get("trial_period_days"))


class ProductDataParams(Params):
    """A product made with its price (`product_data`, a plan's `product` hash)."""

    name = serializers.CharField(max_length=5000)
    id = CatalogueIdParam()
    active = serializers.BooleanField(required=False, default=True)
    metadata = MetadataField(required=False)
    statement_descriptor = serializers.CharField(required=False, max_length=22)
    tax_code = serializers.CharField(required=False, max_length=40)
    unit_label = serializers.CharField(required=False, max_length=12)

    def validate_statement_descriptor(self, value: str) -> str:
        return statement_descriptor_check(value)

    def validate_tax_code(self, value: str) -> str:
        return tax_code_check(value)

    def validate(self, attrs: dict[str, Any]) -> ProductData:
        return ProductData(**attrs)


def statement_descriptor_check(value: str) -> str:
    """Stripe's rule for a statement descriptor: a letter at least, none of < > \\ ' " *."""
    if not any(ch.isalpha() for ch in value) or any(ch in "<>\\'\"*" for ch in value):
        raise serializers.ValidationError("must contain at least one letter and none of "
                                          "< > \\ ' \" *.")
    return value


def tax_code_check(value: str) -> str:
    if not re.fullmatch(r"txcd_[0-9]{8}", value):
        raise serializers.ValidationError("must be a tax code id such as txcd_10000000.")
    return value


# -- input: requests ---------------------------------------------------------------------------

class PriceCreateParams(Params):
    active = serializers.BooleanField(required=False, default=True)
    billing_scheme = serializers.ChoiceField(choices=Price.BillingScheme.choices,
                                             required=False)
    currency = SupportedCurrencyParam()
    currency_options = RefusedParam(CURRENCY_OPTIONS_REFUSAL)
    custom_unit_amount = RefusedParam(CUSTOM_UNIT_AMOUNT_REFUSAL)
    lookup_key = serializers.CharField(required=False, max_length=200)
    metadata = MetadataField(required=False)
    nickname = OptionalString(max_length=5000)
    product = serializers.CharField(required=False, max_length=CATALOGUE_ID_MAX)
    product_data = ProductDataParams(required=False)
    recurring = RecurringParams(required=False)
    tax_behavior = serializers.ChoiceField(choices=Price.TaxBehavior.choices, required=False)
    tiers = TierParams(many=True, required=False, max_length=MAX_TIERS)
    tiers_mode = serializers.ChoiceField(choices=Price.TiersMode.choices, required=False)
    transfer_lookup_key = serializers.BooleanField(required=False, default=False)
    transform_quantity = TransformQuantityParams(required=False)
    unit_amount = AmountParam()
    unit_amount_decimal = DecimalAmountParam(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        exclusive(attrs, "unit_amount", "unit_amount_decimal")
        terms = PriceTerms(
            currency=attrs.pop("currency"), unit_amount=decimal_of(attrs, "unit_amount"),
            billing_scheme=attrs.pop("billing_scheme", Price.BillingScheme.PER_UNIT),
            tiers_mode=attrs.pop("tiers_mode", None), tiers=tuple(attrs.pop("tiers", ())),
            transform_quantity=attrs.pop("transform_quantity", None),
            recurring=attrs.pop("recurring", None),
            tax_behavior=attrs.pop("tax_behavior", Price.TaxBehavior.UNSPECIFIED))
        attrs.pop("unit_amount", None)
        attrs.pop("unit_amount_decimal", None)
        return {**attrs, "terms": terms}


class PriceUpdateParams(Params):
    active = serializers.BooleanField(required=False)
    currency_options = RefusedParam(CURRENCY_OPTIONS_REFUSAL)
    lookup_key = OptionalString(max_length=200)
    metadata = MetadataField(required=False)
    nickname = OptionalString(max_length=5000)
    tax_behavior = serializers.ChoiceField(choices=Price.TaxBehavior.choices, required=False)
    transfer_lookup_key = serializers.BooleanField(required=False, default=False)


class PriceListRecurringParams(Params):
    interval = serializers.ChoiceField(choices=Price.Interval.choices, required=False)
    usage_type = serializers.ChoiceField(choices=["licensed", "metered"], required=False)


class PriceListParams(ListParams):
    active = serializers.BooleanField(required=False)
    currency = CurrencyParam(required=False)
    lookup_keys = serializers.ListField(child=serializers.CharField(max_length=200),
                                        required=False, max_length=10)
    product = serializers.CharField(required=False, max_length=CATALOGUE_ID_MAX)
    recurring = PriceListRecurringParams(required=False)
    type = serializers.ChoiceField(choices=Price.Type.choices, required=False)


# -- output ------------------------------------------------------------------------------------

class TierSerializer(serializers.Serializer):
    flat_amount = serializers.IntegerField(allow_null=True)
    flat_amount_decimal = serializers.CharField(allow_null=True)
    unit_amount = serializers.IntegerField(allow_null=True)
    unit_amount_decimal = serializers.CharField(allow_null=True)
    up_to = serializers.IntegerField(allow_null=True)


class RecurringSerializer(serializers.Serializer):
    aggregate_usage = serializers.CharField(allow_null=True)
    interval = serializers.CharField()
    interval_count = serializers.IntegerField()
    meter = serializers.CharField(allow_null=True)
    trial_period_days = serializers.IntegerField(allow_null=True)
    usage_type = serializers.CharField()


class TransformSerializer(serializers.Serializer):
    divide_by = serializers.IntegerField()
    round = serializers.CharField()


class _WholePriceField(serializers.Field):
    """A field computed from the whole price (`source="*"`)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(source="*", read_only=True, **kwargs)


@extend_schema_field(TierSerializer(many=True, allow_null=True))
class TiersField(_WholePriceField):
    def to_representation(self, price: Price) -> list[dict[str, Any]] | None:
        if price.billing_scheme != Price.BillingScheme.TIERED:
            return None
        return [{"flat_amount": amount_integer(tier.flat_amount),
                 "flat_amount_decimal": amount_text(tier.flat_amount),
                 "unit_amount": amount_integer(tier.unit_amount),
                 "unit_amount_decimal": amount_text(tier.unit_amount),
                 "up_to": tier.up_to} for tier in price.tier_list]


@extend_schema_field(RecurringSerializer(allow_null=True))
class RecurringField(_WholePriceField):
    def to_representation(self, price: Price) -> dict[str, Any] | None:
        if price.type != Price.Type.RECURRING:
            return None
        return {"aggregate_usage": None, "interval": price.recurring_interval,
                "interval_count": price.recurring_interval_count, "meter": None,
                "trial_period_days": price.trial_period_days,
                "usage_type": price.recurring_usage_type}


@extend_schema_field(TransformSerializer(allow_null=True))
class TransformField(serializers.JSONField):
    """`transform_quantity` (a plan's `transform_usage`): `{divide_by, round}` or null."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, **kwargs)


class PriceSerializer(ApiObjectSerializer):
    object_name = "price"
    model = Price

    active = serializers.BooleanField()
    billing_scheme = serializers.CharField()
    created = TimestampField()
    currency = serializers.CharField()
    custom_unit_amount = serializers.SerializerMethodField()
    livemode = serializers.BooleanField()
    lookup_key = serializers.CharField(allow_null=True)
    metadata = serializers.DictField(child=serializers.CharField())
    nickname = serializers.CharField(allow_null=True)
    product = ExpandableField("billing.api.products.ProductSerializer", source="product_id")
    recurring = RecurringField(allow_null=True)
    tax_behavior = serializers.CharField()
    tiers = TiersField(allow_null=True)
    tiers_mode = serializers.CharField(allow_null=True)
    transform_quantity = TransformField(allow_null=True)
    type = serializers.CharField()
    unit_amount = serializers.IntegerField(allow_null=True)
    unit_amount_decimal = serializers.CharField(allow_null=True)

    def get_custom_unit_amount(self, obj: Price) -> dict | None:
        return None  # customer-chosen amounts are not part of Till yet

    def to_representation(self, instance: Price) -> dict:
        return without_null_tiers(super().to_representation(instance))


def without_null_tiers(data: dict) -> dict:
    """Stripe's `tiers` is absent, never null, on a price or plan without tiers."""
    if data.get("tiers", ()) is None:
        del data["tiers"]
    return data


# -- views -------------------------------------------------------------------------------------

class CatalogueView(ApiView):
    """Stripe renders a price's `tiers` only when asked (`expand[]=tiers`); Till always does,
    and takes that expansion (on a list, an expanded product's default price, …) as given."""

    def expand(self, serializer: type[ApiObjectSerializer], *, is_list: bool = False
               ) -> dict[str, dict]:
        paths = self.raw_params.get("expand")
        if isinstance(paths, str):
            paths = [paths]
        if isinstance(paths, list) and all(isinstance(path, str) for path in paths):
            paths = [kept for path in paths if (kept := _without_tiers(path))]
        return expand_tree(paths, serializer=serializer, is_list=is_list,
                           may_expand=self.may_expand)


def _without_tiers(path: str) -> str | None:
    if path != "tiers" and not path.endswith(".tiers"):
        return path
    rest = path.removesuffix("tiers").removesuffix(".")
    return rest if rest not in ("", "data") else None


class PriceListView(CatalogueView):
    @extend_schema(operation_id="ListPrices", parameters=[PriceListParams],
                   responses=list_of(PriceSerializer))
    def get(self, request) -> Response:
        params = self.params(PriceListParams)
        recurring = params.get("recurring") or {}
        prices = selectors.price_list(
            merchant=self.merchant, livemode=self.livemode, product=params.get("product"),
            active=params.get("active"), type=params.get("type"),
            currency=params.get("currency"), lookup_keys=params.get("lookup_keys"),
            interval=recurring.get("interval"), usage_type=recurring.get("usage_type"))
        return self.respond_list(prices, PriceSerializer, params=params)

    @extend_schema(operation_id="CreatePrice", request=PriceCreateParams,
                   responses=PriceSerializer)
    def post(self, request) -> Response:
        params = self.params(PriceCreateParams)
        self.expand(PriceSerializer)  # a bad expand fails before anything is written
        price = services.price_create(merchant=self.merchant, livemode=self.livemode,
                                      **params)
        return self.respond(price, PriceSerializer)


class PriceSearchView(CatalogueView):
    @extend_schema(operation_id="SearchPrices", parameters=[SearchParams],
                   responses=PriceSerializer(many=True))
    def get(self, request) -> Response:
        params = self.params(SearchParams)
        return search_response(self, params, PriceSerializer, selectors.price_search(
            merchant=self.merchant, livemode=self.livemode,
            condition=search_query_parse(params["query"],
                                         fields=selectors.PRICE_SEARCH_FIELDS)))


class PriceDetailView(CatalogueView):
    @extend_schema(operation_id="RetrievePrice", parameters=[ID_PARAM],
                   responses=PriceSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        price = selectors.price_get(id=id, merchant=self.merchant, livemode=self.livemode)
        return self.respond(price, PriceSerializer)

    @extend_schema(operation_id="UpdatePrice", parameters=[ID_PARAM],
                   request=PriceUpdateParams, responses=PriceSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(PriceUpdateParams)
        self.expand(PriceSerializer)
        price = services.price_update(id=id, merchant=self.merchant, livemode=self.livemode,
                                      **params)
        return self.respond(price, PriceSerializer)


urlpatterns = [
    path("prices", PriceListView.as_view()),
    path("prices/search", PriceSearchView.as_view()),
    path("prices/<str:id>", PriceDetailView.as_view()),
]
