"""Stripe's legacy card objects on the wire: /v1/tokens (card tokens) and the Card object a
token, a legacy charge's `source` and a customer's `sources` show."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from api.lists import ListParams
from api.objects import ApiObjectSerializer, TimestampField
from api.params import MetadataField, NoParams, OptionalString, Params
from api.schema import list_of
from api.views import ApiView
from payments import selectors, services
from payments.models import CardSource, PaymentMethod, Token
from payments.pages import BRAND_NAMES

ID_PARAM = OpenApiParameter("id", str, OpenApiParameter.PATH)

# The Card object's `brand` is the network's display name, not the payment method's code,
# and Stripe's Card spells one the old way.
CARD_BRANDS = {**BRAND_NAMES, "mastercard": "MasterCard"}
ADDRESS_PARAMS = {"address_line1": "line1", "address_line2": "line2",
                  "address_city": "city", "address_state": "state",
                  "address_zip": "postal_code", "address_country": "country"}


class CardHolderParams(Params):
    """The holder's name and billing address, as a Card takes them."""

    name = OptionalString(max_length=256)
    address_line1 = OptionalString(max_length=200)
    address_line2 = OptionalString(max_length=200)
    address_city = OptionalString(max_length=200)
    address_state = OptionalString(max_length=200)
    address_zip = OptionalString(max_length=20)
    address_country = OptionalString(max_length=2)


class TokenCardParams(CardHolderParams):
    number = serializers.CharField(max_length=30, trim_whitespace=True)
    exp_month = serializers.IntegerField()
    exp_year = serializers.IntegerField()
    cvc = serializers.CharField(required=False, max_length=10)
    currency = serializers.CharField(required=False, max_length=3)


class TokenCreateParams(Params):
    card = TokenCardParams()


def card_holder_address(params: dict[str, Any]) -> dict[str, Any]:
    """A Card's `address_*` parameters as an address hash (only those given)."""
    return {field: params[name] for name, field in ADDRESS_PARAMS.items() if name in params}


def card_object(method: PaymentMethod) -> dict[str, Any]:
    """A card-source payment method as Stripe's Card."""
    card = method.card
    checks = card.get("checks") or {}
    billing = method.billing_details or {}
    address = billing.get("address") or {}
    data = {"id": method.card_id, "object": "card"}
    data.update({name: address.get(field) for name, field in ADDRESS_PARAMS.items()})
    data.update({
        "address_line1_check": checks.get("address_line1_check"),
        "address_zip_check": checks.get("address_postal_code_check"),
        "allow_redisplay": "unspecified",
        "brand": CARD_BRANDS.get(card.get("brand"), "Unknown"),
        "country": card.get("country"), "customer": method.customer_id,
        "cvc_check": checks.get("cvc_check"), "dynamic_last4": None,
        "exp_month": card.get("exp_month"), "exp_year": card.get("exp_year"),
        "fingerprint": card.get("fingerprint"), "funding": card.get("funding"),
        "last4": card.get("last4"), "metadata": method.metadata, "name": billing.get("name"),
        "regulated_status": "unregulated", "tokenization_method": None,
    })
    return data


class CardSerializer(ApiObjectSerializer):
    """Stripe's Card (`card_…`): a card source's wire form."""

    object_name = "card"
    model = CardSource

    def to_representation(self, instance: PaymentMethod) -> dict:
        return card_object(instance)


class TokenSerializer(ApiObjectSerializer):
    object_name = "token"
    model = Token

    client_ip = serializers.CharField(allow_null=True)
    created = TimestampField()
    livemode = serializers.BooleanField()
    used = serializers.BooleanField()

    def to_representation(self, instance: Token) -> dict:
        data = super().to_representation(instance)
        data.pop("metadata", None)
        data["card"] = card_object(instance.payment_method)
        data["type"] = "card"
        return data


