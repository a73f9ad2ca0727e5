"""Nothing crosses a merchant or a mode, on any endpoint.

ROUTES lists every /v1 route with what each check needs. The guard at the end walks the URL
resolver: an endpoint added without a row here fails the suite until someone says how it is
scoped.
"""

import re
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from billing.models import Price, Product, Subscription
from checkout.models import CheckoutSession, PortalConfiguration
from checkout.services.portal_configurations import FEATURES_DISABLED
from core import clock
from disputes.models import Dispute
from ledger.models import BalanceTransaction, BankAccount, LedgerEntry, Payout
from ledger.services.bookings import book, charge_booked
from merchants.selectors import api_key_get_by_token
from payments.models import (
    Charge,
    Customer,
    PaymentIntent,
    PaymentMethod,
    SetupIntent,
    TestClock,
    Token,
)
from refunds.models import Refund, RefundBatch
from tests.conftest import Api
from webhooks.models import Event


def new_customer(api: Api) -> str:
    response = api.post("/v1/customers", {"email": "owner@example.test", "name": "Owner",
                                          "metadata": {"tier": "gold"}})
    assert response.status_code == 200, response.content
    return response.json()["id"]


def new_event(api: Api) -> str:
    customer_id = new_customer(api)
    events = api.get("/v1/events", {"type": "customer.created", "limit": 100}).json()["data"]
    return next(e["id"] for e in events if e["data"]["object"]["id"] == customer_id)


# An https URL at a public address: valid in both modes, never resolved, never sent to here.
ENDPOINT_URL = "https://93.184.215.14/stripe/webhooks"


def new_endpoint(api: Api) -> str:
    response = api.post("/v1/webhook_endpoints", {"url": ENDPOINT_URL, "enabled_events": ["*"]})
    assert response.status_code == 200, response.content
    return response.json()["id"]


def new_delivered_event(api: Api) -> str:
    """An event that was owed to the caller's endpoint (so it can be resent to it)."""
    new_endpoint(api)
    return new_event(api)


def own_endpoint(api: Api) -> dict[str, Any]:
    """The caller's newest endpoint as `webhook_endpoint`, or an id that is nobody's."""
    endpoints = api.get("/v1/webhook_endpoints").json()["data"]
    return {"webhook_endpoint": endpoints[0]["id"] if endpoints else "we_nobody"}


# -- payment objects ---------------------------------------------------------------------
# Live mode has no processor (a merchant connects one), so the API refuses to make payment
# objects there. The live tenant's objects are written as rows, as a connected processor
# would have left them: every check below still probes them, and probes with them.

LIVE_CARD = {"brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2040,
             "funding": "credit", "country": "US", "fingerprint": "live0000fingerprint",
             "checks": {"cvc_check": "pass"}}


def _live_merchant(api: Api):
    """The merchant of a live-mode client, or None for a test-mode one."""
    key = api_key_get_by_token(token=api.key)
    return key.merchant if key.livemode else None


def _ok(response) -> dict[str, Any]:
    assert response.status_code == 200, response.content
    return response.json()


def _live_payment_method(merchant, customer_id: str | None = None) -> PaymentMethod:
    return PaymentMethod.objects.create(merchant=merchant, livemode=True, card=LIVE_CARD,
                                        processor_token="live_processor_card",
                                        customer_id=customer_id)


def _live_intent(merchant, status: str = "requires_payment_method",
                 with_card: bool = False) -> PaymentIntent:
    method = _live_payment_method(merchant) if with_card else None
    return PaymentIntent.objects.create(merchant=merchant, livemode=True, amount=2000,
                                        currency="usd", status=status, payment_method=method)


def _live_charge(merchant, intent: PaymentIntent, captured: bool) -> Charge:
    charge = Charge.objects.create(
        merchant=merchant, livemode=True, payment_intent=intent,
        payment_method=intent.payment_method, amount=intent.amount, currency=intent.currency,
        status="succeeded", captured=captured,
        amount_captured=intent.amount if captured else 0, processor_reference="live_auth")
    PaymentIntent.objects.filter(pk=intent.pk).update(latest_charge=charge)
    return charge


def new_payment_method(api: Api) -> str:
    if merchant := _live_merchant(api):
        return _live_payment_method(merchant).id
    return _ok(api.post("/v1/payment_methods",
                        {"type": "card", "card": {"token": "tok_visa"}}))["id"]


def new_payment_method_and_customer(api: Api) -> str:
    """A card nobody holds yet, and a customer of the same tenant to attach it to."""
    new_customer(api)
    return new_payment_method(api)


def own_customer(api: Api) -> dict[str, Any]:
    """The caller's newest customer as `customer`, or an id that is nobody's."""
    customers = api.get("/v1/customers", {"limit": 1}).json()["data"]
    return {"customer": customers[0]["id"] if customers else "cus_nobody"}


def _attached_payment_method(api: Api) -> tuple[str, str]:
    customer_id = new_customer(api)
    if merchant := _live_merchant(api):
        return _live_payment_method(merchant, customer_id).id, customer_id
    method_id = new_payment_method(api)
    _ok(api.post(f"/v1/payment_methods/{method_id}/attach", {"customer": customer_id}))
    return method_id, customer_id


def new_attached_payment_method(api: Api) -> str:
    return _attached_payment_method(api)[0]


def new_customer_with_card(api: Api) -> str:
    return _attached_payment_method(api)[1]


def new_payment_intent(api: Api) -> str:
    if merchant := _live_merchant(api):
        return _live_intent(merchant).id
    return _ok(api.post("/v1/payment_intents", {"amount": 2000, "currency": "usd"}))["id"]


def new_confirmable_intent(api: Api) -> str:
    if merchant := _live_merchant(api):
        return _live_intent(merchant, "requires_confirmation", with_card=True).id
    return _ok(api.post("/v1/payment_intents", {"amount": 2000, "currency": "usd",
                                                "payment_method": new_payment_method(api)}))["id"]


def new_held_intent(api: Api) -> str:
    if merchant := _live_merchant(api):
        held = _live_intent(merchant, "requires_capture", with_card=True)
        _live_charge(merchant, held, captured=False)
        PaymentIntent.objects.filter(pk=held.pk).update(amount_capturable=held.amount)
        return held.id
    return _ok(api.post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "payment_method": "pm_card_visa", "confirm": True,
        "capture_method": "manual"}))["id"]


def new_token(api: Api) -> str:
    if merchant := _live_merchant(api):
        return Token.objects.create(merchant=merchant, livemode=True,
                                    payment_method=_live_payment_method(merchant)).id
    return _ok(api.post("/v1/tokens", NEW_CARD))["id"]


NEW_CARD = {"card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2040,
                     "cvc": "123"}}


def new_held_charge(api: Api) -> str:
    if _live_merchant(api):
        return PaymentIntent.objects.get(pk=new_held_intent(api)).latest_charge_id
    return _ok(api.post("/v1/charges", {"amount": 2000, "currency": "usd",
                                        "source": "tok_visa", "capture": False}))["id"]


# The card of each customer new_customer_with_card_source made, for its `{card}` routes.
CARD_OF: dict[str, str] = {}


def new_customer_with_card_source(api: Api) -> str:
    customer_id = new_customer(api)
    if merchant := _live_merchant(api):
        card = _live_payment_method(merchant, customer_id)
        PaymentMethod.objects.filter(pk=card.pk).update(card_source=True)
        Customer.objects.filter(pk=customer_id).update(default_source=card)
        CARD_OF[customer_id] = card.card_id
    else:
        CARD_OF[customer_id] = _ok(api.post(f"/v1/customers/{customer_id}/sources",
                                            {"source": "tok_visa"}))["id"]
    return customer_id


