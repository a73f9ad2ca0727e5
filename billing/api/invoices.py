"""Invoices on the wire: /v1/invoices (create, retrieve, update, delete a draft, list), their
lines, and finalize_invoice, pay, void_invoice, mark_uncollectible and send."""

from typing import Any

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from api.lists import ListParams, ordered_page
from api.objects import ApiObjectSerializer, ExpandableField, TimestampField
from api.params import (
    CurrencyParam,
    MetadataField,
    NoParams,
    OptionalString,
    Params,
    TimestampParam,
)
from api.schema import list_of
from api.search import SearchParams, search_query_parse, search_response
from api.views import ApiView
from billing import selectors, services
from billing.api.coupons import DiscountSerializer, DiscountsParam
from billing.api.invoice_items import decimal_text, period_of
from billing.api.prices import PriceSerializer
from billing.api.subscriptions import ItemChangeParams
from billing.hosted import hosted_invoice_url, invoice_pdf_url
from billing.models import Invoice, InvoiceLineItem
from billing.services.subscription_changes import PRORATION_BEHAVIORS
from core.money import CURRENCIES

ID_PARAM = OpenApiParameter("id", str, OpenApiParameter.PATH)
# As many lines as Stripe embeds in an invoice; the rest are paged through .../lines.
EMBEDDED_LINES = 10


# -- input ---------------------------------------------------------------------------------

class InvoiceTermsParams(Params):
    auto_advance = serializers.BooleanField(required=False)
    collection_method = serializers.ChoiceField(choices=Invoice.CollectionMethod.choices,
                                                required=False)
    days_until_due = serializers.IntegerField(required=False, min_value=0, max_value=10_000)
    due_date = TimestampParam(required=False)
    default_payment_method = OptionalString(max_length=100)
    description = OptionalString(max_length=1500)
    footer = OptionalString(max_length=5000)
    metadata = MetadataField(required=False)
    discounts = DiscountsParam()


class InvoiceCreateParams(InvoiceTermsParams):
    customer = serializers.CharField(max_length=100)
    currency = CurrencyParam(required=False)
    pending_invoice_items_behavior = serializers.ChoiceField(choices=["include", "exclude"],
                                                             required=False)

    def validate_currency(self, value: str) -> str:
        if value not in CURRENCIES:
            raise serializers.ValidationError(f"{value} is not a supported currency.")
        return value


class InvoiceFinalizeParams(Params):
    auto_advance = serializers.BooleanField(required=False)


class InvoicePayParams(Params):
    payment_method = serializers.CharField(required=False, max_length=200)
    off_session = serializers.BooleanField(required=False, default=True)
    paid_out_of_band = serializers.BooleanField(required=False, default=False)
    # Stripe's, for sources that can be underfunded (bank transfers): a card payment is all
    # or nothing, so it changes nothing here.
    forgive = serializers.BooleanField(required=False)


class InvoiceListParams(ListParams):
    customer = serializers.CharField(required=False, max_length=100)
    subscription = serializers.CharField(required=False, max_length=100)
    status = serializers.ChoiceField(choices=Invoice.Status.choices, required=False)
    collection_method = serializers.ChoiceField(choices=Invoice.CollectionMethod.choices,
                                                required=False)


class LineListParams(Params):
    limit = serializers.IntegerField(min_value=1, max_value=100, default=10)
    starting_after = serializers.CharField(required=False, max_length=100)
    ending_before = serializers.CharField(required=False, max_length=100)


# -- output --------------------------------------------------------------------------------

