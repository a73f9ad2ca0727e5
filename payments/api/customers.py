"""Customers on the wire: /v1/customers."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from api.lists import ListParams
from api.objects import ApiObjectSerializer, ExpandableField, NestedObject, TimestampField
from api.params import MetadataField, NoParams, OptionalString, Params
from api.schema import list_of
from api.search import SearchParams, search_query_parse, search_response
from api.views import ApiView
from core.hooks import customer_discount_render
from payments import selectors, services
from payments.models import CardSource, Customer, card_id_of
from payments.search import CUSTOMER_SEARCH_FIELDS

ID_PARAM = OpenApiParameter("id", str, OpenApiParameter.PATH)


# -- input ---------------------------------------------------------------------------------

class AddressParams(Params):
    city = OptionalString(max_length=200)
    country = OptionalString(max_length=2)
    line1 = OptionalString(max_length=200)
    line2 = OptionalString(max_length=200)
    postal_code = OptionalString(max_length=20)
    state = OptionalString(max_length=200)


class ShippingParams(Params):
    address = AddressParams()
    name = serializers.CharField(max_length=256)
    phone = OptionalString(max_length=20)


class CustomFieldParams(Params):
    name = serializers.CharField(max_length=40)
    value = serializers.CharField(max_length=140)


class InvoiceSettingsParams(Params):
    custom_fields = CustomFieldParams(many=True, required=False, allow_null=True,
                                      max_length=4)
    default_payment_method = OptionalString(max_length=100)
    footer = OptionalString(max_length=5000)


class CustomerParams(Params):
    address = AddressParams(required=False, allow_null=True)
    balance = serializers.IntegerField(required=False, min_value=-99_999_999_999,
                                       max_value=99_999_999_999)
    description = OptionalString(max_length=5000)
    email = OptionalString(max_length=512)
    invoice_settings = InvoiceSettingsParams(required=False)
    metadata = MetadataField(required=False)
    name = OptionalString(max_length=256)
    phone = OptionalString(max_length=20)
    preferred_locales = serializers.ListField(child=serializers.CharField(max_length=20),
                                              required=False, allow_empty=True, max_length=10)
    shipping = ShippingParams(required=False, allow_null=True)
    tax_exempt = serializers.ChoiceField(choices=Customer.TaxExempt.choices, required=False,
                                         allow_blank=True)

    def validate_email(self, value: str | None) -> str | None:
        if value is not None:
            try:
                validate_email(value)
            except DjangoValidationError as exc:
                raise serializers.ValidationError(f"Invalid email address: {value}",
                                                  code="email_invalid") from exc
        return value

    def validate_tax_exempt(self, value: str) -> str:
        # `tax_exempt=` unsets the exemption, which leaves the default.
        return value or Customer.TaxExempt.NONE


class CustomerUpdateParams(CustomerParams):
    # The customer's default card source (`card_…`); empty clears it.
    default_source = OptionalString(max_length=100)


class CustomerDiscountParams(CustomerUpdateParams):
    # Stripe's ways to give a customer its discount (billing's coupons and codes).
    coupon = OptionalString(max_length=100)
    promotion_code = OptionalString(max_length=100)


class CustomerCreateParams(CustomerParams):
    coupon = OptionalString(max_length=100)
    promotion_code = OptionalString(max_length=100)
    # Attached at creation (not made the default), as Stripe's create takes one.
    payment_method = OptionalString(max_length=100)
    # A card token: the customer's first card source and default_source (legacy Sources).
    source = OptionalString(max_length=100)
    # Only at creation, as Stripe: a customer stays on the clock it was created on.
    test_clock = serializers.CharField(required=False, max_length=100)


class CustomerListParams(ListParams):
    email = serializers.CharField(required=False, max_length=512)
    test_clock = serializers.CharField(required=False, max_length=100)


# -- output --------------------------------------------------------------------------------

class AddressSerializer(serializers.Serializer):
    city = serializers.CharField(allow_null=True)
    country = serializers.CharField(allow_null=True)
    line1 = serializers.CharField(allow_null=True)
    line2 = serializers.CharField(allow_null=True)
    postal_code = serializers.CharField(allow_null=True)
    state = serializers.CharField(allow_null=True)

    def to_representation(self, instance: dict) -> dict:
        return {field: instance.get(field) for field in self.fields}


class ShippingSerializer(serializers.Serializer):
    address = AddressSerializer()
    name = serializers.CharField()
    phone = serializers.CharField(allow_null=True)

    def to_representation(self, instance: dict) -> dict:
        return {"address": AddressSerializer().to_representation(instance.get("address") or {}),
                "name": instance.get("name"), "phone": instance.get("phone")}


class InvoiceSettingsSerializer(NestedObject):
    custom_fields = serializers.ListField(child=serializers.DictField(), allow_null=True)
    default_payment_method = serializers.CharField(allow_null=True)
    footer = serializers.CharField(allow_null=True)
    rendering_options = serializers.DictField(allow_null=True)

    def to_representation(self, instance: dict) -> dict:
        return {"custom_fields": instance.get("custom_fields"),
                "default_payment_method": instance.get("default_payment_method"),
                "footer": instance.get("footer"),
                "rendering_options": None}


@extend_schema_field(OpenApiTypes.STR)
class CardSourceField(ExpandableField):
    """A card source's `card_` id, or its Card when expanded."""

    def __init__(self, **kwargs) -> None:
        super().__init__("payments.api.tokens.CardSerializer", **kwargs)

    def to_representation(self, value: str) -> Any:
        subtree = self.parent.expand_tree.get(self.field_name)
        if subtree is None:
            return card_id_of(value)
        return self.target.render_object(CardSource.objects.get(pk=value), expand=subtree)


