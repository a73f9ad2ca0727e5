"""Refunds on the wire: create, retrieve, update (metadata), list, cancel, approve and
reject (refund approvals); batches of refunds: create and retrieve."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.errors import ParameterError
from api.lists import ListParams
from api.objects import ApiObjectSerializer, ExpandableField, TimestampField
from api.params import MetadataField, NoParams, Params, parse
from api.schema import list_of
from api.views import ApiView
from core.exceptions import InvalidParameter
from refunds import selectors, services
from refunds.models import Refund, RefundBatch
from refunds.services import RefundRequest

ID_PARAM = OpenApiParameter("id", str, OpenApiParameter.PATH)


# -- input ---------------------------------------------------------------------------------

class RefundCreateParams(Params):
    payment_intent = serializers.CharField(required=False, max_length=100)
    charge = serializers.CharField(required=False, max_length=100)
    amount = serializers.IntegerField(required=False, min_value=1)
    reason = serializers.ChoiceField(
        choices=["duplicate", "fraudulent", "requested_by_customer"], required=False)
    metadata = MetadataField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "payment_intent" in attrs and "charge" in attrs:
            raise serializers.ValidationError({"payment_intent": serializers.ErrorDetail(
                "You may only specify one of these parameters: charge, payment_intent.",
                code="parameters_exclusive")})
        if "payment_intent" not in attrs and "charge" not in attrs:
            raise serializers.ValidationError({"charge": serializers.ErrorDetail(
                "One of the following params should be provided for this request: "
                "payment_intent or charge.", code="required")})
        return attrs


class RefundBatchCreateParams(Params):
    # The array's shape is checked whole (a malformed array creates nothing); each item is
    # validated on its own in the view, so one malformed item only gets its own error.
    refunds = serializers.ListField(child=serializers.DictField(), allow_empty=False,
                                    max_length=services.BATCH_MAX_ITEMS)


def batch_item_parse(index: int, item: dict[str, Any]) -> RefundRequest | InvalidParameter:
    """One batch item's refund request, or what refused it, naming `refunds[i][param]`."""
    try:
        params = parse(RefundCreateParams, item)
    except ParameterError as exc:
        return InvalidParameter(exc.message, code=exc.code, param=(
            f"refunds[{index}][{exc.param}]" if exc.param else f"refunds[{index}]"))
    return RefundRequest(payment_intent=params.get("payment_intent"),
                         charge=params.get("charge"), amount=params.get("amount"),
                         reason=params.get("reason"), metadata=params.get("metadata"))


class RefundUpdateParams(Params):
    metadata = MetadataField(required=False)


class RefundListParams(ListParams):
    payment_intent = serializers.CharField(required=False, max_length=100)
    charge = serializers.CharField(required=False, max_length=100)


# -- output --------------------------------------------------------------------------------

class RefundSerializer(ApiObjectSerializer):
    object_name = "refund"
    model = Refund

    amount = serializers.IntegerField()
    balance_transaction = ExpandableField(
        "ledger.api.balance.BalanceTransactionSerializer", source="balance_transaction_id")
    charge = ExpandableField("payments.api.charges.ChargeSerializer", source="charge_id")
    created = TimestampField()
    currency = serializers.CharField()
    # Not in Stripe's refund object; Till shows every object's mode.
    livemode = serializers.BooleanField()
    metadata = serializers.DictField(child=serializers.CharField())
    payment_intent = ExpandableField("payments.api.payment_intents.PaymentIntentSerializer",
                                     source="payment_intent_id")
    reason = serializers.CharField(allow_null=True)
    status = serializers.CharField()

    def to_representation(self, instance: Refund) -> dict:
        data = super().to_representation(instance)
        # Stripe shows the reversal of a failed or canceled refund's debit, and only then.
        if instance.failure_balance_transaction_id:
            data["failure_balance_transaction"] = instance.failure_balance_transaction_id
        if instance.status == Refund.Status.FAILED:  # Stripe's: only on a failed refund
            data["failure_reason"] = instance.failure_reason or "unknown"
        data["destination_details"] = _card_destination(instance)
        # No receipts for refunds or transfers (no Connect) here.
        data["receipt_number"] = None
        data["source_transfer_reversal"] = None
        data["transfer_reversal"] = None
        return data


def _card_destination(refund: Refund) -> dict:
    """Where a card refund's money goes, as Stripe shows it: a `refund` to the card, or the
    `reversal` of an authorization released before capture (which books nothing). The
    simulated acquirer gives no acquirer reference number, so none is shown once the refund
    has been sent."""
    released = refund.status == Refund.Status.SUCCEEDED and refund.balance_transaction_id is None
    status = "pending" if refund.status == Refund.Status.PENDING else "unavailable"
    return {"card": {"reference_status": status, "reference_type": "acquirer_reference_number",
                     "type": "reversal" if released else "refund"},
            "type": "card"}


