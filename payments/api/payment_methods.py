"""PaymentMethods on the wire: /v1/payment_methods, attach, detach, and a customer's list."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.lists import ListParams
from api.objects import ApiObjectSerializer, ExpandableField, TimestampField
from api.params import MetadataField, NoParams, OptionalString, Params
from api.schema import list_of
from api.views import ApiView
from payments import selectors, services
from payments.api.customers import AddressParams
from payments.models import PaymentMethod

ID_PARAM = OpenApiParameter("id", str, OpenApiParameter.PATH)


# -- input ---------------------------------------------------------------------------------

class CardParams(Params):
    number = serializers.CharField(required=False, max_length=30, trim_whitespace=True)
    exp_month = serializers.IntegerField(required=False)
    exp_year = serializers.IntegerField(required=False)
    cvc = serializers.CharField(required=False, max_length=10)
    token = serializers.CharField(required=False, max_length=100)


class BillingDetailsParams(Params):
    address = AddressParams(required=False, allow_null=True)
    email = OptionalString(max_length=512)
    name = OptionalString(max_length=256)
    phone = OptionalString(max_length=20)


class PaymentMethodCreateParams(Params):
    type = serializers.ChoiceField(choices=["card"])
    card = CardParams(required=False)
    billing_details = BillingDetailsParams(required=False)
    metadata = MetadataField(required=False)

    def validate(self, attrs: dict) -> dict:
        if "card" not in attrs:
            raise serializers.ValidationError({"card": serializers.ErrorDetail(
                "This field is required.", code="required")})
        return attrs


class CardUpdateParams(Params):
    exp_month = serializers.IntegerField(required=False, min_value=1, max_value=12)
    exp_year = serializers.IntegerField(required=False, min_value=2000, max_value=2200)


class PaymentMethodUpdateParams(Params):
    billing_details = BillingDetailsParams(required=False)
    card = CardUpdateParams(required=False)
    metadata = MetadataField(required=False)


class PaymentMethodListParams(ListParams):
    customer = serializers.CharField(required=False, max_length=100)
    type = serializers.ChoiceField(choices=["card"], required=False)


class CustomerPaymentMethodListParams(ListParams):
    type = serializers.ChoiceField(choices=["card"], required=False)


class AttachParams(Params):
    customer = serializers.CharField(max_length=100)


# -- output --------------------------------------------------------------------------------

class PaymentMethodSerializer(ApiObjectSerializer):
    object_name = "payment_method"
    model = PaymentMethod

    billing_details = serializers.DictField()
    card = serializers.DictField()
    created = TimestampField()
    customer = ExpandableField("payments.api.customers.CustomerSerializer", allow_null=True,
                               source="customer_id")
    livemode = serializers.BooleanField()
    metadata = serializers.DictField(child=serializers.CharField())
    type = serializers.CharField()

    def to_representation(self, instance: PaymentMethod) -> dict:
        data = super().to_representation(instance)
        data["allow_redisplay"] = "unspecified"
        if data["card"]:  # Till's test cards are all unregulated (no Durbin-capped debit)
            data["card"] = {**data["card"], "regulated_status": "unregulated"}
        return data


# -- views ---------------------------------------------------------------------------------

class PaymentMethodListView(ApiView):
    # Creating a payment method is what a browser does with the publishable key.
    allow_publishable_key = True

    @extend_schema(operation_id="ListPaymentMethods", parameters=[PaymentMethodListParams],
                   responses=list_of(PaymentMethodSerializer))
    def get(self, request) -> Response:
        self.require_secret_key()
        params = self.params(PaymentMethodListParams)
        customer = None
        if params.get("customer"):
            customer = selectors.customer_get(id=params["customer"], merchant=self.merchant,
                                              livemode=self.livemode, param="customer")
        methods = selectors.payment_method_list(merchant=self.merchant, livemode=self.livemode,
                                                customer=customer, type=params.get("type"))
        return self.respond_list(methods, PaymentMethodSerializer, params=params)

    @extend_schema(operation_id="CreatePaymentMethod", request=PaymentMethodCreateParams,
                   responses=PaymentMethodSerializer)
    def post(self, request) -> Response:
        params = self.params(PaymentMethodCreateParams)
        self.expand(PaymentMethodSerializer)
        method = services.payment_method_create(
            merchant=self.merchant, livemode=self.livemode,
            card=services.CardInput(**params.pop("card")), **params)
        return self.respond(method, PaymentMethodSerializer)


class PaymentMethodDetailView(ApiView):
    @extend_schema(operation_id="RetrievePaymentMethod", parameters=[ID_PARAM],
                   responses=PaymentMethodSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        method = selectors.payment_method_get(id=id, merchant=self.merchant,
                                              livemode=self.livemode)
        return self.respond(method, PaymentMethodSerializer)

    @extend_schema(operation_id="UpdatePaymentMethod", parameters=[ID_PARAM],
                   request=PaymentMethodUpdateParams, responses=PaymentMethodSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(PaymentMethodUpdateParams)
        self.expand(PaymentMethodSerializer)
        method = services.payment_method_update(id=id, merchant=self.merchant,
                                                livemode=self.livemode, **params)
        return self.respond(method, PaymentMethodSerializer)


class PaymentMethodAttachView(ApiView):
    @extend_schema(operation_id="AttachPaymentMethod", parameters=[ID_PARAM],
                   request=AttachParams, responses=PaymentMethodSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(AttachParams)
        self.expand(PaymentMethodSerializer)
        method = services.payment_method_attach(id=id, merchant=self.merchant,
                                                livemode=self.livemode,
                                                customer_id=params["customer"])
        return self.respond(method, PaymentMethodSerializer)


class PaymentMethodDetachView(ApiView):
    @extend_schema(operation_id="DetachPaymentMethod", parameters=[ID_PARAM],
                   request=NoParams, responses=PaymentMethodSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        self.expand(PaymentMethodSerializer)
        method = services.payment_method_detach(id=id, merchant=self.merchant,
                                                livemode=self.livemode)
        return self.respond(method, PaymentMethodSerializer)


class CustomerPaymentMethodListView(ApiView):
    @extend_schema(operation_id="ListCustomerPaymentMethods",
                   parameters=[ID_PARAM, CustomerPaymentMethodListParams],
                   responses=list_of(PaymentMethodSerializer))
    def get(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(CustomerPaymentMethodListParams)
        customer = selectors.customer_get(id=id, merchant=self.merchant,
                                          livemode=self.livemode)
        methods = selectors.payment_method_list(merchant=self.merchant, livemode=self.livemode,
                                                customer=customer, type=params.get("type"))
        return self.respond_list(methods, PaymentMethodSerializer, params=params)
