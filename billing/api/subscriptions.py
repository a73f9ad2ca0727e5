"""Subscriptions on the wire: /v1/subscriptions (create, retrieve, update, cancel, list)."""

from typing import Any

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from api.errors import ParameterError
from api.lists import ListParams
from api.objects import ApiObjectSerializer, ExpandableField, TimestampField
from api.params import (
    MetadataField,
    NoParams,
    OptionalString,
    Params,
    TimestampOrNowParam,
    TimestampParam,
)
from api.schema import list_of
from api.search import SearchParams, search_query_parse, search_response
from api.views import ApiView
from billing import selectors, services
from billing.api.coupons import DiscountSerializer, DiscountsParam, discounts_from
from billing.api.plans import PlanSerializer
from billing.api.prices import (
    AmountParam,
    DecimalAmountParam,
    PriceSerializer,
    RefusedParam,
    SupportedCurrencyParam,
    decimal_of,
    exclusive,
)
from billing.api.products import DefaultPriceRecurringParams
from billing.models import Price, Subscription, SubscriptionItem
from billing.services.subscription_anchors import CREATE_PRORATION_BEHAVIORS
from billing.services.subscription_changes import PRORATION_BEHAVIORS
from billing.services.subscription_invoice_items import MAX_ADD_INVOICE_ITEMS
from billing.services.subscriptions import PAYMENT_BEHAVIORS

ID_PARAM = OpenApiParameter("id", str, OpenApiParameter.PATH)
# Update parameters of Stripe's that come with later slices: refused clearly, not ignored.
NOT_YET_UPDATABLE = ("trial_from_plan",)
NOT_YET_CREATABLE = ("trial_from_plan",)


# -- input ---------------------------------------------------------------------------------

@extend_schema_field({"oneOf": [{"type": "integer", "minimum": 0},
                                {"type": "string", "enum": [""]}]})
class ClearableTimestampParam(TimestampParam):
    """A moment as Unix seconds, or "" to clear it (given back as None)."""

    words = ("",)

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data == "":
            return True, None
        return super().validate_empty_values(data)


class PauseCollectionParams(Params):
    """`pause_collection[behavior]` and `[resumes_at]`, or "" to clear it (None)."""

    behavior = serializers.ChoiceField(choices=Subscription.PauseCollection.choices)
    resumes_at = TimestampParam(required=False)

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data == "":
            return True, None
        return super().validate_empty_values(data)

    def validate(self, attrs: dict[str, Any]) -> services.PauseCollectionSpec:
        return services.PauseCollectionSpec(behavior=attrs["behavior"],
                                            resumes_at=attrs.get("resumes_at"))


class OneTimePriceDataParams(Params):
    """`price_data` of a one-time price (`add_invoice_items[]`): Stripe makes it, inactive,
    for an existing product."""

    currency = SupportedCurrencyParam()
    product = serializers.CharField(max_length=100)
    tax_behavior = serializers.ChoiceField(choices=Price.TaxBehavior.choices, required=False)
    unit_amount = AmountParam()
    unit_amount_decimal = DecimalAmountParam(required=False)

    def validate(self, attrs: dict[str, Any]) -> services.PriceDataSpec:
        exclusive(attrs, "unit_amount", "unit_amount_decimal")
        return services.PriceDataSpec(
            currency=attrs["currency"], product=attrs["product"],
            unit_amount=decimal_of(attrs, "unit_amount"), recurring=attrs.get("recurring"),
            tax_behavior=attrs.get("tax_behavior", Price.TaxBehavior.UNSPECIFIED))


class PriceDataParams(OneTimePriceDataParams):
    """`price_data` of an item's recurring price."""

    recurring = DefaultPriceRecurringParams()


class ItemParams(Params):
    price = serializers.CharField(max_length=100, required=False)
    price_data = PriceDataParams(required=False)
    quantity = serializers.IntegerField(min_value=0, max_value=1_000_000_000, default=1)

    def validate(self, attrs: dict[str, Any]) -> services.ItemSpec:
        return services.ItemSpec(price=attrs.get("price"), quantity=attrs["quantity"],
                                 price_data=attrs.get("price_data"))


