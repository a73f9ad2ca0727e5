"""The customer portal on the wire: /v1/billing_portal/configurations (create, retrieve,
update, list) and /v1/billing_portal/sessions (create only, as Stripe's)."""

from typing import Any

from django.conf import settings
from django.urls import path, reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.lists import ListParams
from api.objects import ApiObjectSerializer, ExpandableField, TimestampField
from api.params import MetadataField, NoParams, OptionalString, Params
from api.schema import list_of
from api.views import ApiView
from checkout import selectors, services
from checkout.api.sessions import ID_PARAM
from checkout.models import PortalConfiguration, PortalSession
from checkout.services.portal_configurations import (
    ALLOWED_UPDATES,
    CANCEL_MODES,
    CANCEL_PRORATIONS,
    CUSTOMER_UPDATES,
    UPDATE_PRORATIONS,
)
from core.exceptions import InvalidParameter
from core.types import NOT_GIVEN

# Stripe's portal locales (the page itself is in English: README).
LOCALES = (
    "auto", "bg", "cs", "da", "de", "el", "en", "en-AU", "en-CA", "en-GB", "en-IE", "en-IN",
    "en-NZ", "en-SG", "es", "es-419", "et", "fi", "fil", "fr", "fr-CA", "hr", "hu", "id", "it",
    "ja", "ko", "lt", "lv", "ms", "mt", "nb", "nl", "pl", "pt", "pt-BR", "ro", "ru", "sk", "sl",
    "sv", "th", "tr", "vi", "zh", "zh-HK", "zh-TW")

# -- input ---------------------------------------------------------------------------------


class PortalBusinessProfileParams(Params):
    headline = OptionalString(max_length=60)
    privacy_policy_url = OptionalString(max_length=5000)
    terms_of_service_url = OptionalString(max_length=5000)

    def validate(self, attrs: dict[str, Any]) -> services.BusinessProfile:
        url_field = serializers.URLField()
        for name in ("privacy_policy_url", "terms_of_service_url"):
            if attrs.get(name):
                try:
                    url_field.run_validation(attrs[name])
                except serializers.ValidationError:
                    raise serializers.ValidationError(
                        {name: ["Not a valid URL"]}) from None
        return services.BusinessProfile(**attrs)


class PortalEnabledParams(Params):
    enabled = serializers.BooleanField()


class PortalCustomerUpdateParams(Params):
    allowed_updates = serializers.ListField(child=serializers.ChoiceField(CUSTOMER_UPDATES),
                                            required=False, allow_empty=True)
    enabled = serializers.BooleanField(required=False)