def new_charge(api: Api) -> str:
    if merchant := _live_merchant(api):
        return _live_charge(merchant, _live_intent(merchant, "succeeded", with_card=True),
                            captured=True).id
    return _ok(api.post("/v1/payment_intents", {
        "amount": 2000, "currency": "usd", "payment_method": "pm_card_visa",
        "confirm": True}))["latest_charge"]


def new_balance_transaction(api: Api) -> str:
    """A charge's balance transaction (a live charge, written as a row, booked as the
    payment's own transaction would)."""
    charge = Charge.objects.get(pk=new_charge(api))
    if charge.balance_transaction_id is None:
        charge.balance_transaction = charge_booked(
            merchant=charge.merchant, livemode=charge.livemode, charge_id=charge.id,
            amount=charge.amount_captured, currency=charge.currency, description=None)
        charge.save(update_fields=["balance_transaction"])
    return charge.balance_transaction_id


def payout_params(api: Api) -> dict[str, Any]:
    """A payout the calling tenant can afford: in test mode money booked as available (as a
    charge's net is after the payout delay; booked directly, so it records no event); a
    live key is refused before any."""
    key = api_key_get_by_token(token=api.key)
    if not key.livemode:
        book(merchant_id=key.merchant.id, livemode=False, type=BalanceTransaction.Type.CHARGE,
             category=BalanceTransaction.ReportingCategory.CHARGE, source="ch_seeded",
             amount=2000, currency="usd", available_on=clock.now() - timedelta(days=1))
    return {"amount": 500, "currency": "usd"}


def new_payout(api: Api) -> str:
    """A pending payout (in live mode, which makes none, written as rows with its debit)."""
    if merchant := _live_merchant(api):
        bank, _ = BankAccount.objects.get_or_create(
            merchant=merchant, livemode=True, currency="usd",
            defaults={"bank_name": "LIVE BANK", "routing_number": "110000000",
                      "last4": "6789"})
        payout = Payout(merchant=merchant, livemode=True, amount=500, currency="usd",
                        arrival_date=clock.now() + timedelta(days=1), automatic=False,
                        destination=bank)
        payout.balance_transaction = book(
            merchant_id=merchant.id, livemode=True, type=BalanceTransaction.Type.PAYOUT,
            category=BalanceTransaction.ReportingCategory.PAYOUT, source=payout.id,
            amount=-500, currency="usd", counterparty=LedgerEntry.Account.BANK)
        payout.save(force_insert=True)
        return payout.id
    return _ok(api.post("/v1/payouts", payout_params(api)))["id"]


def _refund_row(api: Api, status: str) -> str:
    """A refund written as a row (live mode has no processor to make one), counted on its
    charge as the service would."""
    charge = Charge.objects.get(pk=new_charge(api))
    refund = Refund.objects.create(merchant_id=charge.merchant_id, livemode=charge.livemode,
                                   charge=charge, payment_intent_id=charge.payment_intent_id,
                                   amount=500, currency=charge.currency, status=status)
    Charge.objects.filter(pk=charge.pk).update(amount_refunded=500)
    return refund.id


def charge_to_refund(api: Api) -> dict[str, Any]:
    """A captured charge of the caller's, as `charge`, written as rows so that making it
    records no event (the idempotency check counts the refund's own)."""
    key = api_key_get_by_token(token=api.key)
    method = PaymentMethod.objects.create(merchant=key.merchant, livemode=key.livemode,
                                          card=LIVE_CARD, processor_token="processor_card")
    intent = PaymentIntent.objects.create(merchant=key.merchant, livemode=key.livemode,
                                          amount=2000, currency="usd", status="succeeded",
                                          payment_method=method, amount_received=2000)
    charge = Charge.objects.create(
        merchant=key.merchant, livemode=key.livemode, payment_intent=intent,
        payment_method=method, amount=2000, currency="usd", status="succeeded",
        captured=True, amount_captured=2000, processor_reference="processor_auth")
    PaymentIntent.objects.filter(pk=intent.pk).update(latest_charge=charge)
    return {"charge": charge.id}


def new_refund(api: Api) -> str:
    if _live_merchant(api):
        return _refund_row(api, "pending")
    return _ok(api.post("/v1/refunds", {"charge": new_charge(api), "amount": 500}))["id"]


def new_refund_batch(api: Api) -> str:
    if merchant := _live_merchant(api):
        return RefundBatch.objects.create(merchant=merchant, livemode=True, total_count=0).id
    return _ok(api.post("/v1/refunds/batch",
                        {"refunds": [{"charge": new_charge(api), "amount": 500}]}))["id"]


def charges_to_refund_in_batch(api: Api) -> dict[str, Any]:
    return {"refunds": [charge_to_refund(api)]}


def new_cancelable_refund(api: Api) -> str:
    """A refund awaiting the customer's action: the only kind a cancel applies to."""
    return _refund_row(api, "requires_action")


def new_refund_awaiting_approval(api: Api) -> str:
    """A refund above its merchant's approval threshold, waiting for an owner or admin."""
    return _refund_row(api, "pending_approval")


def new_dispute(api: Api) -> str:
    """A dispute written as a row, as its opening task would (in either mode), with the
    charge's disputed funds recorded."""
    charge = Charge.objects.get(pk=new_charge(api))
    dispute = Dispute.objects.create(merchant_id=charge.merchant_id, livemode=charge.livemode,
                                     charge=charge, payment_intent_id=charge.payment_intent_id,
                                     amount=charge.amount_captured,
                                     amount_withdrawn=charge.amount_captured,
                                     currency=charge.currency, reason="fraudulent")
    Charge.objects.filter(pk=charge.pk).update(disputed=True,
                                               amount_disputed=charge.amount_captured,
                                               dispute_fee=1500)
    return dispute.id


def new_setup_intent(api: Api) -> str:
    if merchant := _live_merchant(api):
        return SetupIntent.objects.create(merchant=merchant, livemode=True).id
    return _ok(api.post("/v1/setup_intents"))["id"]


def new_confirmable_setup_intent(api: Api) -> str:
    if merchant := _live_merchant(api):
        return SetupIntent.objects.create(merchant=merchant, livemode=True,
                                          status="requires_confirmation",
                                          payment_method=_live_payment_method(merchant)).id
    return _ok(api.post("/v1/setup_intents",
                        {"payment_method": new_payment_method(api)}))["id"]


# -- test clocks -------------------------------------------------------------------------
# Test mode only: a live key is refused with Stripe's 404 whatever it asks. A live clock is
# written as a row (no API makes one), so every check still probes with one.

CLOCK_TIME = 1_577_836_800  # 2020-01-01


def new_test_clock(api: Api) -> str:
    if merchant := _live_merchant(api):
        return TestClock.objects.create(merchant=merchant, livemode=True,
                                        frozen_time=datetime.fromtimestamp(CLOCK_TIME, UTC),
                                        deletes_after=datetime.now(UTC)).id
    return _ok(api.post("/v1/test_helpers/test_clocks", {"frozen_time": CLOCK_TIME}))["id"]


# -- the billing catalogue ---------------------------------------------------------------
# No processor is involved: both modes make these through the API.

def new_product(api: Api) -> str:
    return _ok(api.post("/v1/products", {"name": "Gold", "metadata": {"tier": "gold"}}))["id"]