class AddInvoiceItemParams(Params):
    price = serializers.CharField(max_length=100, required=False)
    price_data = OneTimePriceDataParams(required=False)
    quantity = serializers.IntegerField(min_value=0, max_value=1_000_000_000, default=1)
    discounts = RefusedParam("Discounts on `add_invoice_items` are not supported by Till "
                             "yet: give the subscription its discounts instead.")

    def validate(self, attrs: dict[str, Any]) -> services.InvoiceItemSpec:
        return services.InvoiceItemSpec(price=attrs.get("price"),
                                        price_data=attrs.get("price_data"),
                                        quantity=attrs["quantity"])


class AnchorConfigParams(Params):
    day_of_month = serializers.IntegerField(min_value=1, max_value=31)
    hour = serializers.IntegerField(min_value=0, max_value=23, required=False)
    minute = serializers.IntegerField(min_value=0, max_value=59, required=False)
    second = serializers.IntegerField(min_value=0, max_value=59, required=False)
    month = serializers.IntegerField(min_value=1, max_value=12, required=False)

    def validate(self, attrs: dict[str, Any]) -> services.AnchorConfig:
        return services.AnchorConfig(**attrs)


class EndBehaviorParams(Params):
    missing_payment_method = serializers.ChoiceField(
        choices=Subscription.MissingPaymentMethod.choices)


class TrialSettingsParams(Params):
    end_behavior = EndBehaviorParams()


class SubscriptionCreateParams(Params):
    customer = serializers.CharField(max_length=100)
    items = ItemParams(many=True, max_length=20)
    default_payment_method = OptionalString(max_length=100)
    payment_behavior = serializers.ChoiceField(choices=PAYMENT_BEHAVIORS, required=False)
    off_session = serializers.BooleanField(required=False)
    collection_method = serializers.ChoiceField(
        choices=Subscription.CollectionMethod.choices, required=False)
    days_until_due = serializers.IntegerField(required=False, min_value=0, max_value=3650)
    description = OptionalString(max_length=500)
    metadata = MetadataField(required=False)
    trial_period_days = serializers.IntegerField(required=False, min_value=0, max_value=730)
    trial_end = TimestampOrNowParam(required=False)
    trial_settings = TrialSettingsParams(required=False)
    cancel_at = TimestampParam(required=False)
    billing_cycle_anchor = TimestampParam(required=False)
    billing_cycle_anchor_config = AnchorConfigParams(required=False)
    backdate_start_date = TimestampParam(required=False)
    proration_behavior = serializers.ChoiceField(choices=CREATE_PRORATION_BEHAVIORS,
                                                 required=False)
    add_invoice_items = AddInvoiceItemParams(many=True, required=False,
                                             max_length=MAX_ADD_INVOICE_ITEMS)
    discounts = DiscountsParam()
    # Stripe's older ways to give one discount (this API version still takes them).
    coupon = serializers.CharField(required=False, max_length=100)
    promotion_code = serializers.CharField(required=False, max_length=100)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if settings := attrs.pop("trial_settings", None):
            attrs["trial_missing_payment_method"] = (
                settings["end_behavior"]["missing_payment_method"])
        return attrs


class SubscriptionResumeParams(Params):
    billing_cycle_anchor = serializers.ChoiceField(choices=["now", "unchanged"],
                                                   required=False)
    proration_behavior = serializers.ChoiceField(
        choices=["always_invoice", "create_prorations", "none"], required=False)
    proration_date = TimestampParam(required=False)


class ItemChangeParams(Params):
    id = serializers.CharField(required=False, max_length=100)
    price = serializers.CharField(required=False, max_length=100)
    price_data = PriceDataParams(required=False)
    quantity = serializers.IntegerField(required=False, min_value=0, max_value=1_000_000_000)
    deleted = serializers.BooleanField(required=False)

    def validate(self, attrs: dict[str, Any]) -> services.ItemChange:
        return services.ItemChange(id=attrs.get("id"), price=attrs.get("price"),
                                   price_data=attrs.get("price_data"),
                                   quantity=attrs.get("quantity"),
                                   deleted=attrs.get("deleted", False))