@extend_schema_field(OpenApiTypes.OBJECT)
class CardSourcesField(ExpandableField):
    """The customer's card sources as a list object (its first page), when expanded."""

    def __init__(self, **kwargs) -> None:
        super().__init__("payments.api.tokens.CardSerializer", **kwargs)

    def to_representation(self, value: str) -> Any:
        if self.parent.expand_tree.get(self.field_name) is None:
            return None
        cards = list(selectors.card_source_list(customer_id=value)
                     .order_by("-created", "-id")[:SOURCES_SHOWN + 1])
        return {"object": "list", "data": [self.target.render_object(card)
                                           for card in cards[:SOURCES_SHOWN]],
                "has_more": len(cards) > SOURCES_SHOWN,
                "url": f"/v1/customers/{value}/sources"}


# As Stripe's embedded list: the first ten, with the URL of the rest.
SOURCES_SHOWN = 10


class CustomerSerializer(ApiObjectSerializer):
    object_name = "customer"
    model = Customer

    address = AddressSerializer(allow_null=True)
    balance = serializers.IntegerField()
    created = TimestampField()
    currency = serializers.CharField(allow_null=True)
    default_source = CardSourceField(allow_null=True, source="default_source_id")
    delinquent = serializers.SerializerMethodField()
    description = serializers.CharField(allow_null=True)
    discount = serializers.SerializerMethodField()
    email = serializers.CharField(allow_null=True)
    invoice_prefix = serializers.CharField()
    invoice_settings = InvoiceSettingsSerializer()
    livemode = serializers.BooleanField()
    metadata = serializers.DictField(child=serializers.CharField())
    name = serializers.CharField(allow_null=True)
    next_invoice_sequence = serializers.IntegerField()
    phone = serializers.CharField(allow_null=True)
    preferred_locales = serializers.ListField(child=serializers.CharField())
    shipping = ShippingSerializer(allow_null=True)
    tax_exempt = serializers.CharField()
    test_clock = ExpandableField("payments.api.test_clocks.TestClockSerializer",
                                 allow_null=True, source="test_clock_id")

    # `sources` only when expanded (expand[]=sources), as Stripe renders a customer since
    # 2020-08-27. Its discount is billing's, shown through core.hooks.
    sources = CardSourcesField(source="id")

    def to_representation(self, instance: Customer) -> dict:
        data = super().to_representation(instance)
        if "sources" not in self.expand_tree:
            del data["sources"]
        return data

    def get_delinquent(self, obj: Customer) -> bool:
        return False

    def get_discount(self, obj: Customer) -> dict | None:
        return customer_discount_render(obj)


