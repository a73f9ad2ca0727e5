"""Payouts on the wire: create, retrieve, update (metadata), list, cancel; the bank account
a payout goes to, expandable as `destination`."""

from typing import Any

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.lists import ListParams, RangeFilter, range_q
from api.objects import ApiObjectSerializer, ExpandableField, TimestampField
from api.params import CurrencyParam, MetadataField, NoParams, Params
from api.schema import list_of
from api.views import ApiView
from ledger import selectors
from ledger.models import BankAccount, Payout
from ledger.services import payouts as services
from ledger.services.payouts import PayoutRequest

ID_PARAM = OpenApiParameter("id", str, OpenApiParameter.PATH)


# -- input ---------------------------------------------------------------------------------

class PayoutCreateParams(Params):
    amount = serializers.IntegerField(min_value=1)
    currency = CurrencyParam()
    description = serializers.CharField(required=False, max_length=500)
    metadata = MetadataField(required=False)
    statement_descriptor = serializers.CharField(required=False, max_length=22)
    method = serializers.ChoiceField(choices=["standard", "instant"], required=False,
                                     default="standard")
    # Stripe's `source_type` (card, bank_account, fpx): Till's balance is all card money.
    source_type = serializers.ChoiceField(choices=["card"], required=False)


class PayoutUpdateParams(Params):
    metadata = MetadataField(required=False)


class PayoutListParams(ListParams):
    status = serializers.ChoiceField(choices=Payout.Status.choices, required=False)
    arrival_date = RangeFilter(required=False)
    destination = serializers.CharField(required=False, max_length=100)


# -- output --------------------------------------------------------------------------------

class BankAccountSerializer(ApiObjectSerializer):
    object_name = "bank_account"
    model = BankAccount

    account_holder_name = serializers.CharField(allow_null=True)
    bank_name = serializers.CharField()
    country = serializers.CharField()
    currency = serializers.CharField()
    last4 = serializers.CharField()
    routing_number = serializers.CharField()

    def to_representation(self, instance: BankAccount) -> dict:
        data = super().to_representation(instance)
        data["account_holder_name"] = instance.account_holder_name or None
        data["account_holder_type"] = None
        data["account_type"] = None
        data["available_payout_methods"] = ["standard"]
        data["default_for_currency"] = True
        data["fingerprint"] = None
        data["metadata"] = {}
        data["status"] = "errored" if instance.test_failure_code else "new"
        return data


class PayoutSerializer(ApiObjectSerializer):
    object_name = "payout"
    model = Payout

    amount = serializers.IntegerField()
    arrival_date = TimestampField()
    automatic = serializers.BooleanField()
    balance_transaction = ExpandableField(
        "ledger.api.balance.BalanceTransactionSerializer", source="balance_transaction_id")
    created = TimestampField()
    currency = serializers.CharField()
    description = serializers.CharField(allow_null=True)
    destination = ExpandableField("ledger.api.payouts.BankAccountSerializer",
                                  source="destination_id")
    failure_balance_transaction = ExpandableField(
        "ledger.api.balance.BalanceTransactionSerializer",
        source="failure_balance_transaction_id", allow_null=True)
    failure_code = serializers.CharField(allow_null=True)
    failure_message = serializers.CharField(allow_null=True)
    livemode = serializers.BooleanField()
    metadata = serializers.DictField(child=serializers.CharField())
    statement_descriptor = serializers.CharField(allow_null=True)
    status = serializers.CharField()

    def to_representation(self, instance: Payout) -> dict:
        data = super().to_representation(instance)
        # Till pays out card money by standard bank payouts, without Connect's extras.
        data["application_fee"] = None
        data["application_fee_amount"] = None
        data["method"] = "standard"
        data["original_payout"] = None
        # Stripe reconciles automatic payouts (their transactions are linked) once paid.
        if not instance.automatic:
            data["reconciliation_status"] = "not_applicable"
        elif instance.status == Payout.Status.PAID:
            data["reconciliation_status"] = "completed"
        else:
            data["reconciliation_status"] = "in_progress"
        data["reversed_by"] = None
        data["source_type"] = "card"
        data["trace_id"] = None
        data["type"] = "bank_account"
        return data


# -- views ---------------------------------------------------------------------------------

class PayoutListView(ApiView):
    @extend_schema(operation_id="ListPayouts", parameters=[PayoutListParams],
                   responses=list_of(PayoutSerializer))
    def get(self, request) -> Response:
        params = self.params(PayoutListParams)
        payouts = selectors.payout_list(merchant=self.merchant, livemode=self.livemode,
                                        status=params.get("status"),
                                        destination=params.get("destination"))
        if "arrival_date" in params:
            payouts = payouts.filter(range_q("arrival_date", params["arrival_date"]))
        return self.respond_list(payouts, PayoutSerializer, params=params)

    @extend_schema(operation_id="CreatePayout", request=PayoutCreateParams,
                   responses=PayoutSerializer)
    def post(self, request) -> Response:
        params: dict[str, Any] = self.params(PayoutCreateParams)
        self.expand(PayoutSerializer)
        params.pop("source_type", None)
        payout = services.payout_create(merchant=self.merchant, livemode=self.livemode,
                                        actor=self.actor, request=PayoutRequest(**params))
        return self.respond(payout, PayoutSerializer)


class PayoutDetailView(ApiView):
    @extend_schema(operation_id="RetrievePayout", parameters=[ID_PARAM],
                   responses=PayoutSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        payout = selectors.payout_get(id=id, merchant=self.merchant, livemode=self.livemode)
        return self.respond(payout, PayoutSerializer)

    @extend_schema(operation_id="UpdatePayout", parameters=[ID_PARAM],
                   request=PayoutUpdateParams, responses=PayoutSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(PayoutUpdateParams)
        self.expand(PayoutSerializer)
        payout = services.payout_update(id=id, merchant=self.merchant, livemode=self.livemode,
                                        **params)
        return self.respond(payout, PayoutSerializer)


class PayoutCancelView(ApiView):
    @extend_schema(operation_id="CancelPayout", parameters=[ID_PARAM], request=NoParams,
                   responses=PayoutSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        self.expand(PayoutSerializer)
        payout = services.payout_cancel(id=id, merchant=self.merchant, livemode=self.livemode,
                                        actor=self.actor)
        return self.respond(payout, PayoutSerializer)


urlpatterns = [
    path("payouts", PayoutListView.as_view()),
    path("payouts/<str:id>", PayoutDetailView.as_view()),
    path("payouts/<str:id>/cancel", PayoutCancelView.as_view()),
]
