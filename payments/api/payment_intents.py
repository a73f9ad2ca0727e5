"""PaymentIntents on the wire: create, retrieve, update, confirm, capture, cancel, list,
search. Retrieve and confirm also answer a publishable key with the intent's client_secret.
"""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.lists import ListParams
from api.objects import ApiObjectSerializer, ExpandableField, TimestampField
from api.params import CurrencyParam, MetadataField, OptionalString, Params
from api.schema import list_of
from api.search import SearchParams, search_query_parse, search_response
from api.views import ApiView
from core.money import CURRENCIES
from payments import selectors, services
from payments.api.customers import ShippingParams
from payments.api.publishable import PublishableKeyView, payment_intent_for_publishable_key
from payments.models import PaymentIntent
from payments.search import PAYMENT_INTENT_SEARCH_FIELDS

ID_PARAM = OpenApiParameter("id", str, OpenApiParameter.PATH)


# -- input ---------------------------------------------------------------------------------

class AmountParams(Params):
    """A lowercase ISO currency Till accepts (amount limits are the service's to check: they
    depend on the intent's currency, which an update may not send)."""

    def validate_currency(self, value: str) -> str:
        value = value.lower()
        if value not in CURRENCIES:
            raise serializers.ValidationError(
                f"{value} is not a supported currency. Use a lowercase ISO 4217 code that "
                "Stripe supports, such as usd, eur or gbp.")
        return value