def new_price(api: Api) -> str:
    return _ok(api.post("/v1/prices", {"product": new_product(api), "currency": "usd",
                                       "unit_amount": 1000}))["id"]


def new_plan(api: Api) -> str:
    return _ok(api.post("/v1/plans", {"product": new_product(api), "currency": "usd",
                                      "amount": 1000, "interval": "month"}))["id"]


# -- invoices and invoice items --------------------------------------------------------
# Invoices and their items need no processor (only paying one does): both modes make them
# through the API. Their customers are written as rows, so making one records no event.

def customer_row(api: Api) -> str:
    key = api_key_get_by_token(token=api.key)
    return Customer.objects.create(merchant=key.merchant, livemode=key.livemode,
                                   email="owner@example.test", currency="usd").id


def new_invoice_item(api: Api) -> str:
    return _ok(api.post("/v1/invoiceitems", {"customer": customer_row(api), "amount": 500,
                                             "currency": "usd"}))["id"]


def invoice_item_params(api: Api) -> dict[str, Any]:
    return {"customer": customer_row(api), "amount": 500, "currency": "usd"}


def invoice_params(api: Api) -> dict[str, Any]:
    return {"customer": customer_row(api)}


def new_invoice(api: Api, customer_id: str | None = None) -> str:
    """A draft with one line (so finalizing it leaves something to pay)."""
    customer_id = customer_id or customer_row(api)
    invoice_id = _ok(api.post("/v1/invoices", {"customer": customer_id}))["id"]
    _ok(api.post("/v1/invoiceitems", {"customer": customer_id, "amount": 1000,
                                      "currency": "usd", "invoice": invoice_id}))
    return invoice_id


def new_open_invoice(api: Api) -> str:
    invoice_id = new_invoice(api)
    return _ok(api.post(f"/v1/invoices/{invoice_id}/finalize"))["id"]


def new_payable_invoice(api: Api) -> str:
    """An open invoice of a customer whose default card for invoices is attached."""
    method_id, customer_id = _attached_payment_method(api)
    _ok(api.post(f"/v1/customers/{customer_id}",
                 {"invoice_settings": {"default_payment_method": method_id}}))
    invoice_id = new_invoice(api, customer_id)
    return _ok(api.post(f"/v1/invoices/{invoice_id}/finalize"))["id"]


# -- subscriptions -------------------------------------------------------------------------
# `default_incomplete` charges nothing, so both modes make them through the API: an incomplete
# subscription with its first invoice open (subscription.created, invoice.created and
# .finalized). Their customers and prices are written as rows, so making those records no
# event.

def subscription_params(api: Api) -> dict[str, Any]:
    return {"customer": customer_row(api), "items": [{"price": monthly_price_row(api)}],
            "payment_behavior": "default_incomplete"}


def monthly_price_row(api: Api) -> str:
    key = api_key_get_by_token(token=api.key)
    product = Product.objects.create(merchant=key.merchant, livemode=key.livemode,
                                     name="Gold", updated=clock.now())
    return Price.objects.create(merchant=key.merchant, livemode=key.livemode, product=product,
                                currency="usd", type="recurring", unit_amount_decimal="1000",
                                recurring_interval="month", recurring_interval_count=1,
                                recurring_usage_type="licensed").id


def new_subscription(api: Api) -> str:
    return _ok(api.post("/v1/subscriptions", subscription_params(api)))["id"]


def new_trialing_subscription(api: Api) -> str:
    """A trial: renewable, so its upcoming invoice can be previewed (no processor needed)."""
    return _ok(api.post("/v1/subscriptions", {**subscription_params(api),
                                              "trial_period_days": 30}))["id"]


def new_paused_subscription(api: Api) -> str:
    """A subscription as a trial that ended without a card leaves it (written as a row),
    whose customer has a card by now."""
    method_id, customer_id = _attached_payment_method(api)
    _ok(api.post(f"/v1/customers/{customer_id}",
                 {"invoice_settings": {"default_payment_method": method_id}}))
    subscription_id = _ok(api.post("/v1/subscriptions", {
        **subscription_params(api), "customer": customer_id, "trial_period_days": 30}))["id"]
    Subscription.objects.filter(pk=subscription_id).update(status="paused")
    return subscription_id


def new_subscription_item(api: Api) -> str:
    subscription_id = new_subscription(api)
    return _ok(api.get(f"/v1/subscriptions/{subscription_id}"))["items"]["data"][0]["id"]


def own_monthly_price(api: Api) -> dict[str, Any]:
    return {"price": monthly_price_row(api)}


# -- coupons and promotion codes -------------------------------------------------------------

def new_coupon(api: Api) -> str:
    return _ok(api.post("/v1/coupons", {"percent_off": 10, "duration": "forever"}))["id"]


def new_discounted_customer(api: Api) -> str:
    return _ok(api.post("/v1/customers", {"email": "owner@example.test",
                                          "coupon": new_coupon(api)}))["id"]


def new_promotion_code(api: Api) -> str:
    return _ok(api.post("/v1/promotion_codes", {"coupon": new_coupon(api)}))["id"]


def own_coupon(api: Api) -> dict[str, Any]:
    return {"coupon": new_coupon(api)}


# -- checkout sessions and payment links ------------------------------------------------------

def own_line_items(api: Api) -> dict[str, Any]:
    return {"line_items": [{"price": new_price(api), "quantity": 1}]}


def own_payment(api: Api) -> dict[str, Any]:
    """A one-time price made without events (in live mode the create is refused, and must
    leave the event count as it was)."""
    key = api_key_get_by_token(token=api.key)
    product = Product.objects.create(merchant=key.merchant, livemode=key.livemode,
                                     name="Gold", updated=clock.now())
    price = Price.objects.create(merchant=key.merchant, livemode=key.livemode, product=product,
                                 currency="usd", type="one_time", unit_amount_decimal="1000")
    return {"mode": "payment", "line_items": [{"price": price.id, "quantity": 1}]}


def new_checkout_session(api: Api) -> str:
    """An open session, made as the API would make one but without its intent (live mode has
    no processor to make one with)."""
    key = api_key_get_by_token(token=api.key)
    return CheckoutSession.objects.create(
        merchant=key.merchant, livemode=key.livemode, mode="payment", payment_status="unpaid",
        currency="usd", amount_subtotal=1000, amount_total=1000,
        expires_at=clock.now() + timedelta(hours=24)).id


def new_payment_link(api: Api) -> str:
    return _ok(api.post("/v1/payment_links", own_line_items(api)))["id"]


# -- the customer portal ---------------------------------------------------------------------

PORTAL_FEATURES = {"invoice_history": {"enabled": True},
                   "subscription_cancel": {"enabled": True, "mode": "immediately"}}


def new_portal_configuration(api: Api) -> str:
    return _ok(api.post("/v1/billing_portal/configurations",
                        {"features": PORTAL_FEATURES}))["id"]


def own_portal_session_params(api: Api) -> dict[str, Any]:
    """The caller's own customer and configuration, made as rows (so the create's event is
    the only one the call records)."""
    key = api_key_get_by_token(token=api.key)
    customer = Customer.objects.create(merchant=key.merchant, livemode=key.livemode)
    configuration = PortalConfiguration.objects.create(
        merchant=key.merchant, livemode=key.livemode, updated=clock.now(),
        features=deepcopy(FEATURES_DISABLED))
    return {"customer": customer.id, "configuration": configuration.id,
            "return_url": "https://shop.example/account"}


