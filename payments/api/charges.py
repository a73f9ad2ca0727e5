"""Charges on the wire: retrieve and list (by payment_intent or customer), and Stripe's
legacy create with a `source` and capture (payments.services.legacy: a payment intent
makes the charge under the hood, as any other)."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from api.lists import ListParams
from api.objects import ApiObjectSerializer, ExpandableField, TimestampField
from api.params import CurrencyParam, MetadataField, NoParams, OptionalString, Params
from api.schema import list_of
from api.search import SearchParams, search_query_parse, search_response
from api.views import ApiView
from core.wire import render
from payments import selectors, services
from payments.api.payment_intents import AmountParams
from payments.api.tokens import card_object
from payments.models import Charge
from payments.search import CHARGE_SEARCH_FIELDS

ID_PARAM = OpenApiParameter("id", str, OpenApiParameter.PATH)


class ChargeListParams(ListParams):
    payment_intent = serializers.CharField(required=False, max_length=100)
    customer = serializers.CharField(required=False, max_length=100)


class ChargeCreateParams(AmountParams):
    amount = serializers.IntegerField(min_value=1)
    currency = CurrencyParam()
    source = serializers.CharField(required=False, max_length=200)
    customer = serializers.CharField(required=False, max_length=100)
    capture = serializers.BooleanField(required=False, default=True)
    description = OptionalString(max_length=1000)
    metadata = MetadataField(required=False)
    statement_descriptor = serializers.CharField(required=False, max_length=22)
    receipt_email = serializers.EmailField(required=False, max_length=512)


class ChargeCaptureParams(Params):
    amount = serializers.IntegerField(required=False, min_value=1)


class _RefundObject(ApiObjectSerializer):
    """What an expanded `refunds` list holds, for expand[]'s check: refunds sit above
    payments, so they are rendered through core.wire, and expand no further here."""

    object_name = "refund"


@extend_schema_field(OpenApiTypes.OBJECT)
class ChargeRefundsField(ExpandableField):
    """The charge's refunds as a list object (newest first, the first ten) when expanded
    (`expand[]=refunds`, `expand[]=latest_charge.refunds`); null otherwise."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("payments.api.charges._RefundObject", source="*", **kwargs)

    def to_representation(self, charge: Charge) -> Any:
        if self.parent.expand_tree.get(self.field_name) is None:
            return None
        refunds = list(charge.refunds.order_by("-created", "-pk")[:REFUNDS_SHOWN + 1])
        return {"object": "list", "data": [render(refund) for refund in refunds[:REFUNDS_SHOWN]],
                "has_more": len(refunds) > REFUNDS_SHOWN,
                # Where the rest are (Stripe's /v1/charges/{id}/refunds is /v1/refunds here).
                "url": f"/v1/refunds?charge={charge.id}"}


# As Stripe's embedded list: the first ten.
REFUNDS_SHOWN = 10


class ChargeSerializer(ApiObjectSerializer):
    object_name = "charge"
    model = Charge
    render_related = ("payment_method", "payment_intent")

    amount = serializers.IntegerField()
    amount_captured = serializers.IntegerField()
    amount_refunded = serializers.IntegerField()
    balance_transaction = ExpandableField(
        "ledger.api.balance.BalanceTransactionSerializer", allow_null=True,
        source="balance_transaction_id")
    captured = serializers.BooleanField()
    created = TimestampField()
    currency = serializers.CharField()
    customer = ExpandableField("payments.api.customers.CustomerSerializer", allow_null=True,
                               source="customer_id")
    description = serializers.CharField(allow_null=True)
    disputed = serializers.BooleanField()
    failure_code = serializers.CharField(allow_null=True)
    failure_message = serializers.CharField(allow_null=True)
    livemode = serializers.BooleanField()
    metadata = serializers.DictField(child=serializers.CharField())
    outcome = serializers.DictField()
    paid = serializers.BooleanField()
    payment_intent = ExpandableField("payments.api.payment_intents.PaymentIntentSerializer",
                                     source="payment_intent_id")
    payment_method = serializers.CharField(source="payment_method.wire_id")
    payment_method_details = serializers.DictField()
    receipt_email = serializers.CharField(allow_null=True)
    receipt_number = serializers.CharField(allow_null=True)
    refunded = serializers.BooleanField()
    refunds = ChargeRefundsField()
    statement_descriptor = serializers.CharField(allow_null=True)
    status = serializers.CharField()

    def to_representation(self, instance: Charge) -> dict:
        data = super().to_representation(instance)
        data["billing_details"] = instance.payment_method.billing_details
        data["calculated_statement_descriptor"] = "TILL"
        data["receipt_url"] = services.receipt_url(instance)
        data["review"] = None
        intent = instance.payment_intent
        data["shipping"] = intent.shipping
        data["statement_descriptor_suffix"] = intent.statement_descriptor_suffix
        data["invoice"] = intent.invoice_id
        data["outcome"] = {**OUTCOME_DEFAULTS, **data["outcome"]}
        data["payment_method_details"] = _payment_method_details(
            data["payment_method_details"], uncaptured=instance.paid and not instance.captured)
        data.update(CHARGE_CONSTANTS)
        # A legacy charge's card (Stripe's `source`); null for a payment method's charge.
        method = instance.payment_method
        data["source"] = card_object(method) if method.card_source else None
        return data