class DeletedCustomerSerializer(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.CharField(default="customer")
    deleted = serializers.BooleanField(default=True)

    def to_representation(self, instance: Customer) -> dict:
        return {"id": instance.id, "object": "customer", "deleted": True}


# -- views ---------------------------------------------------------------------------------

class CustomerListView(ApiView):
    @extend_schema(operation_id="ListCustomers", parameters=[CustomerListParams],
                   responses=list_of(CustomerSerializer))
    def get(self, request) -> Response:
        params = self.params(CustomerListParams)
        customers = selectors.customer_list(merchant=self.merchant, livemode=self.livemode,
                                            email=params.get("email"),
                                            test_clock=params.get("test_clock"))
        return self.respond_list(customers, CustomerSerializer, params=params)

    @extend_schema(operation_id="CreateCustomer", request=CustomerCreateParams,
                   responses=CustomerSerializer)
    def post(self, request) -> Response:
        params = self.params(CustomerCreateParams)
        self.expand(CustomerSerializer)  # a bad expand fails before anything is written
        customer = services.customer_create(merchant=self.merchant, livemode=self.livemode,
                                            **params)
        return self.respond(customer, CustomerSerializer)


class CustomerDetailView(ApiView):
    @extend_schema(operation_id="RetrieveCustomer", parameters=[ID_PARAM],
                   responses=CustomerSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        customer = selectors.customer_get(id=id, merchant=self.merchant,
                                          livemode=self.livemode, include_deleted=True)
        if customer.deleted_at:
            return Response(DeletedCustomerSerializer(customer).data)
        return self.respond(customer, CustomerSerializer)

    @extend_schema(operation_id="UpdateCustomer", parameters=[ID_PARAM],
                   request=CustomerDiscountParams, responses=CustomerSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(CustomerDiscountParams)
        self.expand(CustomerSerializer)
        customer = services.customer_update(id=id, merchant=self.merchant,
                                            livemode=self.livemode, **params)
        return self.respond(customer, CustomerSerializer)

    @extend_schema(operation_id="DeleteCustomer", parameters=[ID_PARAM],
                   responses=DeletedCustomerSerializer)
    def delete(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        customer = services.customer_delete(id=id, merchant=self.merchant,
                                            livemode=self.livemode)
        return Response(DeletedCustomerSerializer(customer).data)


class CustomerDiscountView(ApiView):
    @extend_schema(operation_id="DeleteCustomerDiscount", parameters=[ID_PARAM],
                   responses=OpenApiTypes.OBJECT)
    def delete(self, request, id: str) -> Response:  # noqa: A002
        """Stripe's `DELETE /v1/customers/{id}/discount`: the discount taken off, answered as
        it was with `deleted: true`."""
        self.params(NoParams)
        discount = services.customer_discount_delete(id=id, merchant=self.merchant,
                                                     livemode=self.livemode)
        return Response({**discount, "deleted": True})


class CustomerSearchView(ApiView):
    @extend_schema(operation_id="SearchCustomers", parameters=[SearchParams],
                   responses=CustomerSerializer(many=True))
    def get(self, request) -> Response:
        params = self.params(SearchParams)
        condition = search_query_parse(params["query"], fields=CUSTOMER_SEARCH_FIELDS)
        return search_response(self, params, CustomerSerializer,
                               selectors.customer_list(merchant=self.merchant,
                                                       livemode=self.livemode)
                               .filter(condition))
