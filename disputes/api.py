"""Disputes on the wire: retrieve, list, update (evidence, metadata, submit) and close."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.lists import ListParams
from api.objects import ApiObjectSerializer, ExpandableField, TimestampField
from api.params import MetadataField, NoParams, Params
from api.schema import list_of
from api.views import ApiView
from disputes import selectors, services
from disputes.models import Dispute
from ledger import selectors as ledger_selectors
from ledger.api.balance import BalanceTransactionSerializer

ID_PARAM = OpenApiParameter("id", str, OpenApiParameter.PATH)


# -- input ---------------------------------------------------------------------------------

# Stripe's evidence fields. Till keeps each as free text (file fields hold a file id).
EVIDENCE_FIELDS = (
    "access_activity_log", "billing_address", "cancellation_policy",
    "cancellation_policy_disclosure", "cancellation_rebuttal", "customer_communication",
    "customer_email_address", "customer_name", "customer_purchase_ip", "customer_signature",
    "duplicate_charge_documentation", "duplicate_charge_explanation", "duplicate_charge_id",
    "product_description", "receipt", "refund_policy", "refund_policy_disclosure",
    "refund_refusal_explanation", "service_date", "service_documentation",
    "shipping_address", "shipping_carrier", "shipping_date", "shipping_documentation",
    "shipping_tracking_number", "uncategorized_file", "uncategorized_text",
)


class DisputeEvidenceParams(Params):
    def get_fields(self) -> dict[str, serializers.Field]:
        return {name: serializers.CharField(required=False, allow_blank=True,
                                            max_length=20000)
                for name in EVIDENCE_FIELDS}


class DisputeUpdateParams(Params):
    evidence = DisputeEvidenceParams(required=False)
    metadata = MetadataField(required=False)
    submit = serializers.BooleanField(required=False)


class DisputeListParams(ListParams):
    charge = serializers.CharField(required=False, max_length=100)
    payment_intent = serializers.CharField(required=False, max_length=100)


# -- output --------------------------------------------------------------------------------

class DisputeSerializer(ApiObjectSerializer):
    object_name = "dispute"
    model = Dispute

    amount = serializers.IntegerField()
    charge = ExpandableField("payments.api.charges.ChargeSerializer", source="charge_id")
    created = TimestampField()
    currency = serializers.CharField()
    livemode = serializers.BooleanField()
    metadata = serializers.DictField(child=serializers.CharField())
    payment_intent = ExpandableField("payments.api.payment_intents.PaymentIntentSerializer",
                                     source="payment_intent_id")
    reason = serializers.CharField()
    status = serializers.CharField()

    def to_representation(self, instance: Dispute) -> dict:
        data = super().to_representation(instance)
        data["evidence"] = {name: instance.evidence.get(name) or None
                            for name in EVIDENCE_FIELDS}
        data["evidence"]["enhanced_evidence"] = {}
        due_by = instance.due_by
        data["evidence_details"] = {
            "due_by": int(due_by.timestamp()) if due_by else None,
            "enhanced_eligibility": {},
            "has_evidence": any(instance.evidence.values()),
            "past_due": instance.past_due,
            "submission_count": instance.submission_count,
        }
        # As Stripe: an inquiry's charge can be refunded while something of it remains (an
        # escalation then withdraws only what is left); a chargeback's cannot.
        data["enhanced_eligibility_types"] = []
        data["is_charge_refundable"] = instance.is_charge_refundable
        data["payment_method_details"] = {
            "type": "card",
            "card": {"brand": (instance.charge.payment_method_details.get("card") or {})
                     .get("brand"),
                     "case_type": "inquiry" if instance.is_inquiry else "chargeback",
                     "network_reason_code": None}}
        # What the chargeback moved: its withdrawals (the first with the fee) and, if it was
        # won, the reinstatement, as the ledger booked them.
        booked = instance.__dict__.get("balance_transactions_booked")
        if booked is None:
            booked = ledger_selectors.balance_transactions_of_sources(
                sources=[instance.id])[instance.id]
        data["balance_transactions"] = [BalanceTransactionSerializer.render_object(txn)
                                        for txn in booked]
        return data


def with_balance_transactions(disputes: list[Dispute]) -> None:
    """A page of disputes with what each moved, read in one query for the page."""
    booked = ledger_selectors.balance_transactions_of_sources(
        sources=[dispute.id for dispute in disputes])
    for dispute in disputes:
        dispute.balance_transactions_booked = booked[dispute.id]


# -- views ---------------------------------------------------------------------------------

class DisputeListView(ApiView):
    @extend_schema(operation_id="ListDisputes", parameters=[DisputeListParams],
                   responses=list_of(DisputeSerializer))
    def get(self, request) -> Response:
        params = self.params(DisputeListParams)
        disputes = selectors.dispute_list(merchant=self.merchant, livemode=self.livemode,
                                          charge=params.get("charge"),
                                          payment_intent=params.get("payment_intent"))
        return self.respond_list(disputes, DisputeSerializer, params=params,
                                 prepare=with_balance_transactions)


class DisputeDetailView(ApiView):
    @extend_schema(operation_id="RetrieveDispute", parameters=[ID_PARAM],
                   responses=DisputeSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        dispute = selectors.dispute_get(id=id, merchant=self.merchant, livemode=self.livemode)
        return self.respond(dispute, DisputeSerializer)

    @extend_schema(operation_id="UpdateDispute", parameters=[ID_PARAM],
                   request=DisputeUpdateParams, responses=DisputeSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(DisputeUpdateParams)
        self.expand(DisputeSerializer)
        dispute = services.dispute_update(id=id, merchant=self.merchant,
                                          livemode=self.livemode, actor=self.actor, **params)
        return self.respond(dispute, DisputeSerializer)


class DisputeCloseView(ApiView):
    @extend_schema(operation_id="CloseDispute", parameters=[ID_PARAM], request=NoParams,
                   responses=DisputeSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        self.expand(DisputeSerializer)
        dispute = services.dispute_close(id=id, merchant=self.merchant, livemode=self.livemode,
                                         actor=self.actor)
        return self.respond(dispute, DisputeSerializer)