# What Stripe renders on a charge that Till has no use for: no Connect (no platform, no
# transfers), no Sources (`source` is set on a legacy charge), no fraud reports yet (Stripe's
# `fraud_details` is `{}` until someone reports one); the ledger books no failure reversal
# of a charge.
CHARGE_CONSTANTS: dict = {
    "application": None, "application_fee": None, "application_fee_amount": None,
    "failure_balance_transaction": None, "fraud_details": {}, "on_behalf_of": None,
    "source": None, "source_transfer": None, "transfer_data": None, "transfer_group": None,
}
# Charges recorded before Till rendered these outcome fields.
OUTCOME_DEFAULTS = {"advice_code": None, "network_advice_code": None,
                    "network_decline_code": None}


def _payment_method_details(details: dict, *, uncaptured: bool) -> dict:
    """Stripe's card details: `capture_before` only while an authorization awaits capture;
    no installment plans or mandates (card payments here have neither); Till's test cards
    are all unregulated (the Durbin cap applies to none)."""
    card = details.get("card")
    if card is None:
        return details
    card = {"authorization_code": None, "network_transaction_id": None, **card,
            "installments": None, "mandate": None, "regulated_status": "unregulated"}
    if not uncaptured:
        card.pop("capture_before", None)
    return {**details, "card": card}


class ChargeListView(ApiView):
    @extend_schema(operation_id="ListCharges", parameters=[ChargeListParams],
                   responses=list_of(ChargeSerializer))
    def get(self, request) -> Response:
        params = self.params(ChargeListParams)
        charges = selectors.charge_list(merchant=self.merchant, livemode=self.livemode,
                                        payment_intent=params.get("payment_intent"),
                                        customer=params.get("customer"))
        return self.respond_list(charges, ChargeSerializer, params=params)

    @extend_schema(operation_id="CreateCharge", request=ChargeCreateParams,
                   responses=ChargeSerializer)
    def post(self, request) -> Response:
        params = self.params(ChargeCreateParams)
        self.expand(ChargeSerializer)
        charge = services.charge_create(merchant=self.merchant, livemode=self.livemode,
                                        actor=self.actor, **params)
        return self.respond(charge, ChargeSerializer)


class ChargeDetailView(ApiView):
    @extend_schema(operation_id="RetrieveCharge", parameters=[ID_PARAM],
                   responses=ChargeSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        charge = selectors.charge_get(id=id, merchant=self.merchant, livemode=self.livemode)
        return self.respond(charge, ChargeSerializer)


class ChargeCaptureView(ApiView):
    @extend_schema(operation_id="CaptureCharge", parameters=[ID_PARAM],
                   request=ChargeCaptureParams, responses=ChargeSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(ChargeCaptureParams)
        self.expand(ChargeSerializer)
        charge = services.charge_capture(id=id, merchant=self.merchant,
                                         livemode=self.livemode, actor=self.actor,
                                         amount=params.get("amount"))
        return self.respond(charge, ChargeSerializer)


class ChargeSearchView(ApiView):
    @extend_schema(operation_id="SearchCharges", parameters=[SearchParams],
                   responses=ChargeSerializer(many=True))
    def get(self, request) -> Response:
        params = self.params(SearchParams)
        condition = search_query_parse(params["query"], fields=CHARGE_SEARCH_FIELDS)
        return search_response(self, params, ChargeSerializer,
                               selectors.charge_list(merchant=self.merchant,
                                                     livemode=self.livemode)
                               .filter(condition))