def with_card(path: str, customer_id: str | None) -> str:
    """A customer's card source route with the card of that customer."""
    return path.replace("{card}", CARD_OF.get(customer_id or "", "card_none"))


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # as the guard spells it: /v1/customers/{id}
    # For routes with an {id}: makes one object as the given client and returns its id.
    make: Callable[[Api], str] | None = None
    # The detail route that shows the object unchanged (or not) afterward.
    show: str | None = None
    # The request's parameters, or a function of the calling client that gives them.
    params: dict[str, Any] | Callable[[Api], dict[str, Any]] = field(default_factory=dict)
    # For list routes: what each tenant makes (returning its id), the id of what a listed
    # object concerns, and filters under which every tenant's objects all still match.
    seed: Callable[[Api], str] = new_customer
    made_of: Callable[[dict], str] | None = None
    filters: tuple[dict[str, Any], ...] = ({},)
    # For POST routes: how many events a successful call records.
    emits_event: int = 1
    # The route asks the payment processor, which live mode lacks: a live key is refused
    # with `livemode_processor_missing` before any object is looked up.
    needs_processor: bool = False
    # List routes paged with starting_after / ending_before (search pages with `page`).
    cursors: bool = True
    # Test mode only (test clocks): a live key is refused with a 404 `resource_missing`,
    # whatever it asks and whichever objects exist.
    test_mode_only: bool = False
    # For routes that name their object in a parameter rather than the path
    # (`?subscription=`): that parameter's name.
    id_param: str | None = None
    # Listed objects carry `livemode` (Stripe's balance transactions do not: their ids,
    # checked all the same, show the tenant's own).
    listed_livemode: bool = True
    # For a route with one object per tenant (the balance): the figure of it that each of
    # the tenant's seeds adds to.
    singleton: Callable[[dict], int] | None = None
    # A route whose scoping one test of its own checks (named here), as no row shape fits it.
    checked_by: str | None = None
    # The answer is another object than the path's {id} names (a customer's card source).
    answers_with_other: bool = False

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    def call(self, api: Api, object_id: str | None = None,
             headers: dict[str, str] | None = None):
        path = with_card(self.path.replace("{id}", object_id or ""), object_id)
        params = self.params(api) if callable(self.params) else self.params
        if self.id_param is not None:
            params = {**params, self.id_param: object_id}
        return getattr(api, self.method.lower())(path, params, headers=headers)