class InvoiceLineItemSerializer(ApiObjectSerializer):
    object_name = "line_item"
    model = InvoiceLineItem

    amount = serializers.IntegerField()
    amount_excluding_tax = serializers.IntegerField(source="amount")
    currency = serializers.CharField()
    description = serializers.CharField(allow_null=True)
    discountable = serializers.BooleanField()
    invoice = serializers.CharField(source="invoice_id")
    invoice_item = serializers.CharField(source="invoice_item_id", allow_null=True)
    livemode = serializers.BooleanField()
    metadata = serializers.DictField(child=serializers.CharField())
    period = serializers.SerializerMethodField()
    proration = serializers.BooleanField()
    quantity = serializers.IntegerField()
    type = serializers.CharField()
    unit_amount_excluding_tax = serializers.SerializerMethodField()

    def get_period(self, obj: InvoiceLineItem) -> dict[str, int]:
        return period_of(obj)

    def get_unit_amount_excluding_tax(self, obj: InvoiceLineItem) -> str:
        return decimal_text(obj.unit_amount_decimal)

    def to_representation(self, instance: InvoiceLineItem) -> dict:
        data = super().to_representation(instance)
        # No discounts or taxes yet; prices and subscriptions come with the catalogue and
        # the subscriptions.
        # The line's own discounts (`discounts`) are not taken yet: what the invoice's took
        # off it is in `discount_amounts`.
        data.update(discount_amounts=instance.discount_amounts, discounts=[], plan=None,
                    pretax_credit_amounts=[], proration_details={"credited_items": None},
                    tax_amounts=[], tax_rates=[])
        if data["invoice_item"] is None:  # Stripe's is absent on a subscription's line
            del data["invoice_item"]
        data["price"] = (PriceSerializer.render_object(instance.price.as_price())
                         if instance.price_id else None)
        data["subscription"] = instance.invoice.subscription_id
        data["subscription_item"] = instance.subscription_item_id
        return data


def lines_list(invoice: Invoice) -> dict[str, Any]:
    lines = selectors.invoice_lines(invoice=invoice)
    return {"object": "list",
            "data": [InvoiceLineItemSerializer.render_object(line)
                     for line in lines[:EMBEDDED_LINES]],
            "has_more": len(lines) > EMBEDDED_LINES, "total_count": len(lines),
            "url": f"/v1/invoices/{invoice.id}/lines"}


class StatusTransitionsSerializer(serializers.Serializer):
    finalized_at = TimestampField(allow_null=True)
    marked_uncollectible_at = TimestampField(allow_null=True)
    paid_at = TimestampField(allow_null=True)
    voided_at = TimestampField(allow_null=True)


@extend_schema_field(OpenApiTypes.OBJECT)
class LinesField(serializers.Field):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.update(read_only=True, source="*")
        super().__init__(**kwargs)

    def to_representation(self, invoice: Invoice) -> dict[str, Any]:
        return lines_list(invoice)


# A draft shows the customer as they are now; finalization copies them onto the invoice.
CUSTOMER_DETAILS = ("address", "email", "name", "phone", "shipping", "tax_exempt")


class InvoiceSerializer(ApiObjectSerializer):
    object_name = "invoice"
    model = Invoice

    account_name = serializers.CharField(source="merchant.name")
    amount_due = serializers.IntegerField()
    amount_paid = serializers.IntegerField()
    amount_remaining = serializers.IntegerField()
    attempt_count = serializers.IntegerField()
    attempted = serializers.BooleanField()
    auto_advance = serializers.BooleanField()
    automatically_finalizes_at = TimestampField(allow_null=True)
    billing_reason = serializers.CharField(allow_null=True)
    collection_method = serializers.CharField()
    created = TimestampField()
    currency = serializers.CharField()
    custom_fields = serializers.ListField(child=serializers.DictField(), allow_null=True)
    customer = ExpandableField("payments.api.customers.CustomerSerializer",
                               source="customer_id")
    default_payment_method = ExpandableField(
        "payments.api.payment_methods.PaymentMethodSerializer", allow_null=True,
        source="default_payment_method_id")
    description = serializers.CharField(allow_null=True)
    due_date = TimestampField(allow_null=True)
    effective_at = TimestampField(source="finalized_at", allow_null=True)
    ending_balance = serializers.IntegerField(allow_null=True)
    footer = serializers.CharField(allow_null=True)
    lines = LinesField()
    livemode = serializers.BooleanField()
    metadata = serializers.DictField(child=serializers.CharField())
    next_payment_attempt = TimestampField(allow_null=True)
    number = serializers.CharField(allow_null=True)
    paid_out_of_band = serializers.BooleanField()
    payment_intent = ExpandableField("payments.api.payment_intents.PaymentIntentSerializer",
                                     allow_null=True, source="payment_intent_id")
    period_end = TimestampField()
    period_start = TimestampField()
    status = serializers.CharField()
    status_transitions = StatusTransitionsSerializer(source="*")
    subtotal = serializers.IntegerField()
    subtotal_excluding_tax = serializers.IntegerField(source="subtotal")
    total = serializers.IntegerField()
    total_excluding_tax = serializers.IntegerField(source="total")

    def to_representation(self, instance: Invoice) -> dict:
        data = super().to_representation(instance)
        data["paid"] = instance.status == Invoice.Status.PAID
        data["charge"] = (instance.payment_intent.latest_charge_id
                          if instance.payment_intent_id else None)
        customer = instance.customer
        for field in CUSTOMER_DETAILS:
            data[f"customer_{field}"] = (getattr(customer, field) if instance.is_draft
                                         else getattr(instance, f"customer_{field}"))
        # Before finalization the starting balance is the customer's balance now.
        data["starting_balance"] = instance.starting_balance if not instance.is_draft else (
            customer.balance if customer.currency in (None, instance.currency) else 0)
        data.update(_NOT_YET)
        data["hosted_invoice_url"] = hosted_invoice_url(instance)
        data["invoice_pdf"] = invoice_pdf_url(instance)
        data["discounts"] = list(instance.discount_ids)
        single = selectors.invoice_discount_single(invoice=instance)
        data["discount"] = single and DiscountSerializer.render_object(single)
        data["total_discount_amounts"] = instance.total_discount_amounts
        data["subscription"] = instance.subscription_id
        data["test_clock"] = customer.test_clock_id
        return data