class PaymentIntentCreateParams(AmountParams):
    amount = serializers.IntegerField(min_value=1)
    currency = CurrencyParam()
    customer = OptionalString(max_length=100)
    payment_method = OptionalString(max_length=200)
    payment_method_types = serializers.ListField(
        child=serializers.ChoiceField(choices=["card"]), required=False, allow_empty=False)
    automatic_payment_methods = serializers.DictField(required=False)
    confirm = serializers.BooleanField(required=False, default=False)
    capture_method = serializers.ChoiceField(choices=PaymentIntent.CaptureMethod.choices,
                                             required=False)
    confirmation_method = serializers.ChoiceField(
        choices=PaymentIntent.ConfirmationMethod.choices, required=False)
    setup_future_usage = serializers.ChoiceField(choices=["on_session", "off_session"],
                                                 required=False)
    off_session = serializers.CharField(required=False)
    return_url = serializers.URLField(required=False, max_length=5000)
    error_on_requires_action = serializers.BooleanField(required=False)
    description = OptionalString(max_length=1000)
    receipt_email = serializers.EmailField(required=False, max_length=512)
    statement_descriptor = serializers.CharField(required=False, max_length=22)
    statement_descriptor_suffix = serializers.CharField(required=False, max_length=22)
    shipping = ShippingParams(required=False, allow_null=True)
    metadata = MetadataField(required=False)
    use_stripe_sdk = serializers.BooleanField(required=False)

    def validate_off_session(self, value: str) -> bool:
        if value in ("true", "recurring", "one_off"):
            return True
        if value == "false":
            return False
        raise serializers.ValidationError("must be true, false, one_off or recurring.")

    def validate_statement_descriptor(self, value: str) -> str:
        raise serializers.ValidationError(
            "The `statement_descriptor` parameter is not supported for the `card` payment "
            "method type. Use `statement_descriptor_suffix` instead.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs = super().validate(attrs)
        if "off_session" in attrs and not attrs.get("confirm"):
            raise serializers.ValidationError({"off_session": serializers.ErrorDetail(
                "You may only specify `off_session` when `confirm` is true.",
                code="invalid")})
        return attrs


class PaymentIntentUpdateParams(AmountParams):
    amount = serializers.IntegerField(required=False, min_value=1)
    currency = CurrencyParam(required=False)
    customer = OptionalString(max_length=100)
    payment_method = serializers.CharField(required=False, max_length=200)
    capture_method = serializers.ChoiceField(choices=PaymentIntent.CaptureMethod.choices,
                                             required=False)
    setup_future_usage = serializers.ChoiceField(choices=["on_session", "off_session"],
                                                 required=False)
    description = OptionalString(max_length=1000)
    receipt_email = OptionalString(max_length=512)
    statement_descriptor_suffix = serializers.CharField(required=False, max_length=22)
    shipping = ShippingParams(required=False, allow_null=True)
    metadata = MetadataField(required=False)


class PaymentIntentConfirmParams(Params):
    payment_method = serializers.CharField(required=False, max_length=200)
    return_url = serializers.URLField(required=False, max_length=5000)
    off_session = serializers.CharField(required=False)
    setup_future_usage = serializers.ChoiceField(choices=["on_session", "off_session"],
                                                 required=False)
    error_on_requires_action = serializers.BooleanField(required=False)
    receipt_email = serializers.EmailField(required=False, max_length=512)
    capture_method = serializers.ChoiceField(choices=PaymentIntent.CaptureMethod.choices,
                                             required=False)
    client_secret = serializers.CharField(required=False, max_length=200)
    use_stripe_sdk = serializers.BooleanField(required=False)

    validate_off_session = PaymentIntentCreateParams.validate_off_session


class PaymentIntentCaptureParams(Params):
    amount_to_capture = serializers.IntegerField(required=False, min_value=1)
    final_capture = serializers.BooleanField(required=False)
    metadata = MetadataField(required=False)


class PaymentIntentCancelParams(Params):
    cancellation_reason = serializers.ChoiceField(
        choices=["duplicate", "fraudulent", "requested_by_customer", "abandoned"],
        required=False)


class PaymentIntentListParams(ListParams):
    customer = serializers.CharField(required=False, max_length=100)


class PaymentIntentRetrieveParams(Params):
    client_secret = serializers.CharField(required=False, max_length=200)


# -- output --------------------------------------------------------------------------------

class PaymentIntentSerializer(ApiObjectSerializer):
    object_name = "payment_intent"
    model = PaymentIntent

    amount = serializers.IntegerField()
    amount_capturable = serializers.IntegerField()
    amount_received = serializers.IntegerField()
    canceled_at = TimestampField(allow_null=True)
    cancellation_reason = serializers.CharField(allow_null=True)
    capture_method = serializers.CharField()
    client_secret = serializers.CharField()
    confirmation_method = serializers.CharField()
    created = TimestampField()
    currency = serializers.CharField()
    customer = ExpandableField("payments.api.customers.CustomerSerializer", allow_null=True,
                               source="customer_id")
    description = serializers.CharField(allow_null=True)
    # The id of the invoice the intent pays (billing's; null for a plain payment). Not
    # expandable here: payments' wire does not reach billing's.
    invoice = serializers.CharField(source="invoice_id", allow_null=True)
    last_payment_error = serializers.DictField(allow_null=True)
    latest_charge = ExpandableField("payments.api.charges.ChargeSerializer", allow_null=True,
                                    source="latest_charge_id")
    livemode = serializers.BooleanField()
    metadata = serializers.DictField(child=serializers.CharField())
    next_action = serializers.DictField(allow_null=True)
    payment_method = ExpandableField("payments.api.payment_methods.PaymentMethodSerializer",
                                     allow_null=True, source="payment_method_id")
    payment_method_types = serializers.ListField(child=serializers.CharField())
    receipt_email = serializers.CharField(allow_null=True)
    setup_future_usage = serializers.CharField(allow_null=True)
    shipping = serializers.DictField(allow_null=True)
    statement_descriptor = serializers.CharField(allow_null=True)
    statement_descriptor_suffix = serializers.CharField(allow_null=True)
    status = serializers.CharField()

    def to_representation(self, instance: PaymentIntent) -> dict:
        data = super().to_representation(instance)
        data["automatic_payment_methods"] = None
        data["payment_method_options"] = {"card": {
            "installments": None, "mandate_options": None, "network": None,
            "request_three_d_secure": "automatic"}}
        data["processing"] = None
        data["review"] = None
        data["transfer_data"] = None
        data["application_fee_amount"] = None
        # No Connect (platform, transfers), no legacy Sources, no payment method
        # configurations (Till's intents list their payment method types): null, as Stripe
        # renders them then. A card payment has no tip.
        data["application"] = None
        data["on_behalf_of"] = None
        data["transfer_group"] = None
        data["source"] = None
        data["payment_method_configuration_details"] = None
        data["amount_details"] = {"tip": {}}
        return data


# -- views ---------------------------------------------------------------------------------

class PaymentIntentListView(ApiView):
    folds_idempotency = PaymentIntentSerializer
    @extend_schema(operation_id="ListPaymentIntents", parameters=[PaymentIntentListParams],
                   responses=list_of(PaymentIntentSerializer))
    def get(self, request) -> Response:
        params = self.params(PaymentIntentListParams)
        intents = selectors.payment_intent_list(merchant=self.merchant, livemode=self.livemode,
                                                customer=params.get("customer"))
        return self.respond_list(intents, PaymentIntentSerializer, params=params)

    @extend_schema(operation_id="CreatePaymentIntent", request=PaymentIntentCreateParams,
                   responses=PaymentIntentSerializer)
    def post(self, request) -> Response:
        params = self.params(PaymentIntentCreateParams)
        self.expand(PaymentIntentSerializer)
        for wire_only in ("automatic_payment_methods", "use_stripe_sdk"):
            params.pop(wire_only, None)
        intent = services.payment_intent_create(merchant=self.merchant, livemode=self.livemode,
                                                actor=self.actor, **params)
        return self.respond(intent, PaymentIntentSerializer)


class PaymentIntentDetailView(PublishableKeyView, ApiView):
    allow_publishable_key = True
    publishable_render = staticmethod(payment_intent_for_publishable_key)

    @extend_schema(operation_id="RetrievePaymentIntent",
                   parameters=[ID_PARAM, PaymentIntentRetrieveParams],
                   responses=PaymentIntentSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(PaymentIntentRetrieveParams)
        client_secret = self.client_secret_of(params, object_name="PaymentIntent")
        intent = selectors.payment_intent_get(id=id, merchant=self.merchant,
                                              livemode=self.livemode)
        services.client_secret_check(intent=intent, client_secret=client_secret)
        return self.respond(intent, PaymentIntentSerializer)

    @extend_schema(operation_id="UpdatePaymentIntent", parameters=[ID_PARAM],
                   request=PaymentIntentUpdateParams, responses=PaymentIntentSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        self.require_secret_key()
        params = self.params(PaymentIntentUpdateParams)
        self.expand(PaymentIntentSerializer)
        intent = services.payment_intent_update(id=id, merchant=self.merchant,
                                                livemode=self.livemode, actor=self.actor,
                                                **params)
        return self.respond(intent, PaymentIntentSerializer)


class PaymentIntentConfirmView(PublishableKeyView, ApiView):
    folds_idempotency = PaymentIntentSerializer
    allow_publishable_key = True
    publishable_render = staticmethod(payment_intent_for_publishable_key)

    @extend_schema(operation_id="ConfirmPaymentIntent", parameters=[ID_PARAM],
                   request=PaymentIntentConfirmParams, responses=PaymentIntentSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(PaymentIntentConfirmParams)
        client_secret = self.client_secret_of(params, object_name="PaymentIntent")
        self.expand(PaymentIntentSerializer)
        params.pop("client_secret", None)
        params.pop("use_stripe_sdk", None)
        intent = services.payment_intent_confirm(id=id, merchant=self.merchant,
                                                 livemode=self.livemode, actor=self.actor,
                                                 client_secret=client_secret, **params)
        return self.respond(intent, PaymentIntentSerializer)


class PaymentIntentCaptureView(ApiView):
    folds_idempotency = PaymentIntentSerializer
    @extend_schema(operation_id="CapturePaymentIntent", parameters=[ID_PARAM],
                   request=PaymentIntentCaptureParams, responses=PaymentIntentSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(PaymentIntentCaptureParams)
        self.expand(PaymentIntentSerializer)
        params.pop("final_capture", None)  # every capture is final: the rest is released
        intent = services.payment_intent_capture(id=id, merchant=self.merchant,
                                                 livemode=self.livemode, actor=self.actor,
                                                 **params)
        return self.respond(intent, PaymentIntentSerializer)


class PaymentIntentCancelView(ApiView):
    folds_idempotency = PaymentIntentSerializer
    @extend_schema(operation_id="CancelPaymentIntent", parameters=[ID_PARAM],
                   request=PaymentIntentCancelParams, responses=PaymentIntentSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(PaymentIntentCancelParams)
        self.expand(PaymentIntentSerializer)
        intent = services.payment_intent_cancel(
            id=id, merchant=self.merchant, livemode=self.livemode, actor=self.actor,
            cancellation_reason=params.get("cancellation_reason"))
        return self.respond(intent, PaymentIntentSerializer)


class PaymentIntentSearchView(ApiView):
    @extend_schema(operation_id="SearchPaymentIntents", parameters=[SearchParams],
                   responses=PaymentIntentSerializer(many=True))
    def get(self, request) -> Response:
        params = self.params(SearchParams)
        condition = search_query_parse(params["query"], fields=PAYMENT_INTENT_SEARCH_FIELDS)
        return search_response(self, params, PaymentIntentSerializer,
                               selectors.payment_intent_list(merchant=self.merchant,
                                                             livemode=self.livemode)
                               .filter(condition))