class PortalCancellationReasonParams(Params):
    enabled = serializers.BooleanField()
    options = serializers.ListField(child=serializers.CharField(max_length=40),
                                    required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if attrs["enabled"]:
            raise serializers.ValidationError({"enabled": [
                "Asking the customer why they cancel is not supported by Till's portal."]})
        return {"enabled": False, "options": attrs.get("options", [])}


class PortalSubscriptionCancelParams(Params):
    cancellation_reason = PortalCancellationReasonParams(required=False)
    enabled = serializers.BooleanField(required=False)
    mode = serializers.ChoiceField(CANCEL_MODES, required=False)
    proration_behavior = serializers.ChoiceField(CANCEL_PRORATIONS, required=False)


class PortalProductPricesParams(Params):
    prices = serializers.ListField(child=serializers.CharField(max_length=100))
    product = serializers.CharField(max_length=100)


class PortalSubscriptionUpdateParams(Params):
    default_allowed_updates = serializers.ListField(
        child=serializers.ChoiceField(ALLOWED_UPDATES), required=False, allow_empty=True)
    enabled = serializers.BooleanField(required=False)
    products = PortalProductPricesParams(many=True, required=False, allow_null=True)
    proration_behavior = serializers.ChoiceField(UPDATE_PRORATIONS, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "products" in attrs and attrs["products"] is None:
            attrs["products"] = []
        return attrs


class PortalFeaturesParams(Params):
    customer_update = PortalCustomerUpdateParams(required=False)
    invoice_history = PortalEnabledParams(required=False)
    payment_method_update = PortalEnabledParams(required=False)
    subscription_cancel = PortalSubscriptionCancelParams(required=False)
    subscription_update = PortalSubscriptionUpdateParams(required=False)

    def validate(self, attrs: dict[str, Any]) -> services.FeaturesUpdate:
        return services.FeaturesUpdate({name: dict(values) for name, values in attrs.items()})


class PortalLoginPageParams(Params):
    enabled = serializers.BooleanField()


def _login_page_check(attrs: dict[str, Any]) -> None:
    login_page = attrs.pop("login_page", None)
    if login_page and login_page["enabled"]:
        raise InvalidParameter("Till's portal has no login page: open it through a portal "
                               "session.", param="login_page[enabled]")


class PortalConfigurationCreateParams(Params):
    business_profile = PortalBusinessProfileParams(required=False)
    default_return_url = serializers.URLField(required=False, max_length=5000)
    features = PortalFeaturesParams()
    login_page = PortalLoginPageParams(required=False)
    metadata = MetadataField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _login_page_check(attrs)
        return attrs


class PortalConfigurationUpdateParams(Params):
    active = serializers.BooleanField(required=False)
    business_profile = PortalBusinessProfileParams(required=False)
    default_return_url = serializers.URLField(required=False, max_length=5000,
                                              allow_blank=True)
    features = PortalFeaturesParams(required=False)
    login_page = PortalLoginPageParams(required=False)
    metadata = MetadataField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        _login_page_check(attrs)
        return attrs


class PortalConfigurationListParams(ListParams):
    active = serializers.BooleanField(required=False)
    is_default = serializers.BooleanField(required=False)


class PortalSessionCreateParams(Params):
    configuration = serializers.CharField(required=False, max_length=100)
    customer = serializers.CharField(max_length=100)
    locale = serializers.ChoiceField(LOCALES, required=False)
    return_url = serializers.URLField(required=False, max_length=5000)


# -- output --------------------------------------------------------------------------------

class PortalConfigurationSerializer(ApiObjectSerializer):
    object_name = "billing_portal.configuration"
    model = PortalConfiguration

    active = serializers.BooleanField()
    business_profile = serializers.DictField()
    created = TimestampField()
    default_return_url = serializers.CharField(allow_null=True)
    features = serializers.DictField()
    is_default = serializers.BooleanField()
    livemode = serializers.BooleanField()
    metadata = serializers.DictField(child=serializers.CharField())
    updated = TimestampField()

    def to_representation(self, instance: PortalConfiguration) -> dict:
        data = super().to_representation(instance)
        data.update(application=None, login_page={"enabled": False, "url": None})
        return data


class PortalSessionSerializer(ApiObjectSerializer):
    object_name = "billing_portal.session"
    model = PortalSession

    configuration = ExpandableField("checkout.api.portal.PortalConfigurationSerializer",
                                    source="configuration_id")
    created = TimestampField()
    customer = serializers.CharField(source="customer_id")
    livemode = serializers.BooleanField()
    locale = serializers.CharField(allow_null=True)
    return_url = serializers.CharField(allow_null=True)

    def to_representation(self, instance: PortalSession) -> dict:
        data = super().to_representation(instance)
        data.update(flow=None, on_behalf_of=None, url=settings.TILL_PUBLIC_URL + reverse(
            "portal:home", args=[instance.url_token]))
        return data


# -- views ---------------------------------------------------------------------------------

class PortalConfigurationListView(ApiView):
    @extend_schema(operation_id="ListBillingPortalConfigurations",
                   parameters=[PortalConfigurationListParams],
                   responses=list_of(PortalConfigurationSerializer))
    def get(self, request) -> Response:
        params = self.params(PortalConfigurationListParams)
        configurations = selectors.portal_configuration_list(
            merchant=self.merchant, livemode=self.livemode, active=params.get("active"),
            is_default=params.get("is_default"))
        return self.respond_list(configurations, PortalConfigurationSerializer, params=params)

    @extend_schema(operation_id="CreateBillingPortalConfiguration",
                   request=PortalConfigurationCreateParams, responses=PortalConfigurationSerializer)
    def post(self, request) -> Response:
        params = self.params(PortalConfigurationCreateParams)
        self.expand(PortalConfigurationSerializer)
        configuration = services.portal_configuration_create(
            merchant=self.merchant, livemode=self.livemode, actor=self.actor, **params)
        return self.respond(configuration, PortalConfigurationSerializer)


class PortalConfigurationDetailView(ApiView):
    @extend_schema(operation_id="RetrieveBillingPortalConfiguration", parameters=[ID_PARAM],
                   responses=PortalConfigurationSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        configuration = selectors.portal_configuration_get(id=id, merchant=self.merchant,
                                                           livemode=self.livemode)
        return self.respond(configuration, PortalConfigurationSerializer)

    @extend_schema(operation_id="UpdateBillingPortalConfiguration", parameters=[ID_PARAM],
                   request=PortalConfigurationUpdateParams, responses=PortalConfigurationSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(PortalConfigurationUpdateParams)
        self.expand(PortalConfigurationSerializer)
        configuration = services.portal_configuration_update(
            id=id, merchant=self.merchant, livemode=self.livemode, actor=self.actor,
            active=params.get("active", NOT_GIVEN),
            business_profile=params.get("business_profile"),
            default_return_url=params.get("default_return_url", NOT_GIVEN),
            features=params.get("features"), metadata=params.get("metadata"))
        return self.respond(configuration, PortalConfigurationSerializer)


class PortalSessionCreateView(ApiView):
    @extend_schema(operation_id="CreateBillingPortalSession", request=PortalSessionCreateParams,
                   responses=PortalSessionSerializer)
    def post(self, request) -> Response:
        params = self.params(PortalSessionCreateParams)
        self.expand(PortalSessionSerializer)
        session = services.portal_session_create(merchant=self.merchant,
                                                 livemode=self.livemode, actor=self.actor,
                                                 **params)
        return self.respond(session, PortalSessionSerializer)


urlpatterns = [
    path("billing_portal/configurations", PortalConfigurationListView.as_view()),
    path("billing_portal/configurations/<str:id>", PortalConfigurationDetailView.as_view()),
    path("billing_portal/sessions", PortalSessionCreateView.as_view()),
]