# What Till's invoices do not have (yet): taxes, discounts, Connect, quotes, credit notes,
# subscriptions, test clocks. Rendered as Stripe renders an invoice without
# them.
_NOT_YET: dict[str, Any] = {
    "account_country": None, "account_tax_ids": None, "amount_shipping": 0,
    "application": None, "application_fee_amount": None,
    "automatic_tax": {"disabled_reason": None, "enabled": False, "liability": None,
                      "status": None},
    "customer_tax_ids": [], "default_source": None, "default_tax_rates": [],
    "discount": None, "discounts": [], "from_invoice": None,
    "issuer": {"type": "self"}, "last_finalization_error": None,
    "latest_revision": None, "on_behalf_of": None,
    "payment_settings": {"default_mandate": None, "payment_method_options": None,
                         "payment_method_types": None},
    "post_payment_credit_notes_amount": 0, "pre_payment_credit_notes_amount": 0,
    "quote": None, "receipt_number": None, "rendering": None, "shipping_cost": None,
    "shipping_details": None, "statement_descriptor": None, "subscription": None,
    "subscription_details": {"metadata": None}, "tax": None, "test_clock": None,
    "total_discount_amounts": [], "total_pretax_credit_amounts": [], "total_tax_amounts": [],
    "transfer_data": None, "webhooks_delivered_at": None,
}


class DeletedInvoiceSerializer(serializers.Serializer):
    id = serializers.CharField()
    object = serializers.CharField(default="invoice")
    deleted = serializers.BooleanField(default=True)

    def to_representation(self, instance: Invoice) -> dict:
        return {"id": instance.id, "object": "invoice", "deleted": True}


# -- views ---------------------------------------------------------------------------------

class InvoiceView(ApiView):
    """Every invoice view answers with the invoice as it stands, read afresh (its lines,
    customer and payment joined)."""

    def respond_invoice(self, id: str) -> Response:  # noqa: A002
        invoice = selectors.invoice_get(id=id, merchant=self.merchant, livemode=self.livemode,
                                        discounts=True)
        return self.respond(invoice, InvoiceSerializer)


class InvoiceListView(InvoiceView):
    @extend_schema(operation_id="ListInvoices", parameters=[InvoiceListParams],
                   responses=list_of(InvoiceSerializer))
    def get(self, request) -> Response:
        params = self.params(InvoiceListParams)
        invoices = selectors.invoice_list(
            merchant=self.merchant, livemode=self.livemode, customer=params.get("customer"),
            status=params.get("status"), collection_method=params.get("collection_method"),
            subscription=params.get("subscription"), discounts=True)
        return self.respond_list(invoices, InvoiceSerializer, params=params)

    @extend_schema(operation_id="CreateInvoice", request=InvoiceCreateParams,
                   responses=InvoiceSerializer)
    def post(self, request) -> Response:
        params = self.params(InvoiceCreateParams)
        self.expand(InvoiceSerializer)
        invoice = services.invoice_create(merchant=self.merchant, livemode=self.livemode,
                                          actor=self.actor, **params)
        return self.respond(invoice, InvoiceSerializer)