ROUTES = [
    Route("GET", "/v1/customers", made_of=lambda obj: obj["id"],
          filters=({}, {"email": "owner@example.test"}, {"created": {"gte": 0}})),
    Route("POST", "/v1/customers", params={"email": "new@example.test"}),
    Route("GET", "/v1/customers/search", made_of=lambda obj: obj["id"], cursors=False,
          filters=({"query": "email:'owner@example.test'"}, {"query": "name~'Own'"},
                   {"query": "created>0 AND metadata['tier']:'gold'"})),
    Route("GET", "/v1/customers/{id}", make=new_customer, show="/v1/customers/{id}"),
    Route("POST", "/v1/customers/{id}", make=new_customer, show="/v1/customers/{id}",
          params={"name": "Mallory", "metadata": {"tier": ""}}),
    Route("DELETE", "/v1/customers/{id}", make=new_customer, show="/v1/customers/{id}"),
    Route("DELETE", "/v1/customers/{id}/discount", make=new_discounted_customer,
          show="/v1/customers/{id}"),
    Route("GET", "/v1/events", made_of=lambda obj: obj["data"]["object"]["id"],
          filters=({}, {"type": "customer.created"}, {"type": "customer.*"},
                   {"types": ["customer.created"]})),
    Route("GET", "/v1/events/{id}", make=new_event, show="/v1/events/{id}"),
    Route("POST", "/v1/events/{id}/retry", make=new_delivered_event, show="/v1/events/{id}",
          params=own_endpoint, emits_event=False),
    Route("GET", "/v1/webhook_endpoints", seed=new_endpoint, made_of=lambda obj: obj["id"]),
    Route("POST", "/v1/webhook_endpoints", emits_event=False,
          params={"url": ENDPOINT_URL, "enabled_events": ["customer.created"]}),
    Route("GET", "/v1/webhook_endpoints/{id}", make=new_endpoint,
          show="/v1/webhook_endpoints/{id}"),
    Route("POST", "/v1/webhook_endpoints/{id}", make=new_endpoint,
          show="/v1/webhook_endpoints/{id}", emits_event=False,
          params={"url": ENDPOINT_URL + "?hijacked", "disabled": True,
                  "metadata": {"tier": "x"}}),
    Route("DELETE", "/v1/webhook_endpoints/{id}", make=new_endpoint,
          show="/v1/webhook_endpoints/{id}"),
    Route("POST", "/v1/webhook_endpoints/{id}/roll_secret", make=new_endpoint,
          show="/v1/webhook_endpoints/{id}", emits_event=False),
    Route("GET", "/v1/webhook_endpoints/{id}/deliveries", make=new_endpoint,
          show="/v1/webhook_endpoints/{id}"),
    Route("GET", "/v1/payment_methods", seed=new_payment_method, made_of=lambda obj: obj["id"],
          filters=({}, {"type": "card"}, {"created": {"gte": 0}})),
    Route("POST", "/v1/payment_methods", emits_event=0, needs_processor=True,
          params={"type": "card", "card": {"token": "tok_visa"}}),
    Route("GET", "/v1/payment_methods/{id}", make=new_payment_method,
          show="/v1/payment_methods/{id}"),
    Route("POST", "/v1/payment_methods/{id}", make=new_payment_method,
          show="/v1/payment_methods/{id}",
          params={"billing_details": {"name": "Mallory"}, "metadata": {"tier": "x"}}),
    Route("POST", "/v1/payment_methods/{id}/attach", make=new_payment_method_and_customer,
          show="/v1/payment_methods/{id}", params=own_customer, needs_processor=True),
    Route("POST", "/v1/payment_methods/{id}/detach", make=new_attached_payment_method,
          show="/v1/payment_methods/{id}"),
    Route("GET", "/v1/customers/{id}/payment_methods", make=new_customer_with_card,
          show="/v1/customers/{id}"),
    Route("GET", "/v1/customers/{id}/sources", make=new_customer_with_card_source,
          show="/v1/customers/{id}"),
    # The first card: customer.source.created, and customer.updated for its default_source.
    Route("POST", "/v1/customers/{id}/sources", make=new_customer, show="/v1/customers/{id}",
          params={"source": "tok_visa"}, emits_event=2, needs_processor=True,
          answers_with_other=True),
    Route("GET", "/v1/customers/{id}/sources/{card}", make=new_customer_with_card_source,
          show="/v1/customers/{id}/sources/{card}"),
    Route("POST", "/v1/customers/{id}/sources/{card}", make=new_customer_with_card_source,
          show="/v1/customers/{id}/sources/{card}", params={"name": "Mallory"},
          answers_with_other=True),
    Route("DELETE", "/v1/customers/{id}/sources/{card}", make=new_customer_with_card_source,
          show="/v1/customers/{id}/sources/{card}"),
    Route("GET", "/v1/payment_intents", seed=new_payment_intent, made_of=lambda obj: obj["id"],
          filters=({}, {"created": {"gte": 0}})),
    Route("POST", "/v1/payment_intents", needs_processor=True,
          params={"amount": 2000, "currency": "usd"}),
    Route("GET", "/v1/payment_intents/search", seed=new_payment_intent,
          made_of=lambda obj: obj["id"], cursors=False,
          filters=({"query": "amount>0"}, {"query": "currency:'usd'"},
                   {"query": "status:'requires_payment_method' OR amount:2000"})),
    Route("GET", "/v1/payment_intents/{id}", make=new_payment_intent,
          show="/v1/payment_intents/{id}"),
    Route("POST", "/v1/payment_intents/{id}", make=new_payment_intent,
          show="/v1/payment_intents/{id}", emits_event=0,
          params={"amount": 4242, "metadata": {"tier": "x"}}),
    Route("POST", "/v1/payment_intents/{id}/confirm", make=new_confirmable_intent,
          show="/v1/payment_intents/{id}", emits_event=2, needs_processor=True),
    Route("POST", "/v1/payment_intents/{id}/capture", make=new_held_intent,
          show="/v1/payment_intents/{id}", emits_event=2, needs_processor=True),
    Route("POST", "/v1/payment_intents/{id}/cancel", make=new_payment_intent,
          show="/v1/payment_intents/{id}"),
    Route("GET", "/v1/charges", seed=new_charge, made_of=lambda obj: obj["id"],
          filters=({}, {"created": {"gte": 0}})),
    Route("GET", "/v1/charges/{id}", make=new_charge, show="/v1/charges/{id}"),
    Route("GET", "/v1/charges/search", seed=new_charge, made_of=lambda obj: obj["id"],
          cursors=False, filters=({"query": "amount>0"}, {"query": "currency:'usd'"},
                                  {"query": "status:'succeeded' OR amount:2000"})),
    # A legacy charge: its intent is created and confirmed under the hood (three events).
    Route("POST", "/v1/charges", emits_event=3, needs_processor=True,
          params={"amount": 2000, "currency": "usd", "source": "tok_visa"}),
    Route("POST", "/v1/charges/{id}/capture", make=new_held_charge, show="/v1/charges/{id}",
          emits_event=2, needs_processor=True),
    Route("POST", "/v1/tokens", emits_event=0, needs_processor=True, params=NEW_CARD),
    Route("GET", "/v1/tokens/{id}", make=new_token, show="/v1/tokens/{id}"),
    Route("GET", "/v1/account", checked_by="test_the_account_is_the_callers_merchant"),
    Route("GET", "/v1/balance", seed=new_balance_transaction,
          singleton=lambda balance: balance["pending"][0]["amount"]),
    Route("GET", "/v1/balance_transactions", seed=new_balance_transaction,
          made_of=lambda obj: obj["id"], listed_livemode=False,
          filters=({}, {"type": "charge"}, {"currency": "usd"})),
    Route("GET", "/v1/balance_transactions/{id}", make=new_balance_transaction,
          show="/v1/balance_transactions/{id}"),
    Route("GET", "/v1/payouts", seed=new_payout, made_of=lambda obj: obj["id"],
          filters=({}, {"status": "pending"}, {"created": {"gte": 0}},
                   {"arrival_date": {"gte": 0}})),
    Route("POST", "/v1/payouts", needs_processor=True, params=payout_params),
    Route("GET", "/v1/payouts/{id}", make=new_payout, show="/v1/payouts/{id}"),
    Route("POST", "/v1/payouts/{id}", make=new_payout, show="/v1/payouts/{id}",
          params={"metadata": {"tier": "x"}}),
    Route("POST", "/v1/payouts/{id}/cancel", make=new_payout, show="/v1/payouts/{id}"),
    Route("GET", "/v1/refunds", seed=new_refund, made_of=lambda obj: obj["id"],
          filters=({}, {"created": {"gte": 0}})),
    Route("POST", "/v1/refunds", emits_event=2, needs_processor=True,
          params=charge_to_refund),
    # The batch's refunds (and their events) come from its chunks, enqueued on commit.
    Route("POST", "/v1/refunds/batch", emits_event=0, needs_processor=True,
          params=charges_to_refund_in_batch),
    Route("GET", "/v1/refunds/batch/{id}", make=new_refund_batch,
          show="/v1/refunds/batch/{id}"),
    Route("GET", "/v1/refunds/{id}", make=new_refund, show="/v1/refunds/{id}"),
    Route("POST", "/v1/refunds/{id}", make=new_refund, show="/v1/refunds/{id}",
          params={"metadata": {"tier": "x"}}),
    Route("POST", "/v1/refunds/{id}/cancel", make=new_cancelable_refund,
          show="/v1/refunds/{id}", emits_event=2),
    # The processor is asked after the approval commits; its answer settles later.
    Route("POST", "/v1/refunds/{id}/approve", make=new_refund_awaiting_approval,
          show="/v1/refunds/{id}", needs_processor=True),
    Route("POST", "/v1/refunds/{id}/reject", make=new_refund_awaiting_approval,
          show="/v1/refunds/{id}", emits_event=2),
    Route("GET", "/v1/disputes", seed=new_dispute, made_of=lambda obj: obj["id"],
          filters=({}, {"created": {"gte": 0}})),
    Route("GET", "/v1/disputes/{id}", make=new_dispute, show="/v1/disputes/{id}"),
    # Metadata alone: nothing is submitted, so no decision is enqueued.
    Route("POST", "/v1/disputes/{id}", make=new_dispute, show="/v1/disputes/{id}",
          params={"metadata": {"tier": "x"}}),
    Route("POST", "/v1/disputes/{id}/close", make=new_dispute, show="/v1/disputes/{id}"),
    Route("GET", "/v1/setup_intents", seed=new_setup_intent, made_of=lambda obj: obj["id"],
          filters=({}, {"created": {"gte": 0}})),
    Route("POST", "/v1/setup_intents", needs_processor=True),
    Route("GET", "/v1/setup_intents/{id}", make=new_setup_intent,
          show="/v1/setup_intents/{id}"),
    Route("POST", "/v1/setup_intents/{id}", make=new_setup_intent,
          show="/v1/setup_intents/{id}", emits_event=0,
          params={"description": "hijacked", "metadata": {"tier": "x"}}),
    Route("POST", "/v1/setup_intents/{id}/confirm", make=new_confirmable_setup_intent,
          show="/v1/setup_intents/{id}", needs_processor=True),
    Route("POST", "/v1/setup_intents/{id}/cancel", make=new_setup_intent,
          show="/v1/setup_intents/{id}"),
    Route("GET", "/v1/test_helpers/test_clocks", seed=new_test_clock,
          made_of=lambda obj: obj["id"], test_mode_only=True),
    Route("POST", "/v1/test_helpers/test_clocks", params={"frozen_time": CLOCK_TIME},
          test_mode_only=True),
    Route("GET", "/v1/test_helpers/test_clocks/{id}", make=new_test_clock,
          show="/v1/test_helpers/test_clocks/{id}", test_mode_only=True),
    # The advance's work (and its `ready` event) runs from a task enqueued on commit.
    Route("POST", "/v1/test_helpers/test_clocks/{id}/advance", make=new_test_clock,
          show="/v1/test_helpers/test_clocks/{id}", params={"frozen_time": CLOCK_TIME + 86400},
          test_mode_only=True),
    Route("DELETE", "/v1/test_helpers/test_clocks/{id}", make=new_test_clock,
          show="/v1/test_helpers/test_clocks/{id}", test_mode_only=True),
    Route("GET", "/v1/products", seed=new_product, made_of=lambda obj: obj["id"],
          filters=({}, {"active": "true"}, {"type": "service"}, {"created": {"gte": 0}})),
    Route("POST", "/v1/products", params={"name": "New", "metadata": {"tier": "x"}}),
    Route("GET", "/v1/products/search", seed=new_product, made_of=lambda obj: obj["id"],
          cursors=False, filters=({"query": "name~'gold'"}, {"query": "active:'true'"},
                                  {"query": "metadata['tier']:'gold'"})),
    Route("GET", "/v1/products/{id}", make=new_product, show="/v1/products/{id}"),
    Route("POST", "/v1/products/{id}", make=new_product, show="/v1/products/{id}",
          params={"name": "Mallory", "active": False, "metadata": {"tier": "x"}}),
    Route("DELETE", "/v1/products/{id}", make=new_product, show="/v1/products/{id}"),
    Route("GET", "/v1/prices", seed=new_price, made_of=lambda obj: obj["id"],
          filters=({}, {"type": "one_time"}, {"currency": "usd"}, {"created": {"gte": 0}})),
    # A product made with it: product.created, then price.created.
    Route("POST", "/v1/prices", emits_event=2,
          params={"currency": "usd", "unit_amount": 1000, "product_data": {"name": "New"}}),
    Route("GET", "/v1/prices/search", seed=new_price, made_of=lambda obj: obj["id"],
          cursors=False, filters=({"query": "active:'true'"}, {"query": "currency:'usd'"},
                                  {"query": "type:'one_time'"})),
    Route("GET", "/v1/prices/{id}", make=new_price, show="/v1/prices/{id}"),
    Route("POST", "/v1/prices/{id}", make=new_price, show="/v1/prices/{id}",
          params={"nickname": "Mallory", "active": False, "metadata": {"tier": "x"}}),
    Route("GET", "/v1/plans", seed=new_plan, made_of=lambda obj: obj["id"],
          filters=({}, {"active": "true"}, {"created": {"gte": 0}})),
    # product.created, price.created and plan.created.
    Route("POST", "/v1/plans", emits_event=3,
          params={"currency": "usd", "amount": 1000, "interval": "month",
                  "product": {"name": "New"}}),
    Route("GET", "/v1/plans/{id}", make=new_plan, show="/v1/plans/{id}"),
    # A plan's change is its price's too: price.updated and plan.updated.
    Route("POST", "/v1/plans/{id}", make=new_plan, show="/v1/plans/{id}", emits_event=2,
          params={"nickname": "Mallory", "active": False, "metadata": {"tier": "x"}}),
    Route("DELETE", "/v1/plans/{id}", make=new_plan, show="/v1/plans/{id}"),
    Route("GET", "/v1/invoiceitems", seed=new_invoice_item, made_of=lambda obj: obj["id"],
          filters=({}, {"pending": "true"}, {"created": {"gte": 0}})),
    Route("POST", "/v1/invoiceitems", params=invoice_item_params),
    Route("GET", "/v1/invoiceitems/{id}", make=new_invoice_item,
          show="/v1/invoiceitems/{id}"),
    Route("POST", "/v1/invoiceitems/{id}", make=new_invoice_item,
          show="/v1/invoiceitems/{id}", params={"amount": 4242, "metadata": {"tier": "x"}}),
    Route("DELETE", "/v1/invoiceitems/{id}", make=new_invoice_item,
          show="/v1/invoiceitems/{id}"),
    Route("GET", "/v1/invoices", seed=new_invoice, made_of=lambda obj: obj["id"],
          filters=({}, {"status": "draft"}, {"created": {"gte": 0}})),
    Route("POST", "/v1/invoices", params=invoice_params),
    Route("GET", "/v1/invoices/{id}", make=new_invoice, show="/v1/invoices/{id}"),
    Route("POST", "/v1/invoices/{id}", make=new_invoice, show="/v1/invoices/{id}",
          params={"description": "hijacked", "metadata": {"tier": "x"}}),
    Route("DELETE", "/v1/invoices/{id}", make=new_invoice, show="/v1/invoices/{id}"),
    Route("GET", "/v1/invoices/{id}/lines", make=new_invoice, show="/v1/invoices/{id}"),
    Route("POST", "/v1/invoices/{id}/finalize", make=new_invoice, show="/v1/invoices/{id}"),
    # invoice.paid and .payment_succeeded; the intent's created and succeeded; the charge's.
    Route("POST", "/v1/invoices/{id}/pay", make=new_payable_invoice, show="/v1/invoices/{id}",
          emits_event=5, needs_processor=True),
    Route("POST", "/v1/invoices/{id}/void", make=new_open_invoice, show="/v1/invoices/{id}"),
    Route("POST", "/v1/invoices/{id}/mark_uncollectible", make=new_open_invoice,
          show="/v1/invoices/{id}"),
    Route("POST", "/v1/invoices/{id}/send", make=new_open_invoice, show="/v1/invoices/{id}"),
    Route("GET", "/v1/subscriptions", seed=new_subscription, made_of=lambda obj: obj["id"],
          filters=({}, {"status": "incomplete"}, {"created": {"gte": 0}})),
    Route("POST", "/v1/subscriptions", params=subscription_params, emits_event=3),
    Route("GET", "/v1/subscriptions/{id}", make=new_subscription,
          show="/v1/subscriptions/{id}"),
    Route("POST", "/v1/subscriptions/{id}", make=new_subscription,
          show="/v1/subscriptions/{id}",
          params={"cancel_at_period_end": True, "metadata": {"tier": "x"}}),
    Route("DELETE", "/v1/subscriptions/{id}", make=new_subscription,
          show="/v1/subscriptions/{id}"),
    Route("GET", "/v1/coupons", seed=new_coupon, made_of=lambda obj: obj["id"],
          filters=({}, {"created": {"gte": 0}})),
    Route("POST", "/v1/coupons", params={"percent_off": 25, "duration": "once"}),
    Route("GET", "/v1/coupons/{id}", make=new_coupon, show="/v1/coupons/{id}"),
    Route("POST", "/v1/coupons/{id}", make=new_coupon, show="/v1/coupons/{id}",
          params={"name": "hijacked", "metadata": {"tier": "x"}}),
    Route("DELETE", "/v1/coupons/{id}", make=new_coupon, show="/v1/coupons/{id}"),
    Route("GET", "/v1/promotion_codes", seed=new_promotion_code,
          made_of=lambda obj: obj["id"], filters=({}, {"active": True})),
    # the caller's own coupon (coupon.created, made by the parameters) and the code's event
    Route("POST", "/v1/promotion_codes", params=own_coupon, emits_event=2),
    Route("GET", "/v1/promotion_codes/{id}", make=new_promotion_code,
          show="/v1/promotion_codes/{id}"),
    Route("POST", "/v1/promotion_codes/{id}", make=new_promotion_code,
          show="/v1/promotion_codes/{id}", params={"active": False}),
    Route("GET", "/v1/subscriptions/search", seed=new_subscription,
          made_of=lambda obj: obj["id"], cursors=False,
          filters=({"query": "status:'incomplete'"}, {"query": "created>0"})),
    # customer.subscription.resumed and .updated, invoice.created and .finalized; the payment's
    # intent created and succeeded, its charge; invoice.paid and .payment_succeeded.
    Route("POST", "/v1/subscriptions/{id}/resume", make=new_paused_subscription,
          show="/v1/subscriptions/{id}", emits_event=9, needs_processor=True),
    Route("GET", "/v1/invoices/search", seed=new_invoice, made_of=lambda obj: obj["id"],
          cursors=False, filters=({"query": "status:'draft'"}, {"query": "total>=0"})),
    Route("POST", "/v1/invoices/create_preview", make=new_trialing_subscription,
          show="/v1/subscriptions/{id}", id_param="subscription", emits_event=0),
    Route("GET", "/v1/invoices/upcoming", make=new_trialing_subscription,
          show="/v1/subscriptions/{id}", id_param="subscription"),
    Route("GET", "/v1/subscription_items", make=new_subscription,
          show="/v1/subscriptions/{id}", id_param="subscription"),
    # customer.subscription.updated (an incomplete subscription: nothing to prorate)
    Route("POST", "/v1/subscription_items", make=new_subscription,
          show="/v1/subscriptions/{id}", id_param="subscription", params=own_monthly_price),
    Route("GET", "/v1/checkout/sessions", seed=new_checkout_session,
          made_of=lambda obj: obj["id"], filters=({}, {"status": "open"})),
    # The session's payment intent: payment_intent.created.
    Route("POST", "/v1/checkout/sessions", params=own_payment, needs_processor=True),
    Route("GET", "/v1/checkout/sessions/{id}", make=new_checkout_session,
          show="/v1/checkout/sessions/{id}"),
    Route("POST", "/v1/checkout/sessions/{id}/expire", make=new_checkout_session,
          show="/v1/checkout/sessions/{id}"),
    Route("GET", "/v1/checkout/sessions/{id}/line_items", make=new_checkout_session,
          show="/v1/checkout/sessions/{id}"),
    Route("GET", "/v1/payment_links", seed=new_payment_link, made_of=lambda obj: obj["id"],
          filters=({}, {"active": True})),
    # The caller's own product and price, then payment_link.created.
    Route("POST", "/v1/payment_links", params=own_line_items, emits_event=3),
    Route("GET", "/v1/payment_links/{id}", make=new_payment_link,
          show="/v1/payment_links/{id}"),
    Route("POST", "/v1/payment_links/{id}", make=new_payment_link,
          show="/v1/payment_links/{id}", params={"active": False, "metadata": {"tier": "x"}}),
    Route("GET", "/v1/billing_portal/configurations", seed=new_portal_configuration,
          made_of=lambda obj: obj["id"]),
    Route("POST", "/v1/billing_portal/configurations", params={"features": PORTAL_FEATURES}),
    Route("GET", "/v1/billing_portal/configurations/{id}", make=new_portal_configuration,
          show="/v1/billing_portal/configurations/{id}"),
    Route("POST", "/v1/billing_portal/configurations/{id}", make=new_portal_configuration,
          show="/v1/billing_portal/configurations/{id}",
          params={"active": False, "metadata": {"tier": "x"}}),
    # The caller's own customer and configuration, then billing_portal.session.created.
    Route("POST", "/v1/billing_portal/sessions", params=own_portal_session_params),
    Route("GET", "/v1/payment_links/{id}/line_items", make=new_payment_link,
          show="/v1/payment_links/{id}"),
    Route("GET", "/v1/subscription_items/{id}", make=new_subscription_item,
          show="/v1/subscription_items/{id}"),
    Route("POST", "/v1/subscription_items/{id}", make=new_subscription_item,
          show="/v1/subscription_items/{id}", params={"quantity": 2}),
    Route("DELETE", "/v1/subscription_items/{id}", make=new_subscription_item,
          show="/v1/subscription_items/{id}"),
]
ID_ROUTES = [r for r in ROUTES if r.make]
SINGLETON_ROUTES = [r for r in ROUTES if r.singleton]
LIST_ROUTES = [r for r in ROUTES if r.made_of]
CURSOR_ROUTES = [r for r in LIST_ROUTES if r.cursors]
POST_ROUTES = [r for r in ROUTES if r.method == "POST"]


