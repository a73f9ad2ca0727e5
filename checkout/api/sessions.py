"""Checkout Sessions on the wire: /v1/checkout/sessions (create, retrieve, list, expire,
line_items)."""

from datetime import UTC, datetime
from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.lists import ListParams, ordered_page
from api.objects import ApiObjectSerializer, ExpandableField, TimestampField
from api.params import MetadataField, NoParams, Params
from api.schema import list_of
from api.views import ApiView
from billing.api.prices import (
    AmountParam,
    DecimalAmountParam,
    PriceSerializer,
    ProductDataParams,
    RecurringParams,
    SupportedCurrencyParam,
    decimal_of,
    exclusive,
)
from billing.models import CATALOGUE_ID_MAX, Price
from checkout import selectors, services
from checkout.hosted import session_url
from checkout.models import CheckoutLineItem, CheckoutSession
from payments.models import PaymentIntent

ID_PARAM = OpenApiParameter("id", str, OpenApiParameter.PATH)
MAX_TIMESTAMP = 253_402_300_799


# -- input ---------------------------------------------------------------------------------

class AdjustableQuantityParams(Params):
    enabled = serializers.BooleanField()
    maximum = serializers.IntegerField(required=False, min_value=0)
    minimum = serializers.IntegerField(required=False, min_value=0)

    def validate(self, attrs: dict[str, Any]) -> services.AdjustableQuantity:
        return services.AdjustableQuantity(
            enabled=attrs["enabled"], minimum=attrs.get("minimum", 0),
            maximum=attrs.get("maximum", services.sessions.DEFAULT_ADJUSTABLE_MAXIMUM))


class LineItemPriceDataParams(Params):
    currency = SupportedCurrencyParam()
    product = serializers.CharField(required=False, max_length=CATALOGUE_ID_MAX)
    product_data = ProductDataParams(required=False)
    recurring = RecurringParams(required=False)
    tax_behavior = serializers.ChoiceField(choices=Price.TaxBehavior.choices, required=False)
    unit_amount = AmountParam()
    unit_amount_decimal = DecimalAmountParam(required=False)

    def validate(self, attrs: dict[str, Any]) -> services.PriceData:
        exclusive(attrs, "unit_amount", "unit_amount_decimal")
        amount = decimal_of(attrs, "unit_amount")
        if amount is None:
            raise serializers.ValidationError({"unit_amount": serializers.ErrorDetail(
                "Missing required param: unit_amount.", code="parameter_missing")})
        return services.PriceData(
            currency=attrs["currency"], unit_amount=amount, product=attrs.get("product"),
            product_data=attrs.get("product_data"), recurring=attrs.get("recurring"),
            tax_behavior=attrs.get("tax_behavior", Price.TaxBehavior.UNSPECIFIED))


class LineItemParams(Params):
    adjustable_quantity = AdjustableQuantityParams(required=False)
    price = serializers.CharField(required=False, max_length=CATALOGUE_ID_MAX)
    price_data = LineItemPriceDataParams(required=False)
    quantity = serializers.IntegerField(min_value=0)

    def validate(self, attrs: dict[str, Any]) -> services.LineItemSpec:
        return services.LineItemSpec(**attrs)


class PaymentIntentDataParams(Params):
    capture_method = serializers.ChoiceField(choices=PaymentIntent.CaptureMethod.choices,
                                             required=False)
    description = serializers.CharField(required=False, max_length=1000)
    metadata = MetadataField(required=False)
    receipt_email = serializers.EmailField(required=False, max_length=512)
    setup_future_usage = serializers.ChoiceField(choices=["on_session", "off_session"],
                                                 required=False)
    statement_descriptor = serializers.CharField(required=False, max_length=22)
    statement_descriptor_suffix = serializers.CharField(required=False, max_length=22)


class SubscriptionDataParams(Params):
    description = serializers.CharField(required=False, max_length=500)
    metadata = MetadataField(required=False)
    trial_period_days = serializers.IntegerField(required=False, min_value=1)

    def validate(self, attrs: dict[str, Any]) -> services.SubscriptionData:
        return services.SubscriptionData(**attrs)