class TokenListView(ApiView):
    # Tokenizing a card is what a browser does with the publishable key.
    allow_publishable_key = True

    @extend_schema(operation_id="CreateToken", request=TokenCreateParams,
                   responses=TokenSerializer)
    def post(self, request) -> Response:
        params = self.params(TokenCreateParams)
        self.expand(TokenSerializer)
        card = params["card"]
        address = card_holder_address(card)
        token = services.token_create(
            merchant=self.merchant, livemode=self.livemode,
            card=services.CardInput(number=card["number"], exp_month=card["exp_month"],
                                    exp_year=card["exp_year"], cvc=card.get("cvc")),
            billing_details={"name": card.get("name"), "address": address},
            client_ip=request.META.get("REMOTE_ADDR"))
        return self.respond(token, TokenSerializer)


class TokenDetailView(ApiView):
    @extend_schema(operation_id="RetrieveToken", parameters=[ID_PARAM],
                   responses=TokenSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        token = selectors.token_get(id=id, merchant=self.merchant, livemode=self.livemode)
        return self.respond(token, TokenSerializer)


# -- a customer's card sources -----------------------------------------------------------

# The customer is the path's `id` (so a missing one is named as the id); the card, `card`.
CARD_PARAM = OpenApiParameter("card", str, OpenApiParameter.PATH)


class SourceCreateParams(Params):
    source = serializers.CharField(max_length=200)
    metadata = MetadataField(required=False)


class SourceUpdateParams(CardHolderParams):
    exp_month = serializers.IntegerField(required=False, min_value=1, max_value=12)
    exp_year = serializers.IntegerField(required=False, min_value=2000, max_value=2200)
    metadata = MetadataField(required=False)


class SourceListParams(ListParams):
    object = serializers.ChoiceField(choices=["card"], required=False)


class CustomerSourceListView(ApiView):
    @extend_schema(operation_id="ListCustomerSources",
                   parameters=[ID_PARAM, SourceListParams],
                   responses=list_of(CardSerializer))
    def get(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(SourceListParams)
        params.pop("object", None)  # cards are the only sources there are
        owner = selectors.customer_get(id=id, merchant=self.merchant,
                                       livemode=self.livemode)
        return self.respond_list(selectors.card_source_list(customer=owner), CardSerializer,
                                 params=params)

    @extend_schema(operation_id="CreateCustomerSource", parameters=[ID_PARAM],
                   request=SourceCreateParams, responses=CardSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(SourceCreateParams)
        self.expand(CardSerializer)
        card = services.card_source_create(customer_id=id, merchant=self.merchant,
                                           livemode=self.livemode, **params)
        return self.respond(card, CardSerializer)


class CustomerSourceDetailView(ApiView):
    def _customer(self, customer: str):
        return selectors.customer_get(id=customer, merchant=self.merchant,
                                      livemode=self.livemode)

    @extend_schema(operation_id="RetrieveCustomerSource", parameters=[ID_PARAM, CARD_PARAM],
                   responses=CardSerializer)
    def get(self, request, id: str, card: str) -> Response:  # noqa: A002
        self.params(NoParams)
        card = selectors.card_source_get(id=card, customer=self._customer(id), param="card")
        return self.respond(card, CardSerializer)

    @extend_schema(operation_id="UpdateCustomerSource", parameters=[ID_PARAM, CARD_PARAM],
                   request=SourceUpdateParams, responses=CardSerializer)
    def post(self, request, id: str, card: str) -> Response:  # noqa: A002
        params = self.params(SourceUpdateParams)
        self.expand(CardSerializer)
        card = services.card_source_update(
            customer_id=id, id=card, merchant=self.merchant, livemode=self.livemode,
            name=params.get("name"), address=card_holder_address(params),
            exp_month=params.get("exp_month"), exp_year=params.get("exp_year"),
            metadata=params.get("metadata"))
        return self.respond(card, CardSerializer)

    @extend_schema(operation_id="DeleteCustomerSource", parameters=[ID_PARAM, CARD_PARAM],
                   responses=CardSerializer)
    def delete(self, request, id: str, card: str) -> Response:  # noqa: A002
        self.params(NoParams)
        removed = services.card_source_delete(customer_id=id, id=card,
                                              merchant=self.merchant, livemode=self.livemode)
        # Stripe answers with the card as it was, and `deleted: true`.
        return Response({**card_object(removed), "customer": id, "deleted": True})