def _ids(routes: list[Route]) -> list[str]:
    return [str(r) for r in routes]


def _assert_missing(response, object_id: str, param: str = "id") -> None:
    assert response.status_code == 404, response.content
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    assert error["code"] == "resource_missing"
    assert error["param"] == param
    assert object_id in error["message"]


def _assert_no_processor(response) -> None:
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "livemode_processor_missing"
    assert "id" not in response.json()


def _assert_test_mode_only(response) -> None:
    assert response.status_code == 404, response.content
    error = response.json()["error"]
    assert (error["type"], error["code"]) == ("invalid_request_error", "resource_missing")
    assert "data" not in response.json()
    assert "id" not in response.json()


def _snapshot(route: Route, owner: Api, object_id: str) -> tuple[dict, int]:
    shown = owner.get(with_card(route.show.replace("{id}", object_id), object_id))
    assert shown.status_code == 200, shown.content
    return shown.json(), Event.objects.count()


# -- objects by id -----------------------------------------------------------------------

@pytest.mark.parametrize("route", ID_ROUTES, ids=_ids(ID_ROUTES))
def test_another_merchants_id_is_missing_and_untouched(route, account, other_account):
    # given merchant A's object, and merchant B's key
    owner, intruder = account.api(), other_account.api()
    object_id = route.make(owner)
    before = _snapshot(route, owner, object_id)

    # when B uses A's id
    response = route.call(intruder, object_id)

    # then it does not exist for B, and nothing about it changed
    _assert_missing(response, object_id, route.id_param or "id")
    assert _snapshot(route, owner, object_id) == before


