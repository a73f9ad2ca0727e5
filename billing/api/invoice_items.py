"""Invoice items on the wire: /v1/invoiceitems (create, retrieve, update, delete, list)."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.lists import ListParams
from api.objects import ApiObjectSerializer, ExpandableField, TimestampField
from api.params import CurrencyParam, MetadataField, NoParams, OptionalString, Params
from api.schema import list_of
from api.views import ApiView
from billing import selectors, services
from billing.api.prices import PriceSerializer
from billing.models import InvoiceItem
from core.money import CURRENCIES, MAXIMUM_AMOUNT

# Quantities are whole units; past this, any unit amount makes an item no card can pay.
MAXIMUM_QUANTITY = 1_000_000_000

ID_PARAM = OpenApiParameter("id", str, OpenApiParameter.PATH)


def decimal_text(value: Decimal) -> str:
    """Stripe's decimal strings: `2000`, `12.5`, never `2.0E+3` or trailing zeros."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


# -- input ---------------------------------------------------------------------------------

class PeriodParams(Params):
    start = serializers.IntegerField(min_value=0, max_value=253_402_300_799)
    end = serializers.IntegerField(min_value=0, max_value=253_402_300_799)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"end": serializers.ErrorDetail(
                "must not be before the period's start.", code="invalid")})
        return attrs


class UnitAmountParams(Params):
    amount = serializers.IntegerField(required=False)
    unit_amount = serializers.IntegerField(required=False, min_value=-MAXIMUM_AMOUNT,
                                           max_value=MAXIMUM_AMOUNT)
    unit_amount_decimal = serializers.DecimalField(
        required=False, max_digits=24, decimal_places=12, min_value=-MAXIMUM_AMOUNT,
        max_value=MAXIMUM_AMOUNT)
    quantity = serializers.IntegerField(required=False, min_value=0,
                                        max_value=MAXIMUM_QUANTITY)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if "unit_amount" in attrs and "unit_amount_decimal" in attrs:
            raise serializers.ValidationError({"unit_amount": serializers.ErrorDetail(
                "You may only specify one of these parameters: unit_amount, "
                "unit_amount_decimal.", code="parameters_exclusive")})
        if "unit_amount" in attrs:
            attrs["unit_amount_decimal"] = Decimal(attrs.pop("unit_amount"))
        return attrs


def _period(attrs: dict[str, Any]) -> dict[str, Any]:
    """`period[start]`/`period[end]` as the services' two instants."""
    period = attrs.pop("period", None)
    if period is not None:
        attrs["period_start"] = datetime.fromtimestamp(period["start"], tz=UTC)
        attrs["period_end"] = datetime.fromtimestamp(period["end"], tz=UTC)
    return attrs


class InvoiceItemCreateParams(UnitAmountParams):
    customer = serializers.CharField(max_length=100)
    currency = CurrencyParam(required=False)
    description = OptionalString(max_length=5000)
    discountable = serializers.BooleanField(required=False)
    invoice = serializers.CharField(required=False, max_length=100)
    metadata = MetadataField(required=False)
    period = PeriodParams(required=False)
    # `price` comes with the catalogue (products and prices): until then an unknown
    # parameter, as any other.

    def validate_currency(self, value: str) -> str:
        if value not in CURRENCIES:
            raise serializers.ValidationError(f"{value} is not a supported currency.")
        return value

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return _period(super().validate(attrs))