class SubscriptionUpdateParams(Params):
    items = ItemChangeParams(many=True, required=False, max_length=20)
    add_invoice_items = AddInvoiceItemParams(many=True, required=False,
                                             max_length=MAX_ADD_INVOICE_ITEMS)
    proration_behavior = serializers.ChoiceField(choices=PRORATION_BEHAVIORS, required=False)
    proration_date = TimestampParam(required=False)
    payment_behavior = serializers.ChoiceField(choices=services.UPDATE_PAYMENT_BEHAVIORS,
                                               required=False)
    off_session = serializers.BooleanField(required=False)
    billing_cycle_anchor = serializers.ChoiceField(choices=["now", "unchanged"],
                                                   required=False)
    trial_end = TimestampOrNowParam(required=False)
    default_payment_method = OptionalString(max_length=100)
    cancel_at_period_end = serializers.BooleanField(required=False)
    collection_method = serializers.ChoiceField(
        choices=Subscription.CollectionMethod.choices, required=False)
    days_until_due = serializers.IntegerField(required=False, min_value=0, max_value=3650)
    cancel_at = ClearableTimestampParam(required=False)
    pause_collection = PauseCollectionParams(required=False, allow_null=True)
    description = OptionalString(max_length=500)
    metadata = MetadataField(required=False)
    discounts = DiscountsParam()
    coupon = serializers.CharField(required=False, max_length=100, allow_blank=True)
    promotion_code = serializers.CharField(required=False, max_length=100, allow_blank=True)


class SubscriptionCancelParams(Params):
    invoice_now = serializers.BooleanField(required=False)
    prorate = serializers.BooleanField(required=False)
    cancellation_details = serializers.DictField(required=False)


class SubscriptionListParams(ListParams):
    customer = serializers.CharField(required=False, max_length=100)
    price = serializers.CharField(required=False, max_length=100)
    status = serializers.ChoiceField(
        choices=[*Subscription.Status.values, "all", "ended"], required=False)


def _refuse(raw: dict[str, Any], names: tuple[str, ...], what: str) -> None:
    for name in names:
        if any(key == name or key.startswith(f"{name}[") for key in raw):
            raise ParameterError(f"`{name}` on {what} is not supported by Till yet.",
                                 param=name)


# -- output --------------------------------------------------------------------------------

class SubscriptionItemSerializer(ApiObjectSerializer):
    object_name = "subscription_item"
    model = SubscriptionItem

    created = TimestampField()
    current_period_end = TimestampField()
    current_period_start = TimestampField()
    metadata = serializers.DictField(child=serializers.CharField())
    price = serializers.SerializerMethodField()
    quantity = serializers.IntegerField()
    subscription = serializers.CharField(source="subscription_id")

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_price(self, obj: SubscriptionItem) -> dict[str, Any]:
        return PriceSerializer.render_object(obj.price.as_price())

    def to_representation(self, instance: SubscriptionItem) -> dict:
        data = super().to_representation(instance)
        data.update(billing_thresholds=None, discounts=[], tax_rates=[],
                    plan=PlanSerializer.render_object(instance.price.as_plan()))
        return data


@extend_schema_field(OpenApiTypes.OBJECT)
class ItemsField(serializers.Field):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(read_only=True, source="*")
        super().__init__(**kwargs)

    def to_representation(self, subscription: Subscription) -> dict[str, Any]:
        items = sorted(subscription.items.all(), key=lambda item: (item.created, item.id))
        return {"object": "list",
                "data": [SubscriptionItemSerializer.render_object(item) for item in items],
                "has_more": False, "total_count": len(items),
                "url": f"/v1/subscription_items?subscription={subscription.id}"}


