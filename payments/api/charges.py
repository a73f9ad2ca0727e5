"""Charges on the wire: retrieve and list (by payment_intent or customer). Charges are
made by payment intents, one per attempt; there is no create here."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.lists import ListParams
from api.objects import ApiObjectSerializer, ExpandableField, TimestampField
from api.params import NoParams
from api.schema import list_of
from api.views import ApiView
from payments import selectors, services
from payments.models import Charge

ID_PARAM = OpenApiParameter("id", str, OpenApiParameter.PATH)


class ChargeListParams(ListParams):
    payment_intent = serializers.CharField(required=False, max_length=100)
    customer = serializers.CharField(required=False, max_length=100)


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
    payment_method = serializers.CharField(source="payment_method_id")
    payment_method_details = serializers.DictField()
    receipt_email = serializers.CharField(allow_null=True)
    receipt_number = serializers.CharField(allow_null=True)
    refunded = serializers.BooleanField()
    statement_descriptor = serializers.CharField(allow_null=True)
    status = serializers.CharField()

    def to_representation(self, instance: Charge) -> dict:
        data = super().to_representation(instance)
        data["billing_details"] = instance.payment_method.billing_details
        data["calculated_statement_descriptor"] = "TILL"
        data["receipt_url"] = services.receipt_url(instance)
        data["refunds"] = None
        data["review"] = None
        intent = instance.payment_intent
        data["shipping"] = intent.shipping
        data["statement_descriptor_suffix"] = intent.statement_descriptor_suffix
        data["invoice"] = intent.invoice_id
        data["outcome"] = {**OUTCOME_DEFAULTS, **data["outcome"]}
        data["payment_method_details"] = _payment_method_details(
            data["payment_method_details"], uncaptured=instance.paid and not instance.captured)
        data.update(CHARGE_CONSTANTS)
        return data


# What Stripe renders on a charge that Till has no use for: no Connect (no platform, no
# transfers), no legacy Sources (payment methods instead), no fraud reports yet (Stripe's
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


class ChargeDetailView(ApiView):
    @extend_schema(operation_id="RetrieveCharge", parameters=[ID_PARAM],
                   responses=ChargeSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        charge = selectors.charge_get(id=id, merchant=self.merchant, livemode=self.livemode)
        return self.respond(charge, ChargeSerializer)