@pytest.mark.parametrize("route", ID_ROUTES, ids=_ids(ID_ROUTES))
@pytest.mark.parametrize(("owner_key", "caller_key"), [
    ("test_secret_key", "live_secret_key"),
    ("live_secret_key", "test_secret_key"),
], ids=["test-object-live-key", "live-object-test-key"])
def test_the_other_modes_id_is_missing_and_untouched(route, owner_key, caller_key, account):
    if route.test_mode_only and owner_key.startswith("live"):
        pytest.skip("no live object to probe: a live key sees none (test mode only)")
    # given a merchant's object in one mode
    owner, other_mode = account.api(owner_key), account.api(caller_key)
    object_id = route.make(owner)
    before = _snapshot(route, owner, object_id)

    # when the same merchant's key for the other mode uses the id
    response = route.call(other_mode, object_id)

    # then it does not exist there (a live key on a processor route is refused before any
    # lookup: the answer is the same whatever the id), and nothing about it changed
    if route.needs_processor and caller_key.startswith("live"):
        _assert_no_processor(response)
    else:
        _assert_missing(response, object_id, route.id_param or "id")
    assert _snapshot(route, owner, object_id) == before


# -- lists -------------------------------------------------------------------------------

@dataclass
class Tenant:
    name: str
    api: Api
    livemode: bool


@pytest.fixture
def tenants(account, other_account) -> list[Tenant]:
    """Three tenants: A test, A live, B test."""
    return [Tenant(name=name, api=owner.api(key), livemode=key.startswith("live"))
            for name, owner, key in (("A test", account, "test_secret_key"),
                                     ("A live", account, "live_secret_key"),
                                     ("B test", other_account, "test_secret_key"))]


def seeded(route: Route, tenants: list[Tenant]) -> dict[str, set[str]]:
    """Two objects of the route's kind made by each tenant: their ids by tenant name."""
    return {tenant.name: {route.seed(tenant.api), route.seed(tenant.api)}
            for tenant in tenants}


