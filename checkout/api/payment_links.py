"""Payment Links on the wire: /v1/payment_links (create, retrieve, update, list,
line_items)."""

from typing import Any

from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.lists import ListParams, ordered_page
from api.objects import ApiObjectSerializer
from api.params import MetadataField, NoParams, Params
from api.schema import list_of
from api.views import ApiView
from billing.api.prices import PriceSerializer
from billing.pricing import price_line_amount
from checkout import selectors, services
from checkout.api.sessions import (
    ID_PARAM,
    LineItemParams,
    PaymentIntentDataParams,
    SubscriptionDataParams,
)
from checkout.hosted import payment_link_url
from checkout.models import CheckoutSession, PaymentLink, PaymentLinkLineItem
from core.types import NOT_GIVEN

# -- input ---------------------------------------------------------------------------------


class RedirectParams(Params):
    url = serializers.URLField(max_length=2048)


class HostedConfirmationParams(Params):
    custom_message = serializers.CharField(required=False, max_length=500)


class AfterCompletionParams(Params):
    type = serializers.ChoiceField(choices=PaymentLink.AfterCompletion.choices)
    hosted_confirmation = HostedConfirmationParams(required=False)
    redirect = RedirectParams(required=False)

    def validate(self, attrs: dict[str, Any]) -> services.AfterCompletion:
        return services.AfterCompletion(
            type=attrs["type"], redirect_url=(attrs.get("redirect") or {}).get("url"),
            confirmation_message=(attrs.get("hosted_confirmation") or {}).get(
                "custom_message"))


class LinkCompletedSessionsParams(Params):
    limit = serializers.IntegerField(min_value=1, max_value=10_000)


class LinkRestrictionsParams(Params):
    completed_sessions = LinkCompletedSessionsParams()