class PreviewSubscriptionDetailsParams(Params):
    items = ItemChangeParams(many=True, required=False, max_length=20)
    proration_behavior = serializers.ChoiceField(choices=PRORATION_BEHAVIORS, required=False)
    proration_date = TimestampParam(required=False)


class InvoicePreviewParams(Params):
    customer = serializers.CharField(required=False, max_length=100)
    subscription = serializers.CharField(required=False, max_length=100)
    subscription_details = PreviewSubscriptionDetailsParams(required=False)


class UpcomingInvoiceParams(Params):
    """The legacy `GET /v1/invoices/upcoming`'s flat names for the same preview."""

    customer = serializers.CharField(required=False, max_length=100)
    subscription = serializers.CharField(required=False, max_length=100)
    subscription_items = ItemChangeParams(many=True, required=False, max_length=20)
    subscription_proration_behavior = serializers.ChoiceField(choices=PRORATION_BEHAVIORS,
                                                              required=False)
    subscription_proration_date = TimestampParam(required=False)


class InvoicePreviewView(InvoiceView):
    def preview(self, *, customer: str | None, subscription: str | None,
                details: dict[str, Any], keep_id: bool) -> Response:
        expand = self.expand(InvoiceSerializer)

        def render(invoice: Invoice) -> dict[str, Any]:
            data = InvoiceSerializer.render_object(invoice, expand=expand)
            if keep_id:  # create_preview's id says it is no invoice of its own
                data["id"] = f"upcoming_{invoice.id}"
            else:  # the legacy upcoming invoice has none
                del data["id"]
            return data

        return Response(services.invoice_preview(
            merchant=self.merchant, livemode=self.livemode, actor=self.actor, render=render,
            customer=customer, subscription=subscription, items=details.get("items"),
            proration_behavior=details.get("proration_behavior", "create_prorations"),
            proration_date=details.get("proration_date")))


class InvoiceCreatePreviewView(InvoicePreviewView):
    @extend_schema(operation_id="CreatePreviewInvoice", request=InvoicePreviewParams,
                   responses=InvoiceSerializer)
    def post(self, request) -> Response:
        params = self.params(InvoicePreviewParams)
        return self.preview(customer=params.get("customer"),
                            subscription=params.get("subscription"),
                            details=params.get("subscription_details", {}), keep_id=True)


class InvoiceUpcomingView(InvoicePreviewView):
    @extend_schema(operation_id="UpcomingInvoice", parameters=[UpcomingInvoiceParams],
                   responses=InvoiceSerializer)
    def get(self, request) -> Response:
        params = self.params(UpcomingInvoiceParams)
        details = {name: params[f"subscription_{name}"]
                   for name in ("items", "proration_behavior", "proration_date")
                   if f"subscription_{name}" in params}
        return self.preview(customer=params.get("customer"),
                            subscription=params.get("subscription"), details=details,
                            keep_id=False)


class InvoiceSearchView(InvoiceView):
    @extend_schema(operation_id="SearchInvoices", parameters=[SearchParams],
                   responses=InvoiceSerializer(many=True))
    def get(self, request) -> Response:
        params = self.params(SearchParams)
        return search_response(self, params, InvoiceSerializer, selectors.invoice_search(
            merchant=self.merchant, livemode=self.livemode,
            condition=search_query_parse(params["query"],
                                         fields=selectors.INVOICE_SEARCH_FIELDS)))


