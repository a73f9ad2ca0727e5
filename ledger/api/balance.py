"""The balance and its transactions on the wire: `GET /v1/balance`, `GET
/v1/balance_transactions`, retrieve."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.lists import ListParams
from api.objects import ApiObjectSerializer, TimestampField
from api.params import CurrencyParam, NoParams
from api.schema import list_of
from api.views import ApiView
from core import clock
from ledger import selectors
from ledger.models import BalanceTransaction

ID_PARAM = OpenApiParameter("id", str, OpenApiParameter.PATH)

# The currency of an empty balance (Stripe shows the account's default currency at zero).
DEFAULT_CURRENCY = "usd"


class BalanceTransactionListParams(ListParams):
    type = serializers.ChoiceField(choices=BalanceTransaction.Type.choices, required=False)
    source = serializers.CharField(required=False, max_length=100)
    payout = serializers.CharField(required=False, max_length=100)
    currency = CurrencyParam(required=False)


class BalanceTransactionSerializer(ApiObjectSerializer):
    object_name = "balance_transaction"
    model = BalanceTransaction

    amount = serializers.IntegerField()
    available_on = TimestampField()
    created = TimestampField()
    currency = serializers.CharField()
    description = serializers.CharField(allow_null=True)
    fee = serializers.IntegerField()
    fee_details = serializers.ListField(child=serializers.DictField())
    net = serializers.IntegerField()
    reporting_category = serializers.CharField()
    source = serializers.CharField()
    type = serializers.CharField()

    def to_representation(self, instance: BalanceTransaction) -> dict:
        data = super().to_representation(instance)
        data["exchange_rate"] = None
        data["status"] = instance.status(clock.now())
        return data


def _amounts(balance: dict[str, dict[str, int]], which: str) -> list[dict]:
    return [{"amount": sums[which], "currency": currency, "source_types": {"card": sums[which]}}
            for currency, sums in balance.items()]


class BalanceView(ApiView):
    @extend_schema(operation_id="RetrieveBalance", responses=dict)
    def get(self, request) -> Response:
        self.params(NoParams)
        balance = selectors.balance_of(merchant_id=self.merchant.id, livemode=self.livemode,
                                       at=clock.now())
        if not balance:
            balance = {DEFAULT_CURRENCY: {"available": 0, "pending": 0}}
        return Response({"object": "balance", "available": _amounts(balance, "available"),
                         "livemode": self.livemode, "pending": _amounts(balance, "pending")})


class BalanceTransactionListView(ApiView):
    @extend_schema(operation_id="ListBalanceTransactions",
                   parameters=[BalanceTransactionListParams],
                   responses=list_of(BalanceTransactionSerializer))
    def get(self, request) -> Response:
        params = self.params(BalanceTransactionListParams)
        txns = selectors.balance_transaction_list(
            merchant=self.merchant, livemode=self.livemode, type=params.get("type"),
            source=params.get("source"), payout=params.get("payout"),
            currency=params.get("currency"))
        return self.respond_list(txns, BalanceTransactionSerializer, params=params)


class BalanceTransactionDetailView(ApiView):
    @extend_schema(operation_id="RetrieveBalanceTransaction", parameters=[ID_PARAM],
                   responses=BalanceTransactionSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        txn = selectors.balance_transaction_get(id=id, merchant=self.merchant,
                                                livemode=self.livemode)
        return self.respond(txn, BalanceTransactionSerializer)


urlpatterns = [
    path("balance", BalanceView.as_view()),
    path("balance_transactions", BalanceTransactionListView.as_view()),
    path("balance_transactions/<str:id>", BalanceTransactionDetailView.as_view()),
]
