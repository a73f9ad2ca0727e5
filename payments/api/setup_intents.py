"""SetupIntents on the wire: create, retrieve, update, confirm, cancel, list. Retrieve and
confirm also answer a publishable key with the intent's client_secret."""


from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.lists import ListParams
from api.objects import ApiObjectSerializer, ExpandableField, TimestampField
from api.params import MetadataField, OptionalString, Params
from api.schema import list_of
from api.views import ApiView
from payments import selectors, services
from payments.api.publishable import PublishableKeyView, setup_intent_for_publishable_key
from payments.models import SetupIntent

ID_PARAM = OpenApiParameter("id", str, OpenApiParameter.PATH)
USAGES = ["off_session", "on_session"]


class SetupIntentCreateParams(Params):
    customer = OptionalString(max_length=100)
    payment_method = OptionalString(max_length=200)
    payment_method_types = serializers.ListField(
        child=serializers.ChoiceField(choices=["card"]), required=False, allow_empty=False)
    automatic_payment_methods = serializers.DictField(required=False)
    confirm = serializers.BooleanField(required=False, default=False)
    usage = serializers.ChoiceField(choices=USAGES, required=False)
    return_url = serializers.URLField(required=False, max_length=5000)
    description = OptionalString(max_length=1000)
    metadata = MetadataField(required=False)
    use_stripe_sdk = serializers.BooleanField(required=False)


class SetupIntentUpdateParams(Params):
    customer = serializers.CharField(required=False, max_length=100)
    payment_method = serializers.CharField(required=False, max_length=200)
    description = OptionalString(max_length=1000)
    metadata = MetadataField(required=False)


class SetupIntentConfirmParams(Params):
    payment_method = serializers.CharField(required=False, max_length=200)
    return_url = serializers.URLField(required=False, max_length=5000)
    client_secret = serializers.CharField(required=False, max_length=200)
    use_stripe_sdk = serializers.BooleanField(required=False)


class SetupIntentCancelParams(Params):
    cancellation_reason = serializers.ChoiceField(
        choices=["abandoned", "duplicate", "requested_by_customer"], required=False)


class SetupIntentListParams(ListParams):
    customer = serializers.CharField(required=False, max_length=100)
    payment_method = serializers.CharField(required=False, max_length=200)


class SetupIntentRetrieveParams(Params):
    client_secret = serializers.CharField(required=False, max_length=200)


class SetupIntentSerializer(ApiObjectSerializer):
    object_name = "setup_intent"
    model = SetupIntent

    cancellation_reason = serializers.CharField(allow_null=True)
    client_secret = serializers.CharField()
    created = TimestampField()
    customer = ExpandableField("payments.api.customers.CustomerSerializer", allow_null=True,
                               source="customer_id")
    description = serializers.CharField(allow_null=True)
    last_setup_error = serializers.DictField(allow_null=True)
    latest_attempt = serializers.CharField(allow_null=True)
    livemode = serializers.BooleanField()
    metadata = serializers.DictField(child=serializers.CharField())
    next_action = serializers.DictField(allow_null=True)
    payment_method = ExpandableField("payments.api.payment_methods.PaymentMethodSerializer",
                                     allow_null=True, source="payment_method_id")
    payment_method_types = serializers.ListField(child=serializers.CharField())
    status = serializers.CharField()
    usage = serializers.CharField()

    def to_representation(self, instance: SetupIntent) -> dict:
        data = super().to_representation(instance)
        data["automatic_payment_methods"] = None
        data["payment_method_options"] = {"card": {"mandate_options": None, "network": None,
                                                   "request_three_d_secure": "automatic"}}
        data["flow_directions"] = None
        data["mandate"] = None
        data["single_use_mandate"] = None
        # No Connect, no payment method configurations (the types are listed): null.
        data["application"] = None
        data["on_behalf_of"] = None
        data["payment_method_configuration_details"] = None
        return data


class SetupIntentListView(ApiView):
    @extend_schema(operation_id="ListSetupIntents", parameters=[SetupIntentListParams],
                   responses=list_of(SetupIntentSerializer))
    def get(self, request) -> Response:
        params = self.params(SetupIntentListParams)
        setup_intents = selectors.setup_intent_list(
            merchant=self.merchant, livemode=self.livemode, customer=params.get("customer"),
            payment_method=params.get("payment_method"))
        return self.respond_list(setup_intents, SetupIntentSerializer, params=params)

    @extend_schema(operation_id="CreateSetupIntent", request=SetupIntentCreateParams,
                   responses=SetupIntentSerializer)
    def post(self, request) -> Response:
        params = self.params(SetupIntentCreateParams)
        self.expand(SetupIntentSerializer)
        for wire_only in ("automatic_payment_methods", "use_stripe_sdk"):
            params.pop(wire_only, None)
        setup_intent = services.setup_intent_create(merchant=self.merchant,
                                                    livemode=self.livemode, actor=self.actor,
                                                    **params)
        return self.respond(setup_intent, SetupIntentSerializer)


class SetupIntentDetailView(PublishableKeyView, ApiView):
    allow_publishable_key = True
    publishable_render = staticmethod(setup_intent_for_publishable_key)

    @extend_schema(operation_id="RetrieveSetupIntent",
                   parameters=[ID_PARAM, SetupIntentRetrieveParams],
                   responses=SetupIntentSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(SetupIntentRetrieveParams)
        client_secret = self.client_secret_of(params, object_name="SetupIntent")
        setup_intent = selectors.setup_intent_get(id=id, merchant=self.merchant,
                                                  livemode=self.livemode)
        services.client_secret_check(intent=setup_intent, client_secret=client_secret)
        return self.respond(setup_intent, SetupIntentSerializer)

    @extend_schema(operation_id="UpdateSetupIntent", parameters=[ID_PARAM],
                   request=SetupIntentUpdateParams, responses=SetupIntentSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        self.require_secret_key()
        params = self.params(SetupIntentUpdateParams)
        self.expand(SetupIntentSerializer)
        setup_intent = services.setup_intent_update(id=id, merchant=self.merchant,
                                                    livemode=self.livemode, actor=self.actor,
                                                    **params)
        return self.respond(setup_intent, SetupIntentSerializer)


class SetupIntentConfirmView(PublishableKeyView, ApiView):
    allow_publishable_key = True
    publishable_render = staticmethod(setup_intent_for_publishable_key)

    @extend_schema(operation_id="ConfirmSetupIntent", parameters=[ID_PARAM],
                   request=SetupIntentConfirmParams, responses=SetupIntentSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(SetupIntentConfirmParams)
        client_secret = self.client_secret_of(params, object_name="SetupIntent")
        self.expand(SetupIntentSerializer)
        setup_intent = services.setup_intent_confirm(
            id=id, merchant=self.merchant, livemode=self.livemode, actor=self.actor,
            payment_method=params.get("payment_method"), return_url=params.get("return_url"),
            client_secret=client_secret)
        return self.respond(setup_intent, SetupIntentSerializer)


class SetupIntentCancelView(ApiView):
    @extend_schema(operation_id="CancelSetupIntent", parameters=[ID_PARAM],
                   request=SetupIntentCancelParams, responses=SetupIntentSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(SetupIntentCancelParams)
        self.expand(SetupIntentSerializer)
        setup_intent = services.setup_intent_cancel(
            id=id, merchant=self.merchant, livemode=self.livemode, actor=self.actor,
            cancellation_reason=params.get("cancellation_reason"))
        return self.respond(setup_intent, SetupIntentSerializer)