class PaymentLinkCreateParams(Params):
    after_completion = AfterCompletionParams(required=False)
    customer_creation = serializers.ChoiceField(
        choices=CheckoutSession.CustomerCreation.choices, required=False)
    line_items = LineItemParams(many=True)
    metadata = MetadataField(required=False)
    payment_intent_data = PaymentIntentDataParams(required=False)
    payment_method_types = serializers.ListField(child=serializers.ChoiceField(["card"]),
                                                 required=False)
    restrictions = LinkRestrictionsParams(required=False)
    save_card_and_make_default = serializers.BooleanField(required=False, default=False)
    submit_type = serializers.ChoiceField(choices=["auto", "pay", "book", "donate"],
                                          required=False)
    subscription_data = SubscriptionDataParams(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        attrs.pop("payment_method_types", None)
        restrictions = attrs.pop("restrictions", None)
        if restrictions is not None:
            attrs["completed_sessions_limit"] = restrictions["completed_sessions"]["limit"]
        return attrs


class PaymentLinkUpdateParams(Params):
    active = serializers.BooleanField(required=False)
    after_completion = AfterCompletionParams(required=False)
    metadata = MetadataField(required=False)
    restrictions = LinkRestrictionsParams(required=False, allow_null=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "restrictions" in attrs:
            restrictions = attrs.pop("restrictions")
            attrs["completed_sessions_limit"] = (restrictions["completed_sessions"]["limit"]
                                                 if restrictions else None)
        return attrs


class PaymentLinkListParams(ListParams):
    active = serializers.BooleanField(required=False)


# -- output --------------------------------------------------------------------------------

class PaymentLinkSerializer(ApiObjectSerializer):
    object_name = "payment_link"
    model = PaymentLink

    active = serializers.BooleanField()
    currency = serializers.CharField()
    customer_creation = serializers.CharField()
    livemode = serializers.BooleanField()
    metadata = serializers.DictField(child=serializers.CharField())
    save_card_and_make_default = serializers.BooleanField()

    def to_representation(self, instance: PaymentLink) -> dict:
        data = super().to_representation(instance)
        completion: dict[str, Any] = {"type": instance.after_completion_type}
        if instance.after_completion_type == PaymentLink.AfterCompletion.REDIRECT:
            completion["redirect"] = {"url": instance.redirect_url}
        else:
            completion["hosted_confirmation"] = {
                "custom_message": instance.confirmation_message}
        intent_data = instance.payment_intent_data
        data.update(
            after_completion=completion, allow_promotion_codes=False, application=None,
            application_fee_amount=None, application_fee_percent=None,
            automatic_tax={"enabled": False, "liability": None},
            billing_address_collection="auto", consent_collection=None, custom_fields=[],
            custom_text={"after_submit": None, "shipping_address": None, "submit": None,
                         "terms_of_service_acceptance": None},
            inactive_message=None, invoice_creation=None, on_behalf_of=None,
            payment_intent_data=({
                "capture_method": intent_data.get("capture_method", "automatic"),
                "description": intent_data.get("description"),
                "metadata": intent_data.get("metadata") or {},
                "setup_future_usage": intent_data.get("setup_future_usage"),
                "statement_descriptor": intent_data.get("statement_descriptor"),
                "statement_descriptor_suffix": intent_data.get("statement_descriptor_suffix"),
                "transfer_group": None} if intent_data else None),
            payment_method_collection="always", payment_method_types=None,
            phone_number_collection={"enabled": False},
            restrictions=({"completed_sessions": {
                "count": instance.completed_sessions_count,
                "limit": instance.completed_sessions_limit}}
                if instance.completed_sessions_limit is not None else None),
            shipping_address_collection=None, shipping_options=[],
            submit_type=instance.submit_type or "auto",
            subscription_data=({
                "description": instance.subscription_data.get("description"),
                "invoice_settings": {"issuer": {"type": "self"}},
                "metadata": instance.subscription_data.get("metadata") or {},
                "trial_period_days": instance.subscription_data.get("trial_period_days"),
                "trial_settings": None}
                if instance.mode == CheckoutSession.Mode.SUBSCRIPTION else None),
            tax_id_collection={"enabled": False, "required": "never"}, transfer_data=None,
            url=payment_link_url(instance))
        return data


class PaymentLinkLineItemSerializer(ApiObjectSerializer):
    object_name = "item"
    model = PaymentLinkLineItem

    quantity = serializers.IntegerField()

    def to_representation(self, instance: PaymentLinkLineItem) -> dict:
        data = super().to_representation(instance)
        price = instance.price
        amount = price_line_amount(price, instance.quantity)
        data.update(adjustable_quantity=instance.adjustable_quantity, amount_discount=0,
                    amount_subtotal=amount, amount_tax=0, amount_total=amount,
                    currency=price.currency, description=price.product.name,
                    price=PriceSerializer.render_object(price))
        return data


# -- views ---------------------------------------------------------------------------------

class PaymentLinkListView(ApiView):
    @extend_schema(operation_id="ListPaymentLinks", parameters=[PaymentLinkListParams],
                   responses=list_of(PaymentLinkSerializer))
    def get(self, request) -> Response:
        params = self.params(PaymentLinkListParams)
        links = selectors.payment_link_list(merchant=self.merchant, livemode=self.livemode,
                                            active=params.get("active"))
        return self.respond_list(links, PaymentLinkSerializer, params=params)

    @extend_schema(operation_id="CreatePaymentLink", request=PaymentLinkCreateParams,
                   responses=PaymentLinkSerializer)
    def post(self, request) -> Response:
        params = self.params(PaymentLinkCreateParams)
        self.expand(PaymentLinkSerializer)
        data = params.pop("payment_intent_data", None)
        link = services.payment_link_create(merchant=self.merchant, livemode=self.livemode,
                                            actor=self.actor, payment_intent_data=data,
                                            **params)
        return self.respond(link, PaymentLinkSerializer)


class PaymentLinkDetailView(ApiView):
    @extend_schema(operation_id="RetrievePaymentLink", parameters=[ID_PARAM],
                   responses=PaymentLinkSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        link = selectors.payment_link_get(id=id, merchant=self.merchant,
                                          livemode=self.livemode)
        return self.respond(link, PaymentLinkSerializer)

    @extend_schema(operation_id="UpdatePaymentLink", parameters=[ID_PARAM],
                   request=PaymentLinkUpdateParams, responses=PaymentLinkSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(PaymentLinkUpdateParams)
        self.expand(PaymentLinkSerializer)
        link = services.payment_link_update(
            id=id, merchant=self.merchant, livemode=self.livemode, actor=self.actor,
            active=params.get("active", NOT_GIVEN),
            after_completion=params.get("after_completion", NOT_GIVEN),
            completed_sessions_limit=params.get("completed_sessions_limit", NOT_GIVEN),
            metadata=params.get("metadata"))
        return self.respond(link, PaymentLinkSerializer)


class PaymentLinkLineItemsView(ApiView):
    @extend_schema(operation_id="ListPaymentLinkLineItems", parameters=[ID_PARAM, ListParams],
                   responses=list_of(PaymentLinkLineItemSerializer))
    def get(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(ListParams)
        link = selectors.payment_link_get(id=id, merchant=self.merchant,
                                          livemode=self.livemode)
        items = list(selectors.payment_link_line_items(link=link))
        return Response(ordered_page(items, params=params, url=request.path,
                                     serializer=PaymentLinkLineItemSerializer))


urlpatterns = [
    path("payment_links", PaymentLinkListView.as_view()),
    path("payment_links/<str:id>", PaymentLinkDetailView.as_view()),
    path("payment_links/<str:id>/line_items", PaymentLinkLineItemsView.as_view()),
]