@pytest.mark.parametrize("route", LIST_ROUTES, ids=_ids(LIST_ROUTES))
def test_lists_show_only_the_callers_merchant_and_mode(route, tenants):
    # given three tenants whose objects all match the same filters
    made = seeded(route, tenants)
    for tenant in tenants:
        for filters in route.filters:
            # when
            response = tenant.api.get(route.path, {**filters, "limit": 100})

            # then (a test-mode-only list refuses a live key, its live rows unseen)
            if route.test_mode_only and tenant.livemode:
                _assert_test_mode_only(response)
                continue
            assert response.status_code == 200, response.content
            data = response.json()["data"]
            where = (tenant.name, filters)
            assert {route.made_of(obj) for obj in data} == made[tenant.name], where
            if route.listed_livemode:
                assert {obj["livemode"] for obj in data} == {tenant.livemode}, where


@pytest.mark.parametrize("route", SINGLETON_ROUTES, ids=_ids(SINGLETON_ROUTES))
def test_a_singleton_shows_only_the_callers_merchant_and_mode(route, tenants):
    # given three tenants who seed once, twice and three times
    for times, tenant in enumerate(tenants, start=1):
        for _ in range(times):
            route.seed(tenant.api)

    # when each asks; then each sees its own seeds alone
    figures = [route.singleton(_ok(tenant.api.get(route.path))) for tenant in tenants]
    assert figures[0] > 0
    assert figures == [figures[0], 2 * figures[0], 3 * figures[0]]


@pytest.mark.parametrize("route", CURSOR_ROUTES, ids=_ids(CURSOR_ROUTES))
@pytest.mark.parametrize("cursor", ["starting_after", "ending_before"])
@pytest.mark.parametrize("stranger", [1, 2], ids=["other-mode", "other-merchant"])
def test_a_cursor_from_another_tenant_is_refused(route, cursor, stranger, tenants):
    # given an object id that belongs to another tenant
    made = seeded(route, tenants)
    caller, stranger = tenants[0], tenants[stranger]
    foreign = (sorted(made[stranger.name])[0] if route.test_mode_only and stranger.livemode
               else stranger.api.get(route.path, {"limit": 1}).json()["data"][0]["id"])

    # when A pages from it
    response = caller.api.get(route.path, {cursor: foreign})

    # then no page of B's objects comes back
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "resource_missing"
    assert error["param"] == cursor
    assert "data" not in response.json()


def test_a_search_page_from_another_tenant_shows_only_the_callers_objects(tenants):
    # given each tenant's intents, and a next_page token from A's test-mode search
    made = {tenant.name: {new_payment_intent(tenant.api) for _ in range(3)}
            for tenant in tenants}
    owner = tenants[0]
    page = owner.api.get("/v1/payment_intents/search",
                         {"query": "amount>0", "limit": 1}).json()["next_page"]
    assert page

    for tenant in tenants:
        # when each tenant pages with it
        response = tenant.api.get("/v1/payment_intents/search",
                                  {"query": "amount>0", "limit": 100, "page": page})

        # then it only ever sees its own objects
        assert response.status_code == 200, response.content
        assert {obj["id"] for obj in response.json()["data"]} <= made[tenant.name]


# -- idempotency keys --------------------------------------------------------------------

@pytest.mark.parametrize("route", POST_ROUTES, ids=_ids(POST_ROUTES))
@pytest.mark.parametrize("second", ["other merchant", "other mode"])
def test_an_idempotency_key_does_not_replay_across_tenants(route, second, account,
                                                           other_account):
    # given A ran a POST under a key
    first_api = account.api()
    second_api = (other_account.api() if second == "other merchant"
                  else account.api("live_secret_key"))
    first_id = route.make(first_api) if route.make else None
    second_id = route.make(second_api) if route.make else None
    first = route.call(first_api, first_id, headers={"Idempotency-Key": "shared-key-1"})
    assert first.status_code == 200, first.content
    events_before = Event.objects.count()

    # when another tenant sends the same request under the same key
    response = route.call(second_api, second_id, headers={"Idempotency-Key": "shared-key-1"})

    # then it runs as a new request of its own (in live mode, a processor route runs into
    # the missing processor: still its own answer, not the replay of the first)
    if route.test_mode_only and second == "other mode":
        _assert_test_mode_only(response)
        assert "Idempotent-Replayed" not in response.headers
        assert response["Original-Request"] == response["Request-Id"]
        assert Event.objects.count() == events_before
        return
    if route.needs_processor and second == "other mode":
        _assert_no_processor(response)
        assert "Idempotent-Replayed" not in response.headers
        assert response["Original-Request"] == response["Request-Id"]
        assert Event.objects.count() == events_before
        return
    assert response.status_code == 200, response.content
    assert "Idempotent-Replayed" not in response.headers
    assert response["Original-Request"] == response["Request-Id"]
    body = response.json()
    assert body["id"] != first.json()["id"]
    if "livemode" in body:  # (a subscription item has none, as Stripe's)
        assert body["livemode"] is (second == "other mode")
    if second_id is not None and route.id_param is None and not route.answers_with_other:
        assert body["id"] == second_id
    assert Event.objects.count() == events_before + route.emits_event


def test_the_account_is_the_callers_merchant(account, other_account):
    # given two merchants' test keys and the first one's live key
    mine, live = account.api(), account.api("live_secret_key")
    theirs = other_account.api()

    # when each asks for its account
    shown = [_ok(client.get("/v1/account")) for client in (mine, live, theirs)]

    # then a merchant's keys of both modes show its account, and no other merchant's
    assert shown[0]["id"] == shown[1]["id"] != shown[2]["id"]
    assert shown[0]["business_profile"]["name"] == account.merchant.name
    assert shown[2]["business_profile"]["name"] == other_account.merchant.name
    # and live mode takes no payments until a processor is connected
    assert (shown[0]["charges_enabled"], shown[1]["charges_enabled"]) == (True, False)


# -- the guard ---------------------------------------------------------------------------

# /v1 routes that hold no merchant data: the schema and its viewer, and the catch-all 404.
# Not a merchant's: the schema, and the operators' endpoints (no merchant key reaches them:
# tests/api/test_processor_health.py).
NOT_TENANT_ROUTES = {"/v1/openapi.json", "/v1/docs", "/v1/admin/processors/health"}
HTTP_METHODS = ("get", "post", "delete", "put", "patch")


def _walk(patterns, prefix: str = ""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern.callback


def _api_routes() -> set[str]:
    found = set()
    for route, callback in _walk(get_resolver().url_patterns):
        if not route.startswith("v1/") or route.endswith("^.*$"):
            continue
        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
        if path in NOT_TENANT_ROUTES:
            continue
        view_class = getattr(callback, "view_class", None)
        methods = ([m for m in HTTP_METHODS if hasattr(view_class, m)] if view_class
                   else ["any"])
        found.update(f"{method.upper()} {path}" for method in methods)
    return found


def test_every_api_route_is_in_the_tenancy_table():
    # given every (method, path) the URL resolver serves under /v1
    served = _api_routes()

    # then each one is checked above, and the table names nothing that is not served
    assert served, "the resolver walk found no /v1 routes"
    assert served - set(_ids(ROUTES)) == set(), "add these routes to ROUTES"
    assert set(_ids(ROUTES)) - served == set(), "ROUTES names routes that do not exist"
    checked = set(_ids(ID_ROUTES + LIST_ROUTES + POST_ROUTES + SINGLETON_ROUTES))
    checked |= {str(r) for r in ROUTES if r.checked_by and r.checked_by in globals()}
    assert set(_ids(ROUTES)) - checked == set(), "give these rows a make or made_of"