class InvoiceItemUpdateParams(UnitAmountParams):
    description = OptionalString(max_length=5000)
    discountable = serializers.BooleanField(required=False)
    metadata = MetadataField(required=False)
    period = PeriodParams(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        return _period(super().validate(attrs))


class InvoiceItemListParams(ListParams):
    customer = serializers.CharField(required=False, max_length=100)
    invoice = serializers.CharField(required=False, max_length=100)
    pending = serializers.BooleanField(required=False)


# -- output --------------------------------------------------------------------------------

class PeriodSerializer(serializers.Serializer):
    end = serializers.IntegerField()
    start = serializers.IntegerField()


def period_of(obj: Any) -> dict[str, int]:
    return {"end": int(obj.period_end.timestamp()), "start": int(obj.period_start.timestamp())}


class InvoiceItemSerializer(ApiObjectSerializer):
    object_name = "invoiceitem"
    model = InvoiceItem

    amount = serializers.IntegerField()
    currency = serializers.CharField()
    customer = ExpandableField("payments.api.customers.CustomerSerializer",
                               source="customer_id")
    date = TimestampField(source="created")
    description = serializers.CharField(allow_null=True)
    discountable = serializers.BooleanField()
    invoice = ExpandableField("billing.api.invoices.InvoiceSerializer", source="invoice_id",
                              allow_null=True)
    livemode = serializers.BooleanField()
    metadata = serializers.DictField(child=serializers.CharField())
    period = serializers.SerializerMethodField()
    proration = serializers.BooleanField()
    quantity = serializers.IntegerField()
    unit_amount = serializers.SerializerMethodField()
    unit_amount_decimal = serializers.SerializerMethodField()

    def get_period(self, obj: InvoiceItem) -> dict[str, int]:
        return period_of(obj)

    def get_unit_amount(self, obj: InvoiceItem) -> int | None:
        value = obj.unit_amount_decimal
        return int(value) if value == value.to_integral_value() else None

    def get_unit_amount_decimal(self, obj: InvoiceItem) -> str:
        return decimal_text(obj.unit_amount_decimal)

    def to_representation(self, instance: InvoiceItem) -> dict:
        data = super().to_representation(instance)
        # No taxes; `plan` is the legacy twin of `price`, which only a proration has here.
        data.update(discounts=[], plan=None, tax_rates=[], test_clock=None)
        data["price"] = (PriceSerializer.render_object(instance.price.as_price())
                         if instance.price_id else None)
        data["subscription"] = instance.subscription_id
        if instance.subscription_item_id is not None:  # Stripe's is absent, never null
            data["subscription_item"] = instance.subscription_item_id
        return data


class DeletedInvoiceItemSerializer(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.CharField(default="invoiceitem")
    deleted = serializers.BooleanField(default=True)

    def to_representation(self, instance: InvoiceItem) -> dict:
        return {"id": instance.id, "object": "invoiceitem", "deleted": True}


# -- views ---------------------------------------------------------------------------------

class InvoiceItemListView(ApiView):
    @extend_schema(operation_id="ListInvoiceItems", parameters=[InvoiceItemListParams],
                   responses=list_of(InvoiceItemSerializer))
    def get(self, request) -> Response:
        params = self.params(InvoiceItemListParams)
        items = selectors.invoice_item_list(merchant=self.merchant, livemode=self.livemode,
                                            customer=params.get("customer"),
                                            invoice=params.get("invoice"),
                                            pending=params.get("pending"))
        return self.respond_list(items, InvoiceItemSerializer, params=params)

    @extend_schema(operation_id="CreateInvoiceItem", request=InvoiceItemCreateParams,
                   responses=InvoiceItemSerializer)
    def post(self, request) -> Response:
        params = self.params(InvoiceItemCreateParams)
        self.expand(InvoiceItemSerializer)
        item = services.invoice_item_create(merchant=self.merchant, livemode=self.livemode,
                                            actor=self.actor, **params)
        return self.respond(item, InvoiceItemSerializer)


class InvoiceItemDetailView(ApiView):
    @extend_schema(operation_id="RetrieveInvoiceItem", parameters=[ID_PARAM],
                   responses=InvoiceItemSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        item = selectors.invoice_item_get(id=id, merchant=self.merchant,
                                          livemode=self.livemode)
        return self.respond(item, InvoiceItemSerializer)

    @extend_schema(operation_id="UpdateInvoiceItem", parameters=[ID_PARAM],
                   request=InvoiceItemUpdateParams, responses=InvoiceItemSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(InvoiceItemUpdateParams)
        self.expand(InvoiceItemSerializer)
        item = services.invoice_item_update(id=id, merchant=self.merchant,
                                            livemode=self.livemode, actor=self.actor,
                                            **params)
        return self.respond(item, InvoiceItemSerializer)

    @extend_schema(operation_id="DeleteInvoiceItem", parameters=[ID_PARAM],
                   responses=DeletedInvoiceItemSerializer)
    def delete(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        item = services.invoice_item_delete(id=id, merchant=self.merchant,
                                            livemode=self.livemode, actor=self.actor)
        return Response(DeletedInvoiceItemSerializer(item).data)


urlpatterns = [
    path("invoiceitems", InvoiceItemListView.as_view()),
    path("invoiceitems/<str:id>", InvoiceItemDetailView.as_view()),
]