class InvoiceDetailView(InvoiceView):
    @extend_schema(operation_id="RetrieveInvoice", parameters=[ID_PARAM],
                   responses=InvoiceSerializer)
    def get(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        return self.respond_invoice(id)

    @extend_schema(operation_id="UpdateInvoice", parameters=[ID_PARAM],
                   request=InvoiceTermsParams, responses=InvoiceSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(InvoiceTermsParams)
        self.expand(InvoiceSerializer)
        invoice = services.invoice_update(id=id, merchant=self.merchant,
                                          livemode=self.livemode, actor=self.actor, **params)
        return self.respond(invoice, InvoiceSerializer)

    @extend_schema(operation_id="DeleteInvoice", parameters=[ID_PARAM],
                   responses=DeletedInvoiceSerializer)
    def delete(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        invoice = services.invoice_delete(id=id, merchant=self.merchant,
                                          livemode=self.livemode, actor=self.actor)
        return Response(DeletedInvoiceSerializer(invoice).data)


class InvoiceFinalizeView(InvoiceView):
    @extend_schema(operation_id="FinalizeInvoice", parameters=[ID_PARAM],
                   request=InvoiceFinalizeParams, responses=InvoiceSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(InvoiceFinalizeParams)
        self.expand(InvoiceSerializer)
        invoice = services.invoice_finalize(
            id=id, merchant=self.merchant, livemode=self.livemode, actor=self.actor,
            auto_advance=params.get("auto_advance"))
        return self.respond(invoice, InvoiceSerializer)


class InvoicePayView(InvoiceView):
    @extend_schema(operation_id="PayInvoice", parameters=[ID_PARAM], request=InvoicePayParams,
                   responses=InvoiceSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(InvoicePayParams)
        self.expand(InvoiceSerializer)
        params.pop("forgive", None)
        invoice = services.invoice_pay(id=id, merchant=self.merchant, livemode=self.livemode,
                                       actor=self.actor, **params)
        return self.respond(invoice, InvoiceSerializer)


class InvoiceVoidView(InvoiceView):
    @extend_schema(operation_id="VoidInvoice", parameters=[ID_PARAM], request=NoParams,
                   responses=InvoiceSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        self.expand(InvoiceSerializer)
        invoice = services.invoice_void(id=id, merchant=self.merchant, livemode=self.livemode,
                                        actor=self.actor)
        return self.respond(invoice, InvoiceSerializer)


class InvoiceMarkUncollectibleView(InvoiceView):
    @extend_schema(operation_id="MarkInvoiceUncollectible", parameters=[ID_PARAM],
                   request=NoParams, responses=InvoiceSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        self.expand(InvoiceSerializer)
        invoice = services.invoice_mark_uncollectible(id=id, merchant=self.merchant,
                                                      livemode=self.livemode, actor=self.actor)
        return self.respond(invoice, InvoiceSerializer)


class InvoiceSendView(InvoiceView):
    @extend_schema(operation_id="SendInvoice", parameters=[ID_PARAM], request=NoParams,
                   responses=InvoiceSerializer)
    def post(self, request, id: str) -> Response:  # noqa: A002
        self.params(NoParams)
        self.expand(InvoiceSerializer)
        invoice = services.invoice_send(id=id, merchant=self.merchant, livemode=self.livemode,
                                        actor=self.actor)
        return self.respond(invoice, InvoiceSerializer)


class InvoiceLineListView(ApiView):
    @extend_schema(operation_id="ListInvoiceLines", parameters=[ID_PARAM, LineListParams],
                   responses=list_of(InvoiceLineItemSerializer))
    def get(self, request, id: str) -> Response:  # noqa: A002
        params = self.params(LineListParams)
        invoice = selectors.invoice_get(id=id, merchant=self.merchant, livemode=self.livemode)
        lines = selectors.invoice_lines(invoice=invoice)
        return Response(ordered_page(lines, params=params, url=request.path,
                                     serializer=InvoiceLineItemSerializer))


urlpatterns = [
    path("invoices", InvoiceListView.as_view()),
    path("invoices/search", InvoiceSearchView.as_view()),
    path("invoices/create_preview", InvoiceCreatePreviewView.as_view()),
    path("invoices/upcoming", InvoiceUpcomingView.as_view()),
    path("invoices/<str:id>", InvoiceDetailView.as_view()),
    path("invoices/<str:id>/lines", InvoiceLineListView.as_view()),
    path("invoices/<str:id>/finalize", InvoiceFinalizeView.as_view()),
    path("invoices/<str:id>/pay", InvoicePayView.as_view()),
    path("invoices/<str:id>/void", InvoiceVoidView.as_view()),
    path("invoices/<str:id>/mark_uncollectible", InvoiceMarkUncollectibleView.as_view()),
    path("invoices/<str:id>/send", InvoiceSendView.as_view()),
]