class SessionCreateParams(Params):
    cancel_url = serializers.URLField(required=False, max_length=5000)
    client_reference_id = serializers.CharField(required=False, max_length=200)
    customer = serializers.CharField(required=False, max_length=100)
    customer_creation = serializers.ChoiceField(
        choices=CheckoutSession.CustomerCreation.choices, required=False)
    customer_email = serializers.EmailField(required=False, max_length=512)
    expires_at = serializers.IntegerField(required=False, min_value=0,
                                          max_value=MAX_TIMESTAMP)
    line_items = LineItemParams(many=True, required=False)
    locale = serializers.CharField(required=False, max_length=10)
    metadata = MetadataField(required=False)
    mode = serializers.ChoiceField(choices=CheckoutSession.Mode.choices)
    payment_intent_data = PaymentIntentDataParams(required=False)
    payment_method_types = serializers.ListField(child=serializers.ChoiceField(["card"]),
                                                 required=False)
    # Till's extension: the card paid or saved with becomes the customer's default for
    # invoices when the session completes.
    save_card_and_make_default = serializers.BooleanField(required=False, default=False)
    submit_type = serializers.ChoiceField(choices=["auto", "pay", "book", "donate"],
                                          required=False)
    subscription_data = SubscriptionDataParams(required=False)
    success_url = serializers.URLField(required=False, max_length=5000)
    ui_mode = serializers.ChoiceField(choices=["hosted"], required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs.pop("payment_method_types", None)
        attrs.pop("ui_mode", None)
        if "expires_at" in attrs:
            attrs["expires_at"] = datetime.fromtimestamp(attrs["expires_at"], tz=UTC)
        data = attrs.pop("payment_intent_data", None)
        if data is not None:
            attrs["capture_method"] = data.pop("capture_method", None)
            attrs["setup_future_usage"] = data.pop("setup_future_usage", None)
            attrs["payment_intent_data"] = data
        return attrs


class SessionListParams(ListParams):
    customer = serializers.CharField(required=False, max_length=100)
    payment_intent = serializers.CharField(required=False, max_length=100)
    payment_link = serializers.CharField(required=False, max_length=100)
    status = serializers.ChoiceField(choices=CheckoutSession.Status.choices, required=False)
    subscription = serializers.CharField(required=False, max_length=100)


# -- output --------------------------------------------------------------------------------

class CheckoutSessionSerializer(ApiObjectSerializer):
    object_name = "checkout.session"
    model = CheckoutSession

    amount_subtotal = serializers.IntegerField(allow_null=True)
    amount_total = serializers.IntegerField(allow_null=True)
    cancel_url = serializers.CharField(allow_null=True)
    client_reference_id = serializers.CharField(allow_null=True)
    created = TimestampField()
    currency = serializers.CharField(allow_null=True)
    customer = ExpandableField("payments.api.customers.CustomerSerializer",
                               source="customer_id", allow_null=True)
    customer_creation = serializers.CharField(allow_null=True)
    customer_details = serializers.JSONField(allow_null=True)
    customer_email = serializers.CharField(allow_null=True)
    expires_at = TimestampField()
    livemode = serializers.BooleanField()
    locale = serializers.CharField(allow_null=True)
    metadata = serializers.DictField(child=serializers.CharField())
    mode = serializers.CharField()
    payment_intent = ExpandableField("payments.api.payment_intents.PaymentIntentSerializer",
                                     source="payment_intent_id", allow_null=True)
    payment_link = ExpandableField("checkout.api.payment_links.PaymentLinkSerializer",
                                   source="payment_link_id", allow_null=True)
    payment_status = serializers.CharField()
    save_card_and_make_default = serializers.BooleanField()
    setup_intent = ExpandableField("payments.api.setup_intents.SetupIntentSerializer",
                                   source="setup_intent_id", allow_null=True)
    status = serializers.CharField()
    submit_type = serializers.CharField(allow_null=True)
    subscription = ExpandableField("billing.api.subscriptions.SubscriptionSerializer",
                                   source="subscription_id", allow_null=True)
    invoice = ExpandableField("billing.api.invoices.InvoiceSerializer", source="invoice_id",
                              allow_null=True)
    success_url = serializers.CharField(allow_null=True)

    def to_representation(self, instance: CheckoutSession) -> dict:
        data = super().to_representation(instance)
        data.update(
            after_expiration=None, allow_promotion_codes=None,
            automatic_tax={"enabled": False, "liability": None, "status": None},
            billing_address_collection=None, client_secret=None, consent=None,
            consent_collection=None, custom_fields=[],
            custom_text={"after_submit": None, "shipping_address": None, "submit": None,
                         "terms_of_service_acceptance": None},
            discounts=[], invoice_creation=None, payment_method_collection="always",
            payment_method_configuration_details=None, payment_method_options={},
            payment_method_types=["card"], phone_number_collection={"enabled": False},
            recovered_from=None, shipping_address_collection=None, shipping_cost=None,
            shipping_options=[], total_details=(
                {"amount_discount": 0, "amount_shipping": 0, "amount_tax": 0}
                if instance.amount_total is not None else None),
            ui_mode="hosted", url=session_url(instance),
            # No adaptive pricing or currency conversion (the session's currency is the
            # price's), no shipping collected, no saved-card display options.
            adaptive_pricing={"enabled": False}, currency_conversion=None,
            saved_payment_method_options=None, shipping_details=None)
        return data


class LineItemSerializer(ApiObjectSerializer):
    object_name = "item"
    model = CheckoutLineItem

    amount_discount = serializers.IntegerField()
    amount_subtotal = serializers.IntegerField()
    amount_total = serializers.IntegerField()
    currency = serializers.CharField()
    description = serializers.CharField()
    quantity = serializers.IntegerField()

    def to_representation(self, instance: CheckoutLineItem) -> dict:
        data = super().to_representation(instance)
        data["amount_tax"] = 0
        data["adjustable_quantity"] = instance.adjustable_quantity
        data["price"] = PriceSerializer.render_object(instance.price)
        return data


# -- views ---------------------------------------------------------------------------------

class SessionListView(ApiView):
    @extend_schema(operation_id="ListCheckoutSessions", parameters=[SessionListParams],
                   responses=list_of(CheckoutSessionSerializer))
    def get(self, request) -> Response:
        params = self.params(SessionListParams)
        sessions = selectors.checkout_session_list(
            merchant=self.merchant, livemode=self.livemode, customer=params.get("customer"),
            payment_intent=params.get("payment_intent"),
            payment_link=params.get("payment_link"), status=params.get("status"),
            subscription=params.get("subscription"))
        return self.respond_list(sessions, CheckoutSessionSerializer, params=params)

    @extend_schema(operation_id="CreateCheckoutSession", request=SessionCreateParams,
                   responses=CheckoutSessionSerializer)
    def post(self, request) -> Response:
        params = self.params(SessionCreateParams)
        self.expand(CheckoutSessionSerializer)
        session = services.checkout_session_create(merchant=self.merchant,
                                                   livemode=self.livemode, actor=self.actor,
                                                   **params)
        return self.respond(session, CheckoutSessionSerializer)


class SessionDetailView(ApiView):
    @extend_schema(operation_id="RetrieveCheckoutSession", parameters=[ID_PARAM],
                   responses=CheckoutSessionSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        session = selectors.checkout_session_get(id=id, merchant=self.merchant,
                                                 livemode=self.livemode)
        return self.respond(session, CheckoutSessionSerializer)


class SessionExpireView(ApiView):
    @extend_schema(operation_id="ExpireCheckoutSession", parameters=[ID_PARAM],
                   request=NoParams, responses=CheckoutSessionSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        self.expand(CheckoutSessionSerializer)
        session = services.checkout_session_expire(id=id, merchant=self.merchant,
                                                   livemode=self.livemode, actor=self.actor)
        return self.respond(session, CheckoutSessionSerializer)


class SessionLineItemsView(ApiView):
    @extend_schema(operation_id="ListCheckoutSessionLineItems",
                   parameters=[ID_PARAM, ListParams], responses=list_of(LineItemSerializer))
    def get(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(ListParams)
        session = selectors.checkout_session_get(id=id, merchant=self.merchant,
                                                 livemode=self.livemode)
        items = list(selectors.checkout_session_line_items(session=session))
        return Response(ordered_page(items, params=params, url=request.path,
                                     serializer=LineItemSerializer))


urlpatterns = [
    path("checkout/sessions", SessionListView.as_view()),
    path("checkout/sessions/<str:id>", SessionDetailView.as_view()),
    path("checkout/sessions/<str:id>/expire", SessionExpireView.as_view()),
    path("checkout/sessions/<str:id>/line_items", SessionLineItemsView.as_view()),
]