class RefundBatchItemSerializer(serializers.Serializer):
    index = serializers.IntegerField()
    refund = serializers.CharField(source="refund_id", allow_null=True)
    error = serializers.DictField(allow_null=True)


class RefundBatchSerializer(ApiObjectSerializer):
    object_name = "refund_batch"
    model = RefundBatch

    completed_at = TimestampField(allow_null=True)
    created = TimestampField()
    failed_count = serializers.IntegerField()
    items = RefundBatchItemSerializer(many=True, source="item_list")
    livemode = serializers.BooleanField()
    status = serializers.CharField()
    succeeded_count = serializers.IntegerField()
    total_count = serializers.IntegerField()


# -- views ---------------------------------------------------------------------------------

class RefundListView(ApiView):
    @extend_schema(operation_id="ListRefunds", parameters=[RefundListParams],
                   responses=list_of(RefundSerializer))
    def get(self, request) -> Response:
        params = self.params(RefundListParams)
        refunds = selectors.refund_list(merchant=self.merchant, livemode=self.livemode,
                                        payment_intent=params.get("payment_intent"),
                                        charge=params.get("charge"))
        return self.respond_list(refunds, RefundSerializer, params=params)

    @extend_schema(operation_id="CreateRefund", request=RefundCreateParams,
                   responses=RefundSerializer)
    def post(self, request) -> Response:
        params = self.params(RefundCreateParams)
        self.expand(RefundSerializer)
        refund = services.refund_create(merchant=self.merchant, livemode=self.livemode,
                                        actor=self.actor, **params)
        return self.respond(refund, RefundSerializer)


class RefundDetailView(ApiView):
    @extend_schema(operation_id="RetrieveRefund", parameters=[ID_PARAM],
                   responses=RefundSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        refund = selectors.refund_get(id=id, merchant=self.merchant, livemode=self.livemode)
        return self.respond(refund, RefundSerializer)

    @extend_schema(operation_id="UpdateRefund", parameters=[ID_PARAM],
                   request=RefundUpdateParams, responses=RefundSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(RefundUpdateParams)
        self.expand(RefundSerializer)
        refund = services.refund_update(id=id, merchant=self.merchant, livemode=self.livemode,
                                        **params)
        return self.respond(refund, RefundSerializer)


class RefundCancelView(ApiView):
    @extend_schema(operation_id="CancelRefund", parameters=[ID_PARAM], request=NoParams,
                   responses=RefundSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        self.expand(RefundSerializer)
        refund = services.refund_cancel(id=id, merchant=self.merchant, livemode=self.livemode,
                                        actor=self.actor)
        return self.respond(refund, RefundSerializer)


class RefundApproveView(ApiView):
    @extend_schema(operation_id="ApproveRefund", parameters=[ID_PARAM], request=NoParams,
                   responses=RefundSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        self.expand(RefundSerializer)
        refund = services.refund_approve(id=id, merchant=self.merchant, livemode=self.livemode,
                                         actor=self.actor)
        return self.respond(refund, RefundSerializer)


class RefundRejectView(ApiView):
    @extend_schema(operation_id="RejectRefund", parameters=[ID_PARAM], request=NoParams,
                   responses=RefundSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        self.expand(RefundSerializer)
        refund = services.refund_reject(id=id, merchant=self.merchant, livemode=self.livemode,
                                        actor=self.actor)
        return self.respond(refund, RefundSerializer)


class RefundBatchCreateView(ApiView):
    @extend_schema(operation_id="CreateRefundBatch", request=RefundBatchCreateParams,
                   responses=RefundBatchSerializer)
    def post(self, request) -> Response:
        params = self.params(RefundBatchCreateParams)
        self.expand(RefundBatchSerializer)
        items = [batch_item_parse(index, item) for index, item in enumerate(params["refunds"])]
        batch = services.refund_batch_create(merchant=self.merchant, livemode=self.livemode,
                                             items=items, actor=self.actor)
        return self.respond(batch, RefundBatchSerializer)


class RefundBatchDetailView(ApiView):
    @extend_schema(operation_id="RetrieveRefundBatch", parameters=[ID_PARAM],
                   responses=RefundBatchSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        batch = selectors.refund_batch_get(id=id, merchant=self.merchant,
                                           livemode=self.livemode)
        return self.respond(batch, RefundBatchSerializer)