class SubscriptionSerializer(ApiObjectSerializer):
    object_name = "subscription"
    model = Subscription

    billing_cycle_anchor = TimestampField()
    billing_cycle_anchor_config = serializers.DictField(allow_null=True)
    cancel_at = TimestampField(allow_null=True)
    cancel_at_period_end = serializers.BooleanField()
    canceled_at = TimestampField(allow_null=True)
    collection_method = serializers.CharField()
    created = TimestampField()
    currency = serializers.CharField()
    current_period_end = TimestampField()
    current_period_start = TimestampField()
    customer = ExpandableField("payments.api.customers.CustomerSerializer",
                               source="customer_id")
    days_until_due = serializers.IntegerField(allow_null=True)
    default_payment_method = ExpandableField(
        "payments.api.payment_methods.PaymentMethodSerializer", allow_null=True,
        source="default_payment_method_id")
    description = serializers.CharField(allow_null=True)
    ended_at = TimestampField(allow_null=True)
    items = ItemsField()
    latest_invoice = ExpandableField("billing.api.invoices.InvoiceSerializer",
                                     allow_null=True, source="latest_invoice_id")
    livemode = serializers.BooleanField()
    metadata = serializers.DictField(child=serializers.CharField())
    start_date = TimestampField()
    status = serializers.CharField()
    trial_end = TimestampField(allow_null=True)
    trial_start = TimestampField(allow_null=True)

    def to_representation(self, instance: Subscription) -> dict:
        data = super().to_representation(instance)
        data.update(_NOT_YET)
        if instance.pause_collection_behavior is not None:
            resumes_at = instance.pause_collection_resumes_at
            data["pause_collection"] = {
                "behavior": instance.pause_collection_behavior,
                "resumes_at": int(resumes_at.timestamp()) if resumes_at else None}
        data["cancellation_details"] = {"comment": None, "feedback": None,
                                        "reason": instance.cancellation_reason}
        data["test_clock"] = instance.customer.test_clock_id
        if instance.pending_update_items is not None and not instance.pending_update_hidden:
            data["pending_update"] = {
                "billing_cycle_anchor": None,
                "expires_at": int(instance.pending_update_expires_at.timestamp()),
                "subscription_items": [
                    SubscriptionItemSerializer.render_object(item)
                    for item in selectors.subscription_pending_items(subscription=instance)],
                "trial_end": None, "trial_from_plan": None}
        items = list(instance.items.all())
        data["quantity"] = items[0].quantity if len(items) == 1 else None
        data["trial_settings"] = {"end_behavior": {
            "missing_payment_method": instance.trial_missing_payment_method}}
        discounts = selectors.subscription_discounts(subscription=instance)
        data["discounts"] = [discount.id for discount in discounts]
        data["discount"] = (DiscountSerializer.render_object(discounts[0])
                            if len(discounts) == 1 else None)
        return data


# Stripe's fields of what Till's subscriptions do not have (schedules, taxes, Connect), and
# the defaults of those they may have (discounts, a paused collection, a pending update),
# which the serializer then sets from the subscription.
_NOT_YET: dict[str, Any] = {
    "application": None, "application_fee_percent": None,
    "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None},
    "billing_thresholds": None,
    "default_source": None, "default_tax_rates": [], "discount": None, "discounts": [],
    "invoice_settings": {"account_tax_ids": None, "issuer": {"type": "self"}},
    "next_pending_invoice_item_invoice": None, "on_behalf_of": None,
    "pause_collection": None,  # unless collection is paused
    "payment_settings": {"payment_method_options": None, "payment_method_types": None,
                         "save_default_payment_method": "off"},
    "pending_invoice_item_interval": None, "pending_setup_intent": None,
    "pending_update": None, "plan": None, "schedule": None, "transfer_data": None,
}


# -- views ---------------------------------------------------------------------------------

class SubscriptionView(ApiView):
    def respond_subscription(self, subscription: Subscription) -> Response:
        shown = selectors.subscription_get(id=subscription.id, merchant=self.merchant,
                                           livemode=self.livemode)
        return self.respond(shown, SubscriptionSerializer)


class SubscriptionListView(SubscriptionView):
    @extend_schema(operation_id="ListSubscriptions", parameters=[SubscriptionListParams],
                   responses=list_of(SubscriptionSerializer))
    def get(self, request) -> Response:
        params = self.params(SubscriptionListParams)
        subscriptions = selectors.subscription_list(
            merchant=self.merchant, livemode=self.livemode, customer=params.get("customer"),
            price=params.get("price"), status=params.get("status"))
        return self.respond_list(subscriptions, SubscriptionSerializer, params=params)

    @extend_schema(operation_id="CreateSubscription", request=SubscriptionCreateParams,
                   responses=SubscriptionSerializer)
    def post(self, request) -> Response:
        _refuse(self.raw_params, NOT_YET_CREATABLE, "a subscription's creation")
        params = self.params(SubscriptionCreateParams)
        discounts_from(params, legacy=True)
        self.expand(SubscriptionSerializer)
        subscription = services.subscription_create(
            merchant=self.merchant, livemode=self.livemode, actor=self.actor, **params)
        return self.respond_subscription(subscription)


class SubscriptionSearchView(SubscriptionView):
    @extend_schema(operation_id="SearchSubscriptions", parameters=[SearchParams],
                   responses=SubscriptionSerializer(many=True))
    def get(self, request) -> Response:
        params = self.params(SearchParams)
        return search_response(self, params, SubscriptionSerializer,
                               selectors.subscription_search(
                                   merchant=self.merchant, livemode=self.livemode,
                                   condition=search_query_parse(
                                       params["query"],
                                       fields=selectors.SUBSCRIPTION_SEARCH_FIELDS)))


class SubscriptionDetailView(SubscriptionView):
    @extend_schema(operation_id="RetrieveSubscription", parameters=[ID_PARAM],
                   responses=SubscriptionSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        subscription = selectors.subscription_get(id=id, merchant=self.merchant,
                                                  livemode=self.livemode)
        return self.respond(subscription, SubscriptionSerializer)

    @extend_schema(operation_id="UpdateSubscription", parameters=[ID_PARAM],
                   request=SubscriptionUpdateParams, responses=SubscriptionSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        _refuse(self.raw_params, NOT_YET_UPDATABLE, "a subscription's update")
        params = self.params(SubscriptionUpdateParams)
        discounts_from(params, legacy=True)
        self.expand(SubscriptionSerializer)
        subscription = services.subscription_update(
            id=id, merchant=self.merchant, livemode=self.livemode, actor=self.actor, **params)
        return self.respond_subscription(subscription)

    @extend_schema(operation_id="CancelSubscription", parameters=[ID_PARAM],
                   request=SubscriptionCancelParams, responses=SubscriptionSerializer)
    def delete(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(SubscriptionCancelParams)
        self.expand(SubscriptionSerializer)
        subscription = services.subscription_cancel(
            id=id, merchant=self.merchant, livemode=self.livemode, actor=self.actor,
            prorate=params.get("prorate", False), invoice_now=params.get("invoice_now", False))
        return self.respond_subscription(subscription)


class SubscriptionResumeView(SubscriptionView):
    @extend_schema(operation_id="ResumeSubscription", parameters=[ID_PARAM],
                   request=SubscriptionResumeParams, responses=SubscriptionSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(SubscriptionResumeParams)
        if params.get("billing_cycle_anchor") == "unchanged":
            raise ParameterError("`billing_cycle_anchor=unchanged` on a resumption is not "
                                 "supported by Till yet: a resumed subscription starts a new "
                                 "period now.", param="billing_cycle_anchor")
        for name in ("proration_behavior", "proration_date"):
            if name in params:
                raise ParameterError(f"`{name}` on a resumption is not supported by Till yet.",
                                     param=name)
        self.expand(SubscriptionSerializer)
        subscription = services.subscription_resume(id=id, merchant=self.merchant,
                                                    livemode=self.livemode, actor=self.actor)
        return self.respond_subscription(subscription)


urlpatterns = [
    path("subscriptions", SubscriptionListView.as_view()),
    path("subscriptions/search", SubscriptionSearchView.as_view()),
    path("subscriptions/<str:id>", SubscriptionDetailView.as_view()),
    path("subscriptions/<str:id>/resume", SubscriptionResumeView.as_view()),
]
